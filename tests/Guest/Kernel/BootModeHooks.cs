// The test kernel's command-line words, as the bodies of BootMode's partial methods
// (kernel/Boot/BootMode.cs). Only the test kernel (KernelTest.csproj) compiles this file, so only it
// knows the words:
//   test          kernel tests here, then the bootstrap runs the user-space suite; exit with the verdict
//   bench         kernel benchmarks here, then the bootstrap runs the user-space benchmarks
//   fault=KIND    raise a deliberate kernel fault (pf, gp, ud, de, stack, assert) to exercise the panic path
using System;
using Vireo.Abi;
using Vireo.Kernel.Arch.X64;
using Vireo.Kernel.Bench;
using Vireo.Kernel.Multiboot;
using Vireo.Kernel.Tests;

namespace Vireo.Kernel.Boot;

public static partial class BootMode
{
    private static bool s_testMode;
    private static int s_kernelPassed, s_kernelFailed;

    static partial void SelectTestMode(ref KernelCommandLine cmdline, ref ulong flags)
    {
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
            if (cmdline.Has("wallclock")) flags |= BootstrapInfo.FlagWallClock;
        }
        else if (cmdline.TryGetValue("fault", out ReadOnlySpan<byte> kind))
        {
            FaultTriggers.Trigger(kind);
        }
    }

    static partial void NoUserSpace()
    {
        if (s_testMode) Finish(0, 1);
    }

    static partial void BootstrapEnded(bool ok)
    {
        if (s_testMode) Finish(ok ? 1 : 0, ok ? 0 : 1);
    }

    private static void Finish(int userPassed, int userFailed)
    {
        // The user-space suite reports its own TEST lines; this line is the verdict over both.
        Check.Reset();
        PlatformTests.NoAllocationsAfterBoot();
        GuestTestRunner.Report("heap.no_allocations_after_user_space", !Check.Failed);
        int passed = s_kernelPassed + userPassed + (Check.Failed ? 0 : 1);
        int failed = s_kernelFailed + userFailed + (Check.Failed ? 1 : 0);
        GuestTestRunner.Summary("GUEST", passed, failed);
        QemuExit.Exit(failed == 0 ? ExitStatus.Success : ExitStatus.Failure);
    }
}
