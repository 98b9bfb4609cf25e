/* Port I/O for user-space drivers: allowed only on ports opened with IoPortsBind (else #GP). */
    .text
    .global vireo_inb, vireo_outb, vireo_inl, vireo_outl
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
vireo_inl:
    movw %di, %dx
    inl %dx, %eax
    ret
vireo_outl:
    movl %esi, %eax
    movw %di, %dx
    outl %eax, %dx
    ret
    .section .note.GNU-stack, "", @progbits
