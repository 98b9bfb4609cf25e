// Mapped file data (docs/adr/0012-mapped-file-data.md) against the live file: daemon: what one
// descriptor writes another reads at once, also when another process wrote it; truncation under a
// mapped reader (end of file at the new size, zeros when it grows again, never the old bytes);
// holes read as zeros and are seen filled; files larger than a window; Fmap; frames a client kept
// past its file's close are taken back before the page is reused; and a reader killed while it
// maps gives everything back. The child is `svctest filemap hold PATH`.
using System;
using Vireo.Abi;
using Vireo.User;
using Vireo.User.Schemes;
using Vireo.User.Testing;
using T = Vireo.User.Testing.TestRunner;

static unsafe class FileMapTests
{
    private const string ChildArgument = "filemap";

    public static void Run()
    {
        T.Run("filemap.read_sees_other_descriptors_write", &ReadSeesOtherWrite);
        T.Run("filemap.read_sees_other_process_write", &ReadSeesOtherProcessWrite);
        T.Run("filemap.truncate_under_reader", &TruncateUnderReader);
        T.Run("filemap.truncated_pages_never_show_old_bytes", &TruncatedPagesZero);
        T.Run("filemap.holes_read_as_zeros", &Holes);
        T.Run("filemap.big_file_beyond_the_window", &BigFile);
        T.Run("filemap.fmap_gives_the_pages", &Fmap);
        T.Run("filemap.frames_kept_past_close_are_revoked", &KeptFramesRevoked);
        T.Run("filemap.killed_reader_leaks_nothing", &KilledReader);
    }

    /// <summary>`svctest filemap hold PATH`: maps PATH (a write through the transfer page, a read
    /// through the window), then sleeps until killed. Exits 1 if it could not.</summary>
    public static bool IsChild(out int code)
    {
        code = 0;
        if (!Args.PositionalIs(0, ChildArgument)) return false;
        code = 1;
        if (!Args.PositionalIs(1, "hold") || Args.PositionalCount < 3) return true;
        ReadOnlySpan<byte> path = Args.Positional(2);
        byte* p = stackalloc byte[path.Length];
        for (int i = 0; i < path.Length; i++) p[i] = path[i];
        if (Fs.Open(p, path.Length, OpenFlags.Read | OpenFlags.Write | OpenFlags.Create, out Fd fd) != Status.Ok) return true;
        byte* block = stackalloc byte[8192];
        Pattern(block, 8192, 5);
        if (Fs.Write(fd, block, 8192, out _) != Status.Ok) return true;
        if (Fs.Seek(fd, 0, SeekFrom.Start, out _) != Status.Ok || Fs.Read(fd, block, 8192, out _) != Status.Ok) return true;
        if (FileMaps.WindowOf(fd, out _) == null) return true;   // it must really map
        while (true) Sys.Sleep(1_000_000_000);
    }

    private static void ReadSeesOtherWrite()
    {
        byte* b = stackalloc byte[4096];
        Pattern(b, 4096, 1);
        T.Status(Status.Ok, Fs.Open("file:/fm-rw", OpenFlags.Read | OpenFlags.Write | OpenFlags.Create, out Fd a), "open a");
        T.Status(Status.Ok, Fs.Write(a, b, 4096, out _), "write through a");
        T.Status(Status.Ok, Fs.Open("file:/fm-rw", OpenFlags.Read, out Fd r), "open r");
        T.True(ReadAll(r, b, 4096) && Is(b, 4096, 1), "r reads what a wrote");
        T.True(FileMaps.WindowOf(r, out _) != null, "r reads through the mapping");
        Pattern(b, 100, 2);
        T.Status(Status.Ok, Fs.Seek(a, 10, SeekFrom.Start, out _), "seek a");
        T.Status(Status.Ok, Fs.Write(a, b, 100, out _), "a overwrites 100 bytes");
        T.Status(Status.Ok, Fs.Seek(r, 10, SeekFrom.Start, out _), "seek r");
        T.True(Fs.Read(r, b, 100, out int n) == Status.Ok && n == 100 && Is(b, 100, 2), "r sees the new bytes at once");
        Pattern(b, 4096, 3);
        T.Status(Status.Ok, Fs.Write(a, b, 4096, out _), "a writes 4 KiB more (the transfer page)");
        T.Status(Status.Ok, Fs.Seek(r, 110, SeekFrom.Start, out _), "seek r");
        T.True(ReadAll(r, b, 4096) && Is(b, 4096, 3), "r sees them, across the page boundary");
        T.Status(Status.Ok, Fs.Close(r), "close r");
        T.Status(Status.Ok, Fs.Close(a), "close a");
        T.Status(Status.Ok, Fs.Unlink("file:/fm-rw"), "unlink");
    }

    // `cat` (another process) writes into the file while this process has it mapped.
    private static void ReadSeesOtherProcessWrite()
    {
        T.True(FsTests.Put("file:/fm-src", "from another process") == Status.Ok, "the source");
        T.Status(Status.Ok, Fs.Open("file:/fm-dst", OpenFlags.Read | OpenFlags.Write | OpenFlags.Create, out Fd dst), "open dst");
        byte* b = stackalloc byte[64];
        T.True(Fs.Read(dst, b, 64, out int n) == Status.Ok && n == 0, "empty, and mapped");
        T.True(FileMaps.WindowOf(dst, out _) != null, "dst reads through the mapping");
        T.Status(Status.Ok, Fs.Dup(dst, out Fd child), "dup for the child's stdout");
        T.Status(Status.Ok, Fs.Open("file:/fm-src", OpenFlags.Read, out Fd src), "open src");
        const string Argv = "initfs:/bin/cat";
        byte* argv = stackalloc byte[Argv.Length];
        Ascii.Copy(Argv, new Span<byte>(argv, Argv.Length));
        T.Status(Status.Ok, Children.Spawn(new ReadOnlySpan<byte>(argv, Argv.Length), src, child, child, SpawnFlags.NoRegister, out ulong pid), "spawn cat");
        Fs.Forget(child);
        Fs.Forget(src);
        T.Status(Status.Ok, Children.Wait(pid, out _, out _, out _), "cat ended");
        T.Status(Status.Ok, Fs.Seek(dst, 0, SeekFrom.Current, out ulong at), "where dst is");
        T.Equal(20, (long)at, "cat moved the position dst shares with its Dup");
        T.True(Fs.Seek(dst, 0, SeekFrom.Start, out _) == Status.Ok && Fs.Read(dst, b, 64, out n) == Status.Ok && n == 20 && b[0] == 'f' && b[19] == 's',
            "the mapped reader sees what cat wrote");
        T.Status(Status.Ok, Fs.Close(dst), "close dst");
        T.Status(Status.Ok, Fs.Unlink("file:/fm-src"), "unlink src");
        T.Status(Status.Ok, Fs.Unlink("file:/fm-dst"), "unlink dst");
    }

    private static void TruncateUnderReader()
    {
        byte* b = stackalloc byte[8192];
        Pattern(b, 8192, 4);
        T.Status(Status.Ok, Fs.Open("file:/fm-tr", OpenFlags.Read | OpenFlags.Write | OpenFlags.Create, out Fd w), "open w");
        T.Status(Status.Ok, Fs.Write(w, b, 8192, out _), "8 KiB");
        T.Status(Status.Ok, Fs.Open("file:/fm-tr", OpenFlags.Read, out Fd r), "open r");
        T.True(ReadAll(r, b, 8192) && Is(b, 8192, 4), "r maps both pages");
        T.Status(Status.Ok, Fs.Ftruncate(w, 5000), "shrink to 5000 through w");
        T.Status(Status.Ok, Fs.Seek(r, 4000, SeekFrom.Start, out _), "seek r");
        T.True(Fs.Read(r, b, 4096, out int n) == Status.Ok && n == 1000, "r reads to the new end");
        T.True(Fs.Read(r, b, 4096, out n) == Status.Ok && n == 0, "then end of file");
        T.True(Fs.Seek(r, 0, SeekFrom.End, out ulong end) == Status.Ok && end == 5000, "r's size is the new one");
        T.Status(Status.Ok, Fs.Ftruncate(w, 8192), "grow back to 8 KiB");
        T.Status(Status.Ok, Fs.Seek(r, 5000, SeekFrom.Start, out _), "seek r");
        T.True(ReadAll(r, b, 3192) && Zero(b, 3192), "the grown part reads as zeros, not the old bytes");
        T.Status(Status.Ok, Fs.Close(r), "close r");
        T.Status(Status.Ok, Fs.Close(w), "close w");
        T.Status(Status.Ok, Fs.Unlink("file:/fm-tr"), "unlink");
    }

    // The mapped memory itself: after a truncate to 0 the reader's window holds zeros (the page is
    // kept, zeroed, while mapped), and a read finds the end of file.
    private static void TruncatedPagesZero()
    {
        byte* b = stackalloc byte[4096];
        Pattern(b, 4096, 6);
        T.Status(Status.Ok, Fs.Open("file:/fm-tz", OpenFlags.Read | OpenFlags.Write | OpenFlags.Create, out Fd w), "open w");
        T.Status(Status.Ok, Fs.Write(w, b, 4096, out _), "4 KiB");
        T.Status(Status.Ok, Fs.Open("file:/fm-tz", OpenFlags.Read, out Fd r), "open r");
        T.True(ReadAll(r, b, 4096), "r maps the page");
        byte* window = FileMaps.WindowOf(r, out _);
        T.True(window != null && Is(window, 4096, 6), "the window shows the file's bytes");
        T.Status(Status.Ok, Fs.Ftruncate(w, 0), "truncate to 0 through w");
        T.True(window != null && Zero(window, 4096), "the page still mapped holds zeros, not the old bytes");
        T.Status(Status.Ok, Fs.Seek(r, 0, SeekFrom.Start, out _), "seek r");
        T.True(Fs.Read(r, b, 4096, out int n) == Status.Ok && n == 0, "r reads end of file");
        Pattern(b, 4096, 7);
        T.Status(Status.Ok, Fs.Write(w, b, 4096, out _), "write again at w's position");
        T.True(Fs.Seek(r, 0, SeekFrom.Start, out _) == Status.Ok && Fs.Read(r, b, 4096, out n) == Status.Ok && n == 4096 && Zero(b, 4096),
            "the write went past the end (w's position was 4096): the first page reads as zeros");
        T.Status(Status.Ok, Fs.Close(r), "close r");
        T.Status(Status.Ok, Fs.Close(w), "close w");
        T.Status(Status.Ok, Fs.Unlink("file:/fm-tz"), "unlink");
    }

    private static void Holes()
    {
        byte* b = stackalloc byte[4096];
        T.Status(Status.Ok, Fs.Open("file:/fm-hole", OpenFlags.Read | OpenFlags.Write | OpenFlags.Create, out Fd w), "open w");
        T.Status(Status.Ok, Fs.Seek(w, 3 * 4096 + 5, SeekFrom.Start, out _), "seek past three pages");
        b[0] = (byte)'x';
        T.Status(Status.Ok, Fs.Write(w, b, 1, out _), "one byte");
        T.Status(Status.Ok, Fs.Open("file:/fm-hole", OpenFlags.Read, out Fd r), "open r");
        bool zeros = true;
        for (int p = 0; p < 3; p++) zeros &= ReadAll(r, b, 4096) && Zero(b, 4096);
        T.True(zeros, "three pages of hole read as zeros");
        T.True(Fs.Read(r, b, 4096, out int n) == Status.Ok && n == 6 && Zero(b, 5) && b[5] == 'x', "then the byte");
        T.Status(Status.Ok, Fs.Seek(w, 4096, SeekFrom.Start, out _), "seek w into the hole");
        Pattern(b, 100, 8);
        T.Status(Status.Ok, Fs.Write(w, b, 100, out _), "fill part of it");
        T.Status(Status.Ok, Fs.Seek(r, 4096, SeekFrom.Start, out _), "seek r");
        T.True(Fs.Read(r, b, 200, out n) == Status.Ok && n == 200 && Is(b, 100, 8) && Zero(b + 100, 100), "r sees the filled hole");
        T.Status(Status.Ok, Fs.Close(r), "close r");
        T.Status(Status.Ok, Fs.Close(w), "close w");
        T.Status(Status.Ok, Fs.Unlink("file:/fm-hole"), "unlink");
    }

    // 160 KiB: three windows of 64 KiB; read in 4 KiB steps, then backwards jumps.
    private static void BigFile()
    {
        const int pages = 40;
        byte* b = stackalloc byte[4096];
        T.Status(Status.Ok, Fs.Open("file:/fm-big", OpenFlags.Read | OpenFlags.Write | OpenFlags.Create, out Fd fd), "open");
        bool wrote = true;
        for (int p = 0; p < pages && wrote; p++)
        {
            Pattern(b, 4096, p + 10);
            wrote = Fs.Write(fd, b, 4096, out int w) == Status.Ok && w == 4096;
        }
        T.True(wrote, "160 KiB written");
        T.Status(Status.Ok, Fs.Seek(fd, 0, SeekFrom.Start, out _), "seek to 0");
        bool same = true;
        for (int p = 0; p < pages && same; p++) same = ReadAll(fd, b, 4096) && Is(b, 4096, p + 10);
        T.True(same, "every page read back in order");
        T.True(Fs.Read(fd, b, 4096, out int n) == Status.Ok && n == 0, "end of file");
        T.Status(Status.Ok, Fs.Seek(fd, 5 * 4096, SeekFrom.Start, out _), "back into the first window");
        T.True(ReadAll(fd, b, 4096) && Is(b, 4096, 15), "page 5");
        T.Status(Status.Ok, Fs.Seek(fd, 32 * 4096 - 50, SeekFrom.Start, out _), "across the second window's end");
        T.True(Fs.Read(fd, b, 100, out n) == Status.Ok && n == 50, "a read stops at the window's end");
        T.True(Fs.Read(fd, b, 4096, out n) == Status.Ok && n == 4096 && Is(b, 4096, 42), "and goes on in the next");
        T.Status(Status.Ok, Fs.Close(fd), "close");
        T.Status(Status.Ok, Fs.Unlink("file:/fm-big"), "unlink");
    }

    // In the page table the pipe pages and FileMaps use already: a mapping elsewhere would take new
    // page tables from svctest's pool for the rest of the run.
    private const ulong FmapAt = PipeEnds.Base + 0x18_0000;

    private static void Fmap()
    {
        byte* b = stackalloc byte[8192];
        Pattern(b, 8192, 9);
        T.Status(Status.Ok, Fs.Open("file:/fm-fmap", OpenFlags.Read | OpenFlags.Write | OpenFlags.Create, out Fd fd), "open");
        T.Status(Status.Ok, Fs.Write(fd, b, 8192, out _), "8 KiB");
        CapHandle* frames = stackalloc CapHandle[3];
        T.Status(Status.Ok, Fs.Fmap(fd, 0, 2, FmapAt, Rights.Read, frames), "fmap both pages");
        T.True(Is((byte*)FmapAt, 8192, 9), "the mapped pages hold the file");
        T.Status(Status.OutOfRange, Fs.Fmap(fd, 4096, 2, FmapAt + 8192, Rights.Read, frames + 2), "past the end");
        T.Status(Status.InvalidArgument, SchemeCall.Call(fd.Cap, SchemeOp.Fmap, 100, 1, 0, 0, 0, 1, out _), "an unaligned offset");
        T.Status(Status.Ok, Fs.Funmap(fd, 0, 2, frames), "funmap");
        T.Status(Status.Ok, Fs.Close(fd), "close");
        T.Status(Status.Ok, Fs.Unlink("file:/fm-fmap"), "unlink");
    }

    // A client that keeps frames (raw capabilities) after closing its file: when the file's pages are
    // freed the copies are revoked, so the page can never show it another file's bytes.
    private static void KeptFramesRevoked()
    {
        byte* b = stackalloc byte[4096];
        Pattern(b, 4096, 11);
        T.Status(Status.Ok, Fs.Open("file:/fm-kept", OpenFlags.Read | OpenFlags.Write | OpenFlags.Create, out Fd fd), "open");
        T.Status(Status.Ok, Fs.Write(fd, b, 4096, out _), "4 KiB");
        T.Status(Status.Ok, SchemeCall.Call(fd.Cap, SchemeOp.FilePages, 0, 1, 0, 0, 0, 1, out SchemeReply r), "FilePages by hand");
        T.True(r.W0 == 1, "the page has data");
        T.Status(Status.Ok, Sys.Identify(r.Cap0, out ObjectType type, out Rights rights, out _, out _), "a frame came");
        T.True(type == ObjectType.Frame && (rights & Rights.Write) == 0, "read-only");
        T.Status(Status.Ok, Fs.Close(fd), "close (the frame is kept)");
        T.Status(Status.Ok, Fs.Unlink("file:/fm-kept"), "unlink: the page is freed");
        T.True(Sys.Identify(r.Cap0, out _, out _, out _, out _) != Status.Ok, "the kept frame was revoked");
        CSpace.Release(r.Cap0);
    }

    // Ten readers killed while they map a file (header, position, transfer and window pages): the
    // kernel's counters and the free memory come back to where they were after the first.
    private static void KilledReader()
    {
        ulong* before = stackalloc ulong[(int)KernelCounter.Count];
        ulong* after = stackalloc ulong[(int)KernelCounter.Count];
        bool ok = KillOne();   // the first makes ramfs's pages; later ones must reuse them
        ok &= T.True(KernelCounts.Read(before), "counters");
        ulong free = MemoryTests.Free();
        for (int i = 0; i < 10 && ok; i++) ok = KillOne();
        T.True(ok, "ten readers mapped and were killed");
        bool back = false;
        for (int tries = 0; tries < 100 && !back; tries++)
        {
            back = KernelCounts.Read(after) && KernelCounts.Same(before, after) && MemoryTests.Free() == free;
            if (!back) Sys.Sleep(10_000_000);   // their files close asynchronously
        }
        T.True(back, "kernel counters and free memory back where they were");
        T.Status(Status.Ok, Fs.Unlink("file:/fm-kill"), "unlink");
    }

    private static bool KillOne()
    {
        _ = Fs.Unlink("file:/fm-kill");   // so that its size says this child has written it
        if (!T.Status(Status.Ok, MemoryTests.Spawn("initfs:/bin/svctest filemap hold file:/fm-kill", 0, out ulong pid), "spawn")) return false;
        // The child has mapped once the file holds its 8 KiB and it is asleep.
        bool mapped = false;
        for (int tries = 0; tries < 100 && !mapped; tries++)
        {
            Sys.Sleep(5_000_000);
            mapped = Fs.Stat("file:/fm-kill", out ulong size, out _) == Status.Ok && size == 8192;
        }
        Sys.Sleep(20_000_000);
        bool ok = T.True(mapped, "the child wrote its file");
        ok &= T.Status(Status.Ok, SchemeCall.Call(Namespace.Root, SchemeOp.Kill, pid, 0, 0, 0, 0, 0, out _), "kill");
        ok &= T.Status(Status.Ok, Children.Wait(pid, out _, out ThreadExitKind kind, out _), "wait");
        return ok & T.Equal((long)ThreadExitKind.Killed, (long)kind, "killed while it slept, mapping");
    }

    // --- helpers -----------------------------------------------------------------------------

    private static void Pattern(byte* b, int n, int seed)
    {
        for (int i = 0; i < n; i++) b[i] = (byte)(i * 13 + seed * 31 + i / 4096);
    }

    private static bool Is(byte* b, int n, int seed)
    {
        for (int i = 0; i < n; i++) if (b[i] != (byte)(i * 13 + seed * 31 + i / 4096)) return false;
        return true;
    }

    private static bool Zero(byte* b, int n)
    {
        for (int i = 0; i < n; i++) if (b[i] != 0) return false;
        return true;
    }

    private static bool ReadAll(Fd fd, byte* into, int count)
    {
        int total = 0;
        while (total < count && Fs.Read(fd, into + total, count - total, out int got) == Status.Ok && got > 0) total += got;
        return total == count;
    }
}
