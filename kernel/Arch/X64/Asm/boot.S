/*
 * Boot entry. Both loaders enter here in 32-bit protected mode with paging off:
 *   Multiboot1 (QEMU -kernel): eax = 0x2BADB002, ebx = info. The "a.out kludge" address fields
 *     make QEMU load the flat image without reading ELF headers (it refuses ELF64).
 *   Multiboot2 (GRUB):         eax = 0x36D76289, ebx = info. Address and entry tags, same image.
 * We build throw-away page tables (identity and direct map of the first 4 GiB, and the -2 GiB kernel
 * window over the first 1 GiB, all with 2 MiB pages), enter long mode and call kmain(magic, info) in the higher half. The C# kernel then builds
 * the real page tables with 4 KiB granularity and W^X, and drops the identity map.
 */
    .set KERNEL_VMA, 0xFFFFFFFF80000000

    .section .multiboot, "a"
    .balign 8
mb2_header:
    .long 0xE85250D6                 /* magic */
    .long 0                          /* i386 protected mode */
    .long mb2_header_end - mb2_header
    .long -(0xE85250D6 + 0 + (mb2_header_end - mb2_header))
    .balign 8
    .word 2, 0                       /* address tag */
    .long 24
    .long mb2_header                 /* header_addr */
    .long _kernel_phys_start         /* load_addr */
    .long _load_end_phys             /* load_end_addr */
    .long _bss_end_phys              /* bss_end_addr */
    .balign 8
    .word 3, 0                       /* entry address tag */
    .long 12
    .long _start32
    .balign 8
    .word 0, 0                       /* end tag */
    .long 8
mb2_header_end:

    .balign 4
mb1_header:
    .long 0x1BADB002
    .long 0x00010003                 /* page-align modules, memory info, address fields valid */
    .long -(0x1BADB002 + 0x00010003)
    .long mb1_header
    .long _kernel_phys_start
    .long _load_end_phys
    .long _bss_end_phys
    .long _start32

    .section .boot.text, "ax"
    .code32
    .global _start32
_start32:
    cli
    cld
    movl %eax, (boot_magic - KERNEL_VMA)
    movl %ebx, (boot_info - KERNEL_VMA)
    movl $(boot_stack_top - KERNEL_VMA), %esp

    /* Zero the boot page tables (PML4, PDPT, 4 PDs). */
    movl $(boot_pml4 - KERNEL_VMA), %edi
    xorl %eax, %eax
    movl $(6 * 4096 / 4), %ecx
    rep stosl

    /* PML4[0] (identity), PML4[256] (direct map) and PML4[511] (kernel) share one PDPT:
       PDPT[0..3] map the first 4 GiB with 2 MiB pages, PDPT[510] maps -2 GiB to physical 0. */
    movl $((boot_pdpt - KERNEL_VMA) + 3), %eax
    movl %eax, (boot_pml4 - KERNEL_VMA)
    movl %eax, (boot_pml4 - KERNEL_VMA) + 256 * 8
    movl %eax, (boot_pml4 - KERNEL_VMA) + 511 * 8
    movl $((boot_pd - KERNEL_VMA) + 3), %eax
    movl %eax, (boot_pdpt - KERNEL_VMA)
    movl %eax, (boot_pdpt - KERNEL_VMA) + 510 * 8
    addl $4096, %eax
    movl %eax, (boot_pdpt - KERNEL_VMA) + 8
    addl $4096, %eax
    movl %eax, (boot_pdpt - KERNEL_VMA) + 16
    addl $4096, %eax
    movl %eax, (boot_pdpt - KERNEL_VMA) + 24
    /* 2048 PD entries: physical 0..4 GiB; the high half of each entry stays 0 (below 4 GiB). */
    movl $(boot_pd - KERNEL_VMA), %edi
    movl $0x83, %eax                 /* present, writable, 2 MiB */
    movl $2048, %ecx
1:  movl %eax, (%edi)
    addl $0x200000, %eax
    addl $8, %edi
    loop 1b

    movl $(boot_pml4 - KERNEL_VMA), %eax
    movl %eax, %cr3
    movl %cr4, %eax
    orl $((1 << 5) | (1 << 9) | (1 << 10)), %eax   /* PAE, OSFXSR, OSXMMEXCPT */
    movl %eax, %cr4
    movl $0xC0000080, %ecx           /* EFER: long mode, no-execute */
    rdmsr
    orl $((1 << 8) | (1 << 11)), %eax
    wrmsr
    movl %cr0, %eax
    andl $~(1 << 2), %eax            /* EM off: compiled C# uses SSE */
    orl $((1 << 31) | (1 << 16) | (1 << 1)), %eax  /* paging, write-protect, MP */
    movl %eax, %cr0

    lgdt boot_gdt_ptr
    ljmp $0x08, $long_mode_low

    .code64
long_mode_low:
    movw $0x10, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    xorw %ax, %ax
    movw %ax, %fs
    movw %ax, %gs
    movabsq $long_mode_high, %rax
    jmp *%rax

    .section .boot.data, "aw"
    .balign 16
boot_gdt:
    .quad 0
    .quad 0x00AF9A000000FFFF         /* 0x08: 64-bit code */
    .quad 0x00CF92000000FFFF         /* 0x10: data */
boot_gdt_end:
boot_gdt_ptr:
    .word boot_gdt_end - boot_gdt - 1
    .long boot_gdt

    .text
long_mode_high:
    movabsq $boot_stack_top, %rsp
    xorl %ebp, %ebp
    movl boot_magic(%rip), %edi
    movl boot_info(%rip), %esi
    call kmain
2:  cli
    hlt
    jmp 2b

    .bss
    .balign 4096
    .global boot_pml4
boot_pml4:  .skip 4096
boot_pdpt:  .skip 4096
boot_pd:    .skip 4 * 4096
boot_magic: .long 0
boot_info:  .long 0
    /* The boot stack, with an unmapped guard page below it once the kernel tables are live. */
    .balign 4096
    .global boot_stack_guard, boot_stack_bottom, boot_stack_top
boot_stack_guard:  .skip 4096
boot_stack_bottom: .skip 65536
boot_stack_top:

    /* Stacks for the IST: double fault, NMI and machine check run on their own stacks so a
       kernel stack overflow still reaches a handler. Each has an unmapped guard page below it. */
    .balign 4096
ist_df_guard:  .skip 4096
ist_df_bottom: .skip 16384
ist_df_top:
ist_nmi_guard: .skip 4096
ist_nmi_bottom: .skip 16384
ist_nmi_top:
ist_mc_guard:  .skip 4096
ist_mc_bottom: .skip 16384
ist_mc_top:
    /* The boot-time arena for the kernel's own managed objects (see Internal.Runtime.Heap). */
    .balign 4096
kernel_arena:  .skip 0x100000
kernel_arena_end:

    /* void kernel_layout(KernelLayout* out): the addresses only the linker knows. The order
       matches Vireo.Kernel.Arch.X64.KernelLayout field by field. */
    .text
    .global kernel_layout
kernel_layout:
    leaq layout_table(%rip), %rsi
    movl $(layout_table_end - layout_table) / 8, %ecx
    rep movsq
    ret

    .section .rodata
    .balign 8
layout_table:
    .quad KERNEL_VMA
    .quad _kernel_phys_start
    .quad _text_start, _text_end
    .quad _rodata_start, _rodata_end
    .quad _data_start, _load_end
    .quad _bss_start, _bss_end
    .quad _ksyms_start, _ksyms_end
    .quad __modules_start, __modules_end
    .quad isr_table
    .quad kernel_arena, kernel_arena_end
    .quad boot_stack_guard, boot_stack_top
    .quad ist_df_guard, ist_df_top
    .quad ist_nmi_guard, ist_nmi_top
    .quad ist_mc_guard, ist_mc_top
    .quad boot_pml4
layout_table_end:

    .section .note.GNU-stack, "", @progbits
