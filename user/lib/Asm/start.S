/*
 * Process entry. The creator sets rsp to a 16-byte aligned stack and passes two words in rdi and
 * rsi (see ThreadConfig); the C# runtime takes it from there.
 */
    .text
    .global _start
_start:
    xorl %ebp, %ebp
    andq $-16, %rsp
    call __vireo_start
    ud2

    /* void* user_modules(void*** end): bounds of this image's module headers. */
    .global user_modules
user_modules:
    leaq __modules_end(%rip), %rax
    movq %rax, (%rdi)
    leaq __modules_start(%rip), %rax
    ret

    .section .note.GNU-stack, "", @progbits
