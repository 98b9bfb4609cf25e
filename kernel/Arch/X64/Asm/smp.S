/*
 * The application processors' way in. A started AP begins in real mode at the page its startup IPI
 * names; Smp.cs copies this trampoline there (AP_TRAMPOLINE, below 1 MiB as real mode requires),
 * with its parameters filled in, and sends INIT-SIPI-SIPI. The trampoline goes through protected
 * mode into long mode on a temporary PML4 (identity map of the first 2 MiB plus the kernel's half),
 * jumps to ap_entry64 in the higher half, which switches to the kernel's own page tables and this
 * CPU's stack and calls ApMain (Smp.cs). The code is position-dependent: it runs only at AP_TRAMPOLINE.
 */
    .set AP_TRAMPOLINE, 0x70000
    .set AP_SEGMENT, AP_TRAMPOLINE >> 4

    .section .rodata
    .balign 16
    .global ap_trampoline_start, ap_trampoline_end, ap_trampoline_params
ap_trampoline_start:
    .code16
    cli
    cld
    movw $AP_SEGMENT, %ax
    movw %ax, %ds
    lgdtl (tramp_gdt_ptr - ap_trampoline_start)
    movl %cr0, %eax
    orl $1, %eax
    movl %eax, %cr0
    ljmpl $0x08, $(AP_TRAMPOLINE + tramp32 - ap_trampoline_start)

    .code32
tramp32:
    movw $0x10, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    movl %cr4, %eax
    orl $((1 << 5) | (1 << 9) | (1 << 10)), %eax   /* PAE, OSFXSR, OSXMMEXCPT */
    movl %eax, %cr4
    movl (AP_TRAMPOLINE + tramp_pml4 - ap_trampoline_start), %eax
    movl %eax, %cr3
    movl $0xC0000080, %ecx           /* EFER: long mode, no-execute (the kernel's tables use NX) */
    rdmsr
    orl $((1 << 8) | (1 << 11)), %eax
    wrmsr
    /* Paging, write-protect, NE, ET, MP, PE; caching on (an AP leaves INIT with CD and NW set). */
    movl $0x80010033, %eax
    movl %eax, %cr0
    ljmp $0x18, $(AP_TRAMPOLINE + tramp64 - ap_trampoline_start)

    .code64
tramp64:
    movw $0x10, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    movq (AP_TRAMPOLINE + tramp_percpu - ap_trampoline_start), %rdi
    movq (AP_TRAMPOLINE + tramp_stack - ap_trampoline_start), %rsp
    movq (AP_TRAMPOLINE + tramp_kernel_cr3 - ap_trampoline_start), %rax
    movq (AP_TRAMPOLINE + tramp_entry - ap_trampoline_start), %rbx
    jmp *%rbx

    .balign 8
tramp_gdt:
    .quad 0
    .quad 0x00CF9A000000FFFF         /* 0x08: 32-bit code */
    .quad 0x00CF92000000FFFF         /* 0x10: data */
    .quad 0x00AF9A000000FFFF         /* 0x18: 64-bit code */
tramp_gdt_ptr:
    .word tramp_gdt_ptr - tramp_gdt - 1
    .long AP_TRAMPOLINE + tramp_gdt - ap_trampoline_start
    /* Filled in by Smp.cs for each AP; the order matches Smp.TrampolineParams. */
    .balign 8
ap_trampoline_params:
tramp_pml4:       .quad 0            /* the temporary PML4 (below 4 GiB) */
tramp_kernel_cr3: .quad 0            /* the kernel's own PML4 */
tramp_stack:      .quad 0            /* this AP's kernel stack top */
tramp_percpu:     .quad 0            /* this AP's PerCpuBlock */
tramp_entry:      .quad ap_entry64
ap_trampoline_end:

    /* In the higher half now, still on the temporary tables: rax = kernel CR3, rdi = the block. */
    .text
ap_entry64:
    movq %rax, %cr3
    xorl %ebp, %ebp
    call ApMain
1:  cli
    hlt
    jmp 1b

/* void arch_ap_trampoline(ulong out[3]): the trampoline's start, end and parameter block. */
    .global arch_ap_trampoline
arch_ap_trampoline:
    leaq ap_trampoline_start(%rip), %rax
    movq %rax, 0(%rdi)
    leaq ap_trampoline_end(%rip), %rax
    movq %rax, 8(%rdi)
    leaq ap_trampoline_params(%rip), %rax
    movq %rax, 16(%rdi)
    ret

    .section .note.GNU-stack, "", @progbits
