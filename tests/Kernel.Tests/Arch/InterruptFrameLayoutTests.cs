using System.Collections.Generic;
using System.IO;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using Vireo.Kernel.Arch.X64;
using Xunit;

namespace Vireo.Tests.Arch;

// interrupts.S pushes the general registers in one order; InterruptFrame must list them in the
// reverse order (the last push is at the lowest address), followed by vector, error code and
// the CPU's frame. This reads the assembly itself, so editing either side alone fails here.
public class InterruptFrameLayoutTests
{
    internal static string RepoFile(string relative, [CallerFilePath] string here = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "../../..", relative));

    [Fact]
    public void GeneralRegistersMatchThePushOrderOfTheCommonStub()
    {
        string asm = File.ReadAllText(RepoFile("kernel/Arch/X64/Asm/interrupts.S"));
        // Both entry paths (interrupts and SYSCALL) save registers with the PUSH_GPRS macro.
        Assert.Contains("interrupt_common:\n    PUSH_GPRS", asm);
        Assert.Contains("pushq $256                       /* \"vector\" 256 marks a syscall frame */\n    PUSH_GPRS", asm);
        int start = asm.IndexOf(".macro PUSH_GPRS");
        int end = asm.IndexOf(".endm", start);
        var pushes = new List<string>();
        foreach (Match m in Regex.Matches(asm.Substring(start, end - start), @"pushq %(\w+)"))
            pushes.Add(m.Groups[1].Value);
        Assert.Equal(15, pushes.Count);
        pushes.Reverse();
        for (int i = 0; i < pushes.Count; i++)
        {
            string field = char.ToUpperInvariant(pushes[i][0]) + pushes[i].Substring(1);
            Assert.Equal(i * 8, (int)Marshal.OffsetOf<InterruptFrame>(field));
        }
    }

    [Fact]
    public void StubAndCpuWordsFollowTheRegisters()
    {
        Assert.Equal(15 * 8, (int)Marshal.OffsetOf<InterruptFrame>(nameof(InterruptFrame.Vector)));
        Assert.Equal(16 * 8, (int)Marshal.OffsetOf<InterruptFrame>(nameof(InterruptFrame.ErrorCode)));
        Assert.Equal(17 * 8, (int)Marshal.OffsetOf<InterruptFrame>(nameof(InterruptFrame.Rip)));
        Assert.Equal(21 * 8, (int)Marshal.OffsetOf<InterruptFrame>(nameof(InterruptFrame.Ss)));
        Assert.Equal(22 * 8, Marshal.SizeOf<InterruptFrame>());
    }

    [Fact]
    public void FrameRecordOffsetsInTheStubMatchRipAndRbp()
    {
        string asm = File.ReadAllText(RepoFile("kernel/Arch/X64/Asm/interrupts.S"));
        Assert.Contains("pushq " + (Marshal.OffsetOf<InterruptFrame>("Rip").ToInt32() / 8) + "*8(%rdi)", asm);
        Assert.Contains("pushq " + (Marshal.OffsetOf<InterruptFrame>("Rbp").ToInt32() / 8) + "*8(%rdi)", asm);
    }
}
