/*
 * The few runtime entry points whose register contracts C# cannot honour. Assembled into every
 * image (kernel and user) that links the core library.
 */
    .text
    .macro FUNC name
    .global \name
    .type \name, @function
\name:
    .endm

/* Write barriers: the user collector neither moves objects nor has generations (docs/design/gc.md),
   so a reference store is a plain store. */
FUNC RhpAssignRef
FUNC RhpCheckedAssignRef
    movq %rsi, (%rdi)
    ret
/* *rdi = *rsi; both advance by 8 (rcx trashed, as the contract allows). */
FUNC RhpByRefAssignRef
    movq (%rsi), %rcx
    movq %rcx, (%rdi)
    addq $8, %rdi
    addq $8, %rsi
    ret

/* throw: vireo_throw(exception, return address into the thrower, the thrower's frame pointer). */
FUNC RhpThrowEx
    movq (%rsp), %rsi
    movq %rbp, %rdx
    jmp vireo_throw

/* byte* vireo_image_symbols(byte** end): this image's symbol table (.ksyms, filled in by the second link). */
FUNC vireo_image_symbols
    leaq _ksyms_end(%rip), %rax
    movq %rax, (%rdi)
    leaq _ksyms_start(%rip), %rax
    ret

/* Touch each page between rsp and r11 (the new frame's bottom) so a guard page is hit in order. */
FUNC RhpStackProbe
    pushq %rax
    movq %rsp, %rax
    andq $-4096, %rax
1:  subq $4096, %rax
    cmpq %r11, %rax
    jb 2f
    testq %rax, (%rax)
    jmp 1b
2:  testq %rax, (%r11)              /* the page holding the frame bottom */
    popq %rax
    ret

/* void vireo_memzero(void* p, nuint bytes): rep stos, eight bytes at a time then the tail. */
FUNC vireo_memzero
    movq %rsi, %rcx
    shrq $3, %rcx
    xorl %eax, %eax
    rep stosq
    movq %rsi, %rcx
    andq $7, %rcx
    rep stosb
    ret

/* void vireo_memcopy_forward(void* dst, void* src, nuint bytes): safe unless dst overlaps src from above. */
FUNC vireo_memcopy_forward
    movq %rdx, %rcx
    shrq $3, %rcx
    rep movsq
    movq %rdx, %rcx
    andq $7, %rcx
    rep movsb
    ret

/* int vireo_bsf64(ulong v), int vireo_bsr64(ulong v): the bit scans x86-64 has always had (v != 0). */
FUNC vireo_bsf64
    bsfq %rdi, %rax
    ret
FUNC vireo_bsr64
    bsrq %rdi, %rax
    ret

/*
 * Interface dispatch (Internal/Runtime/InterfaceDispatch.cs says how cells work). On entry r11 holds
 * the call site's cell and the call's arguments are in place (rdi = the receiver): save every
 * argument register, ask vireo_interface_resolve(receiver, cell) for the target, restore, jump.
 */
FUNC RhpInitialDynamicInterfaceDispatch
    pushq %rbp
    movq %rsp, %rbp
    pushq %rdi
    pushq %rsi
    pushq %rdx
    pushq %rcx
    pushq %r8
    pushq %r9
    subq $128, %rsp
    movdqu %xmm0, 0(%rsp)
    movdqu %xmm1, 16(%rsp)
    movdqu %xmm2, 32(%rsp)
    movdqu %xmm3, 48(%rsp)
    movdqu %xmm4, 64(%rsp)
    movdqu %xmm5, 80(%rsp)
    movdqu %xmm6, 96(%rsp)
    movdqu %xmm7, 112(%rsp)
    movq %r11, %rsi
    call vireo_interface_resolve
    movdqu 0(%rsp), %xmm0
    movdqu 16(%rsp), %xmm1
    movdqu 32(%rsp), %xmm2
    movdqu 48(%rsp), %xmm3
    movdqu 64(%rsp), %xmm4
    movdqu 80(%rsp), %xmm5
    movdqu 96(%rsp), %xmm6
    movdqu 112(%rsp), %xmm7
    addq $128, %rsp
    popq %r9
    popq %r8
    popq %rcx
    popq %rdx
    popq %rsi
    popq %rdi
    popq %rbp
    jmp *%rax

/* A resolved cell: its cache word points at a chain of entries {type, target, ..., next at 32};
 * the receiver's type found there goes straight to its target, else to the resolver. */
FUNC vireo_interface_dispatch_cached
    movq 8(%r11), %r10
    movq (%rdi), %rax
1:  cmpq (%r10), %rax
    je 2f
    movq 32(%r10), %r10
    testq %r10, %r10
    jnz 1b
    jmp RhpInitialDynamicInterfaceDispatch
2:  jmp *8(%r10)

/* void vireo_interface_dispatch_publish(cell, entry): the cache word first, then the stub, so a
 * thread that sees the new stub sees its entry (x86 keeps stores in order). */
FUNC vireo_interface_dispatch_publish
    movq %rsi, 8(%rdi)
    leaq vireo_interface_dispatch_cached(%rip), %rax
    movq %rax, (%rdi)
    ret

/* void* vireo_compare_exchange_pointer(void** p, void* value, void* comparand): returns what was there. */
FUNC vireo_compare_exchange_pointer
    movq %rdx, %rax
    lock cmpxchgq %rsi, (%rdi)
    ret

/* int vireo_atomic_add32(int* p, int value): adds, returns the value before. */
FUNC vireo_atomic_add32
    movl %esi, %eax
    lock xaddl %eax, (%rdi)
    ret

/*
 * Floating point for System.Math. SSE2 has only the square root; the rest use the x87 unit, which
 * every x86-64 has and whose 64-bit mantissa keeps these results within about an ulp of the
 * correctly rounded double. Arguments and results travel in xmm0/xmm1 (SysV), so each routine moves
 * them through a stack slot (below rsp is not safe: the kernel has no red zone).
 */
FUNC vireo_sqrt
    sqrtsd %xmm0, %xmm0
    ret

    .macro X87_IN1
    subq $16, %rsp
    movsd %xmm0, (%rsp)
    .endm
/* Two arguments: xmm0 at (%rsp), xmm1 at 8(%rsp). */
    .macro X87_IN2
    X87_IN1
    movsd %xmm1, 8(%rsp)
    .endm
    .macro X87_OUT
    fstpl (%rsp)
    movsd (%rsp), %xmm0
    addq $16, %rsp
    ret
    .endm

/* 2^t for finite t: 2^(t - round t) by f2xm1, scaled by 2^(round t). */
FUNC vireo_exp2
    X87_IN1
    fldl (%rsp)
    fld %st(0)
    frndint                         /* n, t */
    fxch %st(1)                     /* t, n */
    fsub %st(1), %st                /* t - n, n */
    f2xm1
    fld1
    faddp                           /* 2^(t-n), n */
    fscale
    fstp %st(1)
    X87_OUT

/* ln x, log2 x, log10 x for x > 0: fyl2x computes st1 * log2(st0). */
FUNC vireo_log
    X87_IN1
    fldln2
    fldl (%rsp)
    fyl2x
    X87_OUT
FUNC vireo_log2
    X87_IN1
    fld1
    fldl (%rsp)
    fyl2x
    X87_OUT
FUNC vireo_log10
    X87_IN1
    fldlg2
    fldl (%rsp)
    fyl2x
    X87_OUT

/* y * log2 x (x in xmm0, y in xmm1), kept in extended precision until the end: the exponent Pow needs. */
FUNC vireo_ylog2x
    X87_IN2
    fldl 8(%rsp)
    fldl (%rsp)
    fyl2x
    X87_OUT

FUNC vireo_sin
    X87_IN1
    fldl (%rsp)
    fsin
    X87_OUT
FUNC vireo_cos
    X87_IN1
    fldl (%rsp)
    fcos
    X87_OUT
FUNC vireo_tan
    X87_IN1
    fldl (%rsp)
    fptan
    fstp %st(0)                     /* fptan pushes 1.0 after the result */
    X87_OUT
/* atan2(y = xmm0, x = xmm1): fpatan computes atan(st1 / st0) in the right quadrant. */
FUNC vireo_atan2
    X87_IN2
    fldl (%rsp)
    fldl 8(%rsp)
    fpatan
    X87_OUT

/* fmod(x = xmm0, y = xmm1): ilc calls it for double %. fprem repeats until the reduction is complete. */
FUNC fmod
    X87_IN2
    fldl 8(%rsp)
    fldl (%rsp)
1:  fprem
    fnstsw %ax
    testw $0x400, %ax
    jnz 1b
    fstp %st(1)
    X87_OUT

    .data
    .balign 8
    .global __security_cookie
__security_cookie:
    .quad 0x2B992DDFA232A5E1

    .section .note.GNU-stack, "", @progbits
