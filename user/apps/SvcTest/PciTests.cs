// pci: in the booted system (QEMU's pc machine, started by ./vireo test with a virtio-blk disk): pcid
// enumerates the bus through the configuration ports the process manager opened to it, and serves
// the listing and one file per function with its BARs sized (docs/design/pci.md).
using System;
using Vireo.Abi;
using Vireo.User;
using Vireo.User.Schemes;
using T = Vireo.User.Testing.TestRunner;

static unsafe class PciTests
{
    private const int Bytes = 4096;

    public static void Run()
    {
        T.Run("pci.listing_shows_qemu_pc_devices", &Listing);
        T.Run("pci.function_file_has_sized_bars", &FunctionFile);
        T.Run("pci.read_only_and_unknown_names", &ReadOnly);
        T.Run("pci.directory_names_every_function", &Directory);
    }

    private static Status Read(string path, byte* into, out int length)
    {
        byte* p = stackalloc byte[32];
        int n = Ascii.Copy(path, new Span<byte>(p, 32));
        return File.ReadAll(new ReadOnlySpan<byte>(p, n), new Span<byte>(into, Bytes), out length);
    }

    private static void Listing()
    {
        byte* text = stackalloc byte[Bytes];
        if (!T.Status(Status.Ok, Read("pci:/", text, out int n), "read pci:/")) return;
        var listing = new ReadOnlySpan<byte>(text, n);
        T.True(Ascii.Contains(listing, "00:00.0 8086:1237 0600 host bridge\n"), "the i440FX host bridge");
        T.True(Ascii.Contains(listing, "00:01.0 8086:7000 0601 ISA bridge\n"), "the PIIX3 ISA bridge");
        T.True(Ascii.Contains(listing, "00:01.1 8086:7010 0101 IDE interface\n"), "the PIIX3 IDE controller (function 1 of a multi-function device)");
        T.True(Ascii.Contains(listing, "1234:1111 0300 VGA controller\n"), "QEMU's standard VGA");
        T.True(Ascii.Contains(listing, "1af4:1001 0100") || Ascii.Contains(listing, "1af4:1042 0100"), "the virtio-blk disk");
    }

    // QEMU's standard VGA: a 16 MiB prefetchable framebuffer (BAR 0) and a 4 KiB register BAR (2);
    // the IDE controller's I/O BAR 4 (16 ports); both sized by the write-all-ones probe.
    private static void FunctionFile()
    {
        byte* text = stackalloc byte[Bytes];
        if (!T.Status(Status.Ok, Read("pci:/00:02.0", text, out int n), "read the VGA's file")) return;
        var vga = new ReadOnlySpan<byte>(text, n);
        T.True(Ascii.Contains(vga, "vendor 1234\ndevice 1111\nclass 03 00 00 VGA controller\n"), "identity and class");
        T.True(Ascii.Contains(vga, " size 0x1000000\n") && Ascii.Contains(vga, "bar0 mem32 pf 0x"), "BAR 0: 16 MiB prefetchable");
        T.True(Ascii.Contains(vga, "bar2 mem32 0x") && Ascii.Contains(vga, " size 0x1000\n"), "BAR 2: 4 KiB");
        if (!T.Status(Status.Ok, Read("pci:/00:01.1", text, out n), "read the IDE controller's file")) return;
        T.True(Ascii.Contains(new ReadOnlySpan<byte>(text, n), "bar4 io 0x") && Ascii.Contains(new ReadOnlySpan<byte>(text, n), " size 0x10\n"), "BAR 4: 16 I/O ports");
    }

    private static void ReadOnly()
    {
        T.Status(Status.InsufficientRights, Fs.Open("pci:/00:00.0", OpenFlags.Write, out _), "no writes");
        T.Status(Status.NotFound, Fs.Open("pci:/00:1f.7", OpenFlags.Read, out _), "no such function");
        T.Status(Status.NotFound, Fs.Open("pci:/host", OpenFlags.Read, out _), "not a function's name");
        T.Status(Status.NotDirectory, Fs.Open("pci:/00:00.0", OpenFlags.Read | OpenFlags.Directory, out _), "a function is not a directory");
    }

    private static void Directory()
    {
        if (!T.Status(Status.Ok, Fs.Open("pci:/", OpenFlags.Read | OpenFlags.Directory, out Fd dir), "open pci:/ as a directory")) return;
        byte* names = stackalloc byte[512];
        int count = 0;
        bool hostBridge = false;
        while (Fs.Getdents(dir, names, 512, out int n) == Status.Ok && n > 0)
            for (int at = 0; at + 2 <= n; at += 2 + names[at + 1])
            {
                count++;
                hostBridge |= Ascii.Equals(new ReadOnlySpan<byte>(names + at + 2, names[at + 1]), "00:00.0");
            }
        T.Status(Status.Ok, Fs.Close(dir), "close");
        T.True(hostBridge, "00:00.0 is listed");
        T.True(count >= 6, "host bridge, ISA, IDE, ACPI, VGA, NIC and the disk: at least six functions");
    }
}
