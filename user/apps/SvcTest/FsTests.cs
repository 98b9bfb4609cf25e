// In-guest tests of file: (ramfs) and null:, zero:, rand: (devd), through the client library
// against the live daemons. Each test works under its own names and removes what it made, so the
// filesystem is empty again for the NoSpace tests and for the areas that run after this one.
using Vireo.Abi;
using Vireo.User;
using Vireo.User.Schemes;
using T = Vireo.User.Testing.TestRunner;

static unsafe partial class FsTests
{
    public static void Run()
    {
        T.Run("file.create_write_read", &CreateWriteRead);
        T.Run("file.open_missing", &OpenMissing);
        T.Run("file.create_exclusive", &CreateExclusive);
        T.Run("file.append_and_fcntl", &AppendAndFcntl);
        T.Run("file.seek", &Seek);
        T.Run("file.truncate", &Truncate);
        T.Run("file.access_rights", &AccessRights);
        T.Run("file.many_pages", &ManyPages);
        T.Run("file.directories_getdents", &DirectoriesGetdents);
        T.Run("file.not_directory", &NotDirectory);
        T.Run("file.is_directory", &IsDirectory);
        T.Run("file.rmdir", &Rmdir);
        T.Run("file.unlink_while_open", &UnlinkWhileOpen);
        T.Run("file.rename", &Rename);
        T.Run("file.dup_shares_position", &DupSharesPosition);
        T.Run("file.closed_descriptor", &ClosedDescriptor);
        T.Run("file.name_too_long", &NameTooLong);
        T.Run("file.unknown_scheme", &UnknownScheme);
        T.Run("paths.root_above_root", &RootAboveRoot);
        T.Run("paths.same_answer_everywhere", &SameAnswerEverywhere);
        T.Run("paths.rename_normalised", &RenameNormalised);
        T.Run("file.unsupported_and_bad_input", &UnsupportedAndBadInput);
        T.Run("file.open_without_landing_slot", &OpenWithoutLandingSlot);
        T.Run("file.no_space_data", &NoSpaceData);
        T.Run("file.nodes_past_the_old_table", &NodesPastTheOldTable);
        T.Run("file.no_space_heap", &NoSpaceHeap);
        T.Run("dev.null", &Null);
        T.Run("dev.zero", &Zero);
        T.Run("dev.rand", &Rand);
    }

    // --- file: basics ---------------------------------------------------------------------------

    private static void CreateWriteRead()
    {
        T.Status(Status.Ok, Put("file:/cwr", "hello, ramfs"), "create and write");
        T.True(Holds("file:/cwr", "hello, ramfs"), "reads back what was written");
        T.Status(Status.Ok, Fs.Stat("file:/cwr", out ulong size, out FileKind kind), "stat");
        T.Equal(12, (long)size, "size after the write");
        T.Equal((long)FileKind.File, (long)kind, "kind");
        T.Status(Status.Ok, Fs.Open("file:/cwr", OpenFlags.Read, out Fd fd), "open to read");
        byte* b = stackalloc byte[32];
        T.Status(Status.Ok, Fs.Read(fd, b, 32, out _), "read fd");
        T.Status(Status.Ok, Fs.Read(fd, b, 32, out int more), "read at the end");
        T.Equal(0, more, "end of file reads 0 bytes");
        T.Status(Status.Ok, Fs.Fstat(fd, out size, out kind), "fstat");
        T.Equal(12, (long)size, "fstat size");
        T.Status(Status.Ok, Fs.Fsync(fd), "fsync is accepted");
        T.Status(Status.Ok, Fs.Close(fd), "close fd");
        T.Status(Status.Ok, Fs.Unlink("file:/cwr"), "unlink");
        T.Status(Status.NotFound, Fs.Stat("file:/cwr", out _, out _), "gone after unlink");
    }

    private static void OpenMissing()
    {
        T.Status(Status.NotFound, Fs.Open("file:/missing", OpenFlags.Read, out _), "open without Create");
        T.Status(Status.NotFound, Fs.Open("file:/nodir/x", OpenFlags.Write | OpenFlags.Create, out _), "create in a missing directory");
        T.Status(Status.NotFound, Fs.Unlink("file:/missing"), "unlink");
        T.Status(Status.NotFound, Fs.Rmdir("file:/missing"), "rmdir");
        T.Status(Status.NotFound, Fs.Mkdir("file:/nodir/x"), "mkdir in a missing directory");
    }

    private static void CreateExclusive()
    {
        OpenFlags excl = OpenFlags.Write | OpenFlags.Create | OpenFlags.Exclusive;
        T.Status(Status.Ok, Fs.Open("file:/ex", excl, out Fd fd), "exclusive create of a new file");
        T.Status(Status.Ok, Fs.Close(fd), "close fd");
        T.Status(Status.Exists, Fs.Open("file:/ex", excl, out _), "exclusive create of an existing file");
        T.Status(Status.Ok, Fs.Open("file:/ex", OpenFlags.Write | OpenFlags.Create, out fd), "plain create opens it");
        T.Status(Status.Ok, Fs.Close(fd), "close fd");
        T.Status(Status.Exists, Fs.Mkdir("file:/ex"), "mkdir over a file");
        T.Status(Status.Ok, Fs.Unlink("file:/ex"), "unlink file:/ex");
    }

    private static void AppendAndFcntl()
    {
        T.Status(Status.Ok, Put("file:/ap", "one"), "put file:/ap");
        T.Status(Status.Ok, Fs.Open("file:/ap", OpenFlags.Write | OpenFlags.Append, out Fd fd), "open to append");
        T.Status(Status.Ok, Fs.Fcntl(fd, FcntlCommand.GetFlags, 0, out ulong flags), "get flags");
        T.Equal((long)(OpenFlags.Write | OpenFlags.Append), (long)flags, "flags of the handle");
        T.Status(Status.Ok, Fs.Seek(fd, 0, SeekFrom.Start, out _), "seek fd");
        T.Status(Status.Ok, Fs.Write(fd, "two"), "write fd");   // Append: at the end, whatever the position
        T.Status(Status.Ok, Fs.Fcntl(fd, FcntlCommand.SetFlags, 0, out _), "clear Append");
        T.Status(Status.Ok, Fs.Seek(fd, 0, SeekFrom.Start, out _), "seek fd");
        T.Status(Status.Ok, Fs.Write(fd, "ONE"), "write fd");
        T.Status(Status.Ok, Fs.Close(fd), "close fd");
        T.True(Holds("file:/ap", "ONEtwo"), "append wrote at the end; without it, at the position");
        T.Status(Status.Ok, Fs.Unlink("file:/ap"), "unlink file:/ap");
    }

    private static void Seek()
    {
        T.Status(Status.Ok, Put("file:/sk", "0123456789"), "put file:/sk");
        T.Status(Status.Ok, Fs.Open("file:/sk", OpenFlags.Read | OpenFlags.Write, out Fd fd), "open file:/sk");
        T.Status(Status.Ok, Fs.Seek(fd, 4, SeekFrom.Start, out ulong at), "from the start");
        T.Equal(4, (long)at, "position");
        T.Status(Status.Ok, Fs.Seek(fd, 2, SeekFrom.Current, out at), "seek fd");
        T.Equal(6, (long)at, "from the current position");
        T.Status(Status.Ok, Fs.Seek(fd, -3, SeekFrom.End, out at), "seek fd");
        T.Equal(7, (long)at, "from the end");
        byte* b = stackalloc byte[8];
        T.Status(Status.Ok, Fs.Read(fd, b, 8, out int n), "read fd");
        T.True(n == 3 && b[0] == '7' && b[2] == '9', "reads from the position");
        T.Status(Status.InvalidArgument, Fs.Seek(fd, -11, SeekFrom.End, out _), "before the start");
        T.Status(Status.InvalidArgument, Fs.Seek(fd, 0, (SeekFrom)7, out _), "unknown origin");
        // Past the end: the gap reads as zeros.
        T.Status(Status.Ok, Fs.Seek(fd, 5000, SeekFrom.Start, out _), "seek fd");
        T.Status(Status.Ok, Fs.Write(fd, "x"), "write fd");
        T.Status(Status.Ok, Fs.Fstat(fd, out ulong size, out _), "fstat fd");
        T.Equal(5001, (long)size, "size after a write past the end");
        T.Status(Status.Ok, Fs.Seek(fd, 4990, SeekFrom.Start, out _), "seek fd");
        T.Status(Status.Ok, Fs.Read(fd, b, 8, out n), "read fd");
        T.True(n == 8 && b[0] == 0 && b[7] == 0, "the hole reads as zeros");
        T.Status(Status.Ok, Fs.Close(fd), "close fd");
        T.Status(Status.Ok, Fs.Unlink("file:/sk"), "unlink file:/sk");
    }

    private static void Truncate()
    {
        T.Status(Status.Ok, Put("file:/tr", "abcdefgh"), "put file:/tr");
        T.Status(Status.Ok, Fs.Open("file:/tr", OpenFlags.Read | OpenFlags.Write, out Fd fd), "open file:/tr");
        T.Status(Status.Ok, Fs.Ftruncate(fd, 3), "shrink");
        T.Status(Status.Ok, Fs.Fstat(fd, out ulong size, out _), "fstat fd");
        T.Equal(3, (long)size, "size after shrinking");
        T.Status(Status.Ok, Fs.Ftruncate(fd, 6), "grow");
        T.Status(Status.Ok, Fs.Close(fd), "close fd");
        T.True(Holds("file:/tr", "abc\0\0\0"), "growing shows zeros, not the old bytes");
        T.Status(Status.Ok, Fs.Open("file:/tr", OpenFlags.Write | OpenFlags.Truncate, out fd), "open with Truncate");
        T.Status(Status.Ok, Fs.Fstat(fd, out size, out _), "fstat fd");
        T.Equal(0, (long)size, "size after Truncate");
        T.Status(Status.NoSpace, Fs.Ftruncate(fd, 1UL << 40), "past the largest file");
        T.Status(Status.Ok, Fs.Close(fd), "close fd");
        T.Status(Status.InvalidArgument, Fs.Open("file:/tr", OpenFlags.Read | OpenFlags.Truncate, out _), "Truncate without Write");
        T.Status(Status.Ok, Fs.Unlink("file:/tr"), "unlink file:/tr");
    }

    private static void AccessRights()
    {
        T.Status(Status.Ok, Put("file:/ar", "data"), "put file:/ar");
        byte* b = stackalloc byte[8];
        T.Status(Status.Ok, Fs.Open("file:/ar", OpenFlags.Read, out Fd fd), "open file:/ar");
        T.Status(Status.InsufficientRights, Fs.Write(fd, b, 1, out _), "write on a read-only handle");
        T.Status(Status.InsufficientRights, Fs.Ftruncate(fd, 0), "ftruncate on a read-only handle");
        T.Status(Status.Ok, Fs.Close(fd), "close fd");
        T.Status(Status.Ok, Fs.Open("file:/ar", OpenFlags.Write, out fd), "open file:/ar");
        T.Status(Status.InsufficientRights, Fs.Read(fd, b, 4, out _), "read on a write-only handle");
        // A file capability is the daemon's endpoint, badged: holding it must not let a client take
        // the daemon's requests (the capability has no Read right).
        var stolen = Message.Of();
        T.Status(Status.InsufficientRights, Ipc.TryReceive(fd.Cap, ref stolen), "a file capability cannot receive the daemon's requests");
        T.Status(Status.Ok, Fs.Close(fd), "close fd");
        T.True(Holds("file:/ar", "data"), "the file is unchanged");
        T.Status(Status.Ok, Fs.Unlink("file:/ar"), "unlink file:/ar");
    }

    // More than one page and more than one request each way.
    private static void ManyPages()
    {
        const int Size = 10000;
        byte* b = stackalloc byte[512];
        T.Status(Status.Ok, Fs.Open("file:/big", OpenFlags.Write | OpenFlags.Create, out Fd fd), "open file:/big");
        for (int done = 0; done < Size; done += 400)
        {
            for (int i = 0; i < 400; i++) b[i] = (byte)((done + i) * 7);
            T.Status(Status.Ok, Fs.Write(fd, b, 400, out _), "write fd");
        }
        T.Status(Status.Ok, Fs.Close(fd), "close fd");
        T.Status(Status.Ok, Fs.Open("file:/big", OpenFlags.Read, out fd), "open file:/big");
        int total = 0, bad = 0;
        while (Fs.Read(fd, b, 512, out int n) == Status.Ok && n > 0)
        {
            for (int i = 0; i < n; i++) if (b[i] != (byte)((total + i) * 7)) bad++;
            total += n;
        }
        T.Status(Status.Ok, Fs.Close(fd), "close fd");
        T.Equal(Size, total, "bytes read back");
        T.Equal(0, bad, "bytes that differ");
        T.Status(Status.Ok, Fs.Unlink("file:/big"), "unlink file:/big");
    }

    // --- directories ---------------------------------------------------------------------------

    private static void DirectoriesGetdents()
    {
        T.Status(Status.Ok, Fs.Mkdir("file:/d"), "mkdir");
        T.Status(Status.Exists, Fs.Mkdir("file:/d"), "mkdir again");
        T.Status(Status.Ok, Put("file:/d/alpha", "a"), "put file:/d/alpha");
        T.Status(Status.Ok, Put("file:/d/beta", "b"), "put file:/d/beta");
        T.Status(Status.Ok, Fs.Mkdir("file:/d/sub"), "mkdir inside");
        T.True(Holds("file:/d/sub/../alpha", "a"), ". and .. in paths");
        T.Status(Status.Ok, Fs.Stat("file:/d", out ulong entries, out FileKind kind), "stat a directory");
        T.True(kind == FileKind.Directory && entries == 3, "a directory with three entries");
        T.Status(Status.Ok, Fs.Open("file:/d", OpenFlags.Read | OpenFlags.Directory, out Fd fd), "open a directory");
        byte* b = stackalloc byte[480];
        // A small buffer takes one record at a time; the position carries over.
        int seen = 0, files = 0, dirs = 0, got;
        while (Fs.Getdents(fd, b, 8, out got) == Status.Ok && got > 0)
        {
            seen++;
            if (b[0] == (byte)FileKind.File) files++;
            if (b[0] == (byte)FileKind.Directory && b[1] == 3 && b[2] == 's') dirs++;
            T.Equal(got, 2 + b[1], "one record per call");
        }
        T.True(seen == 3 && files == 2 && dirs == 1, "alpha, beta and sub listed once each");
        T.Status(Status.InvalidArgument, Fs.Seek(fd, -1, SeekFrom.Start, out _), "seek before the first entry");
        T.Status(Status.Ok, Fs.Seek(fd, 0, SeekFrom.Start, out _), "seek fd");
        T.Status(Status.Ok, Fs.Getdents(fd, b, 480, out got), "getdents from the start again");
        T.Equal(3 * 2 + 5 + 4 + 3, got, "all three records in one answer");
        T.Status(Status.InvalidArgument, SeekAndList(fd, b, 3), "a buffer too small for the next record");
        T.Status(Status.Ok, Fs.Close(fd), "close fd");
        T.Status(Status.Ok, Fs.Open("file:/", OpenFlags.Read, out fd), "open the root");
        T.Status(Status.Ok, Fs.Getdents(fd, b, 480, out got), "list the root");
        T.True(got >= 3 && Contains(b, got, "d"), "the root lists d");
        T.Status(Status.Ok, Fs.Close(fd), "close fd");
        T.Status(Status.Ok, Fs.Unlink("file:/d/alpha"), "unlink file:/d/alpha");
        T.Status(Status.Ok, Fs.Unlink("file:/d/beta"), "unlink file:/d/beta");
        T.Status(Status.Ok, Fs.Rmdir("file:/d/sub"), "rmdir file:/d/sub");
        T.Status(Status.Ok, Fs.Rmdir("file:/d"), "rmdir once empty");
    }

    private static void NotDirectory()
    {
        T.Status(Status.Ok, Put("file:/nd", "x"), "put file:/nd");
        T.Status(Status.NotDirectory, Fs.Open("file:/nd/x", OpenFlags.Read, out _), "a path through a file");
        T.Status(Status.NotDirectory, Fs.Open("file:/nd/x", OpenFlags.Write | OpenFlags.Create, out _), "create under a file");
        T.Status(Status.NotDirectory, Fs.Mkdir("file:/nd/x"), "mkdir under a file");
        T.Status(Status.NotDirectory, Fs.Open("file:/nd", OpenFlags.Read | OpenFlags.Directory, out _), "Directory flag on a file");
        T.Status(Status.NotDirectory, Fs.Rmdir("file:/nd"), "rmdir of a file");
        T.Status(Status.Ok, Fs.Open("file:/nd", OpenFlags.Read, out Fd fd), "open file:/nd");
        byte* b = stackalloc byte[64];
        T.Status(Status.NotDirectory, Fs.Getdents(fd, b, 64, out _), "getdents on a file");
        T.Status(Status.Ok, Fs.Close(fd), "close fd");
        T.Status(Status.Ok, Fs.Unlink("file:/nd"), "unlink file:/nd");
    }

    private static void IsDirectory()
    {
        T.Status(Status.Ok, Fs.Mkdir("file:/id"), "mkdir file:/id");
        T.Status(Status.IsDirectory, Fs.Open("file:/id", OpenFlags.Write, out _), "open a directory to write");
        T.Status(Status.IsDirectory, Fs.Open("file:/", OpenFlags.Read | OpenFlags.Truncate | OpenFlags.Write, out _), "truncate the root");
        T.Status(Status.IsDirectory, Fs.Unlink("file:/id"), "unlink a directory");
        T.Status(Status.Ok, Fs.Open("file:/id", OpenFlags.Read, out Fd fd), "open file:/id");
        byte* b = stackalloc byte[8];
        T.Status(Status.IsDirectory, Fs.Read(fd, b, 8, out _), "read a directory");
        T.Status(Status.Ok, Fs.Close(fd), "close fd");
        T.Status(Status.Ok, Fs.Rmdir("file:/id"), "rmdir");
    }

    private static void Rmdir()
    {
        T.Status(Status.Ok, Fs.Mkdir("file:/rd"), "mkdir file:/rd");
        T.Status(Status.Ok, Fs.Mkdir("file:/rd/inner"), "mkdir file:/rd/inner");
        T.Status(Status.NotEmpty, Fs.Rmdir("file:/rd"), "a directory with an entry");
        T.Status(Status.Ok, Fs.Rmdir("file:/rd/inner"), "the entry");
        T.Status(Status.Ok, Fs.Rmdir("file:/rd"), "then the directory");
        T.Status(Status.NotFound, Fs.Stat("file:/rd", out _, out _), "gone");
        T.Status(Status.InvalidArgument, Fs.Rmdir("file:/"), "the root");
    }

    // An unlinked file keeps its data for the handles still open on it (docs/design/ramfs.md).
    private static void UnlinkWhileOpen()
    {
        T.Status(Status.Ok, Put("file:/uo", "kept"), "put file:/uo");
        T.Status(Status.Ok, Fs.Open("file:/uo", OpenFlags.Read | OpenFlags.Write, out Fd fd), "open file:/uo");
        T.Status(Status.Ok, Fs.Unlink("file:/uo"), "unlink an open file");
        T.Status(Status.NotFound, Fs.Stat("file:/uo", out _, out _), "the name is gone");
        byte* b = stackalloc byte[8];
        T.Status(Status.Ok, Fs.Read(fd, b, 8, out int n), "read after unlink");
        T.True(n == 4 && b[0] == 'k' && b[3] == 't', "the data is still there");
        T.Status(Status.Ok, Fs.Write(fd, b, 4, out _), "write after unlink");
        T.Status(Status.Ok, Put("file:/uo", "new"), "the name can be used again");
        T.True(Holds("file:/uo", "new"), "a different file");
        T.Status(Status.Ok, Fs.Close(fd), "close fd");
        T.Status(Status.Ok, Fs.Unlink("file:/uo"), "unlink file:/uo");
    }

    private static void Rename()
    {
        T.Status(Status.Ok, Fs.Mkdir("file:/ra"), "mkdir file:/ra");
        T.Status(Status.Ok, Fs.Mkdir("file:/rb"), "mkdir file:/rb");
        T.Status(Status.Ok, Put("file:/ra/f", "moved"), "put file:/ra/f");
        T.Status(Status.Ok, Rename("file:/ra/f", "file:/ra/g"), "rename in a directory");
        T.Status(Status.Ok, Rename("file:/ra/g", "file:/rb/h"), "move to another directory");
        T.True(Holds("file:/rb/h", "moved"), "contents follow");
        T.Status(Status.NotFound, Fs.Stat("file:/ra/g", out _, out _), "old name gone");
        T.Status(Status.Ok, Put("file:/rb/old", "replaced"), "put file:/rb/old");
        T.Status(Status.Ok, Rename("file:/rb/h", "file:/rb/old"), "replace a file");
        T.True(Holds("file:/rb/old", "moved"), "the replacement");
        T.Status(Status.NotFound, Rename("file:/rb/none", "file:/rb/x"), "rename a missing file");
        T.Status(Status.IsDirectory, Rename("file:/rb/old", "file:/ra"), "a file over a directory");
        T.Status(Status.NotDirectory, Rename("file:/ra", "file:/rb/old"), "a directory over a file");
        T.Status(Status.InvalidArgument, Rename("file:/rb", "file:/rb/in"), "a directory into itself");
        T.Status(Status.Ok, Fs.Mkdir("file:/ra/deep"), "mkdir file:/ra/deep");
        T.Status(Status.InvalidArgument, Rename("file:/ra", "file:/ra/deep/x"), "a directory into its subtree");
        T.Status(Status.NotEmpty, Rename("file:/rb", "file:/ra"), "over a directory that has entries");
        T.Status(Status.Ok, Rename("file:/ra/deep", "file:/rb/deep"), "move a directory");
        T.Status(Status.Ok, Fs.Stat("file:/rb/deep", out _, out FileKind kind), "the directory at its new place");
        T.Equal((long)FileKind.Directory, (long)kind, "still a directory");
        T.Status(Status.NotSupported, Rename("file:/rb/old", "null:/x"), "across schemes (library)");
        T.Status(Status.Ok, Fs.Rmdir("file:/rb/deep"), "rmdir file:/rb/deep");
        T.Status(Status.Ok, Fs.Unlink("file:/rb/old"), "unlink file:/rb/old");
        T.Status(Status.Ok, Fs.Rmdir("file:/ra"), "rmdir file:/ra");
        T.Status(Status.Ok, Fs.Rmdir("file:/rb"), "everything made was removed");
    }

    // A Dup shares the Open's position (POSIX), mapped or not: each read moves both.
    private static void DupSharesPosition()
    {
        T.Status(Status.Ok, Put("file:/du", "abcdefgh"), "put file:/du");
        T.Status(Status.Ok, Fs.Open("file:/du", OpenFlags.Read, out Fd a), "open file:/du");
        byte* b = stackalloc byte[8];
        T.Status(Status.Ok, Fs.Read(a, b, 2, out _), "read a");
        T.Status(Status.Ok, Fs.Dup(a, out Fd c), "dup");
        T.Status(Status.Ok, Fs.Read(a, b, 2, out _), "read a");
        T.True(b[0] == 'c' && b[1] == 'd', "the original moves on");
        T.Status(Status.Ok, Fs.Read(c, b, 2, out _), "read c");
        T.True(b[0] == 'e' && b[1] == 'f', "the copy goes on from where the original left the shared position");
        T.Status(Status.Ok, Fs.Seek(c, 1, SeekFrom.Start, out _), "seek c");
        T.Status(Status.Ok, Fs.Read(a, b, 1, out _), "read a");
        T.True(b[0] == 'b', "a seek through the copy moves the original");
        T.Status(Status.Ok, Fs.Close(a), "close a");
        T.Status(Status.Ok, Fs.Read(c, b, 2, out int n), "the copy works after the original closed");
        T.True(n == 2 && b[0] == 'c', "at the shared position");
        T.Status(Status.Ok, Fs.Close(c), "close c");
        T.Status(Status.Ok, Fs.Unlink("file:/du"), "unlink file:/du");
    }

    private static void ClosedDescriptor()
    {
        T.Status(Status.Ok, Put("file:/cd", "x"), "put file:/cd");
        T.Status(Status.Ok, Fs.Open("file:/cd", OpenFlags.Read, out Fd fd), "open file:/cd");
        T.Status(Status.Ok, Fs.Dup(fd, out Fd copy), "dup fd");
        T.Status(Status.Ok, Fs.Close(fd), "close");
        byte* b = stackalloc byte[4];
        T.Status(Status.BadDescriptor, Fs.Read(fd, b, 1, out _), "read after close");
        T.Status(Status.BadDescriptor, Fs.Fstat(fd, out _, out _), "fstat after close");
        T.Status(Status.Ok, Fs.Read(copy, b, 1, out _), "a dup stays open");
        T.Status(Status.Ok, Fs.Close(copy), "close copy");
        T.Status(Status.Ok, Fs.Unlink("file:/cd"), "unlink file:/cd");
    }

    private static void NameTooLong()
    {
        // 256 bytes: one more than a name may have (NAME_MAX).
        string longName = "file:/" + new string('a', SchemeLimits.MaxFileName + 1);
        T.Status(Status.NameTooLong, Fs.Open(longName, OpenFlags.Write | OpenFlags.Create, out _), "a 256-byte name");
        T.Status(Status.NameTooLong, Fs.Mkdir(longName), "mkdir with a 256-byte name");
        T.Status(Status.NameTooLong, Fs.Stat(longName, out _, out _), "stat with a 256-byte name");
        string longest = "file:/" + new string('a', SchemeLimits.MaxFileName);
        T.Status(Status.Ok, Fs.Open(longest, OpenFlags.Write | OpenFlags.Create, out Fd fd), "a 255-byte name");
        T.Status(Status.Ok, Fs.Close(fd), "close fd");
        T.True(Lists("file:/", longest.Substring(6)), "listed whole");
        T.Status(Status.Ok, Fs.Unlink(longest), "unlink the long name");
        // Past MaxPath after "file:": longer than the protocol carries (the library's limit).
        int n = 6 + SchemeLimits.MaxPath + 1;
        byte* path = stackalloc byte[n];
        Bytes("file:/", path);
        for (int i = 6; i < n; i++) path[i] = (byte)(i % 2 == 0 ? 'b' : '/');
        T.Status(Status.NameTooLong, Fs.Open(path, n, OpenFlags.Read, out _), "a path of MaxPath + 1 bytes");
        T.Status(Status.NameTooLong, Fs.Mkdir(path, n), "mkdir with a path of MaxPath + 1 bytes");
    }

    private static void UnknownScheme()
    {
        T.Status(Status.UnknownScheme, Fs.Open("nosuchscheme:/x", OpenFlags.Read, out _), "no such scheme");
        T.Status(Status.UnknownScheme, Fs.Open("/no/scheme/here", OpenFlags.Read, out _), "no scheme at all");
    }

    private static void UnsupportedAndBadInput()
    {
        T.Status(Status.Ok, Put("file:/ub", "x"), "put file:/ub");
        T.Status(Status.Ok, Fs.Open("file:/ub", OpenFlags.Read, out Fd fd), "open file:/ub");
        T.Status(Status.NotSupported, SchemeCall.Call(fd.Cap, (SchemeOp)200, 0, 0, 0, 0, 0, 0, out _), "an unknown descriptor op");
        T.Status(Status.OutOfRange, SchemeCall.Call(fd.Cap, SchemeOp.Fmap, 4096, 1, 0, 0, 0, 1, out _), "fmap past the end (filemap.* has the rest)");
        T.Status(Status.InvalidArgument, Fs.Fcntl(fd, (FcntlCommand)9, 0, out _), "an unknown fcntl command");
        T.Status(Status.Ok, Fs.Close(fd), "close fd");
        T.Status(Status.InvalidArgument, Fs.Open("file:/ub", (OpenFlags)(1UL << 20) | OpenFlags.Read, out _), "unknown open flags");
        byte* scheme = stackalloc byte[8];
        T.Status(Status.Ok, Namespace.Lookup(Bytes("file", scheme), 4, out CapHandle file), "look up file:");
        T.Status(Status.NotSupported, SchemeCall.Call(file, (SchemeOp)99, 0, 0, 0, 0, 0, 0, out _), "an unknown path op");
        // A NUL inside a path is not a name.
        SchemeCall.Put("/u\0b");
        T.Status(Status.InvalidArgument, SchemeCall.Call(file, SchemeOp.Stat, 0, 0, 0, 4, 0, 0, out _), "a NUL in a path");
        T.Status(Status.Ok, Fs.Unlink("file:/ub"), "unlink file:/ub");
    }

    // An Open whose caller names no slot for the file: the daemon's answer cannot land, so the caller
    // gets BadReply and the daemon forgets the file again (ReplyRecv reports the failed reply). More
    // such opens than the daemon has file ids (1,024) would exhaust them if any were kept.
    private static void OpenWithoutLandingSlot()
    {
        T.Status(Status.Ok, Put("file:/nl", "x"), "put file:/nl");
        byte* scheme = stackalloc byte[8];
        if (!T.Status(Status.Ok, Namespace.Lookup(Bytes("file", scheme), 4, out CapHandle file), "look up file:")) return;
        int bad = 0;
        for (int i = 0; i < 1100; i++)
        {
            SchemeCall.Put("/nl");
            if (SchemeCall.Call(file, SchemeOp.Open, (ulong)OpenFlags.Read, 0, 0, 3, 0, 0, out _) == Status.BadReply) bad++;
        }
        T.Equal(1100, bad, "every open without a landing slot is answered BadReply");
        T.Status(Status.Ok, Fs.Open("file:/nl", OpenFlags.Read, out Fd fd), "a proper open still finds a free file id");
        T.Status(Status.Ok, Fs.Close(fd), "and closes");
        T.Status(Status.Ok, Fs.Unlink("file:/nl"), "unlink file:/nl");
    }

    // --- devices ---------------------------------------------------------------------------------

    private static void Null()
    {
        T.Status(Status.Ok, Fs.Open("null:", OpenFlags.Read | OpenFlags.Write, out Fd fd), "open null:");
        byte* b = stackalloc byte[64];
        T.Status(Status.Ok, Fs.Read(fd, b, 64, out int n), "read");
        T.Equal(0, n, "null: reads end of file");
        T.Status(Status.Ok, Fs.Write(fd, b, 64, out n), "write");
        T.Equal(64, n, "null: takes everything");
        T.Status(Status.Ok, Fs.Fstat(fd, out _, out FileKind kind), "fstat fd");
        T.Equal((long)FileKind.Device, (long)kind, "a device");
        T.Status(Status.Ok, Fs.Close(fd), "close fd");
        T.Status(Status.NotFound, Fs.Open("null:/x", OpenFlags.Read, out _), "null: has no other paths");
    }

    private static void Zero()
    {
        T.Status(Status.Ok, Fs.Open("zero:", OpenFlags.Read | OpenFlags.Write, out Fd fd), "open zero:");
        byte* b = stackalloc byte[100];
        for (int i = 0; i < 100; i++) b[i] = 0xAA;
        T.Status(Status.Ok, Fs.Read(fd, b, 100, out int n), "read");
        T.Equal(100, n, "a full read");
        int nonzero = 0;
        for (int i = 0; i < 100; i++) if (b[i] != 0) nonzero++;
        T.Equal(0, nonzero, "zero: reads zeros");
        T.Status(Status.Ok, Fs.Write(fd, b, 100, out n), "write");
        T.Equal(100, n, "zero: takes everything");
        T.Status(Status.Ok, Fs.Close(fd), "close fd");
        T.Status(Status.Ok, Fs.Open("zero:", OpenFlags.Write, out fd), "open zero:");
        T.Status(Status.InsufficientRights, Fs.Read(fd, b, 1, out _), "read on a write-only handle");
        T.Status(Status.Ok, Fs.Close(fd), "close fd");
    }

    private static void Rand()
    {
        T.Status(Status.Ok, Fs.Open("rand:", OpenFlags.Read, out Fd fd), "open rand:");
        byte* a = stackalloc byte[64];
        byte* b = stackalloc byte[64];
        T.Status(Status.Ok, Fs.Read(fd, a, 64, out int n1), "read fd");
        T.Status(Status.Ok, Fs.Read(fd, b, 64, out int n2), "read fd");
        T.True(n1 == 64 && n2 == 64, "full reads");
        int same = 0, distinct = 0;
        for (int i = 0; i < 64; i++)
        {
            if (a[i] == b[i]) same++;
            if (a[i] != a[0]) distinct++;
        }
        T.True(same < 16, "two reads differ");
        T.True(distinct > 32, "bytes within a read vary");
        T.Status(Status.Ok, Fs.Close(fd), "close fd");
    }

    // --- helpers ---------------------------------------------------------------------------------

    // True if `path` is a directory whose listing names `child`.
    private static bool Lists(string path, string child)
    {
        if (Fs.Stat(path, out _, out FileKind kind) != Status.Ok || kind != FileKind.Directory) return false;
        if (Fs.Open(path, OpenFlags.Read, out Fd fd) != Status.Ok) return false;
        byte* b = stackalloc byte[480];
        bool found = false;
        while (!found && Fs.Getdents(fd, b, 480, out int got) == Status.Ok && got > 0) found = Contains(b, got, child);
        T.Status(Status.Ok, Fs.Close(fd), "close fd");
        return found;
    }

    // Creates (or empties) `path` and writes `text`.
    internal static Status Put(string path, string text)
    {
        Status s = Fs.Open(path, OpenFlags.Write | OpenFlags.Create | OpenFlags.Truncate, out Fd fd);
        if (s != Status.Ok) return s;
        s = Fs.Write(fd, text);
        T.Status(Status.Ok, Fs.Close(fd), "close fd");
        return s;
    }

    // True if `path` holds exactly `text`.
    internal static bool Holds(string path, string text)
    {
        if (Fs.Open(path, OpenFlags.Read, out Fd fd) != Status.Ok) return false;
        byte* b = stackalloc byte[128];
        T.Status(Status.Ok, Fs.Read(fd, b, 128, out int n), "read fd");
        T.Status(Status.Ok, Fs.Close(fd), "close fd");
        if (n != text.Length) return false;
        for (int i = 0; i < n; i++) if (b[i] != text[i]) return false;
        return true;
    }

    private static Status Rename(string from, string to)
    {
        byte* a = stackalloc byte[SchemeLimits.MaxPath + 1];
        byte* b = stackalloc byte[SchemeLimits.MaxPath + 1];
        return Fs.Rename(Bytes(from, a), from.Length, Bytes(to, b), to.Length);
    }

    private static Status SeekAndList(Fd fd, byte* b, int room)
    {
        T.Status(Status.Ok, Fs.Seek(fd, 0, SeekFrom.Start, out _), "seek fd");
        return Fs.Getdents(fd, b, room, out _);
    }

    private static bool Contains(byte* records, int length, string name)
    {
        for (int at = 0; at + 2 <= length; at += 2 + records[at + 1])
        {
            if (records[at + 1] != name.Length) continue;
            int k = 0;
            while (k < name.Length && records[at + 2 + k] == name[k]) k++;
            if (k == name.Length) return true;
        }
        return false;
    }

    internal static byte* Bytes(string text, byte* into)
    {
        Ascii.Copy(text, new System.Span<byte>(into, text.Length));
        return into;
    }

    // prefix + decimal number into `into`; returns the length.
    internal static int Numbered(string prefix, int number, byte* into)
    {
        Bytes(prefix, into);
        int n = prefix.Length;
        return n + Numbers.FormatDecimal((ulong)number, new System.Span<byte>(into + n, Numbers.MaxDecimalDigits));
    }
}
