// Device syscalls that work on capabilities rather than interrupts: the physical address of a frame
// (for DMA, only with the Physical right: ADR 0011) and carving a driver's own piece out of an
// I/O-port or device-memory capability (the arithmetic is Carving.Carve's).
using Vireo.Abi;
using Vireo.Kernel.Arch.X64;
using Vireo.Kernel.Caps;
using Vireo.Kernel.Memory;

namespace Vireo.Kernel.Nucleus;

public static unsafe partial class Syscalls
{
    // A frame is physically contiguous over its whole 2^SizeBits, so one address describes it.
    private static Status FramePhysical(Tcb* t, ulong frame, out ulong phys)
    {
        phys = 0;
        Status s = Lookup(t, frame, ObjectType.Frame, Rights.Physical, out CapSlot* f);
        if (s == Status.Ok) phys = f->Object;
        return s;
    }

    // Arguments: rdi cap, rsi base, rdx sizeBits, r10 dstCNode, r8 dstIndex (Carving.Carve checks the rest).
    private static Status CapCarve(Tcb* t, InterruptFrame* f, out ulong created)
    {
        created = 0;
        Status s = Lookup(t, f->Rdi, out CapSlot* parent);
        if (s != Status.Ok) return s;
        s = Destination(t, f->R10, f->R8, 1, out PhysAddr cnode, out _);
        if (s != Status.Ok) return s;
        var map = NucleusContext.Current.Direct;
        var hooks = new ObjectHooks();
        s = Carving.Carve(map, SlotAddr.Of(map, parent), f->Rsi, f->Rdx, CNode.SlotAddress(cnode, f->R8), ref hooks);
        if (s == Status.Ok) created = NewHandle(cnode, f->R8);
        return s;
    }
}
