// In-guest tests of the disk daemon (user/servers/Diskfs) through the client library. Each test
// starts its own diskfs, named `disktest`, over an ext2 image copied into file: (made by ./vireo
// build from tests/ext2-content with mke2fs: etc/disk-test.img in the test initfs, 128 KiB of 1 KiB
// blocks), so the daemon's device is a FileBlockDevice over a ramfs file, and kills it at the end.
// The image is small on purpose: it fills quickly, and it fits in the test boot's 256 KiB file:.
// When blk: serves the test disk, init's diskfs answers as disk: and the operations run there too.
// The damaged-image and full-disk tests are in DiskTests.Damage.cs, the mapped data path's in
// DiskTests.Mapped.cs.
using System;
using Vireo.Abi;
using Vireo.User;
using Vireo.User.Schemes;
using T = Vireo.User.Testing.TestRunner;

static unsafe partial class DiskTests
{
    private const string ImagePath = "file:/disk-test.img";
    private const int ImageSize = 128 * 1024;
    private static byte[] s_image;
    private static string s_scheme;
    // The names at the top of the scheme under test: the image's (tests/ext2-content), or the test
    // boots' disk's, which adds the Linux root (etc, root: docs/design/linux.md).
    private const string ImageRootNames = "docs hello.txt lost+found";
    private static string s_rootNames;

    public static void Run()
    {
        s_scheme = "disktest:";
        s_rootNames = ImageRootNames;
        T.Run("disk.no_device_ends_quietly", &NoDevice);
        T.Run("disk.reads_the_image", &ReadsTheImage);
        T.Run("disk.create_write_read_unlink", &CreateWriteReadUnlink);
        T.Run("disk.directories_and_rename", &DirectoriesAndRename);
        T.Run("disk.truncate_append_seek", &TruncateAppendSeek);
        T.Run("disk.large_file_indirect_blocks", &LargeFile);
        T.Run("disk.sparse_file_double_indirect", &SparseFile);
        T.Run("disk.unlinked_open_file_kept", &UnlinkedOpenFileKept);
        T.Run("disk.paths_normalised", &PathsNormalised);
        T.Run("disk.symbolic_links_followed", &SymbolicLinks);
        T.Run("disk.kept_across_a_restart", &KeptAcrossRestart);
        RunMapped();
        T.Run("disk.image_for_e2fsck", &ImageForFsck);
        RunDamage();
        if (Fs.Stat("disk:/", out _, out FileKind kind) == Status.Ok && kind == FileKind.Directory)
        {
            // blk: is up: the same operations on init's disk: (the test disk, made new for this run).
            s_scheme = "disk:";
            s_rootNames = "docs etc hello.txt lost+found root";   // the test boots' disk holds the Linux root too
            T.Run("disk.on_blk_create_write_read_unlink", &OnDiskCreateWriteReadUnlink);
            T.Run("disk.on_blk_directories_and_rename", &OnDiskDirectoriesAndRename);
            T.Run("disk.on_blk_large_file", &OnDiskLargeFile);
            T.Run("disk.on_blk_mapped_file_past_the_window", &OnDiskMappedPastWindow);
            T.Run("disk.on_blk_full_disk_answers_nospace", &OnDiskFull);
            s_scheme = "disktest:";
            s_rootNames = ImageRootNames;
        }
    }

    // --- a daemon over an image in file: ---------------------------------------------------------

    /// <summary>The test image, as ./vireo build made it.</summary>
    private static byte[] Image()
    {
        if (s_image != null) return s_image;
        byte[] image = new byte[ImageSize];
        if (!T.Status(Status.Ok, File.ReadAll("initfs:/etc/disk-test.img"u8, image, out int length), "the image is in the initfs")) return null;
        if (!T.Equal(ImageSize, length, "it is 128 KiB")) return null;
        return s_image = image;
    }

    /// <summary>Writes `image` to file: and starts diskfs on it as disktest:; the pid, or 0.</summary>
    private static ulong StartOn(byte[] image)
    {
        if (image == null) return 0;
        if (!T.Status(Status.Ok, File.WriteAll(Bytes(ImagePath), image), "copy the image into file:")) return 0;
        return StartDaemon(ImagePath, out Status registered) == Status.Ok && T.Status(Status.Ok, registered, "disktest: registered") ? s_pid : 0;
    }

    private static ulong s_pid;

    /// <summary>Starts diskfs on `device` as disktest: and waits until it registers or ends.</summary>
    private static Status StartDaemon(string device, out Status registered)
    {
        registered = Status.NotFound;
        Status s = Children.SpawnWithoutStdio(Bytes("initfs:/bin/diskfs\0--name=disktest\0" + device), 0, out s_pid);
        if (!T.Status(Status.Ok, s, "start diskfs")) return s;
        byte* name = stackalloc byte[8];
        for (int i = 0; i < 8; i++) name[i] = (byte)"disktest"[i];
        registered = Namespace.AwaitName(name, 8, s_pid, out _);
        return Status.Ok;
    }

    /// <summary>Kills the daemon. The image stays: the next test overwrites it in place. A killed
    /// daemon's files are closed a little later (schemes.md, "A process's death"), so a new image
    /// under a new node could need room for two in the test boot's small file: while the old one
    /// is still open; the last damage test removes it.</summary>
    private static void Stop(ulong pid)
    {
        if (pid == 0) return;
        T.Status(Status.Ok, Children.Kill(pid), "kill diskfs");
        T.Status(Status.Ok, Children.Wait(pid, out _, out _, out _), "it ended");
    }

    private static void WithImage(delegate*<void> body)
    {
        ulong pid = StartOn(Image());
        if (pid == 0) return;
        body();
        Stop(pid);
    }

    // --- tests -----------------------------------------------------------------------------------

    // A device whose scheme is not registered (no disk attached), even after waiting 50 ms for it:
    // one line, status 0, no name.
    private static void NoDevice()
    {
        T.Status(Status.Ok, StartDaemon("--wait=50\0nosuch:/vda", out Status registered), "start diskfs on nosuch:");
        T.Status(Status.PeerDied, registered, "it ends without registering");
        T.Status(Status.Ok, Children.Wait(s_pid, out _, out ThreadExitKind kind, out ulong code), "wait");
        T.True(kind == ThreadExitKind.Exited && code == 0, "exit status 0: init does not restart it");
    }

    private static void ReadsTheImage() => WithImage(&ReadsTheImageBody);

    private static void ReadsTheImageBody()
    {
        T.True(Holds(P("/hello.txt"), "hello from ext2\n"), "/hello.txt");
        T.Status(Status.Ok, Fs.Stat(P("/docs/numbers.txt"), out ulong size, out FileKind kind), "stat /docs/numbers.txt");
        T.True(size == 13890 && kind == FileKind.File, "13,890 bytes, a file");
        byte[] all = new byte[16384];
        T.Status(Status.Ok, File.ReadAll(Bytes(P("/docs/numbers.txt")), all, out int n), "read it through its indirect block");
        int lines = 0;
        for (int i = 0; i < n; i++) if (all[i] == (byte)'\n') lines++;
        T.True(n == 13890 && lines == 3000, "3000 lines");
        T.True(Lists(P("/"), "docs hello.txt lost+found"), "the root lists docs, hello.txt and lost+found (not . and ..)");
        T.Status(Status.Ok, Fs.Stat(P("/"), out _, out kind), "stat the root");
        T.True(kind == FileKind.Directory, "a directory");
        T.Status(Status.NotFound, Fs.Stat(P("/nothing"), out _, out _), "a missing name");
        T.Status(Status.NotDirectory, Fs.Stat(P("/hello.txt/x"), out _, out _), "a file is not a directory");
    }

    private static void CreateWriteReadUnlink() => WithImage(&CreateWriteReadUnlinkBody);
    private static void OnDiskCreateWriteReadUnlink() => CreateWriteReadUnlinkBody();

    private static void CreateWriteReadUnlinkBody()
    {
        T.Status(Status.Ok, Put(P("/new"), "written on ext2"), "create and write /new");
        T.True(Holds(P("/new"), "written on ext2"), "read back");
        T.Status(Status.Ok, Fs.Stat(P("/new"), out ulong size, out _), "stat");
        T.Equal(15, (long)size, "its size");
        T.Status(Status.Exists, Fs.Open(P("/new"), OpenFlags.Write | OpenFlags.Create | OpenFlags.Exclusive, out _), "exclusive create of an existing file");
        T.Status(Status.NotFound, Fs.Open(P("/missing"), OpenFlags.Read, out _), "open of a missing file");
        T.Status(Status.NotFound, Fs.Open(P("/nodir/f"), OpenFlags.Write | OpenFlags.Create, out _), "create in a missing directory");
        T.Status(Status.Ok, Fs.Open(P("/new"), OpenFlags.Read, out Fd fd), "open read-only");
        byte b = 1;
        T.Status(Status.InsufficientRights, Fs.Write(fd, &b, 1, out _), "a write through a read-only file");
        T.Status(Status.Ok, Fs.Close(fd), "close");
        T.Status(Status.Ok, Fs.Unlink(P("/new")), "unlink");
        T.Status(Status.NotFound, Fs.Stat(P("/new"), out _, out _), "gone");
        T.Status(Status.NotFound, Fs.Unlink(P("/new")), "a second unlink");
        T.Status(Status.IsDirectory, Fs.Unlink(P("/")), "unlink of the root");
    }

    private static void DirectoriesAndRename() => WithImage(&DirectoriesAndRenameBody);
    private static void OnDiskDirectoriesAndRename() => DirectoriesAndRenameBody();

    private static void DirectoriesAndRenameBody()
    {
        T.Status(Status.Ok, Fs.Mkdir(P("/d")), "mkdir /d");
        T.Status(Status.Exists, Fs.Mkdir(P("/d")), "mkdir again");
        T.Status(Status.Exists, Fs.Mkdir(P("/")), "mkdir of the root");
        T.Status(Status.Ok, Put(P("/d/a"), "A"), "a file in it");
        T.Status(Status.Ok, Fs.Mkdir(P("/d/sub")), "a directory in it");
        T.True(Lists(P("/d"), "a sub"), "it lists a and sub");
        T.Status(Status.NotEmpty, Fs.Rmdir(P("/d")), "rmdir of a full directory");
        T.Status(Status.NotDirectory, Fs.Rmdir(P("/d/a")), "rmdir of a file");
        T.Status(Status.IsDirectory, Fs.Unlink(P("/d/sub")), "unlink of a directory");
        T.Status(Status.IsDirectory, Fs.Open(P("/d"), OpenFlags.Write, out _), "a directory opened for writing");
        T.Status(Status.NotDirectory, Fs.Open(P("/d/a"), OpenFlags.Read | OpenFlags.Directory, out _), "a file opened as a directory");
        T.Status(Status.Ok, Rename(P("/d/a"), P("/b")), "rename /d/a to /b");
        T.True(Holds(P("/b"), "A"), "/b holds it");
        T.Status(Status.NotFound, Fs.Stat(P("/d/a"), out _, out _), "/d/a is gone");
        T.Status(Status.Ok, Put(P("/c"), "C"), "/c");
        T.Status(Status.Ok, Rename(P("/c"), P("/b")), "rename over a file");
        T.True(Holds(P("/b"), "C"), "/b holds the new file");
        T.Status(Status.InvalidArgument, Rename(P("/d"), P("/d/sub/x")), "a directory into its own subtree");
        T.Status(Status.IsDirectory, Rename(P("/b"), P("/d/sub")), "a file over a directory");
        T.Status(Status.Ok, Rename(P("/d/sub"), P("/moved")), "rename a directory");
        T.Status(Status.Ok, Fs.Rmdir(P("/moved")), "rmdir it");
        T.Status(Status.Ok, Fs.Rmdir(P("/d")), "rmdir the empty /d");
        T.Status(Status.Ok, Fs.Unlink(P("/b")), "unlink /b");
        T.True(Lists(P("/"), s_rootNames), "the root as it was");
    }

    private static void TruncateAppendSeek() => WithImage(&TruncateAppendSeekBody);

    private static void TruncateAppendSeekBody()
    {
        T.Status(Status.Ok, Put(P("/t"), "0123456789"), "a file of ten bytes");
        T.Status(Status.Ok, Fs.Open(P("/t"), OpenFlags.Read | OpenFlags.Write, out Fd fd), "open it");
        T.Status(Status.Ok, Fs.Ftruncate(fd, 4), "truncate to 4");
        T.Status(Status.Ok, Fs.Ftruncate(fd, 8), "grow to 8: a hole");
        T.Status(Status.Ok, Fs.Seek(fd, 0, SeekFrom.End, out ulong end), "seek to the end");
        T.Equal(8, (long)end, "the end is at 8");
        T.Status(Status.Ok, Fs.Seek(fd, 2, SeekFrom.Start, out _), "seek to 2");
        byte* got = stackalloc byte[16];
        T.Status(Status.Ok, Fs.Read(fd, got, 16, out int n), "read");
        T.True(n == 6 && got[0] == (byte)'2' && got[1] == (byte)'3' && got[2] == 0 && got[5] == 0, "23 then zeros, not the old bytes");
        T.Status(Status.InvalidArgument, Fs.Seek(fd, -1, SeekFrom.Start, out _), "seek before the start");
        T.Status(Status.Ok, Fs.Close(fd), "close");
        T.Status(Status.Ok, File.WriteAll(Bytes(P("/t")), "ab"u8, append: true), "append");
        T.Status(Status.Ok, Fs.Stat(P("/t"), out ulong size, out _), "stat");
        T.Equal(10, (long)size, "8 + 2 bytes");
        T.Status(Status.Ok, Fs.Open(P("/t"), OpenFlags.Write | OpenFlags.Truncate, out fd), "open with Truncate");
        T.Status(Status.Ok, Fs.Close(fd), "close");
        T.Status(Status.Ok, Fs.Stat(P("/t"), out size, out _), "stat");
        T.Equal(0, (long)size, "empty");
        T.Status(Status.InvalidArgument, Fs.Open(P("/t"), OpenFlags.Read | OpenFlags.Truncate, out _), "Truncate without Write");
        T.Status(Status.Ok, Fs.Unlink(P("/t")), "unlink");
    }

    private static void LargeFile() => WithImage(&LargeFileBody);
    private static void OnDiskLargeFile() => LargeFileBody();

    // The test disk's 1 MiB file system filled through the virtio disk: NoSpace at the end, never
    // another status or a dead daemon, and the room comes back with the file (./vireo test then runs
    // e2fsck -fn on the disk: check_test_disk).
    private static void OnDiskFull()
    {
        FillToNoSpace(512, 1024);
        FreeAndWriteAgain();
    }

    // 60 KiB: 12 direct blocks, then the single indirect block's.
    private static void LargeFileBody()
    {
        byte[] data = Pattern(60 * 1024, 3);
        T.Status(Status.Ok, File.WriteAll(Bytes(P("/large")), data), "write 60 KiB");
        byte[] back = new byte[data.Length + 1];
        T.Status(Status.Ok, File.ReadAll(Bytes(P("/large")), back, out int n), "read it back");
        T.True(n == data.Length && new ReadOnlySpan<byte>(back, 0, n).SequenceEqual(data), "the same bytes");
        T.Status(Status.Ok, Fs.Unlink(P("/large")), "unlink");
    }

    private static void SparseFile() => WithImage(&SparseFileBody);

    // 300 KiB is past 12 + 256 blocks of 1 KiB: the double indirect range, in a 128 KiB image.
    private static void SparseFileBody()
    {
        T.Status(Status.Ok, Fs.Open(P("/sparse"), OpenFlags.Read | OpenFlags.Write | OpenFlags.Create, out Fd fd), "create");
        T.Status(Status.Ok, Fs.Seek(fd, 300 * 1024, SeekFrom.Start, out _), "seek to 300 KiB");
        byte* end = stackalloc byte[4];
        end[0] = (byte)'e'; end[1] = (byte)'n'; end[2] = (byte)'d'; end[3] = (byte)'\n';
        T.Status(Status.Ok, Fs.Write(fd, end, 4, out _), "write there");
        T.Status(Status.Ok, Fs.Fsync(fd), "fsync");
        T.Status(Status.Ok, Fs.Seek(fd, 150 * 1024, SeekFrom.Start, out _), "seek into the hole");
        byte* hole = stackalloc byte[64];
        hole[0] = 0xFF;
        T.Status(Status.Ok, Fs.Read(fd, hole, 64, out int n), "read the hole");
        bool zeros = n == 64;
        for (int i = 0; i < n; i++) zeros &= hole[i] == 0;
        T.True(zeros, "zeros");
        T.Status(Status.Ok, Fs.Seek(fd, 300 * 1024, SeekFrom.Start, out _), "seek back");
        T.Status(Status.Ok, Fs.Read(fd, hole, 64, out n), "read the end");
        T.True(n == 4 && hole[0] == (byte)'e' && hole[3] == (byte)'\n', "what was written");
        T.Status(Status.Ok, Fs.Fstat(fd, out ulong size, out _), "fstat");
        T.Equal(300 * 1024 + 4, (long)size, "its size");
        T.Status(Status.Ok, Fs.Close(fd), "close");
        T.Status(Status.Ok, Fs.Unlink(P("/sparse")), "unlink");
    }

    private static void UnlinkedOpenFileKept() => WithImage(&UnlinkedOpenFileKeptBody);

    // The open file keeps its inode: a file made after the unlink must not take it over.
    private static void UnlinkedOpenFileKeptBody()
    {
        T.Status(Status.Ok, Put(P("/gone"), "still here"), "a file");
        T.Status(Status.Ok, Fs.Open(P("/gone"), OpenFlags.Read, out Fd fd), "open it");
        T.Status(Status.Ok, Fs.Unlink(P("/gone")), "unlink it while open");
        T.Status(Status.Ok, Put(P("/other"), "another file"), "a new file");
        byte* got = stackalloc byte[32];
        T.Status(Status.Ok, Fs.Read(fd, got, 32, out int n), "read through the open file");
        T.True(n == 10 && got[0] == (byte)'s' && got[9] == (byte)'e', "the unlinked file's bytes");
        T.Status(Status.Ok, Fs.Close(fd), "the last close frees it");
        T.True(Holds(P("/other"), "another file"), "the new file is intact");
        T.Status(Status.Ok, Fs.Unlink(P("/other")), "unlink");
    }

    private static void PathsNormalised() => WithImage(&PathsNormalisedBody);

    private static void PathsNormalisedBody()
    {
        T.True(Holds(P("//docs/../hello.txt"), "hello from ext2\n"), "//docs/../hello.txt");
        T.True(Holds(P("/../../hello.txt"), "hello from ext2\n"), "above the root stays at the root");
        T.Status(Status.Ok, Fs.Stat(P("/docs/./"), out _, out FileKind kind), "/docs/./");
        T.True(kind == FileKind.Directory, "the directory");
        T.Status(Status.InvalidArgument, Fs.Mkdir(P("/a\0b")), "a NUL in a name");
    }

    private static void SymbolicLinks() => WithImage(&SymbolicLinksBody);

    // tests/ext2-content/docs holds link -> ../hello.txt, abs -> /docs/numbers.txt, up -> ../docs
    // and loop -> loop (mke2fs -d copies them as links).
    private static void SymbolicLinksBody()
    {
        T.True(Lists(P("/docs"), "numbers.txt link abs up loop"), "the links are listed");
        T.True(Holds(P("/docs/link"), "hello from ext2\n"), "a relative link to a file is followed");
        T.Status(Status.Ok, Fs.Stat(P("/docs/abs"), out ulong size, out _), "an absolute link");
        T.Equal(13890, (long)size, "stat follows it");
        T.Status(Status.Ok, Fs.Stat(P("/docs/up/up/up/numbers.txt"), out size, out _), "links to directories on the way");
        T.Equal(13890, (long)size, "the file they lead to");
        T.Status(Status.SymlinkLoop, Fs.Stat(P("/docs/loop"), out _, out _), "a loop ends after 40 links: SymlinkLoop");
        T.Status(Status.Ok, Put(P("/docs/up/made"), "via a link"), "create through a linked directory");
        T.True(Holds(P("/docs/made"), "via a link"), "the file is in the real directory");
        T.Status(Status.Ok, Fs.Unlink(P("/docs/link")), "unlink removes the link");
        T.True(Holds(P("/hello.txt"), "hello from ext2\n"), "not its target");
    }

    // What a closed file wrote is on the image: a second daemon on it reads it back (what a power
    // off and a boot do to a disk; the session tests do that with the real disk once blk: exists).
    private static void KeptAcrossRestart()
    {
        ulong pid = StartOn(Image());
        if (pid == 0) return;
        T.Status(Status.Ok, Fs.Mkdir(P("/kept")), "mkdir /kept");
        T.Status(Status.Ok, File.WriteAll(Bytes(P("/kept/f")), Pattern(5000, 7)), "write 5,000 bytes and close");
        T.Status(Status.Ok, Children.Kill(pid), "kill diskfs (no unmount)");
        T.Status(Status.Ok, Children.Wait(pid, out _, out _, out _), "it ended");
        if (!T.Status(Status.Ok, StartDaemon(ImagePath, out Status registered), "start it again") || !T.Status(Status.Ok, registered, "registered")) return;
        byte[] back = new byte[6000];
        T.Status(Status.Ok, File.ReadAll(Bytes(P("/kept/f")), back, out int n), "read /kept/f");
        T.True(n == 5000 && new ReadOnlySpan<byte>(back, 0, n).SequenceEqual(Pattern(5000, 7)), "the bytes written before");
        Stop(s_pid);
    }

    // --- helpers ---------------------------------------------------------------------------------

    private static string P(string path) => s_scheme + path;

    private static byte[] Bytes(string text)
    {
        byte[] b = new byte[text.Length];
        for (int i = 0; i < text.Length; i++) b[i] = (byte)text[i];
        return b;
    }

    private static byte[] Pattern(int length, int seed)
    {
        byte[] data = new byte[length];
        for (int i = 0; i < length; i++) data[i] = (byte)(i * seed + (i >> 9));
        return data;
    }

    private static Status Put(string path, string text) => File.WriteAll(Bytes(path), Bytes(text));

    private static bool Holds(string path, string text)
    {
        byte[] got = new byte[text.Length + 16];
        if (File.ReadAll(Bytes(path), got, out int n) != Status.Ok) return false;
        return new ReadOnlySpan<byte>(got, 0, n).SequenceEqual(Bytes(text));
    }

    private static Status Rename(string from, string to)
    {
        byte[] f = Bytes(from), t = Bytes(to);
        fixed (byte* a = f) fixed (byte* b = t) return Fs.Rename(a, f.Length, b, t.Length);
    }

    /// <summary>Whether the directory lists exactly these space-separated names, in any order.</summary>
    private static bool Lists(string path, string names)
    {
        if (Fs.Open(path, OpenFlags.Read | OpenFlags.Directory, out Fd fd) != Status.Ok) return false;
        byte* buffer = stackalloc byte[SchemeLimits.MaxData];
        int found = 0;
        bool ok = true;
        while (true)
        {
            // A small count: the listing takes several requests.
            if (Fs.Getdents(fd, buffer, 40, out int n) != Status.Ok) { ok = false; break; }
            if (n == 0) break;
            for (int at = 0; at < n; at += 2 + buffer[at + 1])
            {
                char[] chars = new char[buffer[at + 1]];
                for (int i = 0; i < chars.Length; i++) chars[i] = (char)buffer[at + 2 + i];
                string name = new string(chars);
                ok &= (" " + names + " ").Contains(" " + name + " ");
                found++;
            }
        }
        _ = Fs.Close(fd);   // read only: the listing is read whatever the close says
        return ok && found == names.Split(' ').Length;
    }
}
