// In-guest tests of the Fs area of the services (filled in by that area's work).
using Vireo.Abi;
using Vireo.User;
using Vireo.User.Schemes;
using T = Vireo.User.Testing.TestRunner;

static unsafe class FsTests
{
    public static void Run()
    {
    }
}
