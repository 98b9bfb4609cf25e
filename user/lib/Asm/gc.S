/*
 * The collector's view of the running thread: its callee-saved registers (which may hold the only
 * reference to an object a caller is using) stored where the stack scan will see them.
 */
    .text
    .global vireo_gc_spill
    .type vireo_gc_spill, @function
/* ulong vireo_gc_spill(ulong* six): rbx, rbp, r12-r15 into six[0..5]; returns rsp at the call. */
vireo_gc_spill:
    movq %rbx, 0(%rdi)
    movq %rbp, 8(%rdi)
    movq %r12, 16(%rdi)
    movq %r13, 24(%rdi)
    movq %r14, 32(%rdi)
    movq %r15, 40(%rdi)
    leaq 8(%rsp), %rax
    ret
    .section .note.GNU-stack, "", @progbits
