using System;
using Vireo.Virtio;
using Xunit;

namespace Vireo.Tests.Virtio;

public sealed class VirtioCapabilitiesTests
{
    // QEMU's virtio-blk-pci (transitional) as it lays out its capability list: MSI-X first, then the
    // vendor-specific ones (device, notify, ISR, common, and the PCI-configuration-access one).
    private static byte[] QemuBlk()
    {
        var c = new byte[256];
        c[6] = 0x10;                     // status: capability list
        c[0x34] = 0x98;
        Put(c, 0x98, 0x11, 0x84); c[0x9A] = 1; U32(c, 0x9C, 0x0000_0001);   // MSI-X: 2 entries, table in BAR 1 at 0
        Vendor(c, 0x84, 0x70, VirtioCapabilities.DeviceConfig, 4, 0x2000, 0x1000);
        Vendor(c, 0x70, 0x60, VirtioCapabilities.NotifyConfig, 4, 0x3000, 0x1000); U32(c, 0x70 + 16, 4);
        Vendor(c, 0x60, 0x50, VirtioCapabilities.IsrConfig, 4, 0x1000, 0x1000);
        Vendor(c, 0x50, 0x40, VirtioCapabilities.CommonConfig, 4, 0x0000, 0x1000);
        Vendor(c, 0x40, 0x00, 5, 0, 0, 0);
        return c;
    }

    private static void Put(byte[] c, int at, byte id, byte next) { c[at] = id; c[at + 1] = next; }
    private static void U32(byte[] c, int at, uint v) { c[at] = (byte)v; c[at + 1] = (byte)(v >> 8); c[at + 2] = (byte)(v >> 16); c[at + 3] = (byte)(v >> 24); }

    private static void Vendor(byte[] c, int at, byte next, byte type, byte bar, uint offset, uint length)
    {
        Put(c, at, VirtioCapabilities.VendorCapability, next);
        c[at + 2] = 16;
        c[at + 3] = type;
        c[at + 4] = bar;
        U32(c, at + 8, offset);
        U32(c, at + 12, length);
    }

    [Fact]
    public void Qemus_layout_gives_every_structure_and_the_msix_table()
    {
        VirtioCapabilities v = VirtioCapabilities.Parse(QemuBlk());
        Assert.True(v.Modern);
        Assert.Equal((4, 0u, 0x1000u), (v.Common.Bar, v.Common.Offset, v.Common.Length));
        Assert.Equal((4, 0x3000u, 4u), (v.Notify.Bar, v.Notify.Offset, v.NotifyMultiplier));
        Assert.Equal((4, 0x1000u), (v.Isr.Bar, v.Isr.Offset));
        Assert.Equal((4, 0x2000u), (v.Device.Bar, v.Device.Offset));
        Assert.Equal((1, 0u, 2), (v.MsiXBar, v.MsiXTableOffset, v.MsiXEntries));
    }

    [Fact]
    public void A_legacy_only_device_is_not_modern()
    {
        byte[] c = QemuBlk();
        c[0x34] = 0x98;
        c[0x99] = 0x40;   // MSI-X, then straight to the PCI-configuration-access capability
        VirtioCapabilities v = VirtioCapabilities.Parse(c);
        Assert.False(v.Modern);
        Assert.Equal(-1, v.Common.Bar);
        Assert.Equal(1, v.MsiXBar);
    }

    [Fact]
    public void A_looping_list_and_no_list_end()
    {
        byte[] c = QemuBlk();
        c[0x41] = 0x98;   // the last capability points back at the first
        Assert.True(VirtioCapabilities.Parse(c).Modern);
        c[6] = 0;
        Assert.Equal(-1, VirtioCapabilities.Parse(c).Common.Bar);
    }
}
