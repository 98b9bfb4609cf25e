/*
 * Instructions C# cannot express. Each is a leaf function with the SysV calling convention,
 * imported by Vireo.Kernel.Arch.X64.Cpu.
 */
    .text
    .macro FUNC name
    .global \name
    .type \name, @function
\name:
    .endm

FUNC cpu_outb
    movl %esi, %eax
    movw %di, %dx
    outb %al, %dx
    ret
FUNC cpu_outw
    movl %esi, %eax
    movw %di, %dx
    outw %ax, %dx
    ret
FUNC cpu_outl
    movl %esi, %eax
    movw %di, %dx
    outl %eax, %dx
    ret
FUNC cpu_inb
    movw %di, %dx
    xorl %eax, %eax
    inb %dx, %al
    ret
FUNC cpu_inw
    movw %di, %dx
    xorl %eax, %eax
    inw %dx, %ax
    ret
FUNC cpu_inl
    movw %di, %dx
    inl %dx, %eax
    ret
FUNC cpu_read_cr0
    movq %cr0, %rax
    ret
FUNC cpu_read_cr2
    movq %cr2, %rax
    ret
FUNC cpu_read_cr3
    movq %cr3, %rax
    ret
FUNC cpu_read_cr4
    movq %cr4, %rax
    ret
FUNC cpu_write_cr0
    movq %rdi, %cr0
    ret
FUNC cpu_write_cr4
    movq %rdi, %cr4
    ret
FUNC cpu_rdmsr
    movl %edi, %ecx
    rdmsr
    shlq $32, %rdx
    orq %rdx, %rax
    ret
FUNC cpu_wrmsr
    movl %edi, %ecx
    movl %esi, %eax
    movq %rsi, %rdx
    shrq $32, %rdx
    wrmsr
    ret
/* void cpu_cpuid(uint leaf, uint subleaf, uint* out4) */
FUNC cpu_cpuid
    pushq %rbx
    movq %rdx, %r8
    movl %edi, %eax
    movl %esi, %ecx
    cpuid
    movl %eax, 0(%r8)
    movl %ebx, 4(%r8)
    movl %ecx, 8(%r8)
    movl %edx, 12(%r8)
    popq %rbx
    ret
FUNC cpu_rdtsc
    rdtsc
    shlq $32, %rdx
    orq %rdx, %rax
    ret
FUNC cpu_lidt
    lidt (%rdi)
    ret
/* void cpu_lgdt(void* ptr, ushort codeSelector, ushort dataSelector): load and reload segments. */
FUNC cpu_lgdt
    lgdt (%rdi)
    movw %dx, %ds
    movw %dx, %es
    movw %dx, %ss
    xorl %eax, %eax
    movw %ax, %fs
    movw %ax, %gs
    popq %rax
    pushq %rsi
    pushq %rax
    lretq
FUNC cpu_ltr
    ltr %di
    ret
FUNC cpu_hlt
    hlt
    ret
FUNC cpu_sti
    sti
    ret
FUNC cpu_cli
    cli
    ret
/* Enable interrupts and halt in one step, so a wake-up interrupt cannot slip in between. */
FUNC cpu_sti_hlt
    sti
    hlt
    ret
FUNC cpu_pause
    pause
    ret
FUNC cpu_invlpg
    invlpg (%rdi)
    ret
FUNC cpu_fxsave
    fxsave64 (%rdi)
    ret
FUNC cpu_read_rflags
    pushfq
    popq %rax
    ret
FUNC cpu_read_rbp
    movq %rbp, %rax
    ret
FUNC cpu_read_rsp
    leaq 8(%rsp), %rax
    ret
/* uint cpu_fetch_add32(uint* p, uint v): atomic, a full barrier (lock prefix). */
FUNC cpu_fetch_add32
    movl %esi, %eax
    lock xaddl %eax, (%rdi)
    ret
/* uint cpu_load32(uint* p): a load the compiler cannot hoist out of a loop (each call reads memory). */
FUNC cpu_load32
    movl (%rdi), %eax
    ret
/* void cpu_store32(uint* p, uint v): a release store (x86 keeps earlier stores before it). */
FUNC cpu_store32
    movl %esi, (%rdi)
    ret
FUNC cpu_ud2
    ud2
    ret
FUNC cpu_int3
    int3
    ret

    .text
FUNC arch_syscall_entry_address
    leaq syscall_entry(%rip), %rax
    ret
/* noreturn: leave the kernel into the current thread. */
FUNC arch_return_to_user
    jmp return_to_user

    .section .note.GNU-stack, "", @progbits
