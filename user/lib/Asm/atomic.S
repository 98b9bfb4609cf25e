/* The one atomic user space needs: exchange with memory (XCHG with a memory operand is locked by the
 * CPU), the lock of rings shared between processes (Schemes/PipeRing.cs). */
    .text
    .global vireo_xchg32
    .type vireo_xchg32, @function
/* int vireo_xchg32(int* p, int value): stores value, returns what was there */
vireo_xchg32:
    movl %esi, %eax
    xchgl %eax, (%rdi)
    ret
    .section .note.GNU-stack, "", @progbits
