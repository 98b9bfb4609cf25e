// The disk benchmarks of issue 12 (`svcbench disk`, in the boot of their own that ./vireo bench makes
// with `diskbench`: etc/diskbench.rc, a fresh ext2 disk holding bench-1MiB): diskfs on virtio-blk
// (disk:). Each figure is TSC ticks (guest instructions under -icount) less the ticks the kernel's idle
// loop spent halted meanwhile (KernelCounter.IdleTsc): while the guest waits for the disk QEMU's
// instruction counter jumps to the next deadline, which no instruction ran. Linux's figures (ext2 on
// virtio-blk) are in bench/linux-figures.tsv.
using System;
using Vireo.Abi;
using Vireo.User;
using Vireo.User.Schemes;
using Vireo.User.Testing;

static unsafe class DiskBench
{
    private const string Disk = "disk";

    public static void Run()
    {
        // diskfs registers disk: once pcid's driver manager has started virtio-blk and it mounted.
        byte* name = stackalloc byte[Disk.Length];
        Ascii.Copy(Disk, new Span<byte>(name, Disk.Length));
        bool up = Namespace.AwaitName(name, Disk.Length, 0, out _, 10_000) == Status.Ok;
        Bench.Report("disk_read_seq_1MiB", up ? ReadSeq1MiB() : 0);
        Bench.Report("disk_create_write_fsync_unlink_4KiB", up ? CreateWriteFsyncUnlink() : 0);
        // file_read_4KiB_cached on disk: the page is in diskfs's page cache, mapped by the reader.
        Bench.Report("disk_file_read_4KiB_cached", up ? FileBench.Read4KiB("disk:/bench-read") : 0);
        // process_spawn_exit_file with hello copied to disk: (its blocks in the block cache after the copy).
        Bench.Report("process_spawn_exit_disk", up ? SpawnBench.SpawnExit("disk:/bench-hello", true) : 0);
    }

    // Open the image's 1 MiB file, read it to its end in reads of 64 KiB, close: the first read of it
    // since boot, so every block comes from the disk (cold cache). Instructions per MiB.
    private static ulong ReadSeq1MiB()
    {
        const int size = 1 << 20, chunk = 64 << 10;
        byte[] buffer = new byte[chunk];
        if (!Begin(out Clock c)) return 0;
        if (Fs.Open("disk:/bench-1MiB", OpenFlags.Read, out Fd fd) != Status.Ok) return 0;
        long total = 0;
        fixed (byte* p = buffer)
            while (Fs.Read(fd, p, chunk, out int got) == Status.Ok && got > 0) total += got;
        bool ok = Fs.Close(fd) == Status.Ok;
        ulong result = End(c);
        return ok && total == size ? result : 0;
    }

    // Create a new file, write 4 KiB, fsync, close, unlink: the fsync waits for the disk.
    private static ulong CreateWriteFsyncUnlink()
    {
        const int n = 50;
        byte* block = stackalloc byte[4096];
        for (int i = 0; i < 4096; i++) block[i] = (byte)(i * 7);
        int good = 0;
        if (!Begin(out Clock c)) return 0;
        for (int i = 0; i < n; i++)
        {
            if (Fs.Open("disk:/bench-cwfu", OpenFlags.Write | OpenFlags.Create | OpenFlags.Exclusive, out Fd fd) != Status.Ok) continue;
            bool wrote = Fs.Write(fd, block, 4096, out int w) == Status.Ok && w == 4096 && Fs.Fsync(fd) == Status.Ok;
            if (Fs.Close(fd) == Status.Ok && Fs.Unlink("disk:/bench-cwfu") == Status.Ok && wrote) good++;
        }
        ulong result = End(c) / n;
        return good == n ? result : 0;
    }

    private struct Clock
    {
        public ulong Tsc, Idle;
    }

    // The idle counter is read outside the TSC interval: its IPC round trip is not in the figure.
    private static bool Begin(out Clock c)
    {
        c = default;
        if (!Idle(out c.Idle)) return false;
        c.Tsc = Sys.ReadTsc();
        return true;
    }

    // Ticks since Begin less the idle ticks since; 0 (a failed run) if the counter cannot be read.
    private static ulong End(Clock c)
    {
        ulong ticks = Sys.ReadTsc() - c.Tsc;
        if (!Idle(out ulong idle) || idle - c.Idle > ticks) return 0;
        return ticks - (idle - c.Idle);
    }

    private static bool Idle(out ulong ticks)
    {
        ulong* values = stackalloc ulong[(int)KernelCounter.Count];
        ticks = 0;
        if (!KernelCounts.Read(values)) return false;
        ticks = values[(int)KernelCounter.IdleTsc];
        return true;
    }
}
