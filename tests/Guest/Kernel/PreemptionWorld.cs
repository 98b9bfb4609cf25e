// The setting of the preemption tests and of the irq_latency_during_revoke benchmark: an 8 MiB untyped
// over contiguous frames (a root in a one-frame holder CNode), a 16,384-slot CNode retyped from it to
// hold big capability trees, a fast periodic timer that keeps interrupts arriving, and the loop that
// stands in for the syscall layer: run an operation with interrupts off, and when it stops at a
// preemption point take the pending interrupt (as the return to user space would) and issue it again.
using System.Runtime.CompilerServices;
using Vireo.Abi;
using Vireo.Kernel.Arch.X64;
using Vireo.Kernel.Boot;
using Vireo.Kernel.Caps;
using Vireo.Kernel.Memory;
using Vireo.Kernel.Nucleus;

namespace Vireo.Kernel.Tests;

public static unsafe class PreemptionWorld
{
    public const int UntypedBits = 23;
    public const int CNodeBits = 14;
    private const ulong UntypedFrames = 1UL << (UntypedBits - 12);

    private static PhysAddr s_holder;   // a one-frame CNode
    private static PhysAddr s_memory;
    private static PhysAddr s_cnode;
    private static ulong s_ticks;

    /// <summary>Slot 0 of the holder: the 8 MiB untyped. Slot 1: the big CNode.</summary>
    // Inlined: the latency benchmarks time the call of a revoke or retype that names these slots.
    public static SlotAddr UntypedSlot
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => CNode.SlotAddress(s_holder, 0);
    }
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static SlotAddr HolderSlot(ulong index) => CNode.SlotAddress(s_holder, index);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static SlotAddr Slot(ulong index) => CNode.SlotAddress(s_cnode, index);
    public static PhysAddr Holder => s_holder;
    public static PhysAddr BigCNode => s_cnode;
    public static ulong Ticks => s_ticks;
    public static CapSlot* At(SlotAddr slot) => slot.In(KernelState.Direct);

    public static bool Create()
    {
        var map = KernelState.Direct;
        if (!KernelState.Frames.TryAllocZeroed(out PhysAddr holder)) return false;
        if (!KernelState.Frames.TryAllocContiguous(UntypedFrames, UntypedFrames, out PhysAddr memory)) return false;
        s_holder = holder;
        s_memory = memory;
        if (CapOps.InstallRoot(map, UntypedSlot, ObjectType.Untyped, Rights.All, s_memory.Value, UntypedBits, 0, 0) != Status.Ok)
            return false;
        if (RetypeOne(UntypedSlot, ObjectType.CNode, CNodeBits, s_holder, 6, 1) != Status.Ok)
            return false;
        s_cnode = At(HolderSlot(1))->ObjectPhys;
        return true;
    }

    /// <summary>Everything carved goes back (the CNode too) and the frames return to the allocator.</summary>
    public static void Destroy()
    {
        Status s;
        do
        {
            var hooks = new ObjectHooks();
            s = CapOps.Revoke(KernelState.Direct, UntypedSlot, ref hooks);
        } while (s == Preemption.Restart);
        KernelState.Frames.FreeContiguous(s_memory, UntypedFrames);
        KernelState.Frames.Free(s_holder);
    }

    /// <summary>An endpoint in slot 0 of the big CNode and `count` copies in slots 1..count, each a child
    /// of a pseudo-random earlier capability, so the tree has both depth and width.</summary>
    public static bool BuildCopyTree(ulong count, ulong seed)
    {
        var map = KernelState.Direct;
        var hooks = new ObjectHooks();
        if (Untyped.Retype(map, UntypedSlot, ObjectType.Endpoint, 0, s_cnode, CNodeBits, 0, 1, ref hooks) != Status.Ok)
            return false;
        ulong state = seed;
        for (ulong i = 1; i <= count; i++)
        {
            state = state * 6364136223846793005UL + 1442695040888963407UL;
            ulong parent = (state >> 33) % i;
            if (CapOps.Copy(map, Slot(parent), Slot(i), Rights.All) != Status.Ok) return false;
        }
        return true;
    }

    /// <summary>An endpoint in slot 0 of the big CNode, and in holder slot 2 a CNode of 2^slotBits slots
    /// each holding a copy of it: a CNode whose deletion has every slot to empty. With ownUntyped the
    /// CNode is retyped from a child untyped in holder slot 3 (just its size), which a revoke can take.</summary>
    public static bool BuildFullCNode(int slotBits, bool ownUntyped = false)
    {
        var map = KernelState.Direct;
        SlotAddr from = UntypedSlot;
        if (ownUntyped)
        {
            if (RetypeOne(UntypedSlot, ObjectType.Untyped, slotBits + ObjectSizes.SlotBits, s_holder, 6, 3) != Status.Ok)
                return false;
            from = HolderSlot(3);
        }
        if (RetypeOne(UntypedSlot, ObjectType.Endpoint, 0, s_cnode, CNodeBits, 0) != Status.Ok ||
            RetypeOne(from, ObjectType.CNode, slotBits, s_holder, 6, 2) != Status.Ok)
            return false;
        PhysAddr full = At(HolderSlot(2))->ObjectPhys;
        for (ulong i = 0; i < 1UL << slotBits; i++)
            if (CapOps.Copy(map, Slot(0), CNode.SlotAddress(full, i), Rights.All) != Status.Ok) return false;
        return true;
    }

    /// <summary>Two CNodes of 2^slotBits slots, X and Y, full of copies of an endpoint in slot 0 of the big
    /// CNode (but for slot 0, as user space fills them), X holding Y's last capability in its slot 1 and Y
    /// holding X's in its slot 1: a cycle. Returns that slot of Y, the capability to delete.</summary>
    public static bool BuildCNodeCycle(int slotBits, out SlotAddr xInY)
    {
        var map = KernelState.Direct;
        xInY = SlotAddr.Null;
        if (RetypeOne(UntypedSlot, ObjectType.Endpoint, 0, s_cnode, CNodeBits, 0) != Status.Ok ||
            RetypeOne(UntypedSlot, ObjectType.CNode, slotBits, s_holder, 6, 2) != Status.Ok ||
            RetypeOne(UntypedSlot, ObjectType.CNode, slotBits, s_holder, 6, 4) != Status.Ok)
            return false;
        PhysAddr x = At(HolderSlot(2))->ObjectPhys, y = At(HolderSlot(4))->ObjectPhys;
        for (ulong i = 2; i < 1UL << slotBits; i++)
            if (CapOps.Copy(map, Slot(0), CNode.SlotAddress(x, i), Rights.All) != Status.Ok ||
                CapOps.Copy(map, Slot(0), CNode.SlotAddress(y, i), Rights.All) != Status.Ok)
                return false;
        xInY = CNode.SlotAddress(y, 1);
        return CapOps.Move(map, HolderSlot(4), CNode.SlotAddress(x, 1)) == Status.Ok &&
            CapOps.Move(map, HolderSlot(2), xInY) == Status.Ok;
    }

    /// <summary>One object, issued again while it stops at a preemption point: a CNode over 64 KiB is
    /// zeroed in chunks, and an interrupt left pending stops every call after one chunk.</summary>
    private static Status RetypeOne(SlotAddr untyped, ObjectType type, int sizeBits, PhysAddr cnode, int bits, ulong index)
    {
        Status s;
        do
        {
            var hooks = new ObjectHooks();
            s = Untyped.Retype(KernelState.Direct, untyped, type, sizeBits, cnode, bits, index, 1, ref hooks);
        } while (s == Preemption.Restart);
        return s;
    }

    /// <summary>Retypes `count` objects into the big CNode from `index`, with interrupts on, restarting as
    /// the syscall layer would if a pending interrupt stops it (taken as soon as it is pending).</summary>
    public static Status RetypeAll(SlotAddr untyped, ObjectType type, int sizeBits, ulong index, ulong count)
    {
        ulong done = 0;
        while (true)
        {
            var hooks = new ObjectHooks();
            Status s = Untyped.Retype(KernelState.Direct, untyped, type, sizeBits, s_cnode, CNodeBits, index + done,
                count - done, ref hooks, out ulong made);
            done += made;
            if (s != Preemption.Restart) return s;
        }
    }

    private static void OnTick(InterruptFrame* frame) => s_ticks++;

    /// <summary>A periodic timer at `hz` whose handler only counts; interrupts stay off until Stop.</summary>
    public static void StartInterrupts(uint hz)
    {
        Cpu.DisableInterrupts();
        Interrupts.Register(Interrupts.TimerVector, &OnTick);
        s_ticks = 0;
        LocalApic.StartPeriodic(hz);
    }

    /// <summary>Back to the scheduler's tick, interrupts on.</summary>
    public static void StopInterrupts()
    {
        Timer.Init();
        Cpu.EnableInterrupts();
    }

    /// <summary>The return to user space and the restarted syscall, in one: the pending interrupt is
    /// taken in the window between the two instructions.</summary>
    public static void TakeInterrupts()
    {
        Cpu.EnableInterrupts();
        Cpu.DisableInterrupts();
    }
}
