// What the booted image does, chosen by the kernel command line. In every mode the kernel then
// hands over to the bootstrap process, telling it the mode; the bootstrap's exit ends the run.
//   (nothing)     the bootstrap starts initfs: and init with etc/init.rc
//   bootbench     the same with etc/bootbench.rc (the shell prints the TSC at its first prompt)
//   diskbench     the same with etc/diskbench.rc (the disk benchmarks: a boot of their own, so the
//                 other benchmarks' machine has no disk)
//   nosmp         threads run on the bootstrap processor only and the APs stay halted; by default every
//                 CPU runs threads (ADR 0020, ADR 0028). `smp`, the word that once turned them on, is
//                 still accepted and changes nothing.
// The test kernel (tests/Guest/Kernel/KernelTest.csproj) adds test, bench and fault=KIND through the
// partial methods below (tests/Guest/Kernel/BootModeHooks.cs); in the production kernel they are
// empty and the C# compiler removes their calls, so it has no test code and ignores those words.
using System;
using Vireo.Kernel.Arch.X64;
using Vireo.Kernel.Log;
using Vireo.Kernel.Multiboot;
using Vireo.Kernel.Nucleus;
using Vireo.Abi;

namespace Vireo.Kernel.Boot;

public static unsafe partial class BootMode
{
    public static void Run(ref BootInfo boot)
    {
        Span<byte> text = stackalloc byte[BootInfo.CmdlineCapacity];
        int length = boot.CopyCmdline(text);
        var cmdline = new KernelCommandLine(text.Slice(0, length));
        ulong flags = 0;
        SelectTestMode(ref cmdline, ref flags);
        if (flags == 0 && cmdline.Has("bootbench"))
            flags |= BootstrapInfo.FlagBootBench;
        if (flags == 0 && cmdline.Has("diskbench"))
            flags |= BootstrapInfo.FlagDiskBench;

        Threads.DeathObserver = &OnThreadDeath;
        if (BootstrapLoader.TryCreate(flags, ref boot, KernelState.Frames))
        {
            // Every CPU runs threads unless the command line says `nosmp` (ADR 0028); the APs then stay halted.
            if (!cmdline.Has("nosmp") && Threads.EnableCpus()) Smp.Release(&Threads.EnterUserMode);
            Threads.EnterUserMode();
        }
        NoUserSpace();
        KernelLog.Info("idle: no user space; halting until interrupted");
        while (true) Cpu.EnableInterruptsAndHalt();
    }

    // The bootstrap's end is the system's end: report it and leave QEMU with the verdict.
    private static void OnThreadDeath(Tcb* t)
    {
        if (t != BootstrapLoader.Bootstrap) return;
        bool ok = t->ExitKind == ThreadExitKind.Exited && t->ExitCode == 0;
        KernelLog.Begin(ok ? LogLevel.Info : LogLevel.Error);
        KernelLog.Str("bootstrap ");
        if (t->ExitKind == ThreadExitKind.Killed)
        {
            KernelLog.Str("killed");
        }
        else
        {
            KernelLog.Str(t->ExitKind == ThreadExitKind.Exited ? "exited with status " : "faulted; vector ");
            KernelLog.Dec(t->ExitCode);
        }
        KernelLog.End();
        BootstrapEnded(ok);
        QemuExit.Exit(ok ? ExitStatus.Success : ExitStatus.Failure);
    }

    // The test kernel's modes (test, bench, fault=KIND): they may run tests and set the bootstrap's flags.
    static partial void SelectTestMode(ref KernelCommandLine cmdline, ref ulong flags);

    // No bootstrap could start: a test run reports that as a failure instead of idling.
    static partial void NoUserSpace();

    // The bootstrap's end, before QEMU exits with its status: a test run prints its verdict here.
    static partial void BootstrapEnded(bool ok);
}
