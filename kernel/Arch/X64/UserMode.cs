// Entering and leaving ring 3. SYSCALL/SYSRET are set up here; the entry stub (Asm/interrupts.S)
// saves the user registers straight into the current thread's control block, and every exit
// from the kernel goes through return_to_user with whichever thread is current by then.
using System.Runtime;
using System.Runtime.CompilerServices;

namespace Vireo.Kernel.Arch.X64;

public static unsafe class UserMode
{
    private const uint Efer = 0xC0000080, Star = 0xC0000081, LStar = 0xC0000082, FMask = 0xC0000084, FsBase = 0xC0000100;
    // PML4 entries 232..255 hold address-space bookkeeping (see Nucleus/AddressSpace.cs), so user
    // space ends at 232 * 512 GiB = 116 TiB.
    public const ulong UserTop = Vireo.Abi.BootstrapLayout.UserTop;
    public const ulong SyscallVector = 256;

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "arch_set_current")]
    public static extern void SetCurrentFrame(InterruptFrame* frame);
    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "arch_set_kernel_stack")]
    public static extern void SetKernelStack(ulong top);
    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "arch_return_to_user")]
    public static extern void ReturnToUser();
    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "arch_syscall_entry_address")]
    private static extern ulong SyscallEntryAddress();

    /// <summary>Sets up SYSCALL on this CPU, whose kernel stack tops at <paramref name="kernelStackTop"/>.</summary>
    public static void Init(ulong kernelStackTop)
    {
        SetKernelStack(kernelStackTop);
        Cpu.WriteMsr(Efer, Cpu.ReadMsr(Efer) | 1); // SCE: SYSCALL enabled
        // SYSCALL loads CS = STAR[47:32], SS = +8; SYSRET would use STAR[63:48] + 16 / + 8.
        Cpu.WriteMsr(Star, ((ulong)(Gdt.UserData - 8 - 3) << 48) | ((ulong)Gdt.KernelCode << 32));
        Cpu.WriteMsr(LStar, SyscallEntryAddress());
        // Interrupts, traps, direction and alignment-check flags are cleared on entry.
        Cpu.WriteMsr(FMask, (1 << 9) | (1 << 8) | (1 << 10) | (1 << 18) | (1 << 14));
    }

    /// <summary>Makes `frame` the one return_to_user restores on this CPU; interrupts from ring 3 save
    /// into it (arch_set_current points this CPU's TSS.rsp0 just past it).</summary>
    public static void Activate(InterruptFrame* frame) => SetCurrentFrame(frame);

    public static void WriteFsBase(ulong fsBase) => Cpu.WriteMsr(FsBase, fsBase);
}
