/* The atomics user space needs: exchange with memory (XCHG with a memory operand is locked by the
 * CPU), and compare-and-exchange for the lock of rings shared between processes
 * (Schemes/PipeRing.cs), which records its holder and so must not be written by a thread that
 * finds it taken. */
    .text
    .global vireo_xchg32
    .type vireo_xchg32, @function
/* int vireo_xchg32(int* p, int value): stores value, returns what was there */
vireo_xchg32:
    movl %esi, %eax
    xchgl %eax, (%rdi)
    ret

    .global vireo_cmpxchg32
    .type vireo_cmpxchg32, @function
/* int vireo_cmpxchg32(int* p, int expected, int value): stores value if *p == expected; returns what was there */
vireo_cmpxchg32:
    movl %esi, %eax
    lock cmpxchgl %edx, (%rdi)
    ret
    .section .note.GNU-stack, "", @progbits
