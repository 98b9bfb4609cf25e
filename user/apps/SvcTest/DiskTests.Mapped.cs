// The disk daemon's mapped file data path (ADR 0012, diskfs.md "The file data path"): a disk: file is
// read through pages of diskfs's page cache mapped into the reader, and what another handle writes
// or truncates is seen there. Each test checks that the reader really maps (FileMaps.WindowOf), so a
// daemon that fell back to messages fails them. They run on disktest: (an image in file:) and, with
// the bigger file, on init's disk: when blk: serves the test disk; the e2fsck check of the image
// (disk.image_for_e2fsck) writes through the same path.
using System;
using Vireo.Abi;
using Vireo.User;
using Vireo.User.Schemes;
using T = Vireo.User.Testing.TestRunner;

static unsafe partial class DiskTests
{
    private static void RunMapped()
    {
        T.Run("disk.mapped_read_equals_written", &MappedRead);
        T.Run("disk.mapped_reader_sees_writes", &MappedSeesWrites);
        T.Run("disk.mapped_reader_sees_truncate", &MappedSeesTruncate);
        T.Run("disk.mapped_file_past_the_window", &MappedPastWindow);
        T.Run("disk.mapped_past_the_pool_reads_through_messages", &MappedPastThePool);
    }

    private static void MappedRead() => WithImage(&MappedReadBody);
    private static void MappedSeesWrites() => WithImage(&MappedSeesWritesBody);
    private static void MappedSeesTruncate() => WithImage(&MappedSeesTruncateBody);
    private static void MappedPastWindow() => WithImage(&MappedPastWindowBody);

    // 9,000 bytes (pages of four 1 KiB blocks and a part page) read back through the mapping, and
    // the mapped page itself holds them; a file from mke2fs reads the same.
    private static void MappedReadBody()
    {
        byte[] data = Pattern(9000, 11);
        T.Status(Status.Ok, File.WriteAll(Bytes(P("/m")), data), "write 9,000 bytes");
        T.Status(Status.Ok, Fs.Open(P("/m"), OpenFlags.Read, out Fd fd), "open it");
        byte[] back = new byte[9100];
        int n = ReadAllOf(fd, back);
        T.True(FileMaps.WindowOf(fd, out ulong first) != null && first == 0, "read through mapped pages");
        T.True(n == 9000 && new ReadOnlySpan<byte>(back, 0, n).SequenceEqual(data), "the bytes written");
        byte* window = FileMaps.WindowOf(fd, out _);
        T.True(window != null && window[4096] == data[4096] && window[8999] == data[8999], "the mapped pages hold them");
        T.Status(Status.Ok, Fs.Close(fd), "close");
        T.Status(Status.Ok, Fs.Open(P("/docs/numbers.txt"), OpenFlags.Read, out fd), "open a file mke2fs wrote");
        byte[] numbers = new byte[14000];
        n = ReadAllOf(fd, numbers);
        T.True(FileMaps.WindowOf(fd, out _) != null, "mapped too");
        int lines = 0;
        for (int i = 0; i < n; i++) if (numbers[i] == (byte)'\n') lines++;
        T.True(n == 13890 && lines == 3000, "all 13,890 bytes, 3000 lines");
        T.Status(Status.Ok, Fs.Close(fd), "close");
        T.Status(Status.Ok, Fs.Unlink(P("/m")), "unlink");
    }

    // `data` written to `name`, a reader that has read its first `first` bytes into `got` and maps
    // the file, and a writer on it: the start of each coherence test.
    private static void ReaderAndWriter(string name, byte[] data, byte* got, int first, out Fd r, out Fd w)
    {
        T.Status(Status.Ok, File.WriteAll(Bytes(P(name)), data), "write the file");
        T.Status(Status.Ok, Fs.Open(P(name), OpenFlags.Read, out r), "open a reader");
        T.Status(Status.Ok, Fs.Read(r, got, first, out int n), "read");
        T.True(n == first && FileMaps.WindowOf(r, out _) != null, "it maps");
        T.Status(Status.Ok, Fs.Open(P(name), OpenFlags.Write, out w), "open a writer");
    }

    // A reader maps the file; a second handle writes a few bytes (a message), a page's worth (the
    // transfer page) and past the end: each is seen by the mapped reader, with the size.
    private static void MappedSeesWritesBody()
    {
        byte[] data = Pattern(6000, 5);
        byte* got = stackalloc byte[8192];
        ReaderAndWriter("/w", data, got, 4096, out Fd r, out Fd w);
        int n;
        byte* small = stackalloc byte[3];
        small[0] = (byte)'a'; small[1] = (byte)'b'; small[2] = (byte)'c';
        T.Status(Status.Ok, Fs.Seek(w, 4094, SeekFrom.Start, out _), "seek the writer across a page boundary");
        T.Status(Status.Ok, Fs.Write(w, small, 3, out _), "write 3 bytes");
        T.Status(Status.Ok, Fs.Seek(r, 4090, SeekFrom.Start, out _), "seek the reader");
        T.Status(Status.Ok, Fs.Read(r, got, 8, out n), "read across them");
        T.True(n == 8 && got[3] == data[4093] && got[4] == (byte)'a' && got[6] == (byte)'c' && got[7] == data[4097], "the new bytes, between the old");
        byte[] page = Pattern(4096, 9);
        T.Status(Status.Ok, Fs.Seek(w, 5000, SeekFrom.Start, out _), "seek the writer to 5,000");
        fixed (byte* p = page) T.Status(Status.Ok, Fs.Write(w, p, 4096, out _), "a page's worth, past the end");
        T.Status(Status.Ok, Fs.Seek(r, 0, SeekFrom.End, out ulong end), "the reader's end");
        T.Equal(9096, (long)end, "moved to 9,096");
        T.Status(Status.Ok, Fs.Seek(r, 5000, SeekFrom.Start, out _), "seek the reader to 5,000");
        T.Status(Status.Ok, Fs.Read(r, got, 8192, out n), "read the rest");
        T.True(n == 4096 && new ReadOnlySpan<byte>(got, n).SequenceEqual(page), "the page written");
        T.Status(Status.Ok, Fs.Close(w), "close the writer");
        T.Status(Status.Ok, Fs.Close(r), "close the reader");
        byte[] all = new byte[10000];
        T.Status(Status.Ok, File.ReadAll(Bytes(P("/w")), all, out n), "read it all again");
        T.True(n == 9096 && all[4094] == (byte)'a' && all[5000] == page[0] && all[9095] == page[4095], "the file holds it");
        T.Status(Status.Ok, Fs.Unlink(P("/w")), "unlink");
    }

    // A mapped reader sees a shrink (the end moves, the old bytes do not come back) and a growth
    // (zeros), then an open with Truncate.
    private static void MappedSeesTruncateBody()
    {
        byte[] data = Pattern(10000, 3);
        byte* got = stackalloc byte[12000];
        ReaderAndWriter("/t", data, got, 10000, out Fd r, out Fd w);
        int n;
        T.Status(Status.Ok, Fs.Ftruncate(w, 100), "shrink to 100");
        T.Status(Status.Ok, Fs.Seek(r, 0, SeekFrom.End, out ulong end), "the reader's end");
        T.Equal(100, (long)end, "100");
        T.Status(Status.Ok, Fs.Seek(r, 0, SeekFrom.Start, out _), "back to 0");
        T.Status(Status.Ok, Fs.Read(r, got, 12000, out n), "read");
        T.True(n == 100 && got[99] == data[99], "100 bytes");
        T.Status(Status.Ok, Fs.Ftruncate(w, 9000), "grow to 9,000");
        T.Status(Status.Ok, Fs.Seek(r, 0, SeekFrom.Start, out _), "back to 0");
        T.Status(Status.Ok, Fs.Read(r, got, 12000, out n), "read");
        bool zeros = n == 9000 && got[99] == data[99];
        for (int i = 100; i < n; i++) zeros &= got[i] == 0;
        T.True(zeros, "the first 100 bytes, then zeros, not the old bytes");
        T.Status(Status.Ok, Fs.Close(w), "close the writer");
        T.Status(Status.Ok, Fs.Open(P("/t"), OpenFlags.Write | OpenFlags.Truncate, out w), "open with Truncate");
        T.Status(Status.Ok, Fs.Seek(r, 0, SeekFrom.Start, out _), "back to 0");
        T.Status(Status.Ok, Fs.Read(r, got, 100, out n), "read");
        T.Equal(0, n, "empty");
        T.Status(Status.Ok, Fs.Close(w), "close");
        T.Status(Status.Ok, Fs.Close(r), "close the reader");
        T.Status(Status.Ok, Fs.Unlink(P("/t")), "unlink");
    }

    private static void OnDiskMappedPastWindow() => MappedPastWindowBody();

    // 72 KiB, more than the reader's window of 64 KiB, read sequentially in 3,000-byte reads (which
    // straddle pages and the window's edge): the window slides and every byte is the one written.
    private static void MappedPastWindowBody()
    {
        byte[] data = Pattern(72 * 1024, 13);
        T.Status(Status.Ok, File.WriteAll(Bytes(P("/big")), data), "write 72 KiB");
        T.Status(Status.Ok, Fs.Open(P("/big"), OpenFlags.Read, out Fd fd), "open it");
        byte[] back = new byte[data.Length + 4096];
        int total = 0;
        bool mapped = true;
        fixed (byte* p = back)
            while (Fs.Read(fd, p + total, 3000, out int got) == Status.Ok && got > 0)
            {
                total += got;
                mapped &= FileMaps.WindowOf(fd, out _) != null;
            }
        FileMaps.WindowOf(fd, out ulong first);
        T.True(mapped && first == FileMap.WindowPages, "read through the mapping, its window slid to page 16");
        T.True(total == data.Length && new ReadOnlySpan<byte>(back, 0, total).SequenceEqual(data), "every byte");
        T.Status(Status.Ok, Fs.Close(fd), "close");
        T.Status(Status.Ok, Fs.Unlink(P("/big")), "unlink");
    }

    // A daemon with a pool of 8 pages (--pages=8): the header, the position page, the zero page and
    // five of the file's; the reader of a 72 KiB file maps its first pages, then FilePages answers
    // NoSpace and the library reads the rest through messages, from the same position.
    private static void MappedPastThePool()
    {
        if (!T.Status(Status.Ok, File.WriteAll(Bytes(ImagePath), Image()), "copy the image into file:")) return;
        if (!T.Status(Status.Ok, StartDaemon("--pages=8\0" + ImagePath, out Status registered), "start diskfs --pages=8")
            || !T.Status(Status.Ok, registered, "registered")) return;
        byte[] data = Pattern(72 * 1024, 17);
        T.Status(Status.Ok, File.WriteAll(Bytes(P("/big")), data), "write 72 KiB");
        T.Status(Status.Ok, Fs.Open(P("/big"), OpenFlags.Read, out Fd fd), "open it");
        byte* first = stackalloc byte[100];
        T.Status(Status.Ok, Fs.Read(fd, first, 100, out int n), "a first read");
        T.True(n == 100 && FileMaps.WindowOf(fd, out _) != null, "it maps");
        byte[] back = new byte[data.Length];
        new ReadOnlySpan<byte>(first, 100).CopyTo(back);
        int total = 100 + ReadAllOf(fd, back, 100);
        T.True(FileMaps.WindowOf(fd, out _) == null, "then no longer: the pool ran out");
        T.True(total == data.Length && new ReadOnlySpan<byte>(back).SequenceEqual(data), "every byte, in order");
        T.Status(Status.Ok, Fs.Close(fd), "close");
        T.Status(Status.Ok, Fs.Unlink(P("/big")), "unlink");
        Stop(s_pid);
    }

    private static int ReadAllOf(Fd fd, byte[] into, int from = 0)
    {
        int total = from;
        fixed (byte* p = into)
            while (total < into.Length && Fs.Read(fd, p + total, into.Length - total, out int got) == Status.Ok && got > 0) total += got;
        return total - from;
    }
}
