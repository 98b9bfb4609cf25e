using System;
using System.Collections.Generic;
using System.Text;
using Vireo.Pci;
using Vireo.User;
using Xunit;

namespace Vireo.Tests.Pci;

/// <summary>An emulated configuration space: functions with 256 bytes each; a BAR register keeps its
/// read-only low bits and takes only the address bits its size allows, as hardware does.</summary>
public sealed class FakeBus
{
    public sealed class Function
    {
        public readonly uint[] Regs = new uint[64];
        public readonly uint[] BarWritable = new uint[6];   // which bits of each BAR dword a write sets
        public int Writes;
    }

    public readonly Dictionary<(int, int, int), Function> Functions = new();

    public Function Add(int bus, int device, int function, ushort vendor, ushort id, byte cls, byte sub, byte header = 0, bool multi = false)
    {
        var f = new Function();
        f.Regs[0] = (uint)id << 16 | vendor;
        f.Regs[2] = (uint)cls << 24 | (uint)sub << 16 | 0x01;
        f.Regs[3] = (uint)(header | (multi ? 0x80 : 0)) << 16;
        f.Regs[1] = 0x0000_0007;   // I/O, memory, bus master on
        Functions[(bus, device, function)] = f;
        return f;
    }

    public static void Bar(Function f, int i, uint value, uint writable) { f.Regs[4 + i] = value; f.BarWritable[i] = writable; }
}

public struct FakeAccess : IConfigAccess
{
    public FakeBus Bus;

    public uint Read32(PciAddress at, int offset) =>
        Bus.Functions.TryGetValue((at.Bus, at.Device, at.Function), out FakeBus.Function f) ? f.Regs[offset / 4] : 0xFFFF_FFFF;

    public void Write32(PciAddress at, int offset, uint value)
    {
        if (!Bus.Functions.TryGetValue((at.Bus, at.Device, at.Function), out FakeBus.Function f)) return;
        f.Writes++;
        int r = offset / 4;
        if (r >= 4 && r < 10) f.Regs[r] = (value & f.BarWritable[r - 4]) | (f.Regs[r] & ~f.BarWritable[r - 4]);
        else if (r == 1) f.Regs[r] = (f.Regs[r] & 0xFFFF_0000) | (value & 0xFFFF);   // status: write-1-to-clear, kept
        else f.Regs[r] = value;
    }
}

public sealed unsafe class ConfigSpaceTests
{
    private static FakeBus QemuLike()
    {
        var bus = new FakeBus();
        bus.Add(0, 0, 0, 0x8086, 0x1237, 0x06, 0x00);
        bus.Add(0, 1, 0, 0x8086, 0x7000, 0x06, 0x01, multi: true);
        var ide = bus.Add(0, 1, 1, 0x8086, 0x7010, 0x01, 0x01);
        FakeBus.Bar(ide, 4, 0xC041, 0xFFFF_FFF0);                 // I/O, 16 ports at 0xC040
        var vga = bus.Add(0, 2, 0, 0x1234, 0x1111, 0x03, 0x00);
        FakeBus.Bar(vga, 0, 0xFD00_0008, 0xFF00_0000);            // 16 MiB prefetchable memory
        FakeBus.Bar(vga, 2, 0xFEBF_0000, 0xFFFF_F000);            // 4 KiB
        var blk = bus.Add(0, 3, 0, 0x1AF4, 0x1042, 0x01, 0x00);
        FakeBus.Bar(blk, 1, 0xFEBF_1000, 0xFFFF_F000);
        FakeBus.Bar(blk, 4, 0xFE00_000C, 0xFFFF_C000);            // 64-bit prefetchable, 16 KiB
        FakeBus.Bar(blk, 5, 0x0000_0001, 0xFFFF_FFFF);            // its upper half: above 4 GiB
        blk.Regs[1] |= 1u << 20;                                  // a capability list
        blk.Regs[0x34 / 4] = 0x98;
        blk.Regs[0x98 / 4] = 0x84 << 8 | 0x09;                    // vendor-specific, then
        blk.Regs[0x84 / 4] = 0x00 << 8 | 0x11;                    // MSI-X, last
        blk.Regs[0x3C / 4] = 0x01 << 8 | 11;                      // INTA, line 11
        var bridge = bus.Add(0, 4, 0, 0x1B36, 0x0001, 0x06, 0x04, header: 1);
        bridge.Regs[0x18 / 4] = 0x00_02_01_00;                    // primary 0, secondary 1, subordinate 2
        bus.Add(1, 0, 0, 0x1AF4, 0x1000, 0x02, 0x00);
        return bus;
    }

    private static PciFunction[] Scan(FakeBus bus)
    {
        var access = new FakeAccess { Bus = bus };
        var found = new PciFunction[32];
        int n = PciConfig.Enumerate(ref access, found);
        return found.AsSpan(0, n).ToArray();
    }

    [Fact]
    public void Enumeration_finds_every_function_through_multifunction_and_bridges()
    {
        PciFunction[] f = Scan(QemuLike());
        var names = new List<string>();
        foreach (PciFunction x in f) names.Add($"{x.Address.Bus}:{x.Address.Device}.{x.Address.Function} {x.Vendor:x4}:{x.Device:x4}");
        Assert.Equal(new[] { "0:0.0 8086:1237", "0:1.0 8086:7000", "0:1.1 8086:7010", "0:2.0 1234:1111", "0:3.0 1af4:1042", "0:4.0 1b36:0001", "1:0.0 1af4:1000" }, names);
    }

    [Fact]
    public void A_single_function_device_is_not_probed_past_function_0()
    {
        var bus = new FakeBus();
        bus.Add(0, 0, 0, 0x8086, 0x1237, 0x06, 0x00);
        // A device that answers on every function number (as some do when not multi-function).
        bus.Add(0, 0, 1, 0x8086, 0x1237, 0x06, 0x00);
        Assert.Single(Scan(bus));
    }

    [Fact]
    public void Bars_are_decoded_sized_and_restored()
    {
        FakeBus bus = QemuLike();
        PciFunction[] f = Scan(bus);
        PciBar io = f[2].Bar(4);
        Assert.Equal((BarKind.Io, 0xC040UL, 0x10UL), (io.Kind, io.Address, io.Size));
        PciBar vga = f[3].Bar(0);
        Assert.Equal((BarKind.Memory32, true, 0xFD00_0000UL, 0x100_0000UL), (vga.Kind, vga.Prefetchable, vga.Address, vga.Size));
        Assert.Equal(BarKind.None, f[3].Bar(1).Kind);
        PciBar wide = f[4].Bar(4);
        Assert.Equal((BarKind.Memory64, true, 0x1_FE00_0000UL, 0x4000UL), (wide.Kind, wide.Prefetchable, wide.Address, wide.Size));
        Assert.Equal(BarKind.None, f[4].Bar(5).Kind);   // the upper half is not a BAR of its own
        // Every register is as it was, the command register included (decoding was off meanwhile).
        FakeBus fresh = QemuLike();
        foreach (var (key, function) in bus.Functions)
            Assert.Equal(fresh.Functions[key].Regs, function.Regs);
    }

    [Fact]
    public void A_64_bit_bar_sized_above_4_GiB()
    {
        var bus = new FakeBus();
        var d = bus.Add(0, 0, 0, 0x1AF4, 0x1042, 0x01, 0x00);
        FakeBus.Bar(d, 0, 0x0000_0004, 0x0000_0000);   // 64-bit, low half all fixed: 8 GiB and more
        FakeBus.Bar(d, 1, 0x0000_0004, 0xFFFF_FFFE);   // 8 GiB
        PciBar bar = Scan(bus)[0].Bar(0);
        Assert.Equal((BarKind.Memory64, 0x4_0000_0000UL, 0x2_0000_0000UL), (bar.Kind, bar.Address, bar.Size));
    }

    [Fact]
    public void Capability_list_is_walked_for_msi_and_msix()
    {
        PciFunction[] f = Scan(QemuLike());
        Assert.True(f[4].HasMsiX);
        Assert.Equal(0x84, f[4].MsiXOffset);   // where pcid enables it on a claim
        Assert.False(f[4].HasMsi);
        Assert.Equal(0, f[4].MsiOffset);
        Assert.False(f[3].HasMsiX);
        Assert.Equal((11, 1), (f[4].IrqLine, f[4].IrqPin));
    }

    [Fact]
    public void A_looping_capability_list_ends()
    {
        var bus = new FakeBus();
        var d = bus.Add(0, 0, 0, 0x1AF4, 0x1042, 0x01, 0x00);
        d.Regs[1] |= 1u << 20;
        d.Regs[0x34 / 4] = 0x40;
        d.Regs[0x40 / 4] = 0x40 << 8 | 0x05;   // MSI, pointing at itself
        Assert.True(Scan(bus)[0].HasMsi);
    }

    [Fact]
    public void Bridge_header_has_two_bars_and_its_secondary_bus()
    {
        PciFunction b = Scan(QemuLike())[5];
        Assert.Equal((1, 2, 1), (b.HeaderType, b.BarCount, b.SecondaryBus));
    }

    private static string Render(delegate*<ref Text, in PciFunction, void> render, in PciFunction f)
    {
        byte* buffer = stackalloc byte[1024];
        var t = new Text(buffer, 1024);
        render(ref t, f);
        return Encoding.ASCII.GetString(buffer, t.Length);
    }

    [Fact]
    public void Listing_line_and_details_text()
    {
        PciFunction[] f = Scan(QemuLike());
        Assert.Equal("00:01.1 8086:7010 0101 IDE interface\n", Render(&PciListing.Line, f[2]));
        Assert.Equal(
            "address 00:03.0\nvendor 1af4\ndevice 1042\nclass 01 00 00 SCSI storage\nrevision 01\nheader 0\nirq 11 pin A\n" +
            "bar1 mem32 0xfebf1000 size 0x1000\nbar4 mem64 pf 0x1fe000000 size 0x4000\nmsi no\nmsix yes\n",
            Render(&PciListing.Details, f[4]));
        Assert.Contains("irq -\n", Render(&PciListing.Details, f[0]));
    }

    [Theory]
    [InlineData("00:02.0", true, 0, 2, 0)]
    [InlineData("/1f:1f.7", true, 0x1F, 0x1F, 7)]
    [InlineData("00:20.0", false, 0, 0, 0)]
    [InlineData("00:02.8", false, 0, 0, 0)]
    [InlineData("00-02.0", false, 0, 0, 0)]
    [InlineData("00:02.00", false, 0, 0, 0)]
    public void Names_parse(string name, bool ok, int bus, int device, int function)
    {
        Assert.Equal(ok, PciListing.TryParseName(Encoding.ASCII.GetBytes(name), out PciAddress a));
        if (ok) Assert.Equal((bus, device, function), (a.Bus, a.Device, a.Function));
    }
}
