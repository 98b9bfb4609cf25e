// In-guest tests of the root scheme and the process manager (bootstrap): lookup, registration,
// spawn, wait, kill, the process list.
using Vireo.Abi;
using Vireo.User;
using Vireo.User.Schemes;
using T = Vireo.User.Testing.TestRunner;

static unsafe class ProcTests
{
    public static void Run()
    {
    }
}
