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

    .data
    .balign 8
    .global __security_cookie
__security_cookie:
    .quad 0x2B992DDFA232A5E1

    .section .note.GNU-stack, "", @progbits
