using T = Vireo.User.Testing.TestRunner;

static class CollectionTests
{
    public static void Run()
    {
    }
}
