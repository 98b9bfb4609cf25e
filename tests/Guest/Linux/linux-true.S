/*
 * linux-true: the smallest static Linux x86_64 program, exit(0) and nothing else (assembled by ./vireo,
 * make_linux_tests): what linuxbench's linux_fork_exec_wait execs, as Linux's figure for fork + exec +
 * wait was measured with a tiny static program, without a C library's start-up.
 */
    .text
    .globl _start
_start:
    movl $60, %eax                  /* exit(0) */
    xorl %edi, %edi
    syscall
