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

/* Write barriers: there is no collector, so a reference store is a plain store. */
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

    .data
    .balign 8
    .global __security_cookie
__security_cookie:
    .quad 0x2B992DDFA232A5E1

    .section .note.GNU-stack, "", @progbits
