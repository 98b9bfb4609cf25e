// Per-CPU data. Each CPU's block (percpu_blocks in Asm/interrupts.S) is reached through GS: in the
// kernel IA32_GS_BASE holds the block's address and IA32_KERNEL_GS_BASE the user's GS base (always
// 0: Vireo gives user threads no GS base); every entry from ring 3 and every exit to it swaps them
// with swapgs. The entry stubs use the first fields by fixed offset (the .set lines at the top of
// interrupts.S); a host test pins them to this struct.
using System.Runtime;
using System.Runtime.CompilerServices;

namespace Vireo.Kernel.Arch.X64;

public static unsafe class PerCpu
{
    public const int MaxCpus = PerCpuBlock.MaxCpus;
    private const uint GsBaseMsr = 0xC0000101, KernelGsBaseMsr = 0xC0000102;

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "arch_percpu")]
    private static extern PerCpuBlock* CurrentBlock();

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "arch_percpu_blocks")]
    private static extern byte* Blocks();

    private static int s_count = 1;

    /// <summary>CPUs with a block: the BSP and every AP that was started.</summary>
    public static int Count => s_count;

    /// <summary>This CPU's block; valid in the kernel once <see cref="Load"/> ran on it.</summary>
    public static PerCpuBlock* Current => CurrentBlock();

    /// <summary>This CPU's index (0 = the bootstrap processor).</summary>
    public static uint Index => CurrentBlock()->Index;

    public static PerCpuBlock* Block(int index) => (PerCpuBlock*)(Blocks() + index * PerCpuBlock.SlotSize);

    /// <summary>Prepares the block of CPU <paramref name="index"/>; the APs' are made before they start.</summary>
    public static PerCpuBlock* Prepare(int index, uint apicId, TaskStateSegment* tss)
    {
        PerCpuBlock* b = Block(index);
        b->Self = b;
        b->Index = (uint)index;
        b->ApicId = apicId;
        b->Tss = tss;
        if (index >= s_count) s_count = index + 1;
        return b;
    }

    /// <summary>Points this CPU's GS at its block (kernel side) and its user GS base at 0.</summary>
    public static void Load(PerCpuBlock* block)
    {
        Cpu.WriteMsr(GsBaseMsr, (ulong)block);
        Cpu.WriteMsr(KernelGsBaseMsr, 0);
    }
}
