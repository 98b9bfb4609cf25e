using T = Vireo.User.Testing.TestRunner;

static class StringTests
{
    public static void Run()
    {
    }
}
