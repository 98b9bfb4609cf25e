// Capability syscalls: look the capability up with the rights it needs, then call the core.
using Vireo.Abi;
using Vireo.Kernel.Arch.X64;
using Vireo.Kernel.Caps;
using Vireo.Kernel.Memory;

namespace Vireo.Kernel.Nucleus;

public static unsafe partial class Syscalls
{
    /// <summary>Finds the slot a handle names in the thread's CNode.</summary>
    internal static Status Lookup(Tcb* t, ulong handle, out CapSlot* slot)
    {
        slot = Find(t, handle);
        return slot != null ? Status.Ok : Status.InvalidCapability;
    }

    /// <summary>Finds the slot and checks its type and rights: every syscall's first step, so it is
    /// one function with the CNode lookup inlined, and itself inlined (see the notification benchmark).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    internal static Status Lookup(Tcb* t, ulong handle, ObjectType type, Rights needed, out CapSlot* slot)
    {
        slot = Find(t, handle);
        if (slot == null) return Status.InvalidCapability;
        if (slot->Type != type) return Status.WrongType;
        if ((slot->Rights & needed) != needed) return Status.InsufficientRights;
        // A CNode being emptied by an unfinished CapDelete takes nothing in (CapDeletion.EmptyLastCNode).
        if (type == ObjectType.CNode && (slot->Flags & CapFlags.Emptying) != 0) return Status.BadState;
        return Status.Ok;
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static CapSlot* Find(Tcb* t, ulong handle)
    {
        if (t->CNode.Value == 0) return null;
        var map = NucleusContext.Current.Direct;
        return CNode.Lookup(map, t->CNode, t->CNodeSlotBits, new CapHandle(handle), out SlotAddr phys) == Status.Ok ? phys.In(map) : null;
    }

    /// <summary>A destination slot: index in a CNode the caller holds with Write. Index 0 is never a capability.</summary>
    internal static Status Destination(Tcb* t, ulong cnodeHandle, ulong index, ulong count, out PhysAddr cnodePhys, out int bits)
    {
        cnodePhys = PhysAddr.Null;
        bits = 0;
        Status s = Lookup(t, cnodeHandle, ObjectType.CNode, Rights.Write, out CapSlot* cnode);
        if (s != Status.Ok) return s;
        cnodePhys = new PhysAddr(cnode->Object);   // not ObjectPhys: the getter through a pointer cost a mov (retype_frame)
        bits = cnode->SizeBits;
        ulong slots = 1UL << bits;
        if (index == 0 || index >= slots || count > slots - index) return Status.OutOfRange;
        return Status.Ok;
    }

    private static Status CapIdentify(Tcb* t, ulong handle, out ulong info, out ulong extra)
    {
        info = extra = 0;
        Status s = Lookup(t, handle, out CapSlot* slot);
        if (s != Status.Ok) return s;
        info = (ulong)slot->Type | ((ulong)slot->Rights << 8) | ((ulong)slot->SizeBits << 16);
        // Untyped and device memory: bytes still free; endpoints and notifications: the badge.
        extra = slot->Type == ObjectType.Untyped || slot->Type == ObjectType.DeviceMemory
            ? (1UL << slot->SizeBits) - slot->Watermark : slot->Badge;
        return Status.Ok;
    }

    private static ulong NewHandle(PhysAddr cnode, ulong index) =>
        CNode.HandleFor(NucleusContext.Current.Direct, cnode, CNode.SlotAddress(cnode, index)).Value;

    private static Status CapCopy(Tcb* t, ulong handle, ulong dstCNode, ulong dstIndex, ulong rights, out ulong created) =>
        Derive(t, handle, dstCNode, dstIndex, rights, mint: false, 0, out created);

    private static Status CapMint(Tcb* t, ulong handle, ulong dstCNode, ulong dstIndex, ulong rights, ulong badge, out ulong created) =>
        Derive(t, handle, dstCNode, dstIndex, rights, mint: true, badge, out created);

    // Copy and Mint: the same checks and destination, then the core's copy (the source's badge) or
    // mint (a new badge on an unbadged endpoint or notification).
    private static Status Derive(Tcb* t, ulong handle, ulong dstCNode, ulong dstIndex, ulong rights, bool mint, ulong badge, out ulong created)
    {
        created = 0;
        Status s = Lookup(t, handle, out CapSlot* src);
        if (s != Status.Ok) return s;
        if (rights > (ulong)Rights.Defined) return Status.InvalidArgument;
        s = Destination(t, dstCNode, dstIndex, 1, out PhysAddr cnode, out _);
        if (s != Status.Ok) return s;
        var map = NucleusContext.Current.Direct;
        s = mint ? CapOps.Mint(map, SlotAddr.Of(map, src), CNode.SlotAddress(cnode, dstIndex), (Rights)rights, badge)
                 : CapOps.Copy(map, SlotAddr.Of(map, src), CNode.SlotAddress(cnode, dstIndex), (Rights)rights);
        if (s == Status.Ok) created = NewHandle(cnode, dstIndex);
        return s;
    }

    private static Status CapMove(Tcb* t, ulong handle, ulong dstCNode, ulong dstIndex, out ulong created)
    {
        created = 0;
        Status s = Lookup(t, handle, out CapSlot* src);
        if (s != Status.Ok) return s;
        s = Destination(t, dstCNode, dstIndex, 1, out PhysAddr cnode, out _);
        if (s != Status.Ok) return s;
        s = CapOps.Move(NucleusContext.Current.Direct, SlotAddr.Of(NucleusContext.Current.Direct, src), CNode.SlotAddress(cnode, dstIndex));
        if (s == Status.Ok) created = NewHandle(cnode, dstIndex);
        return s;
    }

    // Moves the next badged endpoint capability out of a CNode the caller holds with Write: how a
    // process manager finds the files a dead process held (schemes.md, "A process's death").
    private static Status CapTake(Tcb* t, ulong cnodeHandle, ulong from, ulong badgeMask, ulong dstCNode, ulong dstIndex, out ulong created, out ulong next)
    {
        created = next = 0;
        Status s = Lookup(t, cnodeHandle, ObjectType.CNode, Rights.Write, out CapSlot* source);
        if (s != Status.Ok) return s;
        if (badgeMask == 0) return Status.InvalidArgument;
        if (from > 1UL << source->SizeBits) return Status.OutOfRange;
        s = Destination(t, dstCNode, dstIndex, 1, out PhysAddr cnode, out _);
        if (s != Status.Ok) return s;
        var map = NucleusContext.Current.Direct;
        if (!CNode.SlotAddress(cnode, dstIndex).In(map)->IsEmpty) return Status.Occupied;   // before the scan
        ulong index = CNode.FindBadged(map, source->ObjectPhys, source->SizeBits, from, badgeMask, out next);
        if (index == 0) return Status.Ok;
        s = CapOps.Move(map, CNode.SlotAddress(source->ObjectPhys, index), CNode.SlotAddress(cnode, dstIndex));
        if (s == Status.Ok) created = NewHandle(cnode, dstIndex);
        else next = 0;
        return s;
    }

    private static Status CapDelete(Tcb* t, ulong handle)
    {
        Status s = Lookup(t, handle, out CapSlot* slot);
        if (s != Status.Ok) return s;
        var hooks = new ObjectHooks();
        SlotAddr phys = SlotAddr.Of(NucleusContext.Current.Direct, slot);
        // Only a CNode's last capability takes the restartable way; every other delete goes straight on.
        // What dies on the way waits on DyingCNodes (drained by Finish).
        return CapDeletion.IsLastCNode(slot) ? CapOps.DeleteRestartable(NucleusContext.Current.Direct, phys, ref DyingCNodes.Head, ref hooks)
            : CapOps.Delete(NucleusContext.Current.Direct, phys, ref DyingCNodes.Head, ref hooks);
    }

    private static Status CapRevoke(Tcb* t, ulong handle)
    {
        Status s = Lookup(t, handle, out CapSlot* slot);
        if (s != Status.Ok) return s;
        var hooks = new ObjectHooks();
        return CapOps.Revoke(NucleusContext.Current.Direct, SlotAddr.Of(NucleusContext.Current.Direct, slot), ref DyingCNodes.Head, ref hooks);
    }

    /// <summary>The most objects one Retype makes (bits 0-31 of count; bits 32-47 carry its progress).</summary>
    public const ulong MaxRetypeCount = 4096;
    private const int RetypeProgressShift = 32;

    // Bits 32-47 of count (r9) carry the objects this call made before a preemption point stopped it:
    // the restarted call makes the rest and answers as if it had run at once (ADR 0003). User space
    // passes them as 0; r9 holds the plain count again whenever the call returns. On a restart the
    // results written back into rdx and r8 are the arguments they held, so the call is issued unchanged.
    // Arguments: rdi untyped, rsi type | withheld rights << 8 (rights the new capabilities do not get:
    // how the process manager keeps Physical from ordinary processes), rdx sizeBits, r10 dstCNode,
    // r8 dstIndex, r9 count.
    private static Status Retype(Tcb* t, InterruptFrame* f, out ulong created, out ulong r1)
    {
        created = 0;
        r1 = 0;
        // Memory given back by CNodes still dying is not reused before they are finished (DyingCNodes).
        if (!Settled())
        {
            created = f->Rdx;
            r1 = f->R8;
            return Restartable(f, Preemption.Restart);
        }
        ulong dstIndex = f->R8;
        ulong done = f->R9 >> RetypeProgressShift;
        ulong count = f->R9 & uint.MaxValue;
        f->R9 = count;
        Status s = Lookup(t, f->Rdi, out CapSlot* u);
        if (s != Status.Ok) return s;
        ulong type = f->Rsi & 0xFF, withheld = f->Rsi >> 8, sizeBits = f->Rdx;
        if (type > (ulong)ObjectType.DeviceMemory || withheld > (ulong)Rights.Defined || sizeBits > 63 || count == 0 || count > MaxRetypeCount || done >= count) return Status.InvalidArgument;
        s = Destination(t, f->R10, dstIndex, count, out PhysAddr cnode, out int bits);
        if (s != Status.Ok) return s;
        // Every address space takes an ASID as it is made: check there are enough before anything is
        // made, so the retype never has to be undone halfway.
        if (type == (ulong)ObjectType.AddressSpace && count - done > AddressSpaces.FreeAsids) return Status.OutOfMemory;
        SlotAddr untyped = SlotAddr.Of(NucleusContext.Current.Direct, u);   // before the call: as an argument it cost a copy of the map
        var hooks = new ObjectHooks();
        s = Untyped.Retype(NucleusContext.Current.Direct, untyped, (ObjectType)type, (int)sizeBits, cnode, bits,
            dstIndex + done, count - done, ref hooks, out ulong made, (Rights)withheld);
        if (hooks.Failed) Panic.Fail("retype: an address space found no ASID after the check");
        if (s == Status.Ok)
        {
            created = NewHandle(cnode, dstIndex);
            return s;
        }
        if (s != Preemption.Restart) return s;
        f->R9 = count | ((done + made) << RetypeProgressShift);
        created = f->Rdx;
        r1 = dstIndex;
        return Restartable(f, s);
    }

    private static Status Map(Tcb* t, ulong addressSpace, ulong frame, ulong vaddr, ulong rights)
    {
        Status s = Lookup(t, addressSpace, ObjectType.AddressSpace, Rights.Map, out CapSlot* space);
        if (s != Status.Ok) return s;
        s = Lookup(t, frame, ObjectType.Frame, Rights.Map, out CapSlot* f);
        if (s != Status.Ok) return s;
        if (rights > (ulong)Rights.Defined) return Status.InvalidArgument;
        return Mappings.Map(space->ObjectPhys, f, vaddr, (Rights)rights);
    }

    private static Status Unmap(Tcb* t, ulong frame)
    {
        Status s = Lookup(t, frame, ObjectType.Frame, Rights.None, out CapSlot* f);
        return s != Status.Ok ? s : Mappings.Unmap(f);
    }

    private static Status Protect(Tcb* t, ulong frame, ulong rights)
    {
        Status s = Lookup(t, frame, ObjectType.Frame, Rights.None, out CapSlot* f);
        if (s != Status.Ok) return s;
        if (rights > (ulong)Rights.Defined) return Status.InvalidArgument;
        return Mappings.Protect(f, (Rights)rights);
    }
}
