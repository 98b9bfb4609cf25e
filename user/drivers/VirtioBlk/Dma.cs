// Memory the device reads and writes: 4 KiB frames retyped from this driver's own memory, which keeps
// the Physical right because the driver manager starts drivers with SpawnFlags.Dma, so FramePhysical
// tells where each one is. Frames are mapped once, in order, from Base; a frame is one page and pages
// are not physically contiguous, so a buffer that crosses a page is given to the device as one
// descriptor per page (Segments).
using Vireo.Abi;
using Vireo.User;
using Vireo.Virtio;

static unsafe class Dma
{
    /// <summary>In the heap's 1 GiB directory, 512 MiB above it (as ramfs's pages): no new upper tables.</summary>
    private const ulong Base = 0x0000_0000_6000_0000;
    public const int MaxPages = 1024;
    private static int s_pages;
    private static ulong[] s_physical;
    private static ulong[] s_frames;

    public static void Init()
    {
        s_physical = new ulong[MaxPages];
        s_frames = new ulong[MaxPages];
    }

    /// <summary>A new zeroed page the device can reach: its address here and its index (for Physical, Frame).</summary>
    public static Status Page(out byte* address, out int index)
    {
        address = null;
        index = s_pages;
        if (s_pages >= MaxPages) return Status.NoSpace;
        Status s = CSpace.Make(ObjectType.Frame, 12, out CapHandle frame);
        if (s != Status.Ok) return s;
        s = Devices.FramePhysical(frame, out ulong physical);
        if (s == Status.Ok) s = Sys.Map(CSpace.SelfAddressSpace, frame, Base + (ulong)s_pages * 4096, Rights.Read | Rights.Write);
        if (s != Status.Ok)
        {
            CSpace.Release(frame);
            return s;
        }
        s_physical[s_pages] = physical;
        s_frames[s_pages] = frame.Value;
        address = (byte*)(Base + (ulong)s_pages * 4096);
        s_pages++;
        return Status.Ok;
    }

    /// <summary>A zeroed, physically contiguous run of 2^bits bytes (one frame), mapped 1 MiB apart from
    /// the pages; for the legacy interface's queue, which the device takes as one address. Once only.</summary>
    public static Status Contiguous(int bits, out byte* address, out ulong physical)
    {
        address = (byte*)(Base + MaxPages * 4096UL);
        physical = 0;
        Status s = CSpace.Make(ObjectType.Frame, bits, out CapHandle frame);
        if (s != Status.Ok) return s;
        s = Devices.FramePhysical(frame, out physical);
        if (s == Status.Ok) s = Sys.Map(CSpace.SelfAddressSpace, frame, (ulong)address, Rights.Read | Rights.Write);
        if (s != Status.Ok) CSpace.Release(frame);
        return s;
    }

    public static ulong Physical(int index) => s_physical[index];
    public static CapHandle Frame(int index) => new CapHandle(s_frames[index]);
    public static byte* Address(int index) => (byte*)(Base + (ulong)index * 4096);

    /// <summary>The device's view of `bytes` bytes at `offset` into the run of pages `pages[0..]`: one
    /// segment per page touched. Returns how many (at most into.Length; -1 if they do not fit).</summary>
    public static int Segments(int* pages, int offset, int bytes, System.Span<VirtqBuffer> into)
    {
        int n = 0;
        while (bytes > 0)
        {
            if (n >= into.Length) return -1;
            int page = offset >> 12, within = offset & 0xFFF;
            int chunk = 4096 - within < bytes ? 4096 - within : bytes;
            into[n++] = new VirtqBuffer(s_physical[pages[page]] + (ulong)within, (uint)chunk, false);
            offset += chunk;
            bytes -= chunk;
        }
        return n;
    }
}
