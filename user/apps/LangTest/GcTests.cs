using T = Vireo.User.Testing.TestRunner;

static class GcTests
{
    public static void Run()
    {
    }
}
