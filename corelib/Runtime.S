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

    .data
    .balign 8
    .global __security_cookie
__security_cookie:
    .quad 0x2B992DDFA232A5E1

    .section .note.GNU-stack, "", @progbits
