/*
 * linux-fault: a static Linux x86_64 program for the personality's tests, assembled and linked with
 * binutils at build time (./vireo, make_linux_tests), since BusyBox cannot be made to fault. It makes a
 * syscall Linux does not have, which must come back -ENOSYS (-38) and not stop it; says so through
 * write(1, ...); then writes to address 0, which must kill it with SIGSEGV while the personality reports
 * the fault and keeps running.
 */
    .text
    .globl _start
_start:
    movl $500, %eax                 /* no such syscall on x86_64 */
    syscall
    cmpq $-38, %rax
    jne fault
    movl $1, %eax                   /* write(1, message, length) */
    movl $1, %edi
    leaq message(%rip), %rsi
    movl $message_length, %edx
    syscall
fault:
    movq $0, 0                      /* a null write: SIGSEGV */
    ud2

    .section .rodata
message:
    .ascii "enosys ok\n"
    .set message_length, . - message

    .section .note.GNU-stack, "", @progbits
