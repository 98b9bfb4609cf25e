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
