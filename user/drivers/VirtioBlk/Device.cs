// The virtio-blk device over virtio 1.x's PCI transport (virtio 1.x, sections 3.1 and 4.1), or over the
// legacy interface in I/O BAR 0 when the device has no 1.x capabilities (StartLegacy): reset,
// feature negotiation (VERSION_1 required; FLUSH and RO taken when offered), one request queue of up
// to 64 descriptors in one DMA page together with the request headers, its interrupt (MSI-X entry 0
// when pcid gave a vector, else the INTx line, whose ISR status read lowers it), and the request engine:
// up to 21 requests in flight, each answered when the device finishes it, in whatever order; requests
// that find the queue full wait in FIFO order and start as earlier ones complete.
using System;
using Vireo.Abi;
using Vireo.User;
using Vireo.Virtio;

static unsafe class Device
{
    // Common configuration (virtio 1.x, 4.1.4.3).
    private const int DeviceFeatureSelect = 0, DeviceFeature = 4, DriverFeatureSelect = 8, DriverFeature = 12;
    private const int ConfigMsixVector = 16, DeviceStatus = 20, QueueSelect = 22, QueueSize = 24, QueueMsixVector = 26;
    private const int QueueEnable = 28, QueueNotifyOff = 30, QueueDesc = 32, QueueDriver = 40, QueueDevice = 48;
    private const byte Acknowledge = 1, DriverLoaded = 2, DriverOk = 4, FeaturesOk = 8, Failed = 128;
    private const ushort NoVector = 0xFFFF;
    private const int QueueSize64 = 64;
    public const int MaxInFlight = 21;   // 3 descriptors each at least: 63 of 64
    private const int QueueAt = 0, SlotsAt = 2048;   // in the queue page: rings, then request headers

    private static byte* s_common, s_notify, s_isr, s_config;
    private static BlkRequests s_requests;
    private static PciInterrupt s_kind;
    private static CapHandle s_irq;
    public static ulong Sectors;
    public static bool CanFlush, ReadOnly;
    public static int MostInFlight;

    /// <summary>Claims the function, maps its registers, brings the device up with one queue and binds
    /// its interrupt to `notification` (bit 1). 0, or an exit code saying what failed.</summary>
    public static int Start(ReadOnlySpan<byte> name, CapHandle notification)
    {
        if (PciDevice.Open(name) != Status.Ok) return Fail("cannot open the function's pci: file", 2);
        if (PciDevice.Claim(out s_irq, out s_kind, out _, out ulong message) != Status.Ok) return Fail("pcid refused the claim", 3);
        Span<byte> config = stackalloc byte[256];
        if (PciDevice.ConfigRead(0, config) != Status.Ok) return Fail("cannot read configuration space", 4);
        VirtioCapabilities caps = VirtioCapabilities.Parse(config);
        if (!caps.Modern) return StartLegacy(caps, message, notification);
        if (!Map(caps.Common, out s_common) || !Map(caps.Notify, out s_notify) || !Map(caps.Isr, out s_isr) || !Map(caps.Device, out s_config))
            return Fail("cannot map the device's registers", 6);
        if (!Negotiate()) return Fail("feature negotiation failed", 7);
        if (!StartQueue(caps, message)) return Fail("cannot set up the request queue", 8);
        Sectors = Mmio.Read64(s_config + VirtioBlk.ConfigCapacity);
        if (s_irq.Value != 0 && Devices.IrqHandlerBind(s_irq, notification, 1) != Status.Ok) return Fail("cannot bind the interrupt", 9);
        Mmio.Write8(s_common + DeviceStatus, (byte)(Mmio.Read8(s_common + DeviceStatus) | DriverOk));
        return 0;
    }

    private static int Fail(string why, int code)
    {
        Console.Write("virtio-blk: ");
        Console.WriteLine(why);
        if (s_common != null) Mmio.Write8(s_common + DeviceStatus, Failed);
        else if (s_legacy) Devices.OutB((ushort)(s_io + LegacyStatus), Failed);
        return code;
    }

    private static bool Map(VirtioRegion r, out byte* at)
    {
        at = null;
        if (PciDevice.MapBar(r.Bar, r.Offset + r.Length, out byte* bar) != Status.Ok) return false;
        at = bar + r.Offset;
        return true;
    }

    private static bool Negotiate()
    {
        Mmio.Write8(s_common + DeviceStatus, 0);   // reset; done when it reads 0
        for (int i = 0; i < 1_000_000 && Mmio.Read8(s_common + DeviceStatus) != 0; i++) { }
        Mmio.Write8(s_common + DeviceStatus, Acknowledge);
        Mmio.Write8(s_common + DeviceStatus, Acknowledge | DriverLoaded);
        Mmio.Write32(s_common + DeviceFeatureSelect, 0);
        uint low = Mmio.Read32(s_common + DeviceFeature);
        Mmio.Write32(s_common + DeviceFeatureSelect, 1);
        uint high = Mmio.Read32(s_common + DeviceFeature);
        if ((high & 1) == 0) return false;   // VIRTIO_F_VERSION_1 (bit 32)
        uint wanted = low & (1u << VirtioBlk.FeatureFlush | 1u << VirtioBlk.FeatureReadOnly);
        CanFlush = (wanted & 1u << VirtioBlk.FeatureFlush) != 0;
        ReadOnly = (wanted & 1u << VirtioBlk.FeatureReadOnly) != 0;
        Mmio.Write32(s_common + DriverFeatureSelect, 0);
        Mmio.Write32(s_common + DriverFeature, wanted);
        Mmio.Write32(s_common + DriverFeatureSelect, 1);
        Mmio.Write32(s_common + DriverFeature, 1);
        Mmio.Write8(s_common + DeviceStatus, Acknowledge | DriverLoaded | FeaturesOk);
        return (Mmio.Read8(s_common + DeviceStatus) & FeaturesOk) != 0;
    }

    private static ushort s_notifyOffset;
    private static byte* s_notifyAt;

    private static bool StartQueue(VirtioCapabilities caps, ulong message)
    {
        if (Dma.Page(out byte* page, out int index) != Status.Ok) return false;
        ulong physical = Dma.Physical(index);
        Mmio.Write16(s_common + QueueSelect, 0);
        int max = Mmio.Read16(s_common + QueueSize);
        if (max == 0) return false;
        int size = QueueSize64;
        while (size > max) size >>= 1;
        if (!SplitQueue.TryCreate(page + QueueAt, size, 4, out SplitQueue q)) return false;
        int used = SplitQueue.Layout(size, 4, out int availOffset, out int usedOffset);
        if (used > SlotsAt) return false;
        Mmio.Write16(s_common + QueueSize, (ushort)size);
        if (s_kind == PciInterrupt.MsiX)
        {
            if (!MapMsiX(caps, message)) return false;
            Mmio.Write16(s_common + ConfigMsixVector, NoVector);
            Mmio.Write16(s_common + QueueMsixVector, 0);
            if (Mmio.Read16(s_common + QueueMsixVector) != 0) return false;   // the device had no room for the vector
        }
        Mmio.Write64(s_common + QueueDesc, physical + QueueAt);
        Mmio.Write64(s_common + QueueDriver, physical + QueueAt + (ulong)availOffset);
        Mmio.Write64(s_common + QueueDevice, physical + QueueAt + (ulong)usedOffset);
        s_notifyOffset = Mmio.Read16(s_common + QueueNotifyOff);
        s_notifyAt = s_notify + s_notifyOffset * caps.NotifyMultiplier;
        Mmio.Write16(s_common + QueueEnable, 1);
        int slots = size / 3 < MaxInFlight ? size / 3 : MaxInFlight;
        s_requests = new BlkRequests(q, page + SlotsAt, physical + SlotsAt, slots);
        return true;
    }

    // MSI-X entry 0 gets the message pcid's vector answers to, unmasked (entries start masked).
    private static bool MapMsiX(VirtioCapabilities caps, ulong message)
    {
        if (caps.MsiXBar < 0) return false;
        if (PciDevice.MapBar(caps.MsiXBar, caps.MsiXTableOffset + 16, out byte* bar) != Status.Ok) return false;
        byte* entry = bar + caps.MsiXTableOffset;
        Mmio.Write32(entry, (uint)message);
        Mmio.Write32(entry + 4, 0);
        Mmio.Write32(entry + 8, (uint)(message >> 32));
        Mmio.Write32(entry + 12, 0);
        return true;
    }

    // --- the legacy interface (virtio 0.9.5, section 2.1 of the 1.x specification's legacy notes) ---
    // Registers in I/O BAR 0: host features, guest features, queue address (page number), queue size,
    // queue select, queue notify, status, ISR; with MSI-X on, the config and queue vectors, and the device
    // configuration after them (at 24, else 20). QEMU decodes each register by its address whatever the
    // access width (it refuses only unaligned ones), and the library has no 16-bit port instructions, so a
    // 16-bit register takes a 32-bit out where it is 4-byte aligned (notify, the config vector) and a byte
    // out of 0 where it is not (queue select and vector, both 0): fine on QEMU, not on hardware that
    // checks widths. The queue is the device's own
    // size (legacy cannot change it) in one contiguous frame, the used ring on a page boundary.
    private const int LegacyGuestFeatures = 4, LegacyQueueAddress = 8, LegacyQueueSize = 12, LegacyQueueSelect = 14;
    private const int LegacyQueueNotify = 16, LegacyStatus = 18, LegacyIsr = 19, LegacyConfigVector = 20, LegacyQueueVector = 22;
    private static bool s_legacy;
    private static ushort s_io;

    private static int StartLegacy(VirtioCapabilities caps, ulong message, CapHandle notification)
    {
        if (PciDevice.OpenPorts(0, out s_io) != Status.Ok) return Fail("no virtio 1.x interface, and no legacy I/O BAR", 5);
        s_legacy = true;
        ushort io = s_io;
        Devices.OutB((ushort)(io + LegacyStatus), 0);
        Devices.OutB((ushort)(io + LegacyStatus), Acknowledge | DriverLoaded);
        uint offered = Devices.InL(io);
        uint wanted = offered & (1u << VirtioBlk.FeatureFlush | 1u << VirtioBlk.FeatureReadOnly);
        CanFlush = (wanted & 1u << VirtioBlk.FeatureFlush) != 0;
        ReadOnly = (wanted & 1u << VirtioBlk.FeatureReadOnly) != 0;
        Devices.OutL((ushort)(io + LegacyGuestFeatures), wanted);
        Devices.OutB((ushort)(io + LegacyQueueSelect), 0);
        int size = (int)(Devices.InL((ushort)(io + LegacyQueueSize)) & 0xFFFF);
        int bytes = SplitQueue.Layout(size, 4096, out _, out _);
        int bits = 12;
        while ((1 << bits) < bytes) bits++;
        if (size == 0 || bits > 16 || Dma.Contiguous(bits, out byte* queue, out ulong physical) != Status.Ok ||
            !SplitQueue.TryCreate(queue, size, 4096, out SplitQueue q) || Dma.Page(out byte* slots, out int index) != Status.Ok)
            return Fail("cannot set up the legacy request queue", 8);
        int config = 20;
        if (s_kind == PciInterrupt.MsiX)
        {
            if (!MapMsiX(caps, message)) return Fail("cannot program MSI-X", 8);
            Devices.OutL((ushort)(io + LegacyConfigVector), NoVector);
            Devices.OutB((ushort)(io + LegacyQueueVector), 0);
            config = 24;
        }
        Devices.OutL((ushort)(io + LegacyQueueAddress), (uint)(physical >> 12));
        s_requests = new BlkRequests(q, slots, Dma.Physical(index), MaxInFlight);
        Sectors = Devices.InL((ushort)(io + config)) | (ulong)Devices.InL((ushort)(io + config + 4)) << 32;
        if (s_irq.Value != 0 && Devices.IrqHandlerBind(s_irq, notification, 1) != Status.Ok) return Fail("cannot bind the interrupt", 9);
        Devices.OutB((ushort)(io + LegacyStatus), Acknowledge | DriverLoaded | DriverOk);
        return 0;
    }

    // --- requests ---------------------------------------------------------------------------------

    /// <summary>A request to start: `bytes` at `offset` into the DMA pages `pages` (none for a flush);
    /// its tag comes back to the completion callback.</summary>
    public struct Job
    {
        public uint Type;
        public ulong Sector;
        public ulong Tag;
        public int[] Pages;
        public int Offset, Bytes;
    }

    public const int MaxParts = 17;   // 64 KiB that starts inside a page touches 17 pages
    private const int WaitingLimit = 128;
    private static Job[] s_waiting = new Job[WaitingLimit];
    private static int s_waitHead, s_waitCount;

    /// <summary>Starts the job, or queues it until there is room. False only when even the wait queue
    /// is full, or the job is larger than a request may be.</summary>
    public static bool Submit(in Job job)
    {
        if (job.Bytes > (MaxParts - 1) * 4096) return false;
        if (s_waitCount == 0 && TryStart(job))
        {
            Kick();
            return true;
        }
        if (s_waitCount == WaitingLimit) return false;
        s_waiting[(s_waitHead + s_waitCount) % WaitingLimit] = job;
        s_waitCount++;
        return true;
    }

    private static bool TryStart(in Job job)
    {
        Span<VirtqBuffer> parts = stackalloc VirtqBuffer[MaxParts];
        int n = 0;
        if (job.Bytes > 0)
            fixed (int* pages = job.Pages) n = Dma.Segments(pages, job.Offset, job.Bytes, parts);
        if (n < 0 || !s_requests.TryStart(job.Type, job.Sector, parts.Slice(0, n), job.Tag)) return false;
        if (s_requests.InFlight > MostInFlight) MostInFlight = s_requests.InFlight;
        return true;
    }

    private static void Kick()
    {
        if (!s_requests.Publish()) return;
        if (s_legacy) Devices.OutL((ushort)(s_io + LegacyQueueNotify), 0);
        else Mmio.Write16(s_notifyAt, 0);
    }

    /// <summary>After an interrupt: lowers INTx (the ISR read), takes every finished request to
    /// `completed`, starts waiting ones that now fit, and acknowledges the interrupt.</summary>
    public static void Interrupt(delegate*<ulong, Status, void> completed)
    {
        if (s_kind != PciInterrupt.MsiX)
        {
            if (s_legacy) Devices.InB((ushort)(s_io + LegacyIsr));
            else Mmio.Read8(s_isr);
        }
        Drain(completed);
        if (s_irq.Value != 0) _ = Devices.IrqAck(s_irq);   // our own handler, kept for life: the ack cannot fail
    }

    /// <summary>Takes every finished request (without waiting) and starts waiting ones that fit.</summary>
    public static void Drain(delegate*<ulong, Status, void> completed)
    {
        while (s_requests.TryComplete(out ulong tag, out byte status))
            completed(tag, VirtioBlk.StatusOf(status));
        bool started = false;
        while (s_waitCount > 0 && TryStart(s_waiting[s_waitHead]))
        {
            s_waiting[s_waitHead] = default;
            s_waitHead = (s_waitHead + 1) % WaitingLimit;
            s_waitCount--;
            started = true;
        }
        if (started) Kick();
    }

    public static int InFlight => s_requests.InFlight;
}
