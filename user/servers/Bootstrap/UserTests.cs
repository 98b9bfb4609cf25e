// Placeholder replaced below.
using Vireo.User;
static class UserTests
{
    public static int Run(ref InitfsImage initfs, Vireo.Abi.CapHandle memory) => 0;
}
