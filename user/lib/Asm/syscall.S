/*
 * Syscall stubs: the C# side calls vireo_syscallN(number, args...) with the SysV convention;
 * the kernel expects the number in rax and arguments in rdi, rsi, rdx, r10, r8, r9, and returns
 * the status in rax and results in rdx and r8, which the stubs store through the result pointer.
 * SYSCALL clobbers rcx and r11.
 */
    .text
    .macro FUNC name
    .global \name
    .type \name, @function
\name:
    .endm

/* long vireo_syscall(ulong n, ulong a0, ulong a1, ulong a2, ulong a3, ulong a4, ulong a5 (stack), ulong* results (stack)) */
FUNC vireo_syscall
    movq %rdi, %rax
    movq %rsi, %rdi
    movq %rdx, %rsi
    movq %rcx, %rdx
    movq %r8, %r10
    movq %r9, %r8
    movq 8(%rsp), %r9
    syscall
    movq 16(%rsp), %rcx
    testq %rcx, %rcx
    jz 1f
    movq %rdx, (%rcx)
    movq %r8, 8(%rcx)
1:  ret

/* long vireo_syscall0(ulong n): the no-argument fast case (yield, time). */
FUNC vireo_syscall0
    movq %rdi, %rax
    syscall
    ret

/* long vireo_syscall2(ulong n, ulong a0, ulong a1): two arguments, no results (signal, unmap, ...). */
FUNC vireo_syscall2
    movq %rdi, %rax
    movq %rsi, %rdi
    movq %rdx, %rsi
    syscall
    ret

/* long vireo_syscall1r(ulong n, ulong a0, ulong* result): one argument, one result (wait, poll). */
FUNC vireo_syscall1r
    pushq %rdx                      /* SYSCALL takes rcx and r11; the kernel may write rdi, rsi */
    movq %rdi, %rax
    movq %rsi, %rdi
    syscall
    popq %rcx
    movq %rdx, (%rcx)
    ret

/* long vireo_ipc(ulong number, ulong cap, ulong info, ulong* words, ulong* badgeAndInfo):
   words[0..3] travel in rdx, r10, r8, r9 both ways; on return badgeAndInfo gets rdi, rsi. */
FUNC vireo_ipc
    pushq %rbx
    pushq %r12
    movq %rdi, %rax
    movq %rsi, %rdi
    movq %rdx, %rsi
    movq %rcx, %rbx
    movq %r8, %r12
    movq 0(%rbx), %rdx
    movq 8(%rbx), %r10
    movq 16(%rbx), %r8
    movq 24(%rbx), %r9
    syscall
    movq %rdx, 0(%rbx)
    movq %r10, 8(%rbx)
    movq %r8, 16(%rbx)
    movq %r9, 24(%rbx)
    testq %r12, %r12
    jz 1f
    movq %rdi, 0(%r12)
    movq %rsi, 8(%r12)
1:  popq %r12
    popq %rbx
    ret

/* A new thread in an existing process starts here: rdi = function, rsi = its argument.
   The function's return value is the thread's exit code. */
FUNC vireo_thread_start
    andq $-16, %rsp
    movq %rdi, %rax
    movq %rsi, %rdi
    call *%rax
    movq %rax, %rdi
    movq $2, %rax          /* Syscall.Exit */
    syscall
    ud2

FUNC vireo_thread_start_address
    leaq vireo_thread_start(%rip), %rax
    ret

FUNC vireo_rdtsc
    rdtsc
    shlq $32, %rdx
    orq %rdx, %rax
    ret

/* Deliberate faults for tests. */
FUNC vireo_ud2
    ud2
    ret

    .section .note.GNU-stack, "", @progbits
