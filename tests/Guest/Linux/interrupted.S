/*
 * interrupted [ignore]: a helper of the `linux-tty` shell session (not a TEST program; in assembly, as
 * a static glibc program would add most of a megabyte to the test initfs). It waits half a second (the
 * shell names `linux` the console's foreground once it has started it), prints a prompt-like cue so
 * that the session types Ctrl-C, then waits: without an argument it is ended by the SIGINT the
 * personality sends (status 130); with an argument it has SIGINT ignored (rt_sigaction SIG_IGN), so it
 * prints `survived` after 3 s and exits 0, which it could not do had the shell killed it instead.
 */
    .text
    .globl _start
_start:
    movq (%rsp), %r12               /* argc: more than 1 means "ignore" */
    cmpq $1, %r12
    jle wait_half
    movl $13, %eax                  /* rt_sigaction(SIGINT, &ignore, NULL, 8) */
    movl $2, %edi
    leaq ignore_action(%rip), %rsi
    xorl %edx, %edx
    movl $8, %r10d
    syscall
wait_half:
    movl $35, %eax                  /* nanosleep(&half, NULL) */
    leaq half(%rip), %rdi
    xorl %esi, %esi
    syscall
    movl $1, %eax                   /* write(1, cue, length) */
    movl $1, %edi
    leaq cue(%rip), %rsi
    movl $cue_length, %edx
    syscall
    movl $35, %eax                  /* nanosleep(ignore ? &three : &hundred, NULL) */
    leaq hundred(%rip), %rdi
    leaq three(%rip), %rax
    cmpq $1, %r12
    cmovg %rax, %rdi
    movl $35, %eax
    xorl %esi, %esi
    syscall
    cmpq $1, %r12
    jle done
    movl $1, %eax                   /* write(1, "survived\n", 9) */
    movl $1, %edi
    leaq survived(%rip), %rsi
    movl $survived_length, %edx
    syscall
done:
    movl $231, %eax                 /* exit_group(0) */
    xorl %edi, %edi
    syscall

    .section .rodata
    .balign 8
ignore_action:                      /* struct kernel_sigaction: handler SIG_IGN, flags, restorer, mask */
    .quad 1, 0, 0, 0
half:
    .quad 0, 500000000
three:
    .quad 3, 0
hundred:
    .quad 100, 0
cue:
    .ascii "vireo$ \n"
    .set cue_length, . - cue
survived:
    .ascii "survived\n"
    .set survived_length, . - survived

    .section .note.GNU-stack, "", @progbits
