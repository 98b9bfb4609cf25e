// What the booted image does, chosen by the kernel command line. In every mode the kernel then
// hands over to the bootstrap process, telling it the mode; the bootstrap's exit ends the run.
//   (nothing)     the bootstrap becomes the process manager and starts initfs: and init (the shell)
//   test          kernel tests here, then the bootstrap runs the user-space suite and the services'
//                 (etc/test.rc); exit with the verdict
//   bench         kernel benchmarks here, then the bootstrap runs the user-space benchmarks
//   bootbench     a normal boot whose shell reports the time to its first prompt
//   fault=KIND    raise a deliberate kernel fault (pf, gp, ud, de, stack, assert) to exercise the panic path
using System;
using Vireo.Kernel.Arch.X64;
using Vireo.Kernel.Log;
using Vireo.Kernel.Multiboot;
using Vireo.Kernel.Tests;
using Vireo.Kernel.Bench;
using Vireo.Kernel.Nucleus;
using Vireo.Abi;

namespace Vireo.Kernel.Boot;

public static unsafe class BootMode
{
    private static bool s_testMode;
    private static int s_kernelPassed, s_kernelFailed;

    public static void Run(ref BootInfo boot)
    {
        Span<byte> text = stackalloc byte[BootInfo.CmdlineCapacity];
        int length = boot.CopyCmdline(text);
        var cmdline = new KernelCommandLine(text.Slice(0, length));
        ulong flags = 0;
        if (cmdline.Has("test"))
        {
            s_testMode = true;
            flags |= BootstrapInfo.FlagTestMode;
            GuestTestRunner.RunAll(out s_kernelPassed, out s_kernelFailed);
        }
        else if (cmdline.Has("bench"))
        {
            KernelBenchmarks.RunAll();
            flags |= BootstrapInfo.FlagBenchMode;
        }
        else if (cmdline.Has("bootbench"))
        {
            flags |= BootstrapInfo.FlagBootBench;
        }
        else if (cmdline.TryGetValue("fault", out ReadOnlySpan<byte> kind))
        {
            FaultTriggers.Trigger(kind);
        }

        Threads.DeathObserver = &OnThreadDeath;
        if (BootstrapLoader.TryCreate(flags, ref boot, KernelState.Frames))
            Threads.EnterUserMode();
        if (s_testMode) Finish(0, 1);
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
        if (s_testMode) Finish(ok ? 1 : 0, ok ? 0 : 1);
        QemuExit.Exit(ok ? ExitStatus.Success : ExitStatus.Failure);
    }

    private static void Finish(int userPassed, int userFailed)
    {
        // The user-space suite reports its own TEST lines; this line is the verdict over both.
        Check.Reset();
        PlatformTests.NoAllocationsAfterBoot();
        GuestTestRunner.Report("heap.no_allocations_after_user_space", !Check.Failed);
        int passed = s_kernelPassed + userPassed + (Check.Failed ? 0 : 1);
        int failed = s_kernelFailed + userFailed + (Check.Failed ? 1 : 0);
        KernelLog.Begin(LogLevel.Info);
        KernelLog.Str("GUEST SUMMARY passed=");
        KernelLog.Dec((ulong)passed);
        KernelLog.Str(" failed=");
        KernelLog.Dec((ulong)failed);
        KernelLog.End();
        QemuExit.Exit(failed == 0 ? ExitStatus.Success : ExitStatus.Failure);
    }
}
