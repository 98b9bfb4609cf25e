/*
 * Interrupt and exception entry. Every vector gets a stub that pushes a uniform frame
 * (a zero error code where the CPU pushes none, then the vector number) and jumps to one common
 * path, which saves the general registers and the SSE state (compiled C# uses xmm registers
 * freely) and calls the C# dispatcher with a pointer to the frame. The frame layout is mirrored by
 * Vireo.Kernel.Arch.X64.InterruptFrame; a host test pins its offsets.
 */
    /* The per-CPU block GS points at in the kernel (PerCpu.cs mirrors the offsets). */
    .set PERCPU_SELF, 0
    .set PERCPU_FRAME, 8             /* the running thread's InterruptFrame */
    .set PERCPU_FRAME_TOP, 16        /* PERCPU_FRAME + sizeof(InterruptFrame) = TSS.rsp0 */
    .set PERCPU_KSTACK, 24           /* top of this CPU's kernel stack */
    .set PERCPU_SCRATCH, 32          /* the user rsp during syscall entry */
    .set PERCPU_TSS, 40              /* this CPU's TSS */
    .set PERCPU_ACTIVE_ROOT, 104     /* the root CR3 holds (arch_write_cr3), for TLB shootdown */
    .set PERCPU_SHARED_HELD, 147     /* this CPU holds the big kernel lock shared (the IPC fast path) */
    .set PERCPU_SIZE, 256
    .set PERCPU_MAX, 16
    .text
    /* The general registers in InterruptFrame order (the last pushed is at the lowest address). */
    .macro PUSH_GPRS
    pushq %rax
    pushq %rbx
    pushq %rcx
    pushq %rdx
    pushq %rsi
    pushq %rdi
    pushq %rbp
    pushq %r8
    pushq %r9
    pushq %r10
    pushq %r11
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    .endm

    .macro POP_GPRS
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %r11
    popq %r10
    popq %r9
    popq %r8
    popq %rbp
    popq %rdi
    popq %rsi
    popq %rdx
    popq %rcx
    popq %rbx
    popq %rax
    .endm

    .macro STUB vec
    .balign 16
isr_\vec:
    .if (\vec == 8) || (\vec == 10) || (\vec == 11) || (\vec == 12) || (\vec == 13) || (\vec == 14) || (\vec == 17) || (\vec == 21) || (\vec == 29) || (\vec == 30)
    .else
    pushq $0
    .endif
    pushq $\vec
    jmp interrupt_common
    .endm

    .altmacro
    .set vec, 0
    .rept 256
    STUB %vec
    .set vec, vec + 1
    .endr

interrupt_common:
    PUSH_GPRS
    movq %rsp, %rdi
    testb $3, 18*8(%rdi)             /* interrupted CS: from user mode? */
    jnz from_user
    subq $512, %rsp
    fxsave64 (%rsp)
    /* A frame record linking to the interrupted code, so backtraces continue through it. */
    pushq 17*8(%rdi)                 /* interrupted rip */
    pushq 8*8(%rdi)                  /* interrupted rbp */
    movq %rsp, %rbp
    call InterruptDispatch
    addq $16, %rsp
    fxrstor64 (%rsp)
    addq $512, %rsp
    jmp pop_and_return

    /* From user mode the CPU switched to TSS.rsp0, which points just past the current thread's
       register frame inside its control block: the frame is already saved in place. The FPU state
       goes to the area just below it; the kernel then runs on its own stack, and leaves through
       return_to_user, possibly into another thread. */
from_user:
    swapgs                           /* GS: this CPU's block (PerCpu.cs); back at the exit */
    /* NMI and machine check use IST stacks even from ring 3: their frame is not the thread's,
       so they return the way they came, like an interrupt of the kernel. */
    cmpq %gs:PERCPU_FRAME, %rdi
    jne from_user_ist
    fxsave64 -512(%rdi)
    movq %gs:PERCPU_KSTACK, %rsp
    xorl %ebp, %ebp
    call InterruptDispatch
    jmp return_to_user

from_user_ist:
    subq $512, %rsp
    fxsave64 (%rsp)
    xorl %ebp, %ebp
    call InterruptDispatch
    fxrstor64 (%rsp)
    addq $512, %rsp
    POP_GPRS
    addq $16, %rsp
    swapgs
    iretq

    /* Leave the kernel into the current thread: its frame is this CPU's PERCPU_FRAME. */
    .global return_to_user
return_to_user:
    movq %gs:PERCPU_FRAME, %rsp
    /* Release the big kernel lock (BigKernelLock.cs) once it is on: the thread is chosen and every
       store of this entry is done (x86 keeps their order). Only the holder writes Serving. The IPC
       fast path holds it shared instead (ADR 0028): its count of readers goes down by one. */
    cmpl $0, big_kernel_lock+8(%rip)
    je 1f
    cmpb $0, %gs:PERCPU_SHARED_HELD
    jne 2f
    movl $0, big_kernel_lock+12(%rip)
    incl big_kernel_lock+4(%rip)
    jmp 1f
2:
    movb $0, %gs:PERCPU_SHARED_HELD
    lock decl big_kernel_lock+16(%rip)
1:
    fxrstor64 -512(%rsp)
    /* A thread that entered by SYSCALL leaves by SYSRET: rcx and r11 are the syscall's to clobber,
       and rip/rflags/rsp come from the frame (rip is user-canonical: the kernel only ever sets it
       to a checked user address). Anything else returns with iretq. */
    cmpq $256, 15*8(%rsp)
    jne iret_to_user
    POP_GPRS
    movq 16(%rsp), %rcx              /* user rip */
    movq 32(%rsp), %r11              /* user rflags */
    movq 40(%rsp), %rsp              /* user rsp */
    swapgs
    sysretq
iret_to_user:
    POP_GPRS
    addq $16, %rsp
    swapgs
    iretq
pop_and_return:
    POP_GPRS
    addq $16, %rsp
    iretq

    /*
     * SYSCALL entry. The CPU saved the user rip in rcx and rflags in r11 and masked interrupts
     * (IA32_FMASK); rsp is still the user's. Build the same frame an interrupt would, in the
     * current thread's control block, so every kernel exit is return_to_user. The scratch slot
     * and the pointers are this CPU's, in the block GS points at after swapgs (PerCpu.cs).
     */
    .global syscall_entry
syscall_entry:
    swapgs
    movq %rsp, %gs:PERCPU_SCRATCH
    movq %gs:PERCPU_FRAME_TOP, %rsp
    pushq $0x1b                      /* user ss */
    pushq %gs:PERCPU_SCRATCH
    pushq %r11                       /* user rflags */
    pushq $0x23                      /* user cs */
    pushq %rcx                       /* user rip */
    pushq $0                         /* error code */
    pushq $256                       /* "vector" 256 marks a syscall frame */
    PUSH_GPRS
    movq %rsp, %rdi
    /* Tcb.Abi, just past the frame (Tcb.AbiOffset - Tcb.FrameOffset): a thread running a foreign
       ABI goes to its handler (ADR 0014). Its FPU state is saved as an interrupt's would be, since
       the foreign convention (Linux's) keeps every vector register across a syscall. */
    cmpq $0, 176(%rdi)
    jne foreign_syscall
    movq %gs:PERCPU_SELF, %rsi       /* the dispatchers' second argument: this CPU's block */
    movq %gs:PERCPU_KSTACK, %rsp
    xorl %ebp, %ebp
    call SyscallDispatch
    jmp return_to_user

foreign_syscall:
    fxsave64 -512(%rdi)
    movq %gs:PERCPU_SELF, %rsi
    movq %gs:PERCPU_KSTACK, %rsp
    xorl %ebp, %ebp
    call ForeignSyscallDispatch
    jmp return_to_user

/* void arch_set_current(InterruptFrame* frame): the thread the next return_to_user enters on this
   CPU; interrupts from ring 3 save into its frame (TSS.rsp0 at offset 4 points just past it). */
    .global arch_set_current
arch_set_current:
    movq %rdi, %gs:PERCPU_FRAME
    leaq 176(%rdi), %rax
    movq %rax, %gs:PERCPU_FRAME_TOP
    movq %gs:PERCPU_TSS, %rdx
    movq %rax, 4(%rdx)
    ret
/* void arch_write_cr3(ulong root): loads CR3 and records the root in this CPU's block (Tlb.cs). */
    .global arch_write_cr3
arch_write_cr3:
    movq %rdi, %cr3
    movq %rdi, %gs:PERCPU_ACTIVE_ROOT
    ret
    .global arch_set_kernel_stack
arch_set_kernel_stack:
    movq %rdi, %gs:PERCPU_KSTACK
    ret
/* PerCpuBlock* arch_percpu(void): this CPU's block. */
    .global arch_percpu
arch_percpu:
    movq %gs:PERCPU_SELF, %rax
    ret
    .global arch_percpu_blocks
arch_percpu_blocks:
    leaq percpu_blocks(%rip), %rax
    ret

/* BigKernelLockWords* arch_big_kernel_lock(void): the lock return_to_user releases. */
    .global arch_big_kernel_lock
arch_big_kernel_lock:
    leaq big_kernel_lock(%rip), %rax
    ret

    /* The big kernel lock (BigKernelLock.cs): ticket Next, Serving, On (0 while one CPU runs threads), Holder,
       Readers (CPUs holding it shared). */
    .data
    .balign 64
big_kernel_lock: .long 0, 0, 0, 0, 0

    /* One block per CPU (Vireo.Kernel.Arch.X64.PerCpuBlock mirrors it; a host test pins it). */
    .bss
    .balign 64
    .global percpu_blocks
percpu_blocks: .skip PERCPU_MAX * PERCPU_SIZE

    /* Table of stub addresses, read by the C# IDT builder. */
    .section .rodata
    .balign 8
    .global isr_table
isr_table:
    .set vec, 0
    .macro ENTRY vec
    .quad isr_\vec
    .endm
    .rept 256
    ENTRY %vec
    .set vec, vec + 1
    .endr

    .section .note.GNU-stack, "", @progbits
