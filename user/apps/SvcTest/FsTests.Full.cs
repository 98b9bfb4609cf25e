// file: full (FsTests.cs has the list and the helpers): data pages, nodes and the heap run out with
// NoSpace, the daemon keeps answering, and removing names gives the room back.
using Vireo.Abi;
using Vireo.User;
using Vireo.User.Schemes;
using T = Vireo.User.Testing.TestRunner;

static unsafe partial class FsTests
{
    // Fills the data pages (in 1 MiB files, below the 4 MiB file limit, so the pool runs out
    // first), then checks that the daemon still works and that unlinking gives the room back.
    private static void NoSpaceData()
    {
        byte* b = stackalloc byte[480];
        for (int i = 0; i < 480; i++) b[i] = (byte)i;
        byte* name = stackalloc byte[16];
        Status s = Status.Ok;
        long total = 0;
        int files = 0;
        while (s == Status.Ok && files < 64)
        {
            int n = Numbered("file:/full", files, name);
            s = Fs.Open(name, n, OpenFlags.Write | OpenFlags.Create, out Fd fd);
            if (s != Status.Ok) break;
            files++;
            for (int chunk = 0; chunk < 1024 * 1024 / 480 && s == Status.Ok; chunk++)
            {
                s = Fs.Write(fd, b, 480, out int w);
                total += w;
            }
            T.Status(Status.Ok, Fs.Close(fd), "close fd");
        }
        T.Status(Status.NoSpace, s, "writing until the pages run out");
        T.True(total > 8 * 4096, "more than a few pages went in first");
        T.Status(Status.Ok, Fs.Stat("file:/full0", out ulong size, out _), "the daemon still answers");
        T.True(size > 0, "the first file kept its data");
        for (int i = 0; i < files; i++)
        {
            int n = Numbered("file:/full", i, name);
            T.Status(Status.Ok, Fs.Unlink(name, n), "unlink");
        }
        T.Status(Status.Ok, Put("file:/after", "room again"), "unlinking gave the pages back");
        T.True(Holds("file:/after", "room again"), "and they hold data");
        T.Status(Status.Ok, Fs.Unlink("file:/after"), "unlink file:/after");
    }

    // The heap full (the test boot's ramfs has a 4 MiB memory limit, init's limit=): links with
    // 4,000-byte targets, each in the heap, until NoSpace; then a node, a name and a handle are
    // NoSpace too while the daemon answers everything else, and removing the links gives the room
    // back. After NoSpaceData, which mapped every data page: the heap takes the rest of the memory.
    private static void NoSpaceHeap()
    {
        T.Status(Status.Ok, Put("file:/keep", "kept"), "a file to read meanwhile");
        // Open before the heap fills: opening needs room for a handle, reading an open file none.
        T.Status(Status.Ok, Fs.Open("file:/keep", OpenFlags.Read, out Fd keep), "open it");
        T.Status(Status.Ok, Fs.Mkdir("file:/heap"), "mkdir file:/heap");
        byte* target = stackalloc byte[4000];
        for (int i = 0; i < 4000; i++) target[i] = (byte)('a' + i % 26);
        byte* name = stackalloc byte[24];
        Status s = Status.Ok;
        int made = 0;
        while (made < 4000)
        {
            int n = Numbered("file:/heap/", made, name);
            s = Fs.Symlink(target, 4000, name, n);
            if (s != Status.Ok) break;
            made++;
        }
        T.Status(Status.NoSpace, s, "links until the heap is full: NoSpace");
        T.True(made > 20 && made < 4000, "after some links (" + made.ToString() + ")");
        byte* b = stackalloc byte[8];
        T.Status(Status.Ok, Fs.Pread(keep, b, 8, 0, out int got), "the daemon still reads an open file");
        T.True(got == 4 && b[0] == 'k' && b[3] == 't', "its bytes");
        T.Status(Status.Ok, Fs.Stat("file:/heap", out ulong entries, out _), "and answers stat");
        T.Equal(made, (long)entries, "every link made is there");
        T.Status(Status.NoSpace, Fs.Mkdir("file:/heap-dir"), "mkdir: NoSpace");
        T.Status(Status.NoSpace, Put("file:/heap-file", "x"), "create: NoSpace");
        for (int i = 0; i < made; i++)
        {
            int n = Numbered("file:/heap/", i, name);
            T.Status(Status.Ok, Fs.Unlink(name, n), "unlink a link");
        }
        T.Status(Status.Ok, Fs.Rmdir("file:/heap"), "rmdir file:/heap");
        T.Status(Status.Ok, Put("file:/heap-file", "room again"), "a create works again");
        T.True(Holds("file:/heap-file", "room again"), "and holds its bytes");
        T.Status(Status.Ok, Fs.Symlink(target, 4000, name, Numbered("file:/", 0, name)), "so does a long link");
        T.Status(Status.Ok, Fs.Unlink(name, Numbered("file:/", 0, name)), "unlink it");
        T.Status(Status.Ok, Fs.Unlink("file:/heap-file"), "unlink");
        T.Status(Status.Ok, Fs.Close(keep), "close");
        T.Status(Status.Ok, Fs.Unlink("file:/keep"), "unlink");
    }

    // Nodes are bounded by memory only: twice as many directories as the old fixed table (1024)
    // held, all there, then removed. Directories, not files: an Open would hold a capability slot of
    // this process per file.
    private static void NodesPastTheOldTable()
    {
        byte* name = stackalloc byte[24];
        T.Status(Status.Ok, Fs.Mkdir("file:/many"), "mkdir file:/many");
        Status s = Status.Ok;
        int made = 0;
        while (made < 2048)
        {
            int n = Numbered("file:/many/", made, name);
            s = Fs.Mkdir(name, n);
            if (s != Status.Ok) break;
            made++;
        }
        T.Status(Status.Ok, s, "2,048 directories");
        T.Status(Status.Ok, Fs.Stat("file:/many", out FileStat st), "stat file:/many");
        T.Equal(2048, (long)st.Size, "its entries");
        T.Equal(2 + 2048, st.Links, "a link from each subdirectory's ..");
        T.Status(Status.Ok, Fs.Stat("file:/many/2047", out _, out _), "the last one");
        for (int i = 0; i < made; i++)
        {
            int n = Numbered("file:/many/", i, name);
            T.Status(Status.Ok, Fs.Rmdir(name, n), "rmdir");
        }
        T.Status(Status.Ok, Fs.Rmdir("file:/many"), "all removed");
    }
}
