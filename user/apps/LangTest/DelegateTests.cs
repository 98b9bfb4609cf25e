using T = Vireo.User.Testing.TestRunner;

static class DelegateTests
{
    public static void Run()
    {
    }
}
