// The test bootstrap's entry to its suites: the body of the bootstrap's partial method RunSuites
// (user/servers/Bootstrap/Program.cs). The kernel's flags say which to run; afterwards the test
// bootstrap becomes the process manager exactly as the production one does.
using Vireo.Abi;
using Vireo.Bootstrap.Benchmarks;
using Vireo.Bootstrap.Tests;
using Vireo.User;

static unsafe partial class Program
{
    static partial void RunSuites(BootstrapInfo* info, ref InitfsImage initfs, CapHandle memory, ref int failed)
    {
        if ((info->Flags & BootstrapInfo.FlagBenchMode) != 0) failed = UserBenchmarks.Run(ref initfs, memory, info);
        if ((info->Flags & BootstrapInfo.FlagTestMode) != 0)
        {
            // The kernel-object tests check one CPU's ordering (a started thread of higher priority runs
            // before the start returns, a yield lets the other thread in): they and the threads they
            // make (which inherit the mask) keep to CPU 0; the SMP tests name their CPUs themselves.
            // Afterwards the mask goes back to every CPU: the process manager and every service and
            // suite it starts run wherever the kernel places them, as in production (ADR 0028).
            var self = new CapHandle(BootstrapSlots.Thread, 0);
            Sys.ThreadSetAffinity(self, 1);
            failed = UserTests.Run(ref initfs, memory);
            Sys.ThreadSetAffinity(self, 0);
        }
    }
}
