using T = Vireo.User.Testing.TestRunner;

static class NumberTests
{
    public static void Run()
    {
    }
}
