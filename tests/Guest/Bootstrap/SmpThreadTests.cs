// Threads on several CPUs, from user space (ADR 0020): affinity and where a thread ran, a thread
// suspended on another CPU stops before the call returns, calls and replies between threads on
// different CPUs with every count checked, threads moved between CPUs while they call, and a TLB
// shootdown that stops a thread reading a page on another CPU the moment Unmap returns. The suite runs
// in every test boot: with one CPU (or without the `smp` boot word) every "other CPU" is CPU 0 and the checks still hold.
using Vireo.Abi;
using Vireo.User;
using T = Vireo.User.Testing.TestRunner;

namespace Vireo.Bootstrap.Tests;

public static unsafe class SmpThreadTests
{
    private const ulong Region = 0x0000_5F00_0000_0000;   // thread stacks, 64 KiB apart
    private const ulong Page = Region + 0x100_0000;        // the page the shootdown test unmaps
    private const ulong Alias = Region + 0x200_0000;       // the same frame, mapped again after the unmap
    private const ulong StopLabel = 99;
    private const ulong CallsPerClient = 500, MigratingCalls = 1500, SharedEndpointCalls = 2000;

    private static CapHandle s_memory, s_endpoint;
    private static int s_cpus;
    private static ulong s_stale, s_served;

    private static CapHandle Self => new(BootstrapSlots.Thread, 0);

    public static void Run(CapHandle memory)
    {
        s_memory = memory;
        Sys.ThreadCpu(Self, out _, out s_cpus);
        if (s_cpus < 1) s_cpus = 1;
        T.Run("smp.affinity_statuses_and_inheritance", &AffinityStatuses);
        T.Run("smp.threads_run_on_the_cpus_named", &ThreadsRunWhereNamed);
        T.Run("smp.suspend_stops_a_thread_on_another_cpu", &RemoteSuspend);
        T.Run("smp.ipc_call_reply_across_cpus", &CallsAcrossCpus);
        T.Run("smp.threads_migrate_while_calling", &MigrateWhileCalling);
        T.Run("smp.fast_paths_share_an_endpoint", &FastPathsShareAnEndpoint);
        T.Run("smp.tlb_shootdown_stops_a_reader_on_another_cpu", &ShootdownStopsReader);
    }

    // A thread on stack slot `slot`, kept to CPU `cpu` (modulo the CPUs there are), started.
    private static bool StartOn(delegate*<ulong, ulong> fn, ulong arg, int slot, int cpu, out LocalThread t)
    {
        if (!T.Status(Status.Ok, ThreadBuilder.Create(s_memory, fn, arg, Region + (ulong)slot * 0x10000, out t), "create a thread")) return false;
        T.Status(Status.Ok, Sys.ThreadSetAffinity(t.Thread, 1UL << (cpu % s_cpus)), "keep it to one CPU");
        return T.Status(Status.Ok, Sys.ThreadStart(t.Thread), "start it");
    }

    // Waits (sleeping a millisecond at a time, at most two seconds) until the counter passes `value`.
    private static bool WaitPast(ref ulong counter, ulong value)
    {
        for (int i = 0; i < 2000 && counter <= value; i++) Sys.Sleep(1_000_000);
        return counter > value;
    }

    private static void AffinityStatuses()
    {
        if (!T.Status(Status.Ok, ThreadBuilder.Create(s_memory, &UserTests.CountTo, 10, Region, out LocalThread t), "create")) return;
        Sys.ThreadSetAffinity(Self, 0, out ulong mine);
        Sys.ThreadSetAffinity(Self, mine);
        T.Status(Status.Ok, Sys.ThreadSetAffinity(t.Thread, 1, out ulong inherited), "set a thread's CPUs");
        T.Equal((long)mine, (long)inherited, "a new thread starts with its creator's mask");
        T.Status(Status.Ok, Sys.ThreadSetAffinity(t.Thread, 0, out ulong previous), "0: any CPU");
        T.Equal(1, (long)previous, "the previous mask comes back");
        T.Status(Status.InvalidArgument, Sys.ThreadSetAffinity(t.Thread, 1UL << 63), "a mask of no CPU that runs threads");
        T.Status(Status.WrongType, Sys.ThreadSetAffinity(CSpace.Self, 1), "not a thread");
        T.Status(Status.WrongType, Sys.ThreadCpu(CSpace.Self, out _, out _), "ThreadCpu: not a thread");
        T.Status(Status.Ok, Sys.ThreadCpu(t.Thread, out _, out int cpus), "ThreadCpu");
        T.Equal(s_cpus, cpus, "every thread sees the same number of CPUs");
        Sys.ThreadStart(t.Thread);
        Sys.ThreadWait(t.Thread, out _, out _);
        T.Status(Status.BadState, Sys.ThreadSetAffinity(t.Thread, 1), "a dead thread");
        ThreadBuilder.Destroy(ref t);
    }

    private static void ThreadsRunWhereNamed()
    {
        int n = s_cpus < 4 ? s_cpus : 4;
        for (int cpu = 0; cpu < n; cpu++)
        {
            if (!StartOn(&UserTests.CountTo, 1000, 1, cpu, out LocalThread t)) return;
            Sys.ThreadWait(t.Thread, out ThreadExitKind kind, out ulong code);
            T.True(kind == ThreadExitKind.Exited && code == 7, "it ran to its end");
            T.Status(Status.Ok, Sys.ThreadCpu(t.Thread, out int ran, out _), "where it ran");
            T.Equal(cpu, ran, "on the CPU its mask names");
            ThreadBuilder.Destroy(ref t);
        }
    }

    // Suspend returns only once the thread has stopped: the counter it increments stays still from
    // then on, and resumes moving after ThreadResume. The delete of a thread running elsewhere ends it.
    private static void RemoteSuspend()
    {
        UserTests.s_counter = 0;
        if (!StartOn(&UserTests.SpinForever, 0, 1, 1, out LocalThread t)) return;
        T.True(WaitPast(ref UserTests.s_counter, 0), "the spinner runs");
        T.Status(Status.Ok, Sys.ThreadSuspend(t.Thread), "suspend it");
        ulong stopped = UserTests.s_counter;
        Sys.Sleep(5_000_000);
        T.Equal((long)stopped, (long)UserTests.s_counter, "it did not run after the suspend returned");
        ThreadRegisterState regs;
        T.Status(Status.Ok, Sys.ThreadRegisters(t.Thread, ThreadRegistersOp.Read, &regs), "its registers are readable");
        T.Status(Status.Ok, Sys.ThreadResume(t.Thread), "resume it");
        T.True(WaitPast(ref UserTests.s_counter, stopped), "it runs again");
        ThreadBuilder.Destroy(ref t);
        ulong dead = UserTests.s_counter;
        Sys.Sleep(5_000_000);
        T.Equal((long)dead, (long)UserTests.s_counter, "deleted while it ran: it runs no more");
    }

    /// <summary>The endpoint Server serves and StopServer stops (the SMP benchmarks use them too).</summary>
    internal static void UseEndpoint(CapHandle endpoint) => s_endpoint = endpoint;

    // Serves calls on s_endpoint: the reply is the first word plus one; label StopLabel ends it.
    internal static ulong Server(ulong unused)
    {
        var m = new Message();
        if (Ipc.Receive(s_endpoint, ref m) != Status.Ok) return 1;
        while (m.Info.Label != StopLabel)
        {
            s_served++;
            m = Message.Of(m.W0 + 1, m.Badge);
            if (Ipc.ReplyReceive(s_endpoint, new MessageInfo(2, 0), ref m) != Status.Ok) return 2;
        }
        m = Message.Of(0);
        Ipc.Reply(new MessageInfo(0, 0), ref m);
        return 0;
    }

    // Calls `count` times; the exit code is the number of wrong replies.
    private static ulong Client(ulong count)
    {
        ulong wrong = 0;
        for (ulong i = 0; i < count; i++)
        {
            var m = Message.Of(i);
            if (Ipc.Call(s_endpoint, new MessageInfo(1, 0), ref m) != Status.Ok || m.W0 != i + 1) wrong++;
        }
        return wrong;
    }

    internal static void StopServer()
    {
        var m = Message.Of(0);
        Ipc.Call(s_endpoint, new MessageInfo(0, 0, StopLabel), ref m);
    }

    private static void CallsAcrossCpus()
    {
        if (!UserTests.Make(s_memory, ObjectType.Endpoint, 0, out s_endpoint)) return;
        s_served = 0;
        if (!StartOn(&Server, 0, 1, 1, out LocalThread server)) return;
        StartOn(&Client, CallsPerClient, 2, 2, out LocalThread a);
        StartOn(&Client, CallsPerClient, 3, 3, out LocalThread b);
        CheckTwoClients(ref a, ref b, ref server, CallsPerClient);
    }

    // Waits for two clients of `calls` calls each, checks every count, stops the server and frees all.
    private static void CheckTwoClients(ref LocalThread a, ref LocalThread b, ref LocalThread server, ulong calls)
    {
        Sys.ThreadWait(a.Thread, out _, out ulong wrongA);
        Sys.ThreadWait(b.Thread, out _, out ulong wrongB);
        ThreadBuilder.Destroy(ref a);
        ThreadBuilder.Destroy(ref b);
        CheckServedThenStop(wrongA + wrongB, 2 * calls, ref server);
    }

    // Checks the clients' count of wrong replies and the server's count of calls, then stops the
    // server, checks it ended cleanly and frees it and the endpoint.
    private static void CheckServedThenStop(ulong wrong, ulong calls, ref LocalThread server)
    {
        T.Equal(0, (long)wrong, "every reply answered its own call");
        T.Equal((long)calls, (long)s_served, "the server served every call once");
        StopServer();
        Sys.ThreadWait(server.Thread, out _, out ulong code);
        T.Equal(0, (long)code, "the server ended cleanly");
        ThreadBuilder.Destroy(ref server);
        CSpace.Release(s_endpoint);
    }

    // The client's mask changes every millisecond while it calls: it moves between CPUs with calls in
    // flight, and no call is lost or answered twice.
    private static void MigrateWhileCalling()
    {
        if (!UserTests.Make(s_memory, ObjectType.Endpoint, 0, out s_endpoint)) return;
        s_served = 0;
        if (!StartOn(&Server, 0, 1, 2, out LocalThread server)) return;
        StartOn(&Client, MigratingCalls, 2, 1, out LocalThread client);
        int moves = 0;
        for (int i = 0; i < 5000 && Sys.ThreadPoll(client.Thread, out _, out _) == Status.WouldBlock; i++)
        {
            Sys.ThreadSetAffinity(client.Thread, 1UL << ((i + 1) % s_cpus));
            moves++;
            Sys.Sleep(1_000_000);
        }
        Sys.ThreadWait(client.Thread, out _, out ulong wrong);
        T.True(s_cpus == 1 || moves > 0, "the client was moved while it called (with one CPU it may finish first)");
        ThreadBuilder.Destroy(ref client);
        CheckServedThenStop(wrong, MigratingCalls, ref server);
    }

    // Two clients on two CPUs call one server that may run on any CPU: a call that finds the server
    // waiting takes it to the caller's CPU by the fast path, which holds the big kernel lock only
    // shared, so the two CPUs' fast paths (and the general path, when the server is busy) meet on the
    // one endpoint (ADR 0028). No call is lost or answered twice.
    private static void FastPathsShareAnEndpoint()
    {
        if (!UserTests.Make(s_memory, ObjectType.Endpoint, 0, out s_endpoint)) return;
        s_served = 0;
        if (!T.Status(Status.Ok, ThreadBuilder.Create(s_memory, &Server, 0, Region + 0x10000, out LocalThread server), "create the server")) return;
        T.Status(Status.Ok, Sys.ThreadSetAffinity(server.Thread, 0), "the server may run on any CPU");
        T.Status(Status.Ok, Sys.ThreadStart(server.Thread), "start it");
        StartOn(&Client, SharedEndpointCalls, 2, 1, out LocalThread a);
        StartOn(&Client, SharedEndpointCalls, 3, 2, out LocalThread b);
        CheckTwoClients(ref a, ref b, ref server, SharedEndpointCalls);
    }

    // Reads the page in a loop: a value other than 42 is stale data (the frame is rewritten through
    // another mapping only after the Unmap returned).
    private static ulong Reader(ulong unused)
    {
        var p = (ulong*)Page;
        while (true)
        {
            if (*p != 42) s_stale++;
            UserTests.s_counter++;
        }
    }

    private static void ShootdownStopsReader()
    {
        if (!UserTests.Make(s_memory, ObjectType.Frame, 12, out CapHandle frame)) return;
        T.Status(Status.Ok, Sys.Map(CSpace.SelfAddressSpace, frame, Page, Rights.Read | Rights.Write), "map the page");
        *(ulong*)Page = 42;
        UserTests.s_counter = s_stale = 0;
        if (!StartOn(&Reader, 0, 1, 1, out LocalThread t)) return;
        T.True(WaitPast(ref UserTests.s_counter, 1000), "the reader reads");
        T.Status(Status.Ok, Sys.Unmap(frame), "unmap it while the reader reads");
        ulong atUnmap = UserTests.s_counter;
        T.Status(Status.Ok, Sys.Map(CSpace.SelfAddressSpace, frame, Alias, Rights.Read | Rights.Write), "map the frame elsewhere");
        *(ulong*)Alias = 7;
        Sys.ThreadWait(t.Thread, out ThreadExitKind kind, out ulong vector);
        T.True(kind == ThreadExitKind.Faulted && vector == 14, "the reader faulted on the page");
        T.True(UserTests.s_counter <= atUnmap + 1, "it read at most once more after the Unmap returned (the read in flight)");
        T.Equal(0, (long)s_stale, "it never read stale data");
        ThreadBuilder.Destroy(ref t);
        CSpace.Release(frame);
    }
}
