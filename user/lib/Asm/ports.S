/* Port I/O for user-space drivers: allowed only on ports opened with IoPortsBind (else #GP). */
    .text
    .global vireo_inb, vireo_outb
vireo_inb:
    movw %di, %dx
    xorl %eax, %eax
    inb %dx, %al
    ret
vireo_outb:
    movl %esi, %eax
    movw %di, %dx
    outb %al, %dx
    ret
    .section .note.GNU-stack, "", @progbits
