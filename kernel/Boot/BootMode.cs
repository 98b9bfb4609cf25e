// What the booted image does, chosen by the kernel command line:
//   (nothing)     idle until user space exists (next issue: start the bootstrap process)
//   test          run the in-guest test suite and exit QEMU with its verdict
//   bench         run the benchmarks (under -icount: instruction counts) and exit
//   fault=KIND    raise a deliberate kernel fault (pf, gp, ud, de, stack) to exercise the panic path
using System;
using Vireo.Kernel.Arch.X64;
using Vireo.Kernel.Log;
using Vireo.Kernel.Tests;
using Vireo.Kernel.Bench;

namespace Vireo.Kernel.Boot;

public static class BootMode
{
    public static void Run(ref BootInfo boot)
    {
        Span<byte> text = stackalloc byte[BootInfo.CmdlineCapacity];
        int length = boot.CopyCmdline(text);
        var cmdline = new KernelCommandLine(text.Slice(0, length));
        if (cmdline.Has("test"))
        {
            GuestTestRunner.RunAll();
        }
        else if (cmdline.Has("bench"))
        {
            KernelBenchmarks.RunAll();
            QemuExit.Exit(ExitStatus.Success);
        }
        else if (cmdline.TryGetValue("fault", out ReadOnlySpan<byte> kind))
        {
            FaultTriggers.Trigger(kind);
        }
        KernelLog.Info("idle: no user space yet; halting until interrupted");
        while (true) Cpu.EnableInterruptsAndHalt();
    }
}
