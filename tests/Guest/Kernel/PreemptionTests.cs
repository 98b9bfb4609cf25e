// Long capability operations under a fast timer (ADR 0003, "Preemption points"): a revoke of 10,000
// capabilities, the deletion of an untyped holding 512 objects and a retype of 1,024 frames each stop at
// preemption points when an interrupt is pending (a 50 kHz timer; a self-interrupt before every call of
// the retype), are issued again, and end in exactly the state an
// uninterrupted run leaves: every derived capability gone, the untyped's memory back.
using Vireo.Abi;
using Vireo.Kernel.Arch.X64;
using Vireo.Kernel.Boot;
using Vireo.Kernel.Caps;
using Vireo.Kernel.Nucleus;

namespace Vireo.Kernel.Tests;

public static unsafe class PreemptionTests
{
    private const uint FastHz = 50000;
    private const ulong TreeSize = 10000;

    public static void Register()
    {
        GuestTestRunner.Run("preempt.revoke_10000_restarts", &Revoke10000);
        GuestTestRunner.Run("preempt.delete_untyped_restarts", &DeleteUntyped);
        GuestTestRunner.Run("preempt.retype_1024_restarts", &Retype1024);
        GuestTestRunner.Run("preempt.zeroing_4MiB_frame_restarts", &Zero4MiB);
        GuestTestRunner.Run("preempt.cnode_delete_4096_restarts", &CNodeDelete4096);
        GuestTestRunner.Run("preempt.revoke_cnode_4096_restarts", &RevokeCNode4096);
    }

    private static void Revoke10000()
    {
        if (!Check.True(PreemptionWorld.Create(), "world created")) return;
        Check.True(PreemptionWorld.BuildCopyTree(TreeSize, 1), "tree of 10,000 copies built");
        var map = KernelState.Direct;
        PreemptionWorld.StartInterrupts(FastHz);
        ulong restarts = 0;
        Status s;
        while (true)
        {
            var hooks = new ObjectHooks();
            s = CapOps.Revoke(map, PreemptionWorld.Slot(0), ref hooks);
            if (s != Preemption.Restart) break;
            restarts++;
            PreemptionWorld.TakeInterrupts();
        }
        ulong ticks = PreemptionWorld.Ticks;
        PreemptionWorld.StopInterrupts();
        Check.Equal((ulong)Status.Ok, (ulong)s, "revoke ends Ok");
        Check.True(restarts > 0, "the revoke was preempted");
        Check.True(ticks >= restarts, "each restart took an interrupt");
        Check.Equal(0, PreemptionWorld.At(PreemptionWorld.Slot(0))->FirstChild.Value, "no derived capability left");
        ulong left = 0;
        for (ulong i = 1; i <= TreeSize; i++)
            if (!PreemptionWorld.At(PreemptionWorld.Slot(i))->IsEmpty) left++;
        Check.Equal(0, left, "every copy's slot is empty");
        Check.True(!PreemptionWorld.At(PreemptionWorld.Slot(0))->IsEmpty, "the revoked capability stays");
        PreemptionWorld.Destroy();
    }

    private static void DeleteUntyped()
    {
        if (!Check.True(PreemptionWorld.Create(), "world created")) return;
        var map = KernelState.Direct;
        var hooks = new ObjectHooks();
        ulong watermark = PreemptionWorld.At(PreemptionWorld.UntypedSlot)->Watermark;
        SlotAddr child = PreemptionWorld.HolderSlot(2);
        Check.Equal((ulong)Status.Ok, (ulong)Untyped.Retype(map, PreemptionWorld.UntypedSlot, ObjectType.Untyped, 21,
            PreemptionWorld.Holder, 6, 2, 1, ref hooks), "child untyped of 2 MiB");
        Check.Equal((ulong)Status.Ok, (ulong)PreemptionWorld.RetypeAll(child, ObjectType.Frame, 0, 0, 512), "512 frames in it");
        // Copies of every frame, so the revoke inside the delete has a tree to take apart.
        for (ulong i = 0; i < 512; i++)
            CapOps.Copy(map, PreemptionWorld.Slot(i), PreemptionWorld.Slot(1000 + i), Rights.All);

        PreemptionWorld.StartInterrupts(FastHz);
        ulong restarts = 0;
        Status s;
        // The timer alone may miss a delete this short on a loaded host (TCG runs it in a few
        // milliseconds): an interrupt left pending before the first call makes it stop at least once.
        LocalApic.SelfInterrupt(Interrupts.SelfTestVector);
        while (true)
        {
            var h = new ObjectHooks();
            s = CapOps.Delete(map, child, ref h);
            if (s != Preemption.Restart) break;
            restarts++;
            PreemptionWorld.TakeInterrupts();
        }
        PreemptionWorld.StopInterrupts();
        Check.Equal((ulong)Status.Ok, (ulong)s, "delete ends Ok");
        Check.True(restarts > 0, "the delete was preempted");
        Check.True(PreemptionWorld.At(child)->IsEmpty, "the untyped is gone");
        ulong left = 0;
        for (ulong i = 0; i < 1512; i++)
            if (!PreemptionWorld.At(PreemptionWorld.Slot(i))->IsEmpty) left++;
        Check.Equal(0, left, "every frame and copy is gone");
        CapSlot* u = PreemptionWorld.At(PreemptionWorld.UntypedSlot);
        Check.Equal(watermark, u->Watermark, "the parent's memory is back exactly");
        Check.Equal(1, u->ChildCount, "only the CNode is left in the parent");
        PreemptionWorld.Destroy();
    }

    private static void Retype1024()
    {
        if (!Check.True(PreemptionWorld.Create(), "world created")) return;
        var map = KernelState.Direct;
        const ulong count = 1024;
        ulong before = PreemptionWorld.At(PreemptionWorld.UntypedSlot)->Watermark;
        // Zeroing frames is fast under TCG, so a timer alone may not catch the retype: a self-interrupt
        // left pending before every call makes each call stop after exactly one object.
        PreemptionWorld.StartInterrupts(FastHz);
        ulong restarts = 0, done = 0;
        Status s;
        while (true)
        {
            LocalApic.SelfInterrupt(Interrupts.SelfTestVector);
            var hooks = new ObjectHooks();
            s = Untyped.Retype(map, PreemptionWorld.UntypedSlot, ObjectType.Frame, 0, PreemptionWorld.BigCNode,
                PreemptionWorld.CNodeBits, done, count - done, ref hooks, out ulong made);
            done += made;
            if (s != Preemption.Restart) break;
            restarts++;
            PreemptionWorld.TakeInterrupts();
        }
        PreemptionWorld.StopInterrupts();
        Check.Equal((ulong)Status.Ok, (ulong)s, "retype ends Ok");
        Check.Equal(count - 1, restarts, "the retype stopped after every object but the last");
        Check.Equal(count, done, "every frame made");
        CapSlot* u = PreemptionWorld.At(PreemptionWorld.UntypedSlot);
        ulong first = PreemptionWorld.At(PreemptionWorld.Slot(0))->Object;
        ulong misplaced = 0;
        for (ulong i = 0; i < count; i++)
        {
            CapSlot* c = PreemptionWorld.At(PreemptionWorld.Slot(i));
            if (c->Type != ObjectType.Frame || c->Object != first + i * 4096) misplaced++;
        }
        Check.Equal(0, misplaced, "frames are consecutive, as one retype makes them");
        Check.Equal(before + count * 4096, u->Watermark, "watermark covers exactly the frames");
        Check.Equal(count + 1, u->ChildCount, "the untyped counts every frame");
        for (ulong i = count; i-- > 0;)
        {
            var hooks = new ObjectHooks();
            CapOps.Delete(map, PreemptionWorld.Slot(i), ref hooks);
        }
        Check.Equal(before, u->Watermark, "deleting them gives the memory back exactly");
        PreemptionWorld.Destroy();
    }

    // A 4 MiB frame is zeroed in 64 chunks: with an interrupt pending before every call, each call zeroes
    // one chunk and stops, and the frame ends zero although its memory was not.
    private static void Zero4MiB()
    {
        if (!Check.True(PreemptionWorld.Create(), "world created")) return;
        var map = KernelState.Direct;
        CapSlot* u = PreemptionWorld.At(PreemptionWorld.UntypedSlot);
        ulong before = u->Watermark;
        ulong start = (before + (1UL << ZeroBits) - 1) & ~((1UL << ZeroBits) - 1);
        ulong* old = map.As<ulong>(u->Object + start);
        for (ulong i = 0; i < (1UL << ZeroBits) / 8; i++) old[i] = 0xA5A5A5A5A5A5A5A5;
        Status s = RunWithInterruptPending(&Retype4MiB, out ulong restarts);
        Check.Equal((ulong)Status.Ok, (ulong)s, "retype ends Ok");
        Check.Equal((1UL << ZeroBits) / Untyped.ZeroChunk - 1, restarts, "it stopped after every chunk but the last");
        CapSlot* frame = PreemptionWorld.At(PreemptionWorld.Slot(0));
        ulong* p = map.As<ulong>(frame->Object);
        ulong dirty = 0;
        for (ulong i = 0; i < (1UL << ZeroBits) / 8; i++) if (p[i] != 0) dirty++;
        Check.Equal(0, dirty, "the whole frame reads zero");
        var h = new ObjectHooks();
        CapOps.Delete(map, PreemptionWorld.Slot(0), ref h);
        Check.Equal(before, u->Watermark, "deleting it gives the memory back exactly");
        PreemptionWorld.Destroy();
    }

    // The last capability of a CNode whose 4,096 slots hold copies of one endpoint, deleted as CapDelete
    // does: with an interrupt pending before every call, each call deletes one copy and stops.
    private static void CNodeDelete4096()
    {
        if (!Check.True(PreemptionWorld.Create(), "world created")) return;
        CapSlot* u = PreemptionWorld.At(PreemptionWorld.UntypedSlot);
        ulong before = u->Watermark;
        Check.True(PreemptionWorld.BuildFullCNode(12), "a CNode of 4,096 copies built");
        SlotAddr cnode = PreemptionWorld.HolderSlot(2);
        Status s = RunWithInterruptPending(&DeleteFullCNode, out ulong restarts);
        Check.Equal((ulong)Status.Ok, (ulong)s, "delete ends Ok");
        Check.True(restarts >= 4095, "it stopped after every copy");
        Check.True(PreemptionWorld.At(cnode)->IsEmpty, "the CNode's capability is gone");
        Check.Equal(0, PreemptionWorld.At(PreemptionWorld.Slot(0))->FirstChild.Value, "every copy is gone");
        Check.Equal(before + 64, u->Watermark, "the CNode's memory is back (the endpoint stays)");
        PreemptionWorld.Destroy();
    }

    // The same CNode retyped from an untyped of its own, which is revoked: the revoke empties the CNode
    // one copy per call too, instead of destroying it in one stretch.
    private static void RevokeCNode4096()
    {
        if (!Check.True(PreemptionWorld.Create(), "world created")) return;
        Check.True(PreemptionWorld.BuildFullCNode(12, ownUntyped: true), "a CNode of 4,096 copies built");
        Status s = RunWithInterruptPending(&RevokeOwnUntyped, out ulong restarts);
        Check.Equal((ulong)Status.Ok, (ulong)s, "revoke ends Ok");
        Check.True(restarts >= 4095, "it stopped after every copy");
        Check.True(PreemptionWorld.At(PreemptionWorld.HolderSlot(2))->IsEmpty, "the CNode's capability is gone");
        Check.Equal(0, PreemptionWorld.At(PreemptionWorld.Slot(0))->FirstChild.Value, "every copy is gone");
        CapSlot* own = PreemptionWorld.At(PreemptionWorld.HolderSlot(3));
        Check.Equal(0, own->Watermark, "the CNode's memory is back in its untyped");
        Check.Equal(0, own->ChildCount, "the untyped has no object left");
        PreemptionWorld.Destroy();
    }

    private static Status RevokeOwnUntyped()
    {
        var hooks = new ObjectHooks();
        return CapOps.Revoke(KernelState.Direct, PreemptionWorld.HolderSlot(3), ref hooks);
    }

    private const int ZeroBits = 22;

    private static Status Retype4MiB()
    {
        var hooks = new ObjectHooks();
        return Untyped.Retype(KernelState.Direct, PreemptionWorld.UntypedSlot, ObjectType.Frame, ZeroBits,
            PreemptionWorld.BigCNode, PreemptionWorld.CNodeBits, 0, 1, ref hooks, out _);
    }

    private static Status DeleteFullCNode()
    {
        var hooks = new ObjectHooks();
        return CapOps.DeleteRestartable(KernelState.Direct, PreemptionWorld.HolderSlot(2), ref hooks);
    }

    // Issues `op` under the fast timer with an interrupt left pending before every call, so each call
    // stops at its first preemption point, until it no longer stops.
    private static Status RunWithInterruptPending(delegate*<Status> op, out ulong restarts)
    {
        PreemptionWorld.StartInterrupts(FastHz);
        restarts = 0;
        Status s;
        while (true)
        {
            LocalApic.SelfInterrupt(Interrupts.SelfTestVector);
            s = op();
            if (s != Preemption.Restart) break;
            restarts++;
            PreemptionWorld.TakeInterrupts();
        }
        PreemptionWorld.StopInterrupts();
        return s;
    }
}
