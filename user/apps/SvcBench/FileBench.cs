// The file benchmarks of issue 12 on file: (ramfs), each the mean over a loop of the same operation
// through the client library, with the figure taken only if every operation worked (0 otherwise, a
// failed run). Linux's figures for the same operations on tmpfs are in bench/linux-figures.tsv.
using System;
using Vireo.Abi;
using Vireo.User;
using Vireo.User.Schemes;
using Vireo.User.Testing;

static unsafe class FileBench
{
    public static void Run()
    {
        Bench.Report("file_read_4KiB_cached", Read4KiB("file:/bench-read"));
        Bench.Report("file_write_4KiB_cached", Write4KiB());
        Bench.Report("file_open_close", OpenClose());
        Bench.Report("file_stat", Stat());
        Bench.Report("file_create_write_unlink_4KiB", CreateWriteUnlink());
        Bench.Report("readdir_100", Readdir100());
    }

    // A seek to 0 and a 4 KiB read of a file whose page is in memory (pread on tmpfs, for Linux);
    // DiskBench measures the same on disk: (disk_file_read_4KiB_cached; Linux's on ext2).
    public static ulong Read4KiB(string path)
    {
        const int n = 1000;
        byte* block = stackalloc byte[4096];
        Fill(block, 1);
        if (Fs.Open(path, OpenFlags.Read | OpenFlags.Write | OpenFlags.Create, out Fd fd) != Status.Ok) return 0;
        bool ok = Fs.Write(fd, block, 4096, out int written) == Status.Ok && written == 4096;
        new Span<byte>(block, 4096).Clear();
        // One read first: mapping the file's page is not part of the figure.
        ok &= Fs.Seek(fd, 0, SeekFrom.Start, out _) == Status.Ok && Fs.Read(fd, block, 4096, out _) == Status.Ok;
        int good = 0;
        ulong t0 = Sys.ReadTsc();
        for (int i = 0; i < n; i++)
            if (Fs.Seek(fd, 0, SeekFrom.Start, out _) == Status.Ok && Fs.Read(fd, block, 4096, out int got) == Status.Ok && got == 4096) good++;
        ulong result = (Sys.ReadTsc() - t0) / n;
        ok &= Fs.Close(fd) == Status.Ok && Fs.Unlink(path) == Status.Ok && Holds(block, 1);
        return ok && good == n ? result : 0;
    }

    // A seek to 0 and a 4 KiB write over a file's existing page.
    private static ulong Write4KiB()
    {
        const int n = 500;
        byte* block = stackalloc byte[4096];
        Fill(block, 2);
        if (Fs.Open("file:/bench-write", OpenFlags.Read | OpenFlags.Write | OpenFlags.Create, out Fd fd) != Status.Ok) return 0;
        bool ok = Fs.Write(fd, block, 4096, out _) == Status.Ok;
        int good = 0;
        ulong t0 = Sys.ReadTsc();
        for (int i = 0; i < n; i++)
        {
            block[0] = (byte)i;
            if (Fs.Seek(fd, 0, SeekFrom.Start, out _) == Status.Ok && Fs.Write(fd, block, 4096, out int w) == Status.Ok && w == 4096) good++;
        }
        ulong result = (Sys.ReadTsc() - t0) / n;
        // What the last write left is what the file holds.
        byte* back = stackalloc byte[4096];
        ok &= Fs.Seek(fd, 0, SeekFrom.Start, out _) == Status.Ok && ReadAll(fd, back) && back[0] == unchecked((byte)(n - 1)) && Holds(back + 1, 2, 1);
        ok &= Fs.Close(fd) == Status.Ok && Fs.Unlink("file:/bench-write") == Status.Ok;
        return ok && good == n ? result : 0;
    }

    // Open an existing file to read, close it (open + close on Linux).
    private static ulong OpenClose()
    {
        const int n = 500;
        if (Fs.Open("file:/bench-oc", OpenFlags.Write | OpenFlags.Create, out Fd fd) != Status.Ok || Fs.Close(fd) != Status.Ok) return 0;
        int good = 0;
        ulong t0 = Sys.ReadTsc();
        for (int i = 0; i < n; i++)
            if (Fs.Open("file:/bench-oc", OpenFlags.Read, out fd) == Status.Ok && Fs.Close(fd) == Status.Ok) good++;
        ulong result = (Sys.ReadTsc() - t0) / n;
        bool ok = Fs.Unlink("file:/bench-oc") == Status.Ok;
        return ok && good == n ? result : 0;
    }

    // Stat by path (stat on Linux).
    private static ulong Stat()
    {
        const int n = 500;
        byte* block = stackalloc byte[100];
        if (Fs.Open("file:/bench-stat", OpenFlags.Write | OpenFlags.Create, out Fd fd) != Status.Ok) return 0;
        bool ok = Fs.Write(fd, block, 100, out _) == Status.Ok && Fs.Close(fd) == Status.Ok;
        int good = 0;
        ulong t0 = Sys.ReadTsc();
        for (int i = 0; i < n; i++)
            if (Fs.Stat("file:/bench-stat", out ulong size, out FileKind kind) == Status.Ok && size == 100 && kind == FileKind.File) good++;
        ulong result = (Sys.ReadTsc() - t0) / n;
        ok &= Fs.Unlink("file:/bench-stat") == Status.Ok;
        return ok && good == n ? result : 0;
    }

    // Create a new file, write 4 KiB, close, unlink.
    private static ulong CreateWriteUnlink()
    {
        const int n = 300;
        byte* block = stackalloc byte[4096];
        Fill(block, 3);
        int good = 0;
        ulong t0 = Sys.ReadTsc();
        for (int i = 0; i < n; i++)
        {
            if (Fs.Open("file:/bench-cwu", OpenFlags.Write | OpenFlags.Create | OpenFlags.Exclusive, out Fd fd) != Status.Ok) continue;
            bool wrote = Fs.Write(fd, block, 4096, out int w) == Status.Ok && w == 4096;
            if (Fs.Close(fd) == Status.Ok && Fs.Unlink("file:/bench-cwu") == Status.Ok && wrote) good++;
        }
        ulong result = (Sys.ReadTsc() - t0) / n;
        return good == n ? result : 0;
    }

    // Open a directory of 100 files, read every entry, close it (opendir, readdir to the end, closedir).
    private static ulong Readdir100()
    {
        const int n = 100, files = 100;
        if (Fs.Mkdir("file:/bench-dir") != Status.Ok) return 0;
        bool ok = true;
        byte* name = stackalloc byte[NameLength];
        for (int f = 0; f < files && ok; f++)
        {
            ok = Fs.Open(Name(name, f), NameLength, OpenFlags.Write | OpenFlags.Create, out Fd fd) == Status.Ok;
            ok = ok && Fs.Close(fd) == Status.Ok;
        }
        byte* buffer = stackalloc byte[SchemeLimits.MaxData];
        int good = 0;
        ulong t0 = Sys.ReadTsc();
        for (int i = 0; i < n && ok; i++)
        {
            if (Fs.Open("file:/bench-dir", OpenFlags.Read | OpenFlags.Directory, out Fd dir) != Status.Ok) continue;
            int entries = 0;
            while (Fs.Getdents(dir, buffer, SchemeLimits.MaxData, out int got) == Status.Ok && got > 0)
                for (int at = 0; at < got; at += 2 + buffer[at + 1]) entries++;
            if (Fs.Close(dir) == Status.Ok && entries == files) good++;
        }
        ulong result = (Sys.ReadTsc() - t0) / n;
        for (int f = 0; f < files; f++) ok &= Fs.Unlink(Name(name, f), NameLength) == Status.Ok;
        ok &= Fs.Rmdir("file:/bench-dir") == Status.Ok;
        return ok && good == n ? result : 0;
    }

    // "file:/bench-dir/entry-NNN" in a buffer: no string is made (the heap growing during a later
    // benchmark would count as memory not returned in procmgr_procs_alive_max).
    private const string NamePrefix = "file:/bench-dir/entry-";
    private const int NameLength = 25;

    private static byte* Name(byte* into, int f)
    {
        Ascii.Copy(NamePrefix, new Span<byte>(into, NamePrefix.Length));
        into[NameLength - 3] = (byte)('0' + f / 100);
        into[NameLength - 2] = (byte)('0' + f / 10 % 10);
        into[NameLength - 1] = (byte)('0' + f % 10);
        return into;
    }

    private static void Fill(byte* block, int seed)
    {
        for (int i = 0; i < 4096; i++) block[i] = (byte)(i * 7 + seed);
    }

    private static bool Holds(byte* block, int seed, int from = 0)
    {
        for (int i = from; i < 4096; i++) if (block[i - from] != (byte)(i * 7 + seed)) return false;
        return true;
    }

    private static bool ReadAll(Fd fd, byte* into)
    {
        int total = 0;
        while (total < 4096 && Fs.Read(fd, into + total, 4096 - total, out int got) == Status.Ok && got > 0) total += got;
        return total == 4096;
    }
}
