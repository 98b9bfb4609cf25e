using T = Vireo.User.Testing.TestRunner;

static class LanguageTests
{
    public static void Run()
    {
    }
}
