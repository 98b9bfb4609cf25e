/*
 * Interrupt and exception entry. Every vector gets a stub that pushes a uniform frame
 * (a zero error code where the CPU pushes none, then the vector number) and jumps to one common
 * path, which saves the general registers and the SSE state (compiled C# uses xmm registers
 * freely) and calls the C# dispatcher with a pointer to the frame. The frame layout is mirrored by
 * Vireo.Kernel.Arch.X64.InterruptFrame; a host test pins its offsets.
 */
    .text
    .macro STUB vec
    .balign 16
isr_\vec:
    .if (\vec == 8) || (\vec == 10) || (\vec == 11) || (\vec == 12) || (\vec == 13) || (\vec == 14) || (\vec == 17) || (\vec == 21) || (\vec == 29) || (\vec == 30)
    .else
    pushq $0
    .endif
    pushq $\vec
    jmp interrupt_common
    .endm

    .altmacro
    .set vec, 0
    .rept 256
    STUB %vec
    .set vec, vec + 1
    .endr

interrupt_common:
    pushq %rax
    pushq %rbx
    pushq %rcx
    pushq %rdx
    pushq %rsi
    pushq %rdi
    pushq %rbp
    pushq %r8
    pushq %r9
    pushq %r10
    pushq %r11
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    movq %rsp, %rdi
    subq $512, %rsp
    fxsave64 (%rsp)
    /* A frame record linking to the interrupted code, so backtraces continue through it. */
    pushq 17*8(%rdi)                 /* interrupted rip */
    pushq 8*8(%rdi)                  /* interrupted rbp */
    movq %rsp, %rbp
    call InterruptDispatch
    addq $16, %rsp
    fxrstor64 (%rsp)
    addq $512, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %r11
    popq %r10
    popq %r9
    popq %r8
    popq %rbp
    popq %rdi
    popq %rsi
    popq %rdx
    popq %rcx
    popq %rbx
    popq %rax
    addq $16, %rsp
    iretq

    /* Table of stub addresses, read by the C# IDT builder. */
    .section .rodata
    .balign 8
    .global isr_table
isr_table:
    .set vec, 0
    .macro ENTRY vec
    .quad isr_\vec
    .endm
    .rept 256
    ENTRY %vec
    .set vec, vec + 1
    .endr

    .section .note.GNU-stack, "", @progbits
