// Long kernel operations seen from user space (ADR 0003, "Preemption points"): while the bootstrap
// revokes 16,000 capabilities or retypes 4,096 frames in one syscall, a real-time thread that sleeps
// 1 ms at a time wakes during the call (checked when the call lasts 20 ms or more), so the kernel took
// timer interrupts and switched threads in the middle of it; the call itself still answers once, as
// one call, with its whole effect.
using Vireo.Abi;
using Vireo.User;
using T = Vireo.User.Testing.TestRunner;

namespace Vireo.Bootstrap.Tests;

static unsafe class PreemptionTests
{
    private const ulong StackPage = 0x0000_5B00_0000_0000;
    private const uint Copies = 16000;
    private const ulong Period = 1_000_000;

    private static CapHandle s_memory;
    private static volatile bool s_stop;
    private static volatile uint s_wakes;

    public static void Run(CapHandle memory)
    {
        s_memory = memory;
        T.Run("user.preempt_realtime_thread_runs_during_revoke", &RevokeWithRealTimeThread);
        T.Run("user.preempt_retype_4096_frames_is_one_call", &RetypeWithRealTimeThread);
        T.Run("user.preempt_cnode_delete_is_one_call", &CNodeDeleteWithRealTimeThread);
        T.Run("user.preempt_retype_32MiB_frame_is_one_call", &BigFrameWithRealTimeThread);
    }

    // Wakes every period and counts its wake-ups.
    private static ulong Ticker(ulong unused)
    {
        while (!s_stop)
        {
            Sys.Sleep(Period);
            s_wakes++;
        }
        return 0;
    }

    private static bool StartTicker(CapHandle u, out LocalThread t)
    {
        s_stop = false;
        s_wakes = 0;
        if (ThreadBuilder.Create(u, &Ticker, 0, StackPage, out t) != Status.Ok) return false;
        if (Sys.ThreadSetPriority(t.Thread, SchedClass.RealTimeFifo, 31) != Status.Ok) return false;
        if (Sys.ThreadStart(t.Thread) != Status.Ok) return false;
        Sys.Sleep(3 * Period);   // let it settle into its period
        return true;
    }

    private static void StopTicker(ref LocalThread t)
    {
        s_stop = true;
        Sys.ThreadWait(t.Thread, out _, out _);
        ThreadBuilder.Destroy(ref t);
    }

    // The ticker must have run inside the one call when the call lasted many periods. Its gaps are not
    // checked: under TCG they were measured at 7-10 ms during a 56 ms retype (wake-ups at about a
    // seventh of the tick rate), which is not yet explained (see docs/adr/0003-event-driven-kernel.md).
    private static void CheckTicker(uint wakesDuring, ulong elapsed)
    {
        if (elapsed >= 20 * Period && wakesDuring == 0)
            T.Equal(1, wakesDuring, "the real-time thread ran during the call");
    }

    // A 4 MiB untyped holding a CNode of 16,384 slots and an endpoint, with Copies copies of it in the CNode.
    private static bool MakeCopies(out CapHandle u, out CapHandle cnode, out CapHandle ep)
    {
        cnode = ep = default;
        if (!T.True(CSpace.Make(s_memory, ObjectType.Untyped, 22, out u) == Status.Ok, "carve")) return false;
        T.Status(Status.Ok, CSpace.Make(u, ObjectType.CNode, 14, out cnode), "a CNode of 16,384 slots");
        T.Status(Status.Ok, CSpace.Make(u, ObjectType.Endpoint, 0, out ep), "an endpoint");
        uint made = 0;
        // Slot 0 of a CNode is never a destination.
        for (uint i = 1; i <= Copies; i++)
            if (Sys.Copy(ep, cnode, i, Rights.All, out _) == Status.Ok) made++;
        return T.Equal(Copies, made, "16,000 copies made");
    }

    private static void RevokeWithRealTimeThread()
    {
        if (!MakeCopies(out CapHandle u, out CapHandle cnode, out CapHandle ep)) return;
        if (!T.True(StartTicker(u, out LocalThread ticker), "real-time ticker started")) return;

        uint before = s_wakes;
        ulong t0 = Sys.TimeNanos();
        T.Status(Status.Ok, Sys.Revoke(ep), "revoke 16,000 copies in one call");
        ulong elapsed = Sys.TimeNanos() - t0;
        uint during = s_wakes - before;
        StopTicker(ref ticker);
        CheckTicker(during, elapsed);

        // Every copy is gone: the slots take new copies again.
        uint refilled = 0;
        for (uint i = 1; i <= Copies; i += 1000)
            if (Sys.Copy(ep, cnode, i, Rights.All, out _) == Status.Ok) refilled++;
        T.Equal(16, refilled, "every copy's slot is empty again");
        T.Status(Status.Ok, Sys.Revoke(u), "revoke the untyped");
        Sys.Identify(u, out _, out _, out _, out ulong free);
        T.Equal(1L << 22, (long)free, "its memory is all back");
        CSpace.Release(ep);
        CSpace.Release(cnode);
        UserTests.Release(u);
    }

    private static void RetypeWithRealTimeThread()
    {
        if (!T.True(CSpace.Make(s_memory, ObjectType.Untyped, 25, out CapHandle u) == Status.Ok, "carve 32 MiB")) return;
        T.Status(Status.Ok, CSpace.Make(u, ObjectType.CNode, 13, out CapHandle cnode), "a CNode of 8,192 slots");
        if (!T.True(StartTicker(u, out LocalThread ticker), "real-time ticker started")) return;
        Sys.Identify(u, out _, out _, out _, out ulong freeBefore);

        uint before = s_wakes;
        ulong t0 = Sys.TimeNanos();
        Status s = Sys.Retype(u, ObjectType.Frame, 12, cnode, 1, 4096, out CapHandle first);
        ulong elapsed = Sys.TimeNanos() - t0;
        uint during = s_wakes - before;
        Sys.Identify(u, out _, out _, out _, out ulong freeAfter);
        StopTicker(ref ticker);
        T.Status(Status.Ok, s, "retype 4,096 frames in one call");
        T.Equal(1, first.Index, "the handle names the first slot, as from one call");
        T.Equal(4096L * 4096, (long)(freeBefore - freeAfter), "exactly 4,096 frames were carved");
        T.Status(Status.Occupied, Sys.Retype(u, ObjectType.Frame, 12, cnode, 4096, 1, out _), "the last slot is filled");
        CheckTicker(during, elapsed);
        CSpace.Release(cnode);
        UserTests.Release(u);
    }

    // CapDelete of the last capability of a CNode holding 16,000 copies: emptied preemptibly, one call.
    private static void CNodeDeleteWithRealTimeThread()
    {
        if (!MakeCopies(out CapHandle u, out CapHandle cnode, out CapHandle ep)) return;
        var control = new CapHandle(BootstrapSlots.IrqControl, 0);
        Sys.ReadKernelCounter(control, (KernelCounter)ObjectType.CNode, out ulong cnodes);
        if (!T.True(StartTicker(u, out LocalThread ticker), "real-time ticker started")) return;

        uint before = s_wakes;
        ulong t0 = Sys.TimeNanos();
        T.Status(Status.Ok, Sys.Delete(cnode), "delete the CNode's last capability in one call");
        ulong elapsed = Sys.TimeNanos() - t0;
        uint during = s_wakes - before;
        StopTicker(ref ticker);
        CheckTicker(during, elapsed);
        T.Status(Status.InvalidCapability, Sys.Identify(cnode, out _, out _, out _, out _), "its handle is stale");
        Sys.ReadKernelCounter(control, (KernelCounter)ObjectType.CNode, out ulong after);
        T.Equal((long)cnodes - 1, (long)after, "the CNode was destroyed");
        CSpace.Free(cnode.Index);
        CSpace.Release(ep);
        UserTests.Release(u);
    }

    // A 32 MiB frame: its zeroing is done in 512 chunks, the call restarted between them.
    private static void BigFrameWithRealTimeThread()
    {
        if (!T.True(CSpace.Make(s_memory, ObjectType.Untyped, 26, out CapHandle u) == Status.Ok, "carve 64 MiB")) return;
        if (!T.True(StartTicker(u, out LocalThread ticker), "real-time ticker started"))
        {
            UserTests.Release(u);
            return;
        }
        uint before = s_wakes;
        ulong t0 = Sys.TimeNanos();
        Status s = CSpace.Make(u, ObjectType.Frame, 25, out CapHandle frame);
        ulong elapsed = Sys.TimeNanos() - t0;
        uint during = s_wakes - before;
        StopTicker(ref ticker);
        T.Status(Status.Ok, s, "retype one 32 MiB frame in one call");
        T.Status(Status.Ok, Sys.Identify(frame, out ObjectType type, out _, out int bits, out _), "identify it");
        T.True(type == ObjectType.Frame && bits == 25, "a frame of 2^25 bytes");
        CheckTicker(during, elapsed);
        CSpace.Release(frame);
        UserTests.Release(u);
    }
}
