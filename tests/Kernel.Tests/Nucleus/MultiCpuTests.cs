// Threads on several CPUs (Threads.Cpus.cs) on the host: four emulated per-CPU blocks, the code "runs"
// on the CPU PerCpu.Index names, cross-CPU calls run at once on their target and reschedule IPIs are
// counted. Placement on idle CPUs and by affinity, the pull of an idle CPU, stopping a thread that runs
// on another CPU (its undispatched SYSCALL wound back), affinity changes, and address spaces left on
// every CPU.
using System;
using Vireo.Abi;
using Vireo.Kernel.Arch.X64;
using Vireo.Kernel.Memory;
using Vireo.Kernel.Nucleus;
using Xunit;

namespace Vireo.Tests.Nucleus;

[Collection(NucleusWorld.Collection)]
public unsafe class MultiCpuTests : IDisposable
{
    private readonly NucleusWorld _world = new(cpus: 4);

    public void Dispose() => _world.Dispose();

    private Tcb* RunOn(int cpu)
    {
        PerCpu.Index = (uint)cpu;
        Tcb* t = _world.Exit();
        PerCpu.Index = 0;
        return t;
    }

    // Every CPU runs threads; a runs on CPU 0 and b on CPU 1, in user mode at 0x1002.
    private void RunningOnZeroAndOne(out Tcb* a, out Tcb* b)
    {
        Assert.True(Threads.EnableCpus());
        a = _world.Started();
        Assert.True(_world.Exit() == a);
        b = _world.Started();
        Assert.True(RunOn(1) == b);
        b->Frame.Rip = 0x1002;
    }

    [Fact]
    public void Without_EnableCpus_every_thread_stays_on_the_first_CPU()
    {
        Tcb* a = _world.Started(), b = _world.Started();
        Assert.Equal(1, Threads.CpuCount);
        Assert.True(_world.Exit() == a);
        Assert.Equal(0, b->Cpu);
        Assert.Equal(0, CrossCall.Reschedules[1] + CrossCall.Reschedules[2] + CrossCall.Reschedules[3]);
    }

    [Fact]
    public void A_woken_thread_goes_to_an_idle_CPU_which_gets_a_reschedule_IPI()
    {
        Assert.True(Threads.EnableCpus());
        Assert.Equal(0b1111UL, Threads.CpuMask);
        Tcb* a = _world.Started();
        Assert.True(_world.Exit() == a);
        Tcb* b = _world.Started();
        Assert.Equal(1, b->Cpu);
        Assert.Equal(1, CrossCall.Reschedules[1]);
        Assert.True(RunOn(1) == b);
        Assert.True(Threads.OnCpu(b) && Threads.OnCpu(a));
        Assert.True(Threads.Current == a, "CPU 0 still runs a");
    }

    [Fact]
    public void Affinity_decides_the_CPU_and_a_queued_thread_moves_when_it_changes()
    {
        Assert.True(Threads.EnableCpus());
        Tcb* a = _world.NewThread();
        a->Configured = true;
        a->Affinity = 1UL << 2;
        Assert.Equal(Status.Ok, Threads.Start(a));
        Assert.Equal(2, a->Cpu);
        Assert.Equal(1, CrossCall.Reschedules[2]);
        Threads.SetAffinity(a, 1UL << 3);
        Assert.Equal(3, a->Cpu);
        PerCpu.Index = 3;
        Assert.True(_world.Exit() == a);
        Assert.False(Threads.MayRunOn(a, 2));
        Assert.True(Threads.MayRunOn(a, 3));
    }

    [Fact]
    public void An_idle_CPU_pulls_a_thread_queued_behind_another_CPUs_running_one()
    {
        Tcb* a = _world.Started(), b = _world.Started();
        Assert.True(_world.Exit() == a);
        Assert.True(Threads.EnableCpus());
        Assert.Equal(0, b->Cpu);
        Assert.True(RunOn(2) == b);
        Assert.Equal(2, b->Cpu);
        Assert.True(Threads.OnCpu(b));
    }

    [Fact]
    public void An_idle_CPU_does_not_pull_a_thread_its_affinity_keeps_elsewhere()
    {
        Tcb* a = _world.Started(), b = _world.Started();
        b->Affinity = 1;
        Assert.True(_world.Exit() == a);
        Assert.True(Threads.EnableCpus());
        PerCpu.Index = 1;
        Assert.Throws<InvalidOperationException>(() => _world.Exit());   // nothing it may run: idle
        PerCpu.Index = 0;
        Assert.Equal(0, b->Cpu);
        Assert.False(Threads.OnCpu(b));
    }

    [Fact]
    public void Suspending_a_thread_running_on_another_CPU_stops_it_there_before_returning()
    {
        RunningOnZeroAndOne(out Tcb* a, out Tcb* b);
        Assert.Equal(Status.Ok, Threads.Suspend(b, a));
        Assert.Equal(1, CrossCall.Calls);
        Assert.Equal(ThreadState.Suspended, b->State);
        Assert.False(Threads.OnCpu(b));
        Assert.Equal(0UL, PerCpu.Block(1)->Thread);
        Assert.Equal(1, PerCpu.Block(1)->Reschedule);
        Assert.Equal(0x1002UL, b->Frame.Rip);   // it was in user mode: its frame is as it was
        Assert.True(Threads.Current == a);
    }

    [Fact]
    public void A_SYSCALL_not_yet_dispatched_by_the_stopped_CPU_is_wound_back_to_be_issued_again()
    {
        RunningOnZeroAndOne(out _, out Tcb* b);
        PerCpu.Block(1)->SyscallPending = 1;   // CPU 1 entered b's SYSCALL and waits for the lock
        Threads.Kill(b, ThreadExitKind.Killed, 0);
        Assert.Equal(0x1000UL, b->Frame.Rip);
        Assert.Equal(0, PerCpu.Block(1)->SyscallPending);
        PerCpu.Index = 1;
        Assert.False(Threads.EnterSyscall(PerCpu.Current), "CPU 1 finds its thread gone and only exits");
        PerCpu.Index = 0;
    }

    [Fact]
    public void A_resumed_thread_runs_where_it_is_placed_and_a_woken_higher_priority_one_preempts_remotely()
    {
        Assert.True(Threads.EnableCpus());
        Tcb* a = _world.Started();
        Assert.True(_world.Exit() == a);
        // Fill CPUs 1-3 so that nothing is idle.
        Tcb* b = _world.Started(), c = _world.Started(), d = _world.Started();
        Assert.True(RunOn(b->Cpu) == b && RunOn(c->Cpu) == c && RunOn(d->Cpu) == d);
        Tcb* rt = _world.NewThread();
        rt->Configured = true;
        rt->Affinity = 1UL << 3;
        Assert.True(Threads.SetPriority(rt, SchedClass.RealTimeFifo, 10));
        int before = CrossCall.Reschedules[3];
        Assert.Equal(Status.Ok, Threads.Start(rt));
        Assert.Equal(3, rt->Cpu);
        Assert.Equal(before + 1, CrossCall.Reschedules[3]);
        Assert.True(RunOn(3) == rt, "CPU 3 picks the real-time thread at its exit");
    }

    [Fact]
    public void An_address_space_going_away_is_left_by_every_CPU_holding_it()
    {
        Assert.True(Threads.EnableCpus());
        var root = (PhysAddr)0x5000;
        PerCpu.Block(2)->ActiveRoot = root.Value;
        PerCpu.Block(0)->ActiveRoot = root.Value;
        Threads.ForgetAddressSpace(root);
        Assert.NotEqual(root.Value, PerCpu.Block(2)->ActiveRoot);
        Assert.NotEqual(root.Value, PerCpu.Block(0)->ActiveRoot);
        Assert.Equal(1, CrossCall.Calls);
    }
}
