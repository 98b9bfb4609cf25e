// The disk daemon on a full image and on damaged ones (DiskTests.cs has the set-up): a full disk
// answers NoSpace and everything else keeps working; an image that does not mount ends the daemon
// quietly; damaged metadata gives statuses (Corrupt is BadState), never a crashed or hung daemon.
using System;
using Vireo.Abi;
using Vireo.User;
using Vireo.User.Schemes;
using T = Vireo.User.Testing.TestRunner;

static unsafe partial class DiskTests
{
    private static void RunDamage()
    {
        T.Run("disk.full_disk_answers_nospace", &FullDisk);
        T.Run("disk.bad_superblock_not_mounted", &BadSuperblock);
        T.Run("disk.damaged_root_gives_errors", &DamagedRoot);
        T.Run("disk.fuzzed_superblock_gives_errors", &FuzzedSuperblock);
        T.Run("disk.fuzzed_inodes_give_errors", &FuzzedInodes);
        T.Run("disk.fuzzed_directory_entries_give_errors", &FuzzedDirectoryEntries);
        T.Run("disk.fuzzed_images_give_errors", &FuzzedImages);
    }

    private static void FullDisk() => WithImage(&FullDiskBody);

    private static void FullDiskBody()
    {
        FillToNoSpace(64, 128);
        T.Status(Status.NoSpace, Fs.Mkdir(P("/d")), "mkdir needs a block: NoSpace");
        FreeAndWriteAgain();

        // Inodes: empty files until none is left.
        int made = 0;
        Status s = Status.Ok;
        while (made < 200 && (s = Put(P("/i" + made), "")) == Status.Ok) made++;
        T.Status(Status.NoSpace, s, "creating files ends in NoSpace when the inodes run out");
        T.True(made > 5, "after some files");
        T.True(Holds(P("/hello.txt"), "hello from ext2\n"), "the daemon still answers");
        bool removed = true;
        for (int i = 0; i < made; i++) removed &= Fs.Unlink(P("/i" + i)) == Status.Ok;
        T.True(removed, "every file removed again");
        T.Status(Status.Ok, Put(P("/last"), "x"), "a create works again");
    }

    /// <summary>Writes 4 KiB chunks to /fill until NoSpace (at most `chunks`, twice the disk's
    /// `diskKiB`): it must come after a quarter of the disk and before its end, and leave the daemon
    /// answering with the size it took and other files intact.</summary>
    private static void FillToNoSpace(int chunks, int diskKiB)
    {
        byte[] chunk = Pattern(4096, 5);
        T.Status(Status.Ok, Fs.Open(P("/fill"), OpenFlags.Write | OpenFlags.Create, out Fd fd), "create /fill");
        Status s = Status.Ok;
        long total = 0;
        fixed (byte* c = chunk)
        {
            for (int i = 0; i < chunks && s == Status.Ok; i++)
            {
                s = Fs.Write(fd, c, chunk.Length, out int written);
                total += written;
            }
        }
        T.Status(Status.NoSpace, s, "writing " + (chunks * 4).ToString() + " KiB into a " + diskKiB.ToString() + " KiB disk ends in NoSpace");
        T.True(total > diskKiB * 1024L / 4 && total < diskKiB * 1024L, "after most of the free blocks");
        T.Status(Status.Ok, Fs.Close(fd), "close");
        T.Status(Status.Ok, Fs.Stat(P("/fill"), out ulong size, out _), "the daemon still answers");
        T.Equal(total, (long)size, "the size is what was taken");
        T.True(Holds(P("/hello.txt"), "hello from ext2\n"), "other files are intact");
    }

    /// <summary>After FillToNoSpace: the room comes back with the file.</summary>
    private static void FreeAndWriteAgain()
    {
        T.Status(Status.Ok, Fs.Unlink(P("/fill")), "unlink the big file");
        T.Status(Status.Ok, File.WriteAll(Bytes(P("/after")), Pattern(10000, 9)), "a write works again");
        T.Status(Status.Ok, Fs.Unlink(P("/after")), "unlink");
    }

    private static void BadSuperblock()
    {
        byte[] image = Copy();
        if (image == null) return;
        image[1024 + 56] ^= 0xFF;   // s_magic
        T.Status(Status.Ok, File.WriteAll(Bytes(ImagePath), image), "the image with a bad magic in file:");
        T.Status(Status.Ok, StartDaemon(ImagePath, out Status registered), "start diskfs on it");
        T.Status(Status.PeerDied, registered, "it ends without registering");
        T.Status(Status.Ok, Children.Wait(s_pid, out _, out ThreadExitKind kind, out ulong code), "wait");
        T.True(kind == ThreadExitKind.Exited && code == 0, "it exited, status 0 (nothing to serve: not restarted)");
    }

    // The root's first block pointer aimed outside the volume: the root itself still stats, what is
    // in it answers Corrupt (BadState), and the daemon goes on answering.
    private static void DamagedRoot()
    {
        byte[] image = Copy();
        if (image == null) return;
        uint table = U32(image, 2 * 1024 + 8);            // group 0's inode table (1 KiB blocks: descriptors in block 2)
        int inodeSize = image[1024 + 88] | image[1024 + 89] << 8;
        int pointer = (int)table * 1024 + inodeSize + 40;  // inode 2 (the root), i_block[0]
        if (!T.True(pointer + 4 <= image.Length, "the root inode is in the image")) return;
        image[pointer] = 0xF0; image[pointer + 1] = 0xFF; image[pointer + 2] = 0xFF; image[pointer + 3] = 0xFF;
        ulong pid = StartOn(image);
        if (pid == 0) return;
        T.Status(Status.Ok, Fs.Stat(P("/"), out _, out FileKind kind), "the root stats");
        T.True(kind == FileKind.Directory, "a directory");
        T.Status(Status.BadState, Fs.Stat(P("/hello.txt"), out _, out _), "a lookup in it is Corrupt (BadState)");
        T.Status(Status.BadState, Put(P("/new"), "x"), "so is a create");
        T.Status(Status.Ok, Fs.Open(P("/"), OpenFlags.Read | OpenFlags.Directory, out Fd fd), "open the root");
        byte* buffer = stackalloc byte[SchemeLimits.MaxData];
        T.Status(Status.BadState, Fs.Getdents(fd, buffer, SchemeLimits.MaxData, out _), "listing it is Corrupt");
        T.Status(Status.Ok, Fs.Close(fd), "close");
        T.Status(Status.Ok, Fs.Stat(P("/"), out _, out _), "the daemon still answers");
        Stop(pid);
    }

    // Random bytes of the metadata (superblock, descriptors, bitmaps, inode table, the first
    // directory blocks) changed, then the usual operations (Exercise). DiskTests.Fuzz.cs aims at
    // chosen fields of the superblock, the inodes and the directory entries.
    private static void FuzzedImages()
    {
        for (uint seed = 1; seed <= 4; seed++)
        {
            byte[] image = Copy();
            if (image == null) return;
            uint x = seed * 2654435761u;
            for (int i = 0; i < 24; i++)
            {
                x ^= x << 13; x ^= x >> 17; x ^= x << 5;
                int at = 1024 + (int)(x % (32 * 1024));
                image[at] ^= (byte)(1 << (int)(x >> 29));
            }
            _ = Exercise(image, "seed " + seed.ToString());
        }
        // The last test on the image: file: is empty again for the suites after this one.
        T.Status(Status.Ok, Fs.Unlink(ImagePath), "remove the image");
    }

    /// <summary>Serves a damaged `image` and makes the usual calls on it: each must return (any
    /// status will do), and the daemon must answer at the end, or have refused the image at mount and
    /// ended with status 0. `what` names the damage in a failure. Whether the image was served.</summary>
    private static bool Exercise(byte[] image, string what)
    {
        if (!T.Status(Status.Ok, File.WriteAll(Bytes(ImagePath), image), "a damaged image in file: (" + what + ")")) return false;
        if (StartDaemon(ImagePath, out Status registered) != Status.Ok) return false;
        if (registered != Status.Ok)
        {
            T.Status(Status.Ok, Children.Wait(s_pid, out _, out ThreadExitKind kind, out ulong code), "it ended: wait (" + what + ")");
            T.True(kind == ThreadExitKind.Exited && code == 0, "refused at mount: exited with status 0, no fault (" + what + ")");
            return false;
        }
        byte[] buffer = new byte[16384];
        _ = Lists(P("/"), "docs hello.txt lost+found");
        // Any status will do on a damaged image: what counts is that each call returns.
        _ = File.ReadAll(Bytes(P("/hello.txt")), buffer, out _);
        _ = File.ReadAll(Bytes(P("/docs/numbers.txt")), buffer, out _);
        _ = Fs.Stat(P("/docs/link"), out _, out _);
        _ = File.WriteAll(Bytes(P("/f")), Pattern(3000, 11));
        _ = File.WriteAll(Bytes(P("/docs/numbers.txt")), Pattern(20000, 3), append: true);
        _ = Fs.Mkdir(P("/d"));
        _ = Rename(P("/f"), P("/d/g"));
        _ = Rename(P("/docs/numbers.txt"), P("/n"));
        _ = Fs.Unlink(P("/hello.txt"));
        _ = Fs.Unlink(P("/d/g"));
        _ = Fs.Rmdir(P("/d"));
        _ = Lists(P("/docs"), "");
        Status last = Fs.Stat(P("/"), out _, out _);
        T.True(last != Status.PeerDied && last != Status.UnknownScheme && last != Status.BadDescriptor, "the daemon still answers (" + what + ")");
        Stop(s_pid);
        return true;
    }

    private static byte[] Copy()
    {
        byte[] image = Image();
        if (image == null) return null;
        byte[] copy = new byte[image.Length];
        image.AsSpan().CopyTo(copy);
        return copy;
    }

    private static uint U32(byte[] b, int at) => (uint)(b[at] | b[at + 1] << 8 | b[at + 2] << 16 | b[at + 3] << 24);
}
