// The benchmarks of several CPUs (ADR 0020), run by bench boots with the `smp` word and two CPUs
// (./vireo bench): a call and reply between threads on different CPUs (under -icount, instructions);
// and, in a boot without -icount (multi-threaded TCG, the `wallclock` word, TSC ticks of wall time),
// the speed-up of two independent call/reply pairs on two CPUs over the same two pairs on one, and the
// map and unmap of a page whose address space runs on another CPU too (each unmap a TLB shootdown).
using Vireo.Abi;
using Vireo.User;
using Vireo.User.Testing;
using Vireo.Bootstrap.Tests;

namespace Vireo.Bootstrap.Benchmarks;

public static unsafe class SmpBenchmarks
{
    private const ulong Region = 0x0000_5F00_0000_0000;   // thread stacks, 64 KiB apart
    private const ulong Page = Region + 0x100_0000;
    private const ulong Calls = 2000, ScalingCalls = 20000;
    private const int ScalingRounds = 5;

    private static CapHandle s_memory;
    private static CapHandle Self => new(BootstrapSlots.Thread, 0);

    /// <summary>True when it ran (two CPUs run threads): the boot then reports only these.</summary>
    public static bool Run(CapHandle memory, BootstrapInfo* info)
    {
        s_memory = memory;
        Sys.ThreadCpu(Self, out _, out int cpus);
        if (cpus < 2) return false;
        Sys.ThreadSetAffinity(Self, 1);
        if ((info->Flags & BootstrapInfo.FlagWallClock) == 0)
        {
            // Under -icount: instructions. A kernel that waits for another CPU's acknowledgement spins,
            // and the vCPU it waits for runs only when the spinner's turn ends (at the next timer
            // deadline), so the shootdown is measured in the wall-clock boot instead.
            Bench.Report("ipc_call_reply_xcpu", CallReplyAcross());
            return true;
        }
        Bench.Report("smp_scaling_ipc_2cpu", Scaling());
        Bench.Report("tlb_shootdown", MapUnmapShared());
        return true;
    }

    private static bool Start(delegate*<ulong, ulong> fn, ulong arg, int slot, int cpu, out LocalThread t)
    {
        if (ThreadBuilder.Create(s_memory, fn, arg, Region + (ulong)slot * 0x10000, out t) != Status.Ok) return false;
        Sys.ThreadSetAffinity(t.Thread, 1UL << cpu);
        return Sys.ThreadStart(t.Thread) == Status.Ok;
    }

    // This thread on CPU 0 calls a server thread on CPU 1: every call and every reply crosses CPUs.
    private static ulong CallReplyAcross()
    {
        if (!UserTests.Make(s_memory, ObjectType.Endpoint, 0, out CapHandle ep)) return 0;
        SmpThreadTests.UseEndpoint(ep);
        if (!Start(&SmpThreadTests.Server, 0, 1, 1, out LocalThread server)) return 0;
        var m = Message.Of(0);
        Ipc.Call(ep, new MessageInfo(1, 0), ref m);   // warm up: the server reaches its loop
        ulong ok = 0;
        ulong t0 = Sys.ReadTsc();
        for (ulong i = 0; i < Calls; i++)
        {
            m = Message.Of(i);
            if (Ipc.Call(ep, new MessageInfo(1, 0), ref m) == Status.Ok && m.W0 == i + 1) ok++;
        }
        ulong result = ok == Calls ? (Sys.ReadTsc() - t0) / Calls : 0;
        SmpThreadTests.StopServer();
        Sys.ThreadWait(server.Thread, out _, out _);
        ThreadBuilder.Destroy(ref server);
        CSpace.Release(ep);
        return result;
    }

    private static ulong s_spin;

    private static ulong SpinInPlace(ulong unused)
    {
        while (true) s_spin++;
    }

    // Map and unmap one page while a thread of this address space runs on CPU 1: each unmap invalidates
    // CPU 1's TLB through a cross-CPU call before it returns. The cost of one map and unmap.
    private static ulong MapUnmapShared()
    {
        const int n = 1000;
        if (!UserTests.Make(s_memory, ObjectType.Frame, 12, out CapHandle frame)) return 0;
        if (!Start(&SpinInPlace, 0, 1, 1, out LocalThread spinner)) return 0;
        while (s_spin == 0) Sys.Yield();
        int ok = 0;
        ulong t0 = Sys.ReadTsc();
        for (int i = 0; i < n; i++)
            if (Sys.Map(CSpace.SelfAddressSpace, frame, Page, Rights.Read | Rights.Write) == Status.Ok && Sys.Unmap(frame) == Status.Ok) ok++;
        ulong result = ok == n ? (Sys.ReadTsc() - t0) / (ulong)n : 0;
        ThreadBuilder.Destroy(ref spinner);
        CSpace.Release(frame);
        return result;
    }

    // 100 x (throughput of two client/server pairs, one pair per CPU) / (the same two pairs on CPU 0):
    // the median of ScalingRounds rounds. Both pairs take the IPC fast path (client and server share
    // a CPU); on two CPUs they contend only for the big kernel lock.
    private static ulong Scaling()
    {
        ulong* ratios = stackalloc ulong[ScalingRounds];
        for (int r = 0; r < ScalingRounds; r++)
        {
            ulong one = PairsTime(0, 0), two = PairsTime(0, 1);
            if (one == 0 || two == 0) return 0;
            ratios[r] = 100 * one / two;
        }
        for (int i = 1; i < ScalingRounds; i++)
            for (int j = i; j > 0 && ratios[j - 1] > ratios[j]; j--)
            {
                ulong swap = ratios[j - 1];
                ratios[j - 1] = ratios[j];
                ratios[j] = swap;
            }
        return ratios[ScalingRounds / 2];
    }

    // Time for two pairs to make ScalingCalls calls each, pair A on CPU `a`, pair B on CPU `b`; 0 on error.
    private static ulong PairsTime(int a, int b)
    {
        if (!UserTests.Make(s_memory, ObjectType.Endpoint, 0, out CapHandle epA) || !UserTests.Make(s_memory, ObjectType.Endpoint, 0, out CapHandle epB)) return 0;
        s_pairEndpoints[0] = epA;
        s_pairEndpoints[1] = epB;
        Start(&PairServer, 0, 1, a, out LocalThread serverA);
        Start(&PairServer, 1, 2, b, out LocalThread serverB);
        ulong t0 = Sys.ReadTsc();
        Start(&PairClient, 0, 3, a, out LocalThread clientA);
        Start(&PairClient, 1, 4, b, out LocalThread clientB);
        Sys.ThreadWait(clientA.Thread, out _, out ulong wrongA);
        Sys.ThreadWait(clientB.Thread, out _, out ulong wrongB);
        ulong elapsed = Sys.ReadTsc() - t0;
        ThreadBuilder.Destroy(ref clientA);
        ThreadBuilder.Destroy(ref clientB);
        ThreadBuilder.Destroy(ref serverA);
        ThreadBuilder.Destroy(ref serverB);
        CSpace.Release(epA);
        CSpace.Release(epB);
        return wrongA + wrongB == 0 ? elapsed : 0;
    }

    private static CapHandle[] s_pairEndpoints = new CapHandle[2];

    private static ulong PairServer(ulong pair)
    {
        CapHandle ep = s_pairEndpoints[(int)pair];
        var m = new Message();
        if (Ipc.Receive(ep, ref m) != Status.Ok) return 1;
        while (true)
        {
            m = Message.Of(m.W0 + 1);
            if (Ipc.ReplyReceive(ep, new MessageInfo(1, 0), ref m) != Status.Ok) return 2;
        }
    }

    private static ulong PairClient(ulong pair)
    {
        CapHandle ep = s_pairEndpoints[(int)pair];
        ulong wrong = 0;
        for (ulong i = 0; i < ScalingCalls; i++)
        {
            var m = Message.Of(i);
            if (Ipc.Call(ep, new MessageInfo(1, 0), ref m) != Status.Ok || m.W0 != i + 1) wrong++;
        }
        return wrong;
    }
}
