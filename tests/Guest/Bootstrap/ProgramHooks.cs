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
        if ((info->Flags & BootstrapInfo.FlagTestMode) != 0) failed = UserTests.Run(ref initfs, memory);
    }
}
