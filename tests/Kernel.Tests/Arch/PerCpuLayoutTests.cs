using System.IO;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using Vireo.Kernel.Arch.X64;
using Xunit;

namespace Vireo.Tests.Arch;

// The entry stubs reach the per-CPU block through GS at the offsets interrupts.S sets by .set lines,
// and arch_set_current writes TSS.rsp0 at offset 4: this reads the assembly, so editing either side
// alone fails here.
public class PerCpuLayoutTests
{
    private static int AsmConstant(string asm, string name)
    {
        Match m = Regex.Match(asm, @"\.set " + name + @", (\d+)");
        Assert.True(m.Success, name + " is set in interrupts.S");
        return int.Parse(m.Groups[1].Value);
    }

    [Theory]
    [InlineData("PERCPU_SELF", nameof(PerCpuBlock.Self))]
    [InlineData("PERCPU_FRAME", nameof(PerCpuBlock.CurrentFrame))]
    [InlineData("PERCPU_FRAME_TOP", nameof(PerCpuBlock.CurrentFrameTop))]
    [InlineData("PERCPU_KSTACK", nameof(PerCpuBlock.KernelStackTop))]
    [InlineData("PERCPU_SCRATCH", nameof(PerCpuBlock.UserRspScratch))]
    [InlineData("PERCPU_TSS", nameof(PerCpuBlock.Tss))]
    [InlineData("PERCPU_ACTIVE_ROOT", nameof(PerCpuBlock.ActiveRoot))]
    [InlineData("PERCPU_SHARED_HELD", nameof(PerCpuBlock.SharedHeld))]
    public void AsmOffsetsMatchTheBlock(string symbol, string field)
    {
        string asm = File.ReadAllText(InterruptFrameLayoutTests.RepoFile("kernel/Arch/X64/Asm/interrupts.S"));
        Assert.Equal(AsmConstant(asm, symbol), (int)Marshal.OffsetOf<PerCpuBlock>(field));
    }

    [Fact]
    public unsafe void BlockFitsItsSlotAndTheTssRsp0IsAtFour()
    {
        string asm = File.ReadAllText(InterruptFrameLayoutTests.RepoFile("kernel/Arch/X64/Asm/interrupts.S"));
        Assert.Equal(PerCpuBlock.SlotSize, AsmConstant(asm, "PERCPU_SIZE"));
        Assert.Equal(PerCpuBlock.MaxCpus, AsmConstant(asm, "PERCPU_MAX"));
        Assert.True(sizeof(PerCpuBlock) <= PerCpuBlock.SlotSize);
        Assert.Contains("movq %rax, 4(%rdx)", asm);
        Assert.Equal(4, (int)Marshal.OffsetOf<TaskStateSegment>(nameof(TaskStateSegment.Rsp0)));
    }
}
