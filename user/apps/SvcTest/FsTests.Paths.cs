// Paths (FsTests.cs has the list and the helpers): one normaliser in every daemon
// (docs/design/schemes.md), so `..` above a root and doubled slashes get the same answer everywhere.
using Vireo.Abi;
using Vireo.User;
using Vireo.User.Schemes;
using T = Vireo.User.Testing.TestRunner;

static unsafe partial class FsTests
{
    // ".." above the root stays at the root, in every scheme, as in Unix.
    private static void RootAboveRoot()
    {
        T.Status(Status.Ok, Put("file:/ptop", "p"), "a file in file:'s root");
        T.True(Lists("file:/..", "ptop") && Lists("file:/../..", "ptop") && Lists("file:..", "ptop"), "file: .. above the root is the root");
        T.True(Lists("initfs:/..", "bin") && Lists("initfs:/../..", "etc") && Lists("initfs:..", "bin"), "initfs: .. above the root is the root");
        T.True(Lists("sys:/..", "uptime") && Lists("sys:/../..", "meminfo"), "sys: .. above the root is the root");
        T.True(Holds("file:/../../ptop", "p"), "file: a name after climbing above the root");
        T.Status(Status.Ok, Fs.Stat("initfs:/../../etc/test.rc", out _, out FileKind kind), "initfs: a name after climbing above the root");
        T.Equal((long)FileKind.File, (long)kind, "initfs: it is the file");
        T.Status(Status.Ok, Fs.Stat("sys:/../uptime", out _, out _), "sys: a name after climbing above the root");
        T.Status(Status.Ok, Fs.Unlink("file:/ptop"), "unlink file:/ptop");
    }

    private static readonly string[] InitfsSpellings =
        { "initfs://etc//test.rc", "initfs:/./etc/./test.rc", "initfs:/bin/../etc/test.rc", "initfs:/etc/test.rc/", "initfs:etc/test.rc" };
    private static readonly string[] SysSpellings = { "sys://uptime", "sys:/./uptime", "sys:/uptime/", "sys:/ps/../uptime", "sys:uptime" };

    // "//", "." and a trailing '/' mean what they mean in Unix, whichever daemon serves the path.
    private static void SameAnswerEverywhere()
    {
        T.Status(Status.Ok, Fs.Mkdir("file:/pd"), "mkdir");
        T.Status(Status.Ok, Put("file://pd//x", "x"), "file: create through //");
        T.True(Holds("file:/pd/x", "x") && Holds("file:/./pd/./x", "x") && Holds("file:/pd/../pd/x/", "x"), "file: //, ., .. and a trailing /");
        T.True(Lists("file://", "pd") && Lists("file:/./", "pd") && Lists("file:/pd/..", "pd") && Lists("file:", "pd"), "file: the root however written");
        foreach (string p in InitfsSpellings)
        {
            T.Status(Status.Ok, Fs.Stat(p, out _, out FileKind kind), p);
            T.Equal((long)FileKind.File, (long)kind, p);
        }
        T.True(Lists("initfs://", "bin") && Lists("initfs:/./", "etc") && Lists("initfs:/bin/..", "bin"), "initfs: the root however written");
        T.True(Lists("initfs://bin//", "svctest") && Lists("initfs:/etc/../bin/.", "svctest"), "initfs: a directory however written");
        foreach (string p in SysSpellings)
            T.Status(Status.Ok, Fs.Stat(p, out _, out _), p);
        T.True(Lists("sys://", "uptime") && Lists("sys:/./", "ps") && Lists("sys:/uptime/..", "ps"), "sys: the root however written");
        T.Status(Status.NotFound, Fs.Stat("sys:/../nothing", out _, out _), "sys: a missing name is still missing");
        T.Status(Status.NotFound, Fs.Stat("initfs://etc//nothing", out _, out _), "initfs: a missing name is still missing");
        T.Status(Status.Ok, Fs.Unlink("file:/pd/x"), "unlink file:/pd/x");
        T.Status(Status.Ok, Fs.Rmdir("file:/pd//"), "file: rmdir with a trailing //");
    }

    // Rename's two paths are normalised each on its own.
    private static void RenameNormalised()
    {
        T.Status(Status.Ok, Put("file:/prn", "r"), "create");
        T.Status(Status.Ok, Rename("file:/../prn/", "file://./prm"), "rename with both paths unnormalised");
        T.True(Holds("file:/prm", "r"), "the new name holds the data");
        T.Status(Status.NotFound, Fs.Stat("file:/prn", out _, out _), "the old name is gone");
        T.Status(Status.Ok, Fs.Unlink("file:/x/../prm"), "unlink through ..");
    }
}
