// In-guest tests of the Unix metadata operations (docs/design/schemes.md, "File metadata") on
// file: (ramfs), every operation with its statuses, and the full stat the other daemons answer.
// The same tests run on disk: (diskfs on the test disk) when it is served, as meta.disk.*: the
// contract a file-system daemon meets. ext2 keeps whole seconds, so there times are compared in
// seconds and a change waits a second to show. Each test works under its own names and removes
// what it made.
using Vireo.Abi;
using Vireo.User;
using Vireo.User.Schemes;
using T = Vireo.User.Testing.TestRunner;

static unsafe class FsMetaTests
{
    // The scheme under test ("file:" or "disk:"), whether it keeps nanoseconds, and the 512-byte
    // sectors of its smallest allocation (set by Run: ilc cannot preinitialise a string field).
    private static string s_root;
    private static bool s_nanoseconds = true;
    private static long s_blockSectors = 1;

    private static string P(string path) => s_root + path;

    public static void Run()
    {
        s_root = "file:";
        RunOnRamfs();
        // When init's diskfs serves the test disk: the same contract there.
        if (!UseDisk()) return;
        T.Run("meta.disk.stat_fields", &StatFields);
        T.Run("meta.disk.chmod_chown", &ChmodChown);
        T.Run("meta.disk.utimens", &Utimens);
        T.Run("meta.disk.times_advance", &DiskTimesAdvance);
        T.Run("meta.disk.hard_links", &HardLinks);
        T.Run("meta.disk.directory_link_counts", &DirectoryLinkCounts);
        T.Run("meta.disk.symlinks", &Symlinks);
        T.Run("meta.disk.symlink_loops_and_long_targets", &SymlinkLoopsAndLongTargets);
        T.Run("meta.disk.create_through_dangling_link", &CreateThroughDanglingLink);
        T.Run("meta.disk.pread_pwrite", &PreadPwrite);
        T.Run("meta.disk.mknod", &Mknod);
        T.Run("meta.disk.statfs", &Statfs);
        T.Run("meta.disk.long_paths", &LongPaths);
        T.Run("meta.disk.handles_past_the_old_table", &HandlesPastTheOldTable);
        s_root = "file:";
        s_nanoseconds = true;
        s_blockSectors = 1;
    }

    private static bool UseDisk()
    {
        byte* path = Bytes("disk:/", out int n);
        if (Fs.Statfs(path, n, out FsStat disk) != Status.Ok) return false;
        s_root = "disk:";
        s_nanoseconds = false;
        s_blockSectors = (long)(disk.BlockSize / 512);
        return true;
    }

    private static void RunOnRamfs()
    {
        T.Run("meta.stat_fields", &StatFields);
        T.Run("meta.chmod_chown", &ChmodChown);
        T.Run("meta.utimens", &Utimens);
        T.Run("meta.times_advance", &TimesAdvance);
        T.Run("meta.hard_links", &HardLinks);
        T.Run("meta.directory_link_counts", &DirectoryLinkCounts);
        T.Run("meta.symlinks", &Symlinks);
        T.Run("meta.symlink_loops_and_long_targets", &SymlinkLoopsAndLongTargets);
        T.Run("meta.create_through_dangling_link", &CreateThroughDanglingLink);
        T.Run("meta.pread_pwrite", &PreadPwrite);
        T.Run("meta.mknod", &Mknod);
        T.Run("meta.statfs", &Statfs);
        T.Run("meta.long_paths", &LongPaths);
        T.Run("meta.handles_past_the_old_table", &HandlesPastTheOldTable);
        T.Run("meta.other_daemons", &OtherDaemons);
        T.Run("meta.other_daemons_times", &OtherDaemonsTimes);
    }

    // A time as the scheme keeps it: nanoseconds, or whole seconds (ext2).
    private static long Kept(FileTime t) => s_nanoseconds ? t.ToNanoseconds() : t.Seconds;

    // Long enough for the scheme's clock to show a change: 2 ms, or a second for whole seconds.
    private static void Tick() => Sys.Sleep(s_nanoseconds ? 2_000_000UL : 1_100_000_000UL);

    private const uint Regular = FileModes.Regular, Directory = FileModes.Directory, LinkType = FileModes.Symlink;

    // Open's mode word and Mkdir's; the defaults; the fields a new file starts with.
    private static void StatFields()
    {
        Status s = Open(P("/sf"), OpenFlags.Write | OpenFlags.Create, FileModes.Given | 0x180, out Fd fd);   // 0600
        T.Status(Status.Ok, s, "create with mode 0600");
        T.Status(Status.Ok, Fs.Write(fd, "hello"), "write");
        T.Status(Status.Ok, Fs.Stat(P("/sf"), out FileStat st), "stat");
        T.Equal(Regular | 0x180, st.Mode, "a regular file, 0600");
        T.Equal(1, st.Links, "one link");
        T.Equal(0, st.Uid, "uid 0");
        T.Equal(0, st.Gid, "gid 0");
        T.Equal(5, (long)st.Size, "size");
        T.Equal(s_blockSectors, (long)st.Blocks, "one block (in 512-byte units)");
        T.Equal((long)FileKind.File, st.Kind, "kind");
        T.True(st.Inode != 0, "an inode number");
        T.True(st.Modify.Seconds > 1_704_067_200, "modified after 2024 (the wall clock)");
        T.True(st.Modify.Nanoseconds < 1_000_000_000, "nanoseconds in range");
        T.Status(Status.Ok, Fs.Fstat(fd, out FileStat fst), "fstat");
        T.Equal((long)st.Inode, (long)fst.Inode, "fstat: the same inode");
        T.Equal(st.Mode, fst.Mode, "fstat: the same mode");
        T.Status(Status.Ok, Fs.Fstat(fd, out ulong size, out FileKind kind), "the old two-word answer still comes");
        T.Equal(5, (long)size, "its size");
        T.Equal((long)FileKind.File, (long)kind, "its kind");
        T.Status(Status.Ok, Fs.Close(fd), "close");
        T.Status(Status.Ok, Open(P("/sd"), OpenFlags.Write | OpenFlags.Create, 0, out fd), "create without a mode");
        T.Status(Status.Ok, Fs.Close(fd), "close");
        T.Status(Status.Ok, Fs.Stat(P("/sd"), out st), "stat");
        T.Equal(Regular | FileModes.DefaultFile, st.Mode, "0644 by default");
        T.Status(Status.Ok, Fs.Mkdir(P("/sdir")), "mkdir");
        T.Status(Status.Ok, Fs.Stat(P("/sdir"), out st), "stat a directory");
        T.Equal(Directory | FileModes.DefaultDirectory, st.Mode, "0755 by default");
        T.Equal(2, st.Links, "a new directory has two links");
        T.Status(Status.Ok, MkdirMode(P("/sdir/m"), 0x1C0), "mkdir with mode 0700");
        T.Status(Status.Ok, Fs.Stat(P("/sdir/m"), out st), "stat");
        T.Equal(Directory | 0x1C0, st.Mode, "0700");
        T.Status(Status.NotFound, Fs.Stat(P("/nothing"), out st), "stat a missing name");
        T.Status(Status.NotDirectory, Fs.Stat(P("/sf/x"), out st), "stat under a file");
        T.Status(Status.Ok, Fs.Rmdir(P("/sdir/m")), "rmdir");
        T.Status(Status.Ok, Fs.Rmdir(P("/sdir")), "rmdir");
        T.Status(Status.Ok, Fs.Unlink(P("/sd")), "unlink");
        T.Status(Status.Ok, Fs.Unlink(P("/sf")), "unlink");
    }

    private static void ChmodChown()
    {
        T.Status(Status.Ok, FsTests.Put(P("/cc"), "x"), "create");
        T.Status(Status.Ok, Fs.Stat(P("/cc"), out FileStat before), "stat");
        Tick();
        T.Status(Status.Ok, Chmod(P("/cc"), 0x1A0), "chmod 0640");
        T.Status(Status.Ok, Fs.Stat(P("/cc"), out FileStat st), "stat");
        T.Equal(Regular | 0x1A0, st.Mode, "0640, the type kept");
        T.True(Kept(st.Change) > Kept(before.Change), "the change time moved");
        T.Equal(Kept(before.Modify), Kept(st.Modify), "the modify time did not");
        T.Status(Status.Ok, Chmod(P("/cc"), 0xFFF), "chmod 07777");
        T.Status(Status.Ok, Fs.Stat(P("/cc"), out st), "stat");
        T.Equal(Regular | 0xFFF, st.Mode, "set-id and sticky bits kept");
        T.Status(Status.InvalidArgument, Chmod(P("/cc"), 0x1000), "a mode past 07777");
        T.Status(Status.NotFound, Chmod(P("/nothing"), 0x1A4), "chmod a missing name");
        T.Status(Status.Ok, Chown(P("/cc"), 1000, 100), "chown 1000:100");
        T.Status(Status.Ok, Fs.Stat(P("/cc"), out st), "stat");
        T.Equal(1000, st.Uid, "uid");
        T.Equal(100, st.Gid, "gid");
        T.Status(Status.Ok, Chown(P("/cc"), Owner.Unchanged, 7), "chown :7");
        T.Status(Status.Ok, Fs.Stat(P("/cc"), out st), "stat");
        T.Equal(1000, st.Uid, "the uid kept");
        T.Equal(7, st.Gid, "the gid changed");
        T.Status(Status.NotFound, Chown(P("/nothing"), 1, 1), "chown a missing name");
        T.Status(Status.Ok, Fs.Open(P("/cc"), OpenFlags.Read, out Fd fd), "open");
        T.Status(Status.Ok, Fs.Fchmod(fd, 0x124), "fchmod 0444");
        T.Status(Status.Ok, Fs.Fchown(fd, 3, Owner.Unchanged), "fchown 3");
        T.Status(Status.InvalidArgument, Fs.Fchmod(fd, 0x10000), "fchmod past 07777");
        T.Status(Status.Ok, Fs.Fstat(fd, out st), "fstat");
        T.Equal(Regular | 0x124, st.Mode, "fchmod took");
        T.Equal(3, st.Uid, "fchown took");
        T.Equal(7, st.Gid, "the gid kept");
        T.Status(Status.Ok, Fs.Close(fd), "close");
        T.Status(Status.BadDescriptor, Fs.Fchmod(fd, 0x1A4), "fchmod after close");
        T.Status(Status.Ok, Fs.Unlink(P("/cc")), "unlink");
    }

    private static void Utimens()
    {
        T.Status(Status.Ok, FsTests.Put(P("/ut"), "x"), "create");
        var access = new FileTime(1_000_000_000, 5);
        var modify = new FileTime(1_100_000_000, 999_999_999);
        T.Status(Status.Ok, Times(P("/ut"), access, modify), "set both");
        T.Status(Status.Ok, Fs.Stat(P("/ut"), out FileStat st), "stat");
        T.Equal(Kept(access), Kept(st.Access), "the access time as given");
        T.Equal(Kept(modify), Kept(st.Modify), "the modify time as given");
        T.Status(Status.Ok, Times(P("/ut"), new FileTime(0, UtimeWord.Omit), new FileTime(0, UtimeWord.Now)), "omit access, modify now");
        T.Status(Status.Ok, Fs.Stat(P("/ut"), out st), "stat");
        T.Equal(Kept(access), Kept(st.Access), "Omit kept the access time");
        T.True(st.Modify.Seconds > 1_704_067_200, "Now is the wall clock's now");
        T.Status(Status.InvalidArgument, Times(P("/ut"), new FileTime(0, 1_000_000_000), modify), "nanoseconds out of range");
        T.Status(Status.NotFound, Times(P("/nothing"), access, modify), "a missing name");
        T.Status(Status.Ok, Fs.Open(P("/ut"), OpenFlags.Read, out Fd fd), "open");
        T.Status(Status.Ok, Fs.Futimens(fd, modify, access), "futimens");
        T.Status(Status.Ok, Fs.Fstat(fd, out st), "fstat");
        T.Equal(Kept(modify), Kept(st.Access), "futimens: access");
        T.Equal(Kept(access), Kept(st.Modify), "futimens: modify");
        T.Status(Status.Ok, Fs.Close(fd), "close");
        T.Status(Status.Ok, Fs.Unlink(P("/ut")), "unlink");
    }

    // Writes move modify and change; a read moves access when it is not after the last modify
    // (relatime); a read right after that moves nothing.
    private static void TimesAdvance()
    {
        T.Status(Status.Ok, Fs.Open(P("/ta"), OpenFlags.Read | OpenFlags.Write | OpenFlags.Create, out Fd fd), "create");
        T.Status(Status.Ok, Fs.Fstat(fd, out FileStat born), "fstat");
        T.Equal(born.Access.ToNanoseconds(), born.Modify.ToNanoseconds(), "created: access = modify");
        Sys.Sleep(2_000_000);
        T.Status(Status.Ok, Fs.Write(fd, "data"), "write");
        T.Status(Status.Ok, Fs.Fstat(fd, out FileStat written), "fstat");
        T.True(written.Modify.ToNanoseconds() > born.Modify.ToNanoseconds(), "a write moves the modify time");
        T.True(written.Change.ToNanoseconds() > born.Change.ToNanoseconds(), "and the change time");
        T.Equal(born.Access.ToNanoseconds(), written.Access.ToNanoseconds(), "but not the access time");
        Sys.Sleep(2_000_000);
        byte* b = stackalloc byte[8];
        T.Status(Status.Ok, Fs.Pread(fd, b, 4, 0, out _), "read");
        T.Status(Status.Ok, Fs.Fstat(fd, out FileStat read), "fstat");
        T.True(read.Access.ToNanoseconds() > written.Modify.ToNanoseconds(), "a read after a write moves the access time");
        T.Equal(written.Modify.ToNanoseconds(), read.Modify.ToNanoseconds(), "a read leaves the modify time");
        Sys.Sleep(2_000_000);
        T.Status(Status.Ok, Fs.Pread(fd, b, 4, 0, out _), "read again");
        T.Status(Status.Ok, Fs.Fstat(fd, out FileStat again), "fstat");
        T.Equal(read.Access.ToNanoseconds(), again.Access.ToNanoseconds(), "relatime: a second read moves nothing");
        Sys.Sleep(2_000_000);
        T.Status(Status.Ok, Fs.Ftruncate(fd, 1), "ftruncate");
        T.Status(Status.Ok, Fs.Fstat(fd, out FileStat cut), "fstat");
        T.True(cut.Modify.ToNanoseconds() > again.Modify.ToNanoseconds(), "a truncate moves the modify time");
        T.Status(Status.Ok, Fs.Close(fd), "close");
        T.Status(Status.Ok, Fs.Stat(P("/"), out FileStat root), "stat the root");
        Sys.Sleep(2_000_000);
        T.Status(Status.Ok, Fs.Unlink(P("/ta")), "unlink");
        T.Status(Status.Ok, Fs.Stat(P("/"), out FileStat after), "stat the root");
        T.True(after.Modify.ToNanoseconds() > root.Modify.ToNanoseconds(), "an unlink moves its directory's modify time");
    }

    // On disk: (whole seconds, a second apart) writes, truncates and unlinks move the times as on
    // file:; a read moves nothing (diskfs keeps no access times of reads: noatime, diskfs.md).
    private static void DiskTimesAdvance()
    {
        T.Status(Status.Ok, Fs.Open(P("/ta"), OpenFlags.Read | OpenFlags.Write | OpenFlags.Create, out Fd fd), "create");
        T.Status(Status.Ok, Fs.Fstat(fd, out FileStat born), "fstat");
        Tick();
        T.Status(Status.Ok, Fs.Write(fd, "data"), "write");
        T.Status(Status.Ok, Fs.Fstat(fd, out FileStat written), "fstat");
        T.True(Kept(written.Modify) > Kept(born.Modify), "a write moves the modify time");
        T.True(Kept(written.Change) > Kept(born.Change), "and the change time");
        T.Equal(Kept(born.Access), Kept(written.Access), "but not the access time");
        byte* b = stackalloc byte[8];
        T.Status(Status.Ok, Fs.Pread(fd, b, 4, 0, out int got), "read");
        T.True(got == 4 && b[0] == 'd', "the bytes written");
        Tick();
        T.Status(Status.Ok, Fs.Ftruncate(fd, 1), "ftruncate");
        T.Status(Status.Ok, Fs.Fstat(fd, out FileStat cut), "fstat");
        T.True(Kept(cut.Modify) > Kept(written.Modify), "a truncate moves the modify time");
        T.Equal(Kept(born.Access), Kept(cut.Access), "a read left the access time");
        T.Status(Status.Ok, Fs.Close(fd), "close");
        T.Status(Status.Ok, Fs.Stat(P("/"), out FileStat root), "stat the root");
        Tick();
        T.Status(Status.Ok, Fs.Unlink(P("/ta")), "unlink");
        T.Status(Status.Ok, Fs.Stat(P("/"), out FileStat after), "stat the root");
        T.True(Kept(after.Modify) > Kept(root.Modify), "an unlink moves its directory's modify time");
    }

    private static void HardLinks()
    {
        T.Status(Status.Ok, Fs.Mkdir(P("/hl")), "mkdir");
        T.Status(Status.Ok, FsTests.Put(P("/hl/a"), "shared"), "create a");
        T.Status(Status.Ok, Link(P("/hl/a"), P("/hl/b")), "link a b");
        T.Status(Status.Ok, Fs.Stat(P("/hl/a"), out FileStat a), "stat a");
        T.Status(Status.Ok, Fs.Stat(P("/hl/b"), out FileStat b), "stat b");
        T.Equal(2, a.Links, "two links");
        T.Equal((long)a.Inode, (long)b.Inode, "one node");
        T.True(FsTests.Holds(P("/hl/b"), "shared"), "b reads a's data");
        T.Status(Status.Ok, FsTests.Put(P("/hl/b"), "changed"), "write through b");
        T.True(FsTests.Holds(P("/hl/a"), "changed"), "a sees it");
        T.Status(Status.Exists, Link(P("/hl/a"), P("/hl/b")), "link onto an existing name");
        T.Status(Status.NotFound, Link(P("/hl/none"), P("/hl/c")), "link a missing file");
        T.Status(Status.NotFound, Link(P("/hl/a"), P("/hl/none/c")), "link into a missing directory");
        T.Status(Status.NotDirectory, Link(P("/hl/a"), P("/hl/a/c")), "link under a file");
        T.Status(Status.IsDirectory, Link(P("/hl"), P("/hl2")), "link a directory");
        T.Status(Status.NotSupported, Link(P("/hl/a"), "initfs:/c"), "link across schemes");
        T.Status(Status.Ok, Rename(P("/hl/a"), P("/hl/b")), "rename onto another name of the same node");
        T.Status(Status.Ok, Fs.Stat(P("/hl/a"), out a), "both names stay");
        T.Equal(2, a.Links, "still two links");
        T.Status(Status.Ok, Fs.Open(P("/hl/a"), OpenFlags.Read, out Fd fd), "open a");
        T.Status(Status.Ok, Fs.Unlink(P("/hl/a")), "unlink a");
        T.Status(Status.Ok, Fs.Stat(P("/hl/b"), out b), "stat b");
        T.Equal(1, b.Links, "one link left");
        T.True(FsTests.Holds(P("/hl/b"), "changed"), "the data stays");
        T.Status(Status.Ok, Fs.Fstat(fd, out FileStat open), "fstat the open a");
        T.Equal(1, open.Links, "the open file sees one link");
        T.Status(Status.Ok, Fs.Close(fd), "close");
        T.Status(Status.Ok, FsTests.Put(P("/hl/c"), "other"), "create c");
        T.Status(Status.Ok, Link(P("/hl/b"), P("/hl/d")), "link b d");
        T.Status(Status.Ok, Rename(P("/hl/c"), P("/hl/b")), "rename c over b");
        T.Status(Status.Ok, Fs.Stat(P("/hl/d"), out FileStat d), "stat d");
        T.Equal(1, d.Links, "the replaced name's node lost a link");
        T.True(FsTests.Holds(P("/hl/d"), "changed"), "and kept its data");
        T.Status(Status.Ok, Fs.Stat(P("/hl/b"), out b), "stat b");
        T.Equal(1, b.Links, "the moved node has one link");
        T.True(FsTests.Holds(P("/hl/b"), "other"), "b is c now");
        T.Status(Status.Ok, Fs.Unlink(P("/hl/b")), "unlink b");
        T.Status(Status.Ok, Fs.Unlink(P("/hl/d")), "unlink d");
        T.Status(Status.Ok, Fs.Rmdir(P("/hl")), "rmdir");
    }

    // A directory has 2 + its subdirectories links (".." of each); mkdir, rmdir and a rename
    // between directories keep that right.
    private static void DirectoryLinkCounts()
    {
        T.Status(Status.Ok, Fs.Mkdir(P("/dl")), "mkdir dl");
        T.Status(Status.Ok, Fs.Mkdir(P("/dl/x")), "mkdir dl/x");
        T.Status(Status.Ok, Fs.Mkdir(P("/dl/y")), "mkdir dl/y");
        T.Equal(4, Links(P("/dl")), "two subdirectories: 4");
        T.Status(Status.Ok, FsTests.Put(P("/dl/f"), "f"), "a file");
        T.Equal(4, Links(P("/dl")), "a file adds none");
        T.Status(Status.Ok, Rename(P("/dl/y"), P("/dl/x/y")), "move y into x");
        T.Equal(3, Links(P("/dl")), "dl lost one");
        T.Equal(3, Links(P("/dl/x")), "x gained one");
        T.Equal(2, Links(P("/dl/x/y")), "y still 2");
        T.Status(Status.Ok, Fs.Mkdir(P("/dl/z")), "mkdir dl/z");
        T.Status(Status.Ok, Rename(P("/dl/x/y"), P("/dl/z")), "move y over the empty z");
        T.Equal(4, Links(P("/dl")), "z replaced by y: x and z, 4");
        T.Equal(2, Links(P("/dl/x")), "x back to 2");
        T.Status(Status.Ok, Fs.Rmdir(P("/dl/z")), "rmdir z");
        T.Status(Status.Ok, Fs.Rmdir(P("/dl/x")), "rmdir x");
        T.Equal(2, Links(P("/dl")), "none left: 2");
        T.Status(Status.Ok, Fs.Unlink(P("/dl/f")), "unlink f");
        T.Status(Status.Ok, Fs.Rmdir(P("/dl")), "rmdir dl");
    }

    private static void Symlinks()
    {
        T.Status(Status.Ok, Fs.Mkdir(P("/sl")), "mkdir");
        T.Status(Status.Ok, Symlink("target", P("/sl/l")), "symlink to a missing name");
        T.True(ReadlinkIs(P("/sl/l"), "target"), "readlink gives the target as given");
        T.Status(Status.Ok, Fs.Lstat(P("/sl/l"), out FileStat st), "lstat");
        T.Equal(LinkType | 0x1FF, st.Mode, "a link, 0777");
        T.Equal(6, (long)st.Size, "its size is the target's length");
        T.Equal((long)FileKind.Symlink, st.Kind, "kind Symlink");
        T.Status(Status.NotFound, Fs.Stat(P("/sl/l"), out st), "stat follows it: dangling");
        T.Status(Status.NotFound, Fs.Open(P("/sl/l"), OpenFlags.Read, out _), "open follows it: dangling");
        T.Status(Status.Ok, FsTests.Put(P("/sl/target"), "through"), "make the target");
        T.Status(Status.Ok, Fs.Stat(P("/sl/l"), out st), "stat follows it");
        T.Equal(Regular | FileModes.DefaultFile, st.Mode, "the target's mode");
        T.True(FsTests.Holds(P("/sl/l"), "through"), "open follows it");
        T.Status(Status.SymlinkLoop, Fs.Open(Bytes(P("/sl/l"), out int n), n, OpenFlags.Read | OpenFlags.NoFollow, out _), "NoFollow on a link");
        T.Status(Status.Ok, Fs.Mkdir(P("/sl/d")), "mkdir d");
        T.Status(Status.Ok, FsTests.Put(P("/sl/d/inner"), "in"), "a file in d");
        T.Status(Status.Ok, Symlink("/sl/d", P("/sl/abs")), "an absolute link to d");
        T.Status(Status.Ok, Symlink("../sl/d/", P("/sl/rel")), "a relative link to d");
        T.True(FsTests.Holds(P("/sl/abs/inner"), "in"), "through an absolute link in the middle of a path");
        T.True(FsTests.Holds(P("/sl/rel/inner"), "in"), "through a relative link");
        T.Status(Status.Ok, Symlink("inner", P("/sl/d/li")), "a link inside d");
        T.True(FsTests.Holds(P("/sl/abs/li"), "in"), "a relative target is from the link's own directory");
        T.Status(Status.Exists, Symlink("x", P("/sl/l")), "symlink onto an existing name");
        T.Status(Status.NotFound, Symlink("", P("/sl/e")), "an empty target");
        T.Status(Status.NotFound, Symlink("x", P("/sl/none/l")), "symlink into a missing directory");
        T.Status(Status.InvalidArgument, Readlink(P("/sl/target")), "readlink of a file");
        T.Status(Status.NotFound, Readlink(P("/sl/none")), "readlink of a missing name");
        T.Status(Status.Ok, Chmod(P("/sl/l"), 0x180), "chmod through a link");
        T.Status(Status.Ok, Fs.Stat(P("/sl/target"), out st), "stat the target");
        T.Equal(Regular | 0x180, st.Mode, "the target's mode changed");
        T.Status(Status.Ok, Fs.Lstat(P("/sl/l"), out st), "lstat");
        T.Equal(LinkType | 0x1FF, st.Mode, "the link's own did not");
        T.Status(Status.Ok, Fs.Unlink(P("/sl/l")), "unlink the link");
        T.True(FsTests.Holds(P("/sl/target"), "through"), "the target stays");
        T.Status(Status.Ok, Rename(P("/sl/abs"), P("/sl/abs2")), "rename a link (not its target)");
        T.True(ReadlinkIs(P("/sl/abs2"), "/sl/d"), "the moved link");
        T.Status(Status.Ok, Fs.Unlink(P("/sl/abs2")), "unlink");
        T.Status(Status.Ok, Fs.Unlink(P("/sl/rel")), "unlink");
        T.Status(Status.Ok, Fs.Unlink(P("/sl/d/li")), "unlink");
        T.Status(Status.Ok, Fs.Unlink(P("/sl/d/inner")), "unlink");
        T.Status(Status.Ok, Fs.Rmdir(P("/sl/d")), "rmdir");
        T.Status(Status.Ok, Fs.Unlink(P("/sl/target")), "unlink");
        T.Status(Status.Ok, Fs.Rmdir(P("/sl")), "rmdir");
    }

    // Open with Create on a link to a missing name makes the link's target (POSIX, as Linux's
    // O_CREAT without O_EXCL), through a chain of links and from a relative link's own directory;
    // with Exclusive a link in the last component is there already: Exists (Linux's EEXIST).
    private static void CreateThroughDanglingLink()
    {
        T.Status(Status.Ok, Fs.Mkdir(P("/dc")), "mkdir");
        T.Status(Status.Ok, Fs.Mkdir(P("/dc/sub")), "mkdir sub");
        T.Status(Status.Ok, Symlink("/dc/abs", P("/dc/l")), "l -> /dc/abs");
        T.Status(Status.Ok, FsTests.Put(P("/dc/l"), "x"), "create and write through the dangling link");
        T.True(FsTests.Holds(P("/dc/abs"), "x"), "the target was made with the bytes");
        T.Status(Status.Ok, Fs.Lstat(P("/dc/l"), out FileStat st), "lstat");
        T.Equal(LinkType | 0x1FF, st.Mode, "the link is still a link");
        T.Status(Status.Ok, Symlink("rel", P("/dc/sub/r")), "sub/r -> rel (relative)");
        T.Status(Status.Ok, Symlink("sub/r", P("/dc/chain")), "chain -> sub/r");
        T.Status(Status.Ok, FsTests.Put(P("/dc/chain"), "y"), "create through two links");
        T.True(FsTests.Holds(P("/dc/sub/rel"), "y"), "made in the last link's directory");
        T.Status(Status.NotFound, Fs.Stat(P("/dc/rel"), out _, out _), "not in the first link's");
        T.Status(Status.Ok, Symlink("/dc/none", P("/dc/x")), "x -> /dc/none");
        T.Status(Status.Exists, Fs.Open(P("/dc/x"), OpenFlags.Write | OpenFlags.Create | OpenFlags.Exclusive, out _), "Create|Exclusive on a link: Exists");
        T.Status(Status.NotFound, Fs.Stat(P("/dc/none"), out _, out _), "and nothing made");
        T.Status(Status.NotFound, Fs.Open(P("/dc/x"), OpenFlags.Write, out _), "without Create: NotFound");
        T.Status(Status.Ok, Symlink("/dc/nodir/f", P("/dc/y")), "y -> a name in a missing directory");
        T.Status(Status.NotFound, Fs.Open(P("/dc/y"), OpenFlags.Write | OpenFlags.Create, out _), "its directory is missing: NotFound");
        foreach (string name in new[] { "/dc/l", "/dc/abs", "/dc/sub/r", "/dc/chain", "/dc/sub/rel", "/dc/x", "/dc/y" })
            T.Status(Status.Ok, Fs.Unlink(P(name)), "unlink " + name);
        T.Status(Status.Ok, Fs.Rmdir(P("/dc/sub")), "rmdir sub");
        T.Status(Status.Ok, Fs.Rmdir(P("/dc")), "rmdir");
    }

    private static void SymlinkLoopsAndLongTargets()
    {
        T.Status(Status.Ok, Symlink("/lb", P("/la")), "la -> lb");
        T.Status(Status.Ok, Symlink("/la", P("/lb")), "lb -> la");
        T.Status(Status.SymlinkLoop, Fs.Stat(P("/la"), out _), "a loop");
        T.Status(Status.SymlinkLoop, Fs.Open(P("/la/x"), OpenFlags.Read, out _), "a loop in the middle");
        T.Status(Status.Ok, Fs.Lstat(P("/la"), out _), "lstat does not follow");
        T.Status(Status.Ok, Fs.Unlink(P("/la")), "unlink");
        T.Status(Status.Ok, Fs.Unlink(P("/lb")), "unlink");
        // A target of 1,000 bytes: readlink takes three messages of 480.
        string target = new string('t', 1000);
        T.Status(Status.Ok, Symlink(target, P("/lt")), "a 1,000-byte target");
        T.True(ReadlinkIs(P("/lt"), target), "read back whole");
        byte* small = stackalloc byte[10];
        T.Status(Status.Ok, Fs.Readlink(Bytes(P("/lt"), out int n), n, small, 10, out int length), "readlink into 10 bytes");
        T.Equal(1000, length, "says the whole length");
        T.Status(Status.Ok, Fs.Unlink(P("/lt")), "unlink");
    }

    private static void PreadPwrite()
    {
        T.Status(Status.Ok, Fs.Open(P("/pp"), OpenFlags.Read | OpenFlags.Write | OpenFlags.Create, out Fd fd), "create");
        T.Status(Status.Ok, Fs.Write(fd, "0123456789"), "write");
        T.Status(Status.Ok, Fs.Seek(fd, 3, SeekFrom.Start, out _), "seek to 3");
        byte* b = stackalloc byte[1200];
        T.Status(Status.Ok, Fs.Pread(fd, b, 4, 5, out int got), "pread 4 at 5");
        T.Equal(4, got, "4 bytes");
        T.True(b[0] == '5' && b[3] == '8', "from offset 5");
        T.Status(Status.Ok, Fs.Seek(fd, 0, SeekFrom.Current, out ulong at), "where am I");
        T.Equal(3, (long)at, "pread did not move the position");
        b[0] = (byte)'x'; b[1] = (byte)'y';
        T.Status(Status.Ok, Fs.Pwrite(fd, b, 2, 20, out int wrote), "pwrite 2 at 20");
        T.Equal(2, wrote, "2 bytes");
        T.Status(Status.Ok, Fs.Seek(fd, 0, SeekFrom.Current, out at), "where am I");
        T.Equal(3, (long)at, "pwrite did not move the position");
        T.Status(Status.Ok, Fs.Fstat(fd, out ulong size, out _), "fstat");
        T.Equal(22, (long)size, "the file grew to 22, a hole in between");
        T.Status(Status.Ok, Fs.Read(fd, b, 2, out got), "read at the position");
        T.True(got == 2 && b[0] == '3' && b[1] == '4', "from 3");
        T.Status(Status.Ok, Fs.Pread(fd, b, 4, 10, out got), "pread the hole");
        T.True(got == 4 && b[0] == 0 && b[3] == 0, "zeros");
        T.Status(Status.Ok, Fs.Pread(fd, b, 4, 100, out got), "pread past the end");
        T.Equal(0, got, "nothing");
        for (int i = 0; i < 1200; i++) b[i] = (byte)(i % 251);
        T.Status(Status.Ok, Fs.Pwrite(fd, b, 1200, 4000, out wrote), "pwrite 1,200 bytes (three messages) across a page");
        T.Equal(1200, wrote, "all of them");
        for (int i = 0; i < 1200; i++) b[i] = 0;
        T.Status(Status.Ok, Fs.Pread(fd, b, 1200, 4000, out got), "pread them back");
        bool same = got == 1200;
        for (int i = 0; same && i < 1200; i++) same = b[i] == (byte)(i % 251);
        T.True(same, "the same bytes");
        T.Status(Status.Ok, Fs.Close(fd), "close");
        T.Status(Status.Ok, Fs.Open(P("/pp"), OpenFlags.Write | OpenFlags.Append, out fd), "open write-only, append");
        T.Status(Status.InsufficientRights, Fs.Pread(fd, b, 4, 0, out _), "pread without Read");
        b[0] = (byte)'!';
        T.Status(Status.Ok, Fs.Pwrite(fd, b, 1, 0, out _), "pwrite with Append writes at the offset (POSIX)");
        T.Status(Status.Ok, Fs.Close(fd), "close");
        T.Status(Status.Ok, Fs.Open(P("/pp"), OpenFlags.Read, out fd), "open read-only");
        T.Status(Status.InsufficientRights, Fs.Pwrite(fd, b, 1, 0, out _), "pwrite without Write");
        T.Status(Status.Ok, Fs.Pread(fd, b, 1, 0, out _), "pread");
        T.True(b[0] == '!', "the byte at 0");
        T.Status(Status.Ok, Fs.Close(fd), "close");
        T.Status(Status.Ok, Fs.Open(P("/"), OpenFlags.Read, out fd), "open the root");
        T.Status(Status.IsDirectory, Fs.Pread(fd, b, 4, 0, out _), "pread a directory");
        T.Status(Status.Ok, Fs.Close(fd), "close");
        T.Status(Status.Ok, Fs.Unlink(P("/pp")), "unlink");
    }

    private static void Mknod()
    {
        T.Status(Status.Ok, Fs.Mknod(Bytes(P("/mk"), out int n), n, FileModes.Regular | 0x180, 0), "mknod a regular file");
        T.Status(Status.Ok, Fs.Stat(P("/mk"), out FileStat st), "stat");
        T.Equal(Regular | 0x180, st.Mode, "its mode");
        T.Status(Status.Exists, Fs.Mknod(Bytes(P("/mk"), out n), n, FileModes.Regular | 0x180, 0), "mknod an existing name");
        T.Status(Status.NotSupported, Fs.Mknod(Bytes(P("/fifo"), out n), n, FileModes.Fifo | 0x1A4, 0), "a FIFO");
        T.Status(Status.NotSupported, Fs.Mknod(Bytes(P("/dev"), out n), n, FileModes.CharDevice | 0x1A4, 0x0103), "a device");
        T.Status(Status.InvalidArgument, Fs.Mknod(Bytes(P("/dir"), out n), n, FileModes.Directory | 0x1ED, 0), "a directory");
        T.Status(Status.NotFound, Fs.Mknod(Bytes(P("/none/x"), out n), n, FileModes.Regular, 0), "in a missing directory");
        T.Status(Status.NotFound, Fs.Stat(P("/fifo"), out _), "nothing made by a refusal");
        T.Status(Status.Ok, Fs.Unlink(P("/mk")), "unlink");
    }

    private static void Statfs()
    {
        T.Status(Status.Ok, Fs.Statfs(Bytes(P("/"), out int n), n, out FsStat st), "statfs");
        if (s_nanoseconds)
        {
            T.Equal((long)FsTypes.Ramfs, (long)st.Type, "ramfs's magic");
            T.Equal(4096, (long)st.BlockSize, "4 KiB blocks");
        }
        else
        {
            T.Equal((long)FsTypes.Ext2, (long)st.Type, "ext2's magic");
            T.True(st.BlockSize == 1024 || st.BlockSize == 4096, "1 or 4 KiB blocks");
            T.True(st.BlocksAvailable <= st.BlocksFree, "the reserved blocks are not available");
        }
        T.Equal(255, (long)st.MaxName, "names to 255 bytes");
        T.True(st.Blocks > 0 && st.BlocksFree <= st.Blocks, "blocks and free blocks");
        T.True(st.Files >= 1 && st.FilesFree <= st.Files, "nodes and free nodes");
        ulong free = st.BlocksFree;
        T.Status(Status.Ok, Fs.Open(P("/sfs"), OpenFlags.Read | OpenFlags.Write | OpenFlags.Create, out Fd fd), "create");
        byte* page = stackalloc byte[480];
        T.Status(Status.Ok, Fs.Pwrite(fd, page, 1, 8192, out _), "a byte in the third page");
        T.Status(Status.Ok, Fs.Fstatfs(fd, out FsStat after), "fstatfs");
        // ramfs: an index page and a data page; ext2: one data block (8,192 is a direct block's offset).
        T.Equal((long)free - (s_nanoseconds ? 2 : 1), (long)after.BlocksFree, "the blocks the byte needs are in use");
        T.Status(Status.Ok, Fs.Close(fd), "close");
        T.Status(Status.Ok, Fs.Unlink(P("/sfs")), "unlink");
        T.Status(Status.Ok, Fs.Statfs(Bytes(P("/"), out n), n, out after), "statfs");
        T.Equal((long)free, (long)after.BlocksFree, "given back");
        T.Status(Status.NotSupported, Fs.Statfs(Bytes("null:", out n), n, out _), "a daemon without it");
    }

    // A name of 255 bytes, nested so that a path of about 4,000 bytes (longer than a message: it
    // travels in a frame) names a file; Rename with two such paths (over 8,000 bytes).
    private static void LongPaths()
    {
        string name = new string('n', SchemeLimits.MaxFileName);
        string path = s_root;
        for (int depth = 0; depth < 15; depth++)
        {
            path += "/" + name;
            T.Status(Status.Ok, Fs.Mkdir(path), "mkdir a 255-byte name");
        }
        string file = path + "/" + new string('f', 4000 - (path.Length - 5) - 1);
        T.Equal(4000, file.Length - 5, "a 4,000-byte path");
        T.Status(Status.Ok, FsTests.Put(file, "deep"), "create at the end of it");
        T.True(FsTests.Holds(file, "deep"), "read back");
        T.Status(Status.Ok, Fs.Stat(file, out FileStat st), "stat it");
        T.Equal(4, (long)st.Size, "its size");
        string moved = path + "/" + new string('g', 4000 - (path.Length - 5) - 1);
        T.Status(Status.Ok, Rename(file, moved), "rename: two 4,000-byte paths");
        T.True(FsTests.Holds(moved, "deep"), "at its new name");
        T.Status(Status.NotFound, Fs.Stat(file, out st), "not at the old");
        if (Fs.Statfs(Bytes(P("/"), out int n), n, out FsStat fs) == Status.Ok && fs.BlockSize <= 4000)
            // ext2 keeps a target in one block, as Linux's ext2 (ENAMETOOLONG).
            T.Status(Status.NameTooLong, Symlink(moved.Substring(5), P("/longlink")), "a target longer than a block");
        else
        {
            T.Status(Status.Ok, Symlink(moved.Substring(5), P("/longlink")), "a symlink to it (a 4,000-byte target)");
            T.True(FsTests.Holds(P("/longlink"), "deep"), "followed");
            T.Status(Status.Ok, Fs.Unlink(P("/longlink")), "unlink the link");
        }
        T.Status(Status.NameTooLong, FsTests.Put(moved + "/" + new string('z', 100), "x"), "past 4,096 bytes");
        T.Status(Status.Ok, Fs.Unlink(moved), "unlink");
        for (int depth = 15; depth > 0; depth--)
        {
            T.Status(Status.Ok, Fs.Rmdir(path), "rmdir");
            path = path.Substring(0, path.Length - 1 - SchemeLimits.MaxFileName);
        }
    }

    // Open files are bounded by memory (and the daemon's slots): 300 handles at once, more than
    // the first table (256) and the server's fixed range, then all closed.
    private static void HandlesPastTheOldTable()
    {
        T.Status(Status.Ok, FsTests.Put(P("/hh"), "h"), "create");
        const int Count = 300;
        var fds = new Fd[Count];
        int opened = 0;
        Status s = Status.Ok;
        while (opened < Count && (s = Fs.Open(P("/hh"), OpenFlags.Read, out fds[opened])) == Status.Ok) opened++;
        T.Status(Status.Ok, s, "300 opens");
        T.True(opened == Count, "all open");
        byte* b = stackalloc byte[2];
        T.Status(Status.Ok, Fs.Read(fds[Count - 1], b, 2, out int got), "the last reads");
        T.True(got == 1 && b[0] == 'h', "its byte");
        for (int i = 0; i < opened; i++) T.Status(Status.Ok, Fs.Close(fds[i]), "close");
        T.Status(Status.Ok, Fs.Unlink(P("/hh")), "unlink");
    }

    // The synthetic schemes answer the full stat with modes of their own (through FileStats).
    private static void OtherDaemons()
    {
        T.Status(Status.Ok, Fs.Stat("initfs:/bin/ls", out FileStat st), "initfs: a program");
        T.Equal(Regular | 0x16D, st.Mode, "0555");
        T.Status(Status.Ok, Fs.Stat("initfs:/etc/test.rc", out st), "initfs: a file");
        T.Equal(Regular | 0x124, st.Mode, "0444");
        T.Status(Status.Ok, Fs.Stat("initfs:/bin", out st), "initfs: a directory");
        T.Equal(Directory | 0x16D, st.Mode, "0555");
        T.Status(Status.Ok, Fs.Stat("null:", out st), "null:");
        T.Equal(FileModes.CharDevice | 0x1B6, st.Mode, "crw-rw-rw-");
        T.Status(Status.Ok, Fs.Stat("sys:/uptime", out st), "sys: a file");
        T.Equal(Regular | 0x124, st.Mode, "0444");
        T.Status(Status.Ok, Fs.Stat("sys:/kill", out st), "sys:/kill");
        T.Equal(Regular | 0x1A4, st.Mode, "0644: it takes writes");
        T.Status(Status.Ok, Fs.Stat("tty:", out st), "tty:");
        T.Equal(FileModes.CharDevice | 0x190, st.Mode, "crw--w----");
        T.Status(Status.Ok, Fs.Pipe(out Fd r, out Fd w), "a pipe");
        T.Status(Status.Ok, Fs.Fstat(r, out st), "fstat a pipe end");
        T.Equal(FileModes.Fifo | 0x180, st.Mode, "a FIFO, 0600");
        T.Status(Status.Ok, Fs.Close(r), "close");
        T.Status(Status.Ok, Fs.Close(w), "close");
        T.Status(Status.NotSupported, Chmod("initfs:/bin/ls", 0x1FF), "chmod on initfs:");
        T.Status(Status.Ok, Fs.Open("initfs:/etc/test.rc", OpenFlags.Read, out Fd fd), "open");
        byte* b = stackalloc byte[4];
        T.Status(Status.Ok, Fs.Pread(fd, b, 4, 2, out int got), "initfs: pread");
        T.True(got == 4 && b[0] == 'W', "from offset 2 (\"# WHAT...\")");
        T.Status(Status.Ok, Fs.Seek(fd, 0, SeekFrom.Current, out ulong at), "where am I");
        T.Equal(0, (long)at, "pread did not move it");
        T.Status(Status.Ok, Fs.Close(fd), "close");
        T.Status(Status.Ok, Fs.Open("sys:/uptime", OpenFlags.Read, out fd), "open sys:/uptime");
        T.Status(Status.NotSupported, Fs.Pread(fd, b, 1, 0, out _), "pread where it is not offered");
        T.Status(Status.Ok, Fs.Close(fd), "close");
    }

    // The synthetic schemes keep no times, so their files show when the system started: on the
    // wall clock (after 2024-01-01 in any test run), not after now, and every time the same.
    private static void OtherDaemonsTimes()
    {
        const long January2024 = 1_704_067_200;
        T.Status(Status.Ok, WallClock.Now(out long now, out _), "the wall clock");
        foreach (string path in new[] { "initfs:/bin/ls", "initfs:/bin", "sys:/uptime", "sys:/", "null:", "tty:", "pci:/" })
        {
            T.Status(Status.Ok, Fs.Stat(path, out FileStat st), "stat " + path);
            T.True(st.Modify.Seconds > January2024 && st.Modify.Seconds <= now, path + ": modified at the system's start, not at 0");
            T.True(st.Access.ToNanoseconds() == st.Modify.ToNanoseconds() && st.Change.ToNanoseconds() == st.Modify.ToNanoseconds(), path + ": the three times agree");
        }
        T.Status(Status.Ok, Fs.Pipe(out Fd r, out Fd w), "a pipe");
        T.Status(Status.Ok, Fs.Fstat(r, out FileStat pipe), "fstat a pipe end");
        T.True(pipe.Modify.Seconds > January2024, "pipe:'s times too");
        T.Status(Status.Ok, Fs.Close(r), "close");
        T.Status(Status.Ok, Fs.Close(w), "close");
    }

    // --- helpers ---------------------------------------------------------------------------------

    // A path as bytes the collector keeps (it does not move objects): the last four made stay
    // referenced here, enough for every call above.
    private static readonly byte[][] s_kept = new byte[4][];
    private static int s_next;

    private static byte* Bytes(string text, out int length)
    {
        var bytes = new byte[text.Length + 1];
        s_kept[s_next++ & 3] = bytes;
        length = text.Length;
        fixed (byte* p = bytes)
        {
            Ascii.Copy(text, new System.Span<byte>(p, text.Length));
            return p;
        }
    }

    private static Status Open(string path, OpenFlags flags, ulong modeWord, out Fd fd)
    {
        byte* p = Bytes(path, out int n);
        return Fs.Open(p, n, flags, modeWord, out fd);
    }

    private static Status MkdirMode(string path, uint mode) => Fs.Mkdir(Bytes(path, out int n), n, mode);
    private static Status Chmod(string path, uint mode) => Fs.Chmod(Bytes(path, out int n), n, mode);
    private static Status Chown(string path, uint uid, uint gid) => Fs.Chown(Bytes(path, out int n), n, uid, gid);
    private static Status Times(string path, FileTime a, FileTime m) => Fs.Utimens(Bytes(path, out int n), n, a, m);

    private static Status Link(string from, string to) => Pair(&Fs.Link, from, to);
    private static Status Rename(string from, string to) => Pair(&Fs.Rename, from, to);
    private static Status Symlink(string target, string path) => Pair(&Fs.Symlink, target, path);

    // A call that takes two byte paths (Link, Rename, Symlink).
    private static Status Pair(delegate*<byte*, int, byte*, int, Status> call, string first, string second)
    {
        byte* a = Bytes(first, out int na);
        byte* b = Bytes(second, out int nb);
        return call(a, na, b, nb);
    }

    private static Status Readlink(string path)
    {
        byte* b = stackalloc byte[16];
        return Fs.Readlink(Bytes(path, out int n), n, b, 16, out _);
    }

    private static bool ReadlinkIs(string path, string target)
    {
        var into = new byte[SchemeLimits.MaxPath];
        fixed (byte* b = into)
        {
            if (Fs.Readlink(Bytes(path, out int n), n, b, into.Length, out int length) != Status.Ok || length != target.Length) return false;
            for (int i = 0; i < length; i++) if (b[i] != target[i]) return false;
        }
        return true;
    }

    private static long Links(string path) => Fs.Stat(path, out FileStat st) == Status.Ok ? st.Links : -1;
}
