// The in-guest test runner: runs named tests inside the booted kernel, reports each over serial
// as "TEST <name> ok" or "TEST <name> FAIL: <why>", then "GUEST SUMMARY passed=N failed=M",
// and exits QEMU with success only if every test passed. The host harness (./vireo test) also
// treats a missing summary, a timeout or a triple fault (QEMU exit 0) as failure.
// Tests must not allocate: the last one checks that nothing did after boot.
using Vireo.Kernel.Arch.X64;
using Vireo.Kernel.Log;

namespace Vireo.Kernel.Tests;

public static unsafe class GuestTestRunner
{
    private static int s_passed, s_failed;

    public static void RunAll(out int passed, out int failed)
    {
        KernelLog.Info("test: running in-guest kernel tests");
        MemoryTests.Register();
        PagingTests.Register();
        InterruptTests.Register();
        PlatformTests.Register();
        PreemptionTests.Register();
        SmpTests.Register();
        // Last, so it sees every allocation the tests above might have made.
        Run("heap.no_allocations_after_boot", &PlatformTests.NoAllocationsAfterBoot);

        Summary("KERNEL", s_passed, s_failed);
        passed = s_passed;
        failed = s_failed;
    }

    /// <summary>Prints "WHICH SUMMARY passed=N failed=M", the line the harness counts TEST lines against.</summary>
    public static void Summary(string which, int passed, int failed)
    {
        KernelLog.Begin(LogLevel.Info);
        KernelLog.Str(which);
        KernelLog.Str(" SUMMARY passed=");
        KernelLog.Dec((ulong)passed);
        KernelLog.Str(" failed=");
        KernelLog.Dec((ulong)failed);
        KernelLog.End();
    }

    public static void Report(string name, bool ok)
    {
        KernelLog.Begin(LogLevel.Info);
        KernelLog.Str("TEST ");
        KernelLog.Str(name);
        KernelLog.Str(ok ? " ok" : " FAIL");
        KernelLog.End();
    }

    public static void Run(string name, delegate*<void> test)
    {
        Check.Reset();
        test();
        KernelLog.Begin(LogLevel.Info);
        KernelLog.Str("TEST ");
        KernelLog.Str(name);
        if (Check.Failed)
        {
            s_failed++;
            KernelLog.Str(" FAIL: ");
            Check.WriteFailure();
        }
        else
        {
            s_passed++;
            KernelLog.Str(" ok");
        }
        KernelLog.End();
    }
}

/// <summary>Assertions that record the first failure of a test (no exceptions to unwind).</summary>
public static class Check
{
    private static bool s_failed;
    private static string s_what;
    private static ulong s_expected, s_actual;
    private static bool s_hasValues;

    public static bool Failed => s_failed;

    public static void Reset()
    {
        s_failed = false;
        s_what = null;
        s_hasValues = false;
    }

    public static bool True(bool condition, string what)
    {
        if (!condition && !s_failed)
        {
            s_failed = true;
            s_what = what;
        }
        return condition;
    }

    public static bool Equal(ulong expected, ulong actual, string what)
    {
        if (expected != actual && !s_failed)
        {
            s_failed = true;
            s_what = what;
            s_expected = expected;
            s_actual = actual;
            s_hasValues = true;
        }
        return expected == actual;
    }

    public static void WriteFailure()
    {
        KernelLog.Str(s_what);
        if (!s_hasValues) return;
        KernelLog.Str(" (expected ");
        KernelLog.Hex(s_expected);
        KernelLog.Str(", got ");
        KernelLog.Hex(s_actual);
        KernelLog.Str(")");
    }
}
