/* The atomics user space needs: exchange with memory (XCHG with a memory operand is locked by the
 * CPU), compare-and-exchange for the lock of rings shared between processes
 * (Schemes/PipeRing.cs), which records its holder and so must not be written by a thread that
 * finds it taken, and a bounded wait for such a lock's holder on another CPU. */
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

    .global vireo_spin_until
    .type vireo_spin_until, @function
/* int vireo_spin_until(int* p, int value, int rounds): waits (pause) until *p == value, for at most
   `rounds` reads; returns the last value read. For a lock whose holder runs on another CPU. */
vireo_spin_until:
1:  movl (%rdi), %eax
    cmpl %esi, %eax
    je 2f
    pause
    decl %edx
    jnz 1b
2:  ret
    .section .note.GNU-stack, "", @progbits
