// Where a virtio 1.x PCI device keeps its registers (virtio 1.x, section 4.1.4): vendor-specific PCI
// capabilities (id 0x09) in configuration space, each naming a structure (common configuration,
// notifications, ISR status, device configuration) by BAR, offset and length; the notification one
// adds the multiplier for each queue's notify offset. And where MSI-X keeps its table (BAR and offset,
// from its capability). Portable: the host tests parse configuration spaces with it; the driver reads
// its function's first 256 bytes through pcid (PciConfigRead) and parses them here.
using System;

namespace Vireo.Virtio;

public struct VirtioRegion
{
    public int Bar;          // -1: the device does not have this structure
    public uint Offset, Length;
}

public struct VirtioCapabilities
{
    public const byte VendorCapability = 0x09, MsiXCapability = 0x11;
    public const byte CommonConfig = 1, NotifyConfig = 2, IsrConfig = 3, DeviceConfig = 4;
    private const int MaxCapabilities = 48;

    public VirtioRegion Common, Notify, Isr, Device;
    public uint NotifyMultiplier;
    public int MsiXBar;          // -1: no MSI-X
    public uint MsiXTableOffset;
    public int MsiXEntries;

    /// <summary>Whether the modern interface is all there (common, notify, ISR, device configuration).</summary>
    public bool Modern => Common.Bar >= 0 && Notify.Bar >= 0 && Isr.Bar >= 0 && Device.Bar >= 0;

    /// <summary>Walks the capability list of `config` (a function's configuration space, 256 bytes or
    /// more). The first structure of each kind wins (the specification lets a device offer several, in
    /// order of preference); a list that loops or points outside ends.</summary>
    public static VirtioCapabilities Parse(ReadOnlySpan<byte> config)
    {
        var c = new VirtioCapabilities();
        c.Common.Bar = c.Notify.Bar = c.Isr.Bar = c.Device.Bar = c.MsiXBar = -1;
        if (config.Length < 64 || (config[6] & 0x10) == 0) return c;   // status: no capability list
        int at = config[0x34] & 0xFC;
        for (int n = 0; at >= 0x40 && at + 2 <= config.Length && n < MaxCapabilities; n++)
        {
            byte id = config[at];
            if (id == VendorCapability && at + 16 <= config.Length && config[at + 4] < 6)
            {
                var region = new VirtioRegion { Bar = config[at + 4], Offset = U32(config, at + 8), Length = U32(config, at + 12) };
                switch (config[at + 3])
                {
                    case CommonConfig: if (c.Common.Bar < 0) c.Common = region; break;
                    case NotifyConfig:
                        if (c.Notify.Bar < 0 && at + 20 <= config.Length)
                        {
                            c.Notify = region;
                            c.NotifyMultiplier = U32(config, at + 16);
                        }
                        break;
                    case IsrConfig: if (c.Isr.Bar < 0) c.Isr = region; break;
                    case DeviceConfig: if (c.Device.Bar < 0) c.Device = region; break;
                }
            }
            else if (id == MsiXCapability && at + 8 <= config.Length && c.MsiXBar < 0)
            {
                c.MsiXEntries = ((config[at + 2] | config[at + 3] << 8) & 0x7FF) + 1;
                uint table = U32(config, at + 4);
                c.MsiXBar = (int)(table & 7);
                c.MsiXTableOffset = table & ~7u;
            }
            at = config[at + 1] & 0xFC;
        }
        return c;
    }

    private static uint U32(ReadOnlySpan<byte> b, int at) => (uint)(b[at] | b[at + 1] << 8 | b[at + 2] << 16 | b[at + 3] << 24);
}
