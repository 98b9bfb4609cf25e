// Asking the parent for more memory while running: a process's first block holds its image, stack,
// capability space and a small heap (ProcessBuilder.MemoryBitsFor); beyond that it asks the process
// manager, through its Namespace capability, for another untyped block (SchemeOp.GrowMemory), which
// the manager retypes straight into a slot of this process's CNode and takes back when the process
// ends. CSpace.Make falls back to it when the process's own untyped memory is exhausted, so the
// managed heap and every object a program makes can grow up to the process's limit; MapNew maps
// large ranges with 2 MiB frames (one capability slot each).
using Vireo.Abi;
using Vireo.User.Schemes;

namespace Vireo.User;

public static unsafe class MemoryRequest
{
    /// <summary>The first automatic request; each later one doubles, up to MaxRefillBits.</summary>
    public const int FirstRefillBits = 18;
    public const int MaxRefillBits = 24;
    private static int s_refillBits = FirstRefillBits;
    private static bool s_refused;

    /// <summary>Asks the parent for an untyped block of 2^bits bytes, into a fresh slot of this
    /// process. OutOfMemory past the process's limit or when memory is exhausted (docs/design/schemes.md).</summary>
    public static Status Grow(int bits, out CapHandle untyped)
    {
        untyped = default;
        if (!CSpace.TryAlloc(out uint slot)) return Status.NoSpace;
        Status s = SchemeCall.Call(Namespace.Root, SchemeOp.GrowMemory, (ulong)bits, slot, 0, 0, 0, 0, out SchemeReply r);
        if (s == Status.Ok) s = r.Status;
        if (s != Status.Ok)
        {
            CSpace.Free(slot);
            return s;
        }
        untyped = new CapHandle(r.W0);
        return Status.Ok;
    }

    /// <summary>Bytes this process holds (its first block and every grown one) and its limit.</summary>
    public static Status Held(out ulong bytes, out ulong limit)
    {
        Status s = SchemeCall.Call(Namespace.Root, SchemeOp.GrowMemory, 0, 0, 0, 0, 0, 0, out SchemeReply r);
        if (s == Status.Ok) s = r.Status;
        bytes = r.W1;
        limit = r.W2;
        return s;
    }

    /// <summary>Maps `bytes` of fresh zeroed memory at `address` (both 4 KiB aligned), read-write,
    /// with frames as large as the alignment allows up to 2 MiB: one capability slot and no page
    /// table per 2 MiB, so a process can map hundreds of MiB. Frames come from CSpace.Make, so
    /// from the parent once the process's own memory is used up. `mapped` is how far it got.</summary>
    public static Status MapNew(ulong address, ulong bytes, out ulong mapped)
    {
        mapped = 0;
        if (((address | bytes) & 0xFFF) != 0) return Status.NotAligned;
        while (mapped < bytes)
        {
            ulong at = address + mapped;
            int bits = 21;
            while (bits > 12 && ((at & ((1UL << bits) - 1)) != 0 || bytes - mapped < 1UL << bits)) bits--;
            Status s = CSpace.Make(ObjectType.Frame, bits, out CapHandle frame);
            if (s != Status.Ok) return s;
            s = Sys.Map(CSpace.SelfAddressSpace, frame, at, Rights.Read | Rights.Write);
            if (s != Status.Ok)
            {
                CSpace.Release(frame);
                return s;
            }
            mapped += 1UL << bits;
        }
        return Status.Ok;
    }

    // A new block for CSpace.Make when the current untyped is exhausted: twice the size of the
    // last, and at least 2^minBits (the object being made); after one refusal none is asked for
    // again (the limit does not move). Only a process whose Namespace capability is an endpoint has
    // a parent to ask (not the bootstrap).
    internal static bool Refill(int minBits, out CapHandle untyped)
    {
        untyped = default;
        if (s_refused || Sys.Identify(Namespace.Root, out ObjectType type, out _, out _, out _) != Status.Ok || type != ObjectType.Endpoint)
            return false;
        int bits = s_refillBits > minBits ? s_refillBits : minBits;
        Status s = Grow(bits, out untyped);
        if (s == Status.OutOfMemory && bits > FirstRefillBits && bits > minBits)
            s = Grow(s_refillBits = FirstRefillBits > minBits ? FirstRefillBits : minBits, out untyped);   // a smaller block may still fit
        if (s != Status.Ok)
        {
            s_refused = true;
            return false;
        }
        if (s_refillBits < MaxRefillBits) s_refillBits++;
        return true;
    }
}
