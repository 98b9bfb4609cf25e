// The language and runtime suite: C# as an application programmer writes it (strings, numbers,
// boxing, delegates, collections, the collector), one file per area. Each area's Run reports TEST
// lines through the TestRunner; the summary line lets the harness check the count.
using System.Runtime;
using T = Vireo.User.Testing.TestRunner;

static class Program
{
    [RuntimeExport("vireo_main")]
    static int Main()
    {
        // `langtest throw` and `langtest lines` are run by the shell sessions of `./vireo test`: what
        // an unhandled exception prints, and Console.ReadLine over stdin.
        if (Vireo.User.Startup.ArgumentCount > 1) return LanguageTests.RunMode();
        LanguageTests.Run();
        StringTests.Run();
        NumberTests.Run();
        DelegateTests.Run();
        CollectionTests.Run();
        GcTests.Run();
        T.Summary();
        return T.Failed;
    }
}
