// Request data longer than a message carries (SchemeLimits.MaxData = 480 bytes): a path of up to
// SchemeLimits.MaxPath (4,096) bytes, or Rename's, Link's and Symlink's two. The client copies it into
// a frame of SchemeLimits.LongData bytes that it made once and keeps mapped at ClientWindow, and sends
// a copy of the frame's capability as the request's only capability, the length in w3 as usual but
// no data words. The daemon's SchemeServer sees a length the message did not carry together with one
// capability, maps the frame at DaemonWindow, copies the bytes into a buffer of its own (so that the
// client cannot change them while the daemon works on them), and deletes its copy, which unmaps it.
// Why a frame and not several messages: the daemon stays stateless between requests (a path split over
// messages would have to be kept per client, and dropped when a client dies halfway), and one extra
// map per long path costs less than nine round trips. Short paths, the common case, are unchanged
// (docs/design/schemes.md, "Long paths").
using Vireo.Abi;

namespace Vireo.User.Schemes;

public static unsafe class LongPaths
{
    /// <summary>Where a client maps its frame (16 KiB-aligned, clear of the pipe pages at 0x7000_0000).</summary>
    public const ulong ClientWindow = 0x0000_0000_7E00_0000;
    /// <summary>Where a daemon maps a frame it received, for the time of one copy.</summary>
    public const ulong DaemonWindow = 0x0000_0000_7E10_0000;

    private static CapHandle s_frame;   // the client's frame, mapped at ClientWindow once made
    private static byte[] s_copy;        // the daemon's copy of the last long request
    private static byte* s_copyAt;

    /// <summary>The client's frame, made and mapped on first use (OutOfMemory or NoSpace if it cannot be).</summary>
    public static Status Buffer(out byte* buffer)
    {
        buffer = (byte*)ClientWindow;
        if (s_frame.Value != 0) return Status.Ok;
        Status s = CSpace.Make(ObjectType.Frame, SchemeLimits.LongDataBits, out CapHandle frame);
        if (s != Status.Ok) return s;
        s = Sys.Map(CSpace.SelfAddressSpace, frame, ClientWindow, Rights.Read | Rights.Write);
        if (s != Status.Ok)
        {
            CSpace.Release(frame);
            return s;
        }
        s_frame = frame;
        return Status.Ok;
    }

    /// <summary>Calls `target` with the `length` bytes already in Buffer (MaxData &lt; length &lt;= LongData).</summary>
    public static Status Call(CapHandle target, SchemeOp op, ulong w0, ulong w1, ulong w2, int length,
        int receiveCaps, out SchemeReply r)
    {
        r = default;
        if (length <= SchemeLimits.MaxData || length > SchemeLimits.LongData || s_frame.Value == 0) return Status.InvalidArgument;
        SchemeCall.Buffer->SendCaps[0] = s_frame.Value;
        return SchemeCall.Send(target, op, w0, w1, w2, length, SchemeLimits.DataWord, 1, receiveCaps, out r);
    }

    /// <summary>The daemon's side (SchemeServer.Receive): copies `length` bytes out of `frame` and
    /// deletes it. Returns the length, or -1 (an invalid request) if the capability is no frame of
    /// LongData bytes or cannot be mapped.</summary>
    public static int Receive(CapHandle frame, int length, out byte* data)
    {
        data = null;
        if (s_copy == null)
        {
            s_copy = new byte[SchemeLimits.LongData];
            fixed (byte* p = s_copy) s_copyAt = p;   // the collector does not move objects; s_copy keeps it alive
        }
        // Read-only: a daemon never writes into a client's frame. A smaller frame than LongData is
        // refused (its last bytes would not be mapped); the kernel says so by the mapping's failure
        // only for a misaligned one, so the size is asked first.
        int result = -1;
        if (Sys.Identify(frame, out ObjectType type, out _, out int sizeBits, out _) == Status.Ok && type == ObjectType.Frame &&
            sizeBits == SchemeLimits.LongDataBits &&
            Sys.Map(CSpace.SelfAddressSpace, frame, DaemonWindow, Rights.Read) == Status.Ok)
        {
            System.Buffer.MemoryCopy((byte*)DaemonWindow, s_copyAt, length, length);
            data = s_copyAt;
            result = length;
        }
        CSpace.Release(frame);   // deleting the frame capability unmaps it
        return result;
    }
}
