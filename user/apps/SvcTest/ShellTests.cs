// In-guest tests of the Shell area of the services (filled in by that area's work).
using Vireo.Abi;
using Vireo.User;
using Vireo.User.Schemes;
using T = Vireo.User.Testing.TestRunner;

static unsafe class ShellTests
{
    public static void Run()
    {
    }
}
