// Objects the personality makes and destroys by the thousand, the 4 KiB frames of Linux pages and the
// address spaces of Linux processes, each retyped from an untyped block of exactly its size that is
// kept when the object goes and retyped again for the next one (ADR 0022). Retyping straight from the
// personality's memory, as CSpace.Make does, would leak: an untyped's watermark drops only past its
// topmost object (docs/design/capabilities.md), so the frames of processes that come and go in any
// order were never reused. With a block per object the kernel does what a free list would need care
// for: the block can be retyped again only once every capability to its object is gone (a frame fork
// shares stays out of the pool until its last holder lets go: BlockHolders), and the new object is zeroed
// by the retype, as a fresh one is. The price is one more slot per object; new 4 KiB blocks are made
// sixteen at a time, in one retype, so a first touch costs what it did.
using Vireo.Abi;
using Vireo.User;

namespace Vireo.Linux;

public sealed class ObjectPool
{
    /// <summary>Frames of Linux pages (LinuxMemory).</summary>
    public static readonly ObjectPool Frames = new ObjectPool(ObjectType.Frame, 12, 16);

    /// <summary>Address spaces of Linux processes (LinuxMemory.Create).</summary>
    public static readonly ObjectPool AddressSpaces = new ObjectPool(ObjectType.AddressSpace, LinuxMemory.AddressSpaceBits, 1);

    /// <summary>The address spaces of processes of several threads (LinuxMemory.Enlarge).</summary>
    public static readonly ObjectPool LargeAddressSpaces = new ObjectPool(ObjectType.AddressSpace, LinuxMemory.LargeAddressSpaceBits, 1);

    private const int Tries = 2;   // freed blocks tried per Make before a new one is made
    private readonly ObjectType _type;
    private readonly int _bits;
    private readonly uint _batch;
    private readonly UntypedQueue _free = new UntypedQueue();
    private uint _fresh, _freshLeft;   // blocks made by the last batch retype, not used yet

    /// <summary>Objects made from a freed block, and from a new one (for tests and /proc).</summary>
    public ulong Reused, Made;

    private ObjectPool(ObjectType type, int bits, uint batch)
    {
        _type = type;
        _bits = bits;
        _batch = batch;
    }

    /// <summary>Freed blocks waiting for their next object.</summary>
    public int Pooled => _free.Count;

    /// <summary>A new object (zeroed) in a fresh slot, and the handle of the block it lives in (Release
    /// gives it back). On failure the slot is free again and `cap` is 0.</summary>
    public Status Make(out CapHandle cap, out ulong block)
    {
        cap = default;
        block = 0;
        if (!CSpace.TryAlloc(out uint slot)) return Status.NoSpace;
        for (int t = 0; t < Tries && _free.TryTake(out ulong u); t++)
        {
            if (Sys.Retype(new CapHandle(u), _type, _bits, CSpace.Self, slot, 1, out cap) == Status.Ok)
            {
                Reused++;
                block = u;
                return Status.Ok;
            }
            _free.Push(u);   // its object still has a capability somewhere: later
        }
        Status s = NewBlock(out CapHandle untyped);
        if (s == Status.Ok)
        {
            s = Sys.Retype(untyped, _type, _bits, CSpace.Self, slot, 1, out cap);
            if (s == Status.Ok)
            {
                Made++;
                block = untyped.Value;
                return Status.Ok;
            }
            _free.Push(untyped.Value);
        }
        cap = default;
        CSpace.Free(slot);
        return s;
    }

    /// <summary>Deletes this holder's capability to the object; the last holder's release (`holders`
    /// null: the only one) puts its block back in the pool. Block 0 (an object not made here, a file
    /// daemon's frame) is just released.</summary>
    public void Release(CapHandle cap, ulong block, BlockHolders holders)
    {
        CSpace.Release(cap);
        if (block != 0 && (holders == null || holders.LetGo())) _free.Push(block);
    }

    /// <summary>Puts back the block of an object whose every capability is gone already (the last
    /// holder of a copy-on-write share let go of it: LinuxMemory.LeaveShare).</summary>
    public void GiveBack(ulong block) => _free.Push(block);

    // Slots for batches of new blocks (CSpace.ReserveTop): half of a large CNode, handed out in order
    // and never freed (a block is kept for good), so each slot is filled once and its handle is known.
    private static uint s_batchNext, s_batchEnd;
    private static bool s_batchTried;

    // An untyped block of _bits: from the last batch, or a new batch of _batch from the personality's
    // memory, or one made by CSpace.Make (which asks the parent for more memory when it must).
    private Status NewBlock(out CapHandle untyped)
    {
        untyped = default;
        if (_freshLeft == 0 && _batch > 1) MakeBatch();
        if (_freshLeft > 0)
        {
            untyped = new CapHandle(_fresh++, 0);
            _freshLeft--;
            return Status.Ok;
        }
        return CSpace.Make(ObjectType.Untyped, _bits, out untyped);
    }

    private void MakeBatch()
    {
        if (!s_batchTried)
        {
            s_batchTried = true;
            uint half = CSpace.Capacity / 2;
            if (half >= 4096 && CSpace.ReserveTop(half, out uint first))
            {
                s_batchNext = first;
                s_batchEnd = first + half;
            }
        }
        if (s_batchEnd - s_batchNext < _batch) return;
        if (Sys.Retype(CSpace.Memory, ObjectType.Untyped, _bits, CSpace.Self, s_batchNext, _batch, out CapHandle made) != Status.Ok) return;
        if (made.Generation != 0)
        {
            // Not a slot never filled: the others' handles are unknown, so no more batches.
            s_batchEnd = s_batchNext;
            _free.Push(made.Value);
            return;
        }
        _fresh = s_batchNext;
        _freshLeft = _batch;
        s_batchNext += _batch;
    }
}
