// The virtio-blk driver and pcid's hand-over in the booted system (docs/design/virtio-blk.md, pci.md):
// ./vireo test attaches a fresh 1 MiB disk whose last 64 KiB are scratch space for these tests and whose
// last sector starts "VIREO TEST DISK\n" (make_test_disk). pcid's driver manager started virtio-blk for
// it (drivers-test.rc) and started this suite as the "driver" of the VGA (svctest pci-probe), which
// tries what the hand-over lets it do at once and serves the report as the scheme pciprobe: until the
// suite asks for it.
using System;
using Vireo.Abi;
using Vireo.User;
using Vireo.User.Schemes;
using T = Vireo.User.Testing.TestRunner;

static unsafe class BlkTests
{
    private const int Sector = 512;
    private const ulong MapAt = 0x0000_0000_7E01_0000;   // the fast path's buffer area (64 KiB): after LongPaths' 16 KiB client window, in the page table it already needs
    private const string Marker = "VIREO TEST DISK\n";
    private const string ProbeScheme = "pciprobe";
    private static byte[] s_disk = new byte[7];   // the disk's function, BB:DD.F
    private static ulong s_size;
    private static bool s_msix;

    public static void Run()
    {
        T.Run("blk.driver_started_by_the_manager", &Started);
        T.Run("blk.slow_path_reads_the_known_sector", &Marked);
        T.Run("blk.slow_path_write_then_read_back", &SlowWrite);
        T.Run("blk.fast_path_write_flush_read_back", &FastPath);
        T.Run("blk.fast_path_statuses", &FastStatuses);
        T.Run("blk.requests_in_flight_from_two_processes", &InFlight);
        T.Run("blk.claim_by_another_process_refused", &Unauthorised);
        T.Run("blk.driver_cannot_reach_another_devices_bar", &Probe);
        T.Run("blk.driver_has_the_kernel_log", &KernelLog);
    }

    /// <summary>After the disk tests: killing the driver takes blk:/vda from diskfs too.</summary>
    public static void RunLast() => T.Run("blk.killed_driver_is_restarted", &Restarted);

    public static bool IsChild(out int code)
    {
        code = 0;
        if (Args.PositionalIs(0, "pci-probe")) code = PciProbe(Args.Positional(1));
        else if (Args.PositionalIs(0, "blk-reader")) code = Reader(100);
        else return false;
        return true;
    }

    // --- the driver and its scheme ----------------------------------------------------------------

    private static Status ReadAll(string path, byte* into, int capacity, out int length)
    {
        byte* p = stackalloc byte[32];
        int n = Ascii.Copy(path, new Span<byte>(p, 32));
        return File.ReadAll(new ReadOnlySpan<byte>(p, n), new Span<byte>(into, capacity), out length);
    }

    // The virtio disk's function name and the pid its file says the manager started for it.
    private static bool FindDisk(out ulong driver)
    {
        driver = 0;
        byte* text = stackalloc byte[4096];
        if (ReadAll("pci:/", text, 4096, out int n) != Status.Ok) return false;
        var listing = new ReadOnlySpan<byte>(text, n);
        int at = Ascii.IndexOf(listing, " 1af4:1001 ");
        if (at < 0) at = Ascii.IndexOf(listing, " 1af4:1042 ");
        if (at < 7) return false;
        listing.Slice(at - 7, 7).CopyTo(s_disk);
        byte* path = stackalloc byte[12];
        int length = Ascii.Copy("pci:/", new Span<byte>(path, 5));
        for (int i = 0; i < 7; i++) path[length++] = s_disk[i];
        if (File.ReadAll(new ReadOnlySpan<byte>(path, length), new Span<byte>(text, 4096), out n) != Status.Ok) return false;
        var file = new ReadOnlySpan<byte>(text, n);
        s_msix = Ascii.Contains(file, "interrupt msix\n");
        int d = Ascii.IndexOf(file, "driver ");
        if (d < 0) return false;
        int end = d + 7;
        while (end < n && Ascii.IsDigit(text[end])) end++;
        return Numbers.TryParseDecimal(file.Slice(d + 7, end - d - 7), out driver);
    }

    private static void Started()
    {
        if (!T.True(FindDisk(out ulong driver), "pci: names the virtio disk's driver")) return;
        byte* name = stackalloc byte[3] { (byte)'b', (byte)'l', (byte)'k' };
        if (!T.Status(Status.Ok, Namespace.AwaitName(name, 3, driver, out CapHandle scheme), "that process registers blk:")) return;
        CSpace.Release(scheme);
        T.True(FindDisk(out _) && s_msix, "its claim gave it an MSI-X vector (pci: says so)");
        if (!T.Status(Status.Ok, Fs.Stat("blk:/vda", out s_size, out FileKind kind), "stat blk:/vda")) return;
        T.True(kind == FileKind.Device && s_size >= 64 * 1024 && s_size % Sector == 0, "a device of whole sectors, 64 KiB at least");
        if (!T.Status(Status.Ok, Fs.Open("blk:/", OpenFlags.Read | OpenFlags.Directory, out Fd dir), "open blk:/")) return;
        byte* names = stackalloc byte[64];
        T.Status(Status.Ok, Fs.Getdents(dir, names, 64, out int got), "list blk:/");
        T.True(got == 5 && Ascii.Equals(new ReadOnlySpan<byte>(names + 2, 3), "vda"), "one disk, vda");
        T.Status(Status.Ok, Fs.Getdents(dir, names, 64, out got), "list again");
        T.Equal(0, got, "the end");
        T.Status(Status.Ok, Fs.Close(dir), "close");
    }

    private static void Marked()
    {
        if (!T.Status(Status.Ok, Fs.Open("blk:/vda", OpenFlags.Read, out Fd disk), "open blk:/vda")) return;
        T.Status(Status.Ok, Fs.Fstat(disk, out ulong size, out _), "fstat");
        T.Equal((long)s_size, (long)size, "Fstat's size is Stat's");
        T.Status(Status.Ok, Fs.Seek(disk, -Sector, SeekFrom.End, out ulong at), "seek to the last sector");
        byte* b = stackalloc byte[SchemeLimits.MaxData];
        T.Status(Status.Ok, Fs.Read(disk, b, Marker.Length, out int n), "read it");
        T.True(n == Marker.Length && Ascii.Equals(new ReadOnlySpan<byte>(b, n), Marker), "the test disk's marker");
        // The rest of the sector then the end: reads stop at the disk's end.
        T.Status(Status.Ok, Fs.Read(disk, b, SchemeLimits.MaxData, out n), "read on");
        T.Equal(SchemeLimits.MaxData, n, "as much as a message carries");
        T.Status(Status.Ok, Fs.Read(disk, b, SchemeLimits.MaxData, out n), "read on");
        T.Equal(Sector - Marker.Length - SchemeLimits.MaxData, n, "up to the end");
        T.Status(Status.Ok, Fs.Read(disk, b, SchemeLimits.MaxData, out n), "read at the end");
        T.Equal(0, n, "end of file");
        T.Status(Status.InvalidArgument, Fs.Seek(disk, 1, SeekFrom.End, out _), "no seek past the end");
        T.Status(Status.InsufficientRights, Fs.Write(disk, b, 16, out _), "a read-only file is not written");
        T.Status(Status.InsufficientRights, Fs.Open("blk:/vda", OpenFlags.Read | OpenFlags.Truncate, out _), "no truncation");
        T.Status(Status.NotFound, Fs.Open("blk:/vdb", OpenFlags.Read, out _), "one disk only");
        T.Status(Status.Ok, Fs.Close(disk), "close");
    }

    // 300 bytes across a sector boundary near the start of the scratch space, at an odd offset.
    private static void SlowWrite()
    {
        if (!T.Status(Status.Ok, Fs.Open("blk:/vda", OpenFlags.Read | OpenFlags.Write, out Fd disk), "open for writing")) return;
        long at = (long)s_size - 64 * 1024 + 401;
        byte* b = stackalloc byte[SchemeLimits.MaxData];
        for (int i = 0; i < 300; i++) b[i] = (byte)(i * 7 + 3);
        T.Status(Status.Ok, Fs.Seek(disk, at, SeekFrom.Start, out _), "seek");
        T.Status(Status.Ok, Fs.Write(disk, b, 300, out int n), "write 300 bytes");
        T.Equal(300, n, "all taken");
        T.Status(Status.Ok, Fs.Fsync(disk), "fsync (a flush)");
        T.Status(Status.Ok, Fs.Seek(disk, at - 1, SeekFrom.Start, out _), "seek back, one byte before");
        for (int i = 0; i < 302; i++) b[i] = 0xAA;
        T.Status(Status.Ok, Fs.Read(disk, b, 302, out n), "read it back");
        bool same = n == 302 && b[0] == 0 && b[301] == 0;
        for (int i = 0; i < 300 && same; i++) same = b[i + 1] == (byte)(i * 7 + 3);
        T.True(same, "the bytes written, and the untouched neighbours still zero");
        T.Status(Status.Ok, Fs.Seek(disk, 0, SeekFrom.End, out _), "seek to the end");
        T.Status(Status.NoSpace, Fs.Write(disk, b, 16, out _), "no writing past the end");
        T.Status(Status.Ok, Fs.Close(disk), "close");
    }

    private static void FastPath()
    {
        if (!T.Status(Status.Ok, BlockClient.Open("blk:/vda", true, MapAt, out BlockClient c), "open the fast path")) return;
        T.Equal((long)(s_size / Sector), (long)c.SectorCount, "its sector count");
        T.Equal(64 * 1024, c.AreaBytes, "a 64 KiB buffer area");
        ulong first = s_size / Sector - 96;   // 16 KiB into the scratch space
        var data = new byte[24 * Sector];      // 12 KiB: three pages of the area, so three descriptors
        for (int i = 0; i < data.Length; i++) data[i] = (byte)(i / Sector + i * 13);
        T.Status(Status.Ok, c.Write(first, data), "write 24 sectors");
        T.Status(Status.Ok, c.Flush(), "flush");
        var back = new byte[data.Length];
        T.Status(Status.Ok, c.Read(first, back), "read them back");
        T.True(new ReadOnlySpan<byte>(back).SequenceEqual(data), "the same bytes");
        // In place: the device wrote into the area itself; and the slow path sees the same disk.
        T.Status(Status.Ok, c.ReadAt(first + 1, 1, 4096 + 512), "read one sector into the area");
        T.True(new ReadOnlySpan<byte>(c.Area + 4096 + 512, Sector).SequenceEqual(new ReadOnlySpan<byte>(data, Sector, Sector)), "in the area, in place");
        if (T.Status(Status.Ok, Fs.Open("blk:/vda", OpenFlags.Read, out Fd disk), "open the slow path"))
        {
            byte* b = stackalloc byte[100];
            T.Status(Status.Ok, Fs.Seek(disk, (long)(first * Sector) + 5000, SeekFrom.Start, out _), "seek");
            T.Status(Status.Ok, Fs.Read(disk, b, 100, out int n), "read");
            T.True(n == 100 && new ReadOnlySpan<byte>(b, 100).SequenceEqual(new ReadOnlySpan<byte>(data, 5000, 100)), "the slow path reads what the fast path wrote");
            T.Status(Status.Ok, Fs.Close(disk), "close");
        }
        T.Status(Status.Ok, c.Close(), "close the fast path");
    }

    private static void FastStatuses()
    {
        if (!T.Status(Status.Ok, BlockClient.Open("blk:/vda", false, MapAt, out BlockClient c), "open read-only")) return;
        ulong last = c.SectorCount - 1;
        T.Status(Status.Ok, c.ReadAt(last, 1, 0), "the last sector");
        T.True(Ascii.Equals(new ReadOnlySpan<byte>(c.Area, Marker.Length), Marker), "its marker, through the fast path");
        T.Status(Status.InsufficientRights, c.WriteAt(last, 1, 0), "no writes through a read-only file");
        T.Status(Status.OutOfRange, c.ReadAt(last, 2, 0), "not past the end of the disk");
        T.Status(Status.InvalidArgument, c.ReadAt(0, 0, 0), "no empty request");
        T.Status(Status.InvalidArgument, c.ReadAt(0, 1, 100), "the area offset is a whole sector");
        T.Status(Status.InvalidArgument, c.ReadAt(0, 2, c.AreaBytes - Sector), "not past the area");
        T.Status(Status.Ok, c.Flush(), "flush");
        T.Status(Status.Ok, c.Close(), "close");
    }

    // This process and a second one read 64 KiB at a time, 100 times each, at once.
    private static void InFlight()
    {
        if (!T.Status(Status.Ok, MemoryTests.Spawn("initfs:/bin/svctest blk-reader", 0, out ulong pid), "start the second reader")) return;
        T.Equal(0, Reader(100), "this process's reads");
        T.Equal(0, (long)MemoryTests.Wait(pid), "the other process's reads");
        if (!T.Status(Status.Ok, Fs.Open("blk:/vda", OpenFlags.Read, out Fd disk), "open")) return;
        T.Status(Status.Ok, SchemeCall.Call(disk.Cap, SchemeOp.BlockInfo, 1, 0, 0, 0, 0, 0, out SchemeReply r), "ask for the most in flight");
        T.True(r.W0 >= 2, "the driver had two requests or more in flight at once");
        T.Status(Status.Ok, Fs.Close(disk), "close");
    }

    // Reads the disk's last 128 sectors `times` times; 0 if every read had the marker where it belongs.
    private static int Reader(int times)
    {
        if (BlockClient.Open("blk:/vda", false, MapAt, out BlockClient c) != Status.Ok) return 1;
        int code = 0;
        for (int i = 0; i < times && code == 0; i++)
        {
            c.Area[127 * Sector] = 0;
            if (c.ReadAt(c.SectorCount - 128, 128, 0) != Status.Ok) code = 2;
            else if (!Ascii.Equals(new ReadOnlySpan<byte>(c.Area + 127 * Sector, Marker.Length), Marker)) code = 3;
        }
        return c.Close() == Status.Ok ? code : 4;
    }

    // --- the driver manager's supervision ----------------------------------------------------------

    // init starts pcid without a console: a driver's messages reach the kernel log only if pcid gave it one.
    private static void KernelLog()
    {
        SchemeCall.Put("blk");
        if (!T.Status(Status.Ok, SchemeCall.Call(Namespace.Root, SchemeOp.Whois, 0, 0, 0, 3, 0, 0, out SchemeReply r), "who serves blk:")) return;
        T.True((r.W2 & (ulong)SpawnFlags.KernelLog) != 0, "the driver may write to the kernel log");
    }

    // The driver killed: pcid's manager starts it again for the same function, the new one claims it
    // and registers blk: again; a file of the old one is dead, a reopened one reads the disk.
    private static void Restarted()
    {
        if (!T.True(FindDisk(out ulong old), "pci: names the virtio disk's driver")) return;
        bool msix = s_msix;
        // diskfs loses its disk with the driver: what it holds goes to the disk first (e2fsck judges it).
        if (Fs.Open("disk:/", OpenFlags.Read | OpenFlags.Directory, out Fd root) == Status.Ok)
        {
            T.Status(Status.Ok, Fs.Fsync(root), "disk: written out first");
            _ = Fs.Close(root);   // diskfs's answer changes nothing here
        }
        if (!T.Status(Status.Ok, Fs.Open("blk:/vda", OpenFlags.Read, out Fd stale), "open blk:/vda")) return;
        if (!T.Status(Status.Ok, Children.Kill(old), "kill the driver")) return;
        ulong driver = 0;
        for (int i = 0; i < 500 && (!FindDisk(out driver) || driver == old); i++) _ = Sys.Sleep(10_000_000);
        if (!T.True(driver != 0 && driver != old, "pci: names a new driver within 5 s")) return;
        byte* name = stackalloc byte[3] { (byte)'b', (byte)'l', (byte)'k' };
        if (!T.Status(Status.Ok, Namespace.AwaitName(name, 3, driver, out CapHandle scheme), "the new driver registers blk:")) return;
        CSpace.Release(scheme);
        T.True(FindDisk(out _) && s_msix == msix, "its claim gave it the same kind of interrupt");
        byte* b = stackalloc byte[Sector];
        T.True(Fs.Read(stale, b, Sector, out _) != Status.Ok, "the old driver's file is dead");
        _ = Fs.Close(stale);   // the old driver is gone: nothing to close there
        Marked();
        DiskAfterRestart();
    }

    // diskfs reopens blk:/vda when it finds the driver gone (Disk.cs): a file written on disk:, made
    // durable (device writes and a flush through the new driver) and read back.
    private static void DiskAfterRestart()
    {
        byte[] data = new byte[10000];
        for (int i = 0; i < data.Length; i++) data[i] = (byte)(i * 13 + 5);
        if (!T.Status(Status.Ok, File.WriteAll("disk:/after-restart"u8, data), "disk: takes a file after the restart")) return;
        if (!T.Status(Status.Ok, Fs.Open("disk:/after-restart", OpenFlags.Read, out Fd f), "open it")) return;
        T.Status(Status.Ok, Fs.Fsync(f), "fsync reaches the new driver");
        byte[] back = new byte[data.Length + 10];
        int total = 0;
        fixed (byte* p = back)
            while (Fs.Read(f, p + total, back.Length - total, out int got) == Status.Ok && got > 0) total += got;
        T.True(total == data.Length && new ReadOnlySpan<byte>(back, 0, total).SequenceEqual(data), "and reads back");
        T.Status(Status.Ok, Fs.Close(f), "close");
        T.Status(Status.Ok, Fs.Unlink("disk:/after-restart"), "unlink");
        if (T.Status(Status.Ok, Fs.Open("disk:/", OpenFlags.Read | OpenFlags.Directory, out Fd root), "open disk:/"))
        {
            T.Status(Status.Ok, Fs.Fsync(root), "written out");
            _ = Fs.Close(root);   // a directory handle: nothing of ours to lose
        }
    }

    // --- the hand-over's authority -----------------------------------------------------------------

    private static void Unauthorised()
    {
        if (!T.True(s_disk[0] != 0 || FindDisk(out _), "the disk's function")) return;
        byte* path = stackalloc byte[12];
        int length = Ascii.Copy("pci:/", new Span<byte>(path, 5));
        for (int i = 0; i < 7; i++) path[length++] = s_disk[i];
        if (!T.Status(Status.Ok, Fs.Open(path, length, OpenFlags.Read, out Fd f), "anyone may open the function's file")) return;
        T.Status(Status.InsufficientRights, SchemeCall.Call(f.Cap, SchemeOp.PciClaim, 0, 0, 0, 0, 0, 1, out _), "no claim");
        T.Status(Status.InsufficientRights, SchemeCall.Call(f.Cap, SchemeOp.PciBar, 4, 0, 0, 0, 0, 1, out _), "no BAR");
        T.Status(Status.InsufficientRights, SchemeCall.Call(f.Cap, SchemeOp.PciConfigRead, 0, 64, 0, 0, 0, 0, out _), "no configuration space");
        T.Status(Status.Ok, Fs.Close(f), "close");
    }

    private static void Probe()
    {
        byte* text = stackalloc byte[4096];
        if (!T.Status(Status.Ok, ReadAll("pci:/00:02.0", text, 4096, out int n), "the VGA's file")) return;
        var file = new ReadOnlySpan<byte>(text, n);
        int d = Ascii.IndexOf(file, "driver ");
        int end = d + 7;
        while (d >= 0 && end < n && Ascii.IsDigit(text[end])) end++;
        ulong probe = 0;
        if (!T.True(d >= 0 && Numbers.TryParseDecimal(file.Slice(d + 7, end - d - 7), out probe), "the manager started the probe for it")) return;
        byte* name = stackalloc byte[ProbeScheme.Length];
        Ascii.Copy(ProbeScheme, new Span<byte>(name, ProbeScheme.Length));
        if (!T.Status(Status.Ok, Namespace.AwaitName(name, ProbeScheme.Length, probe, out CapHandle scheme), "the probe serves its report")) return;
        Status s = SchemeCall.Call(scheme, SchemeOp.Stat, 0, 0, 0, 0, 0, 0, out SchemeReply r);
        CSpace.Release(scheme);
        if (!T.Status(Status.Ok, s, "ask for it")) return;
        var report = new ReadOnlySpan<byte>(SchemeCall.Data, r.DataLength);
        T.True(Ascii.Contains(report, "claim-own 0\n"), "it claims its own function");
        T.True(Ascii.Contains(report, "bar-own 0\n"), "it gets its own BAR 2");
        T.True(Ascii.Contains(report, "carve-inside 0\n"), "it may carve inside that BAR");
        T.True(Ascii.Contains(report, "carve-outside 6\n"), "not a page beyond it (OutOfRange)");
        T.True(Ascii.Contains(report, "claim-other 3\n"), "not the disk's function (InsufficientRights)");
        T.True(Ascii.Contains(report, "bar-other 3\n"), "nor the disk's BARs");
    }

    // svctest pci-probe BB:DD.F: started by pcid's manager as the VGA's driver.
    private static int PciProbe(ReadOnlySpan<byte> name)
    {
        byte* text = stackalloc byte[512];
        var t = new Text(text, 512);
        byte* path = stackalloc byte[12];
        int length = Ascii.Copy("pci:/", new Span<byte>(path, 5));
        for (int i = 0; i < name.Length && i < 7; i++) path[length++] = name[i];
        if (Fs.Open(path, length, OpenFlags.Read, out Fd own) != Status.Ok) return 1;
        Line(ref t, "claim-own", SchemeCall.Call(own.Cap, SchemeOp.PciClaim, 0, 0, 0, 0, 0, 0, out _));
        Status bar = SchemeCall.Call(own.Cap, SchemeOp.PciBar, 2, 0, 0, 0, 0, 1, out SchemeReply r);
        Line(ref t, "bar-own", bar);
        if (bar == Status.Ok)
        {
            Line(ref t, "carve-inside", DeviceCaps.Carve(r.Cap0, r.W0, 12, out _));
            Line(ref t, "carve-outside", DeviceCaps.Carve(r.Cap0, r.W0 + r.W1, 12, out _));
        }
        if (FindDisk(out _))
        {
            length = 5;
            for (int i = 0; i < 7; i++) path[length++] = s_disk[i];
            if (Fs.Open(path, length, OpenFlags.Read, out Fd other) == Status.Ok)
            {
                Line(ref t, "claim-other", SchemeCall.Call(other.Cap, SchemeOp.PciClaim, 0, 0, 0, 0, 0, 1, out _));
                Line(ref t, "bar-other", SchemeCall.Call(other.Cap, SchemeOp.PciBar, 4, 0, 0, 0, 0, 1, out _));
            }
        }
        // The report, to the first request that comes (the suite's), then the probe ends.
        if (SchemeServer.Create(new CapHandle(BootstrapSlots.Memory, 0), out SchemeServer server) != Status.Ok || server.Register(ProbeScheme) != Status.Ok) return 2;
        server.Receive(out _);
        for (int i = 0; i < t.Length; i++) SchemeCall.Data[i] = text[i];
        _ = server.AnswerWithCaps(Status.Ok, 0, null, 0, t.Length);   // sent now: no later Receive delivers it
        return 0;
    }

    private static void Line(ref Text t, string what, Status s)
    {
        t.Str(what);
        t.Char(' ');
        t.Number((ulong)s);
        t.Char('\n');
    }
}
