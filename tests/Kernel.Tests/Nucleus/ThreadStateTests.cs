// The thread state machine (Threads.cs) on the host: start, sleep and the timer, suspend and resume,
// waiting for a thread's death. Each test builds its threads fresh (NucleusWorld).
using System;
using Vireo.Abi;
using Vireo.Kernel.Arch.X64;
using Vireo.Kernel.Nucleus;
using Xunit;

namespace Vireo.Tests.Nucleus;

[Collection(NucleusWorld.Collection)]
public unsafe class ThreadStateTests : IDisposable
{
    private readonly NucleusWorld _world = new();

    public void Dispose() => _world.Dispose();

    [Fact]
    public void Start_needs_a_configured_inactive_thread_and_the_exit_path_enters_it()
    {
        Tcb* t = _world.NewThread();
        Assert.Equal(Status.BadState, Threads.Start(t));
        Assert.Equal(ThreadState.Inactive, t->State);
        t->Configured = true;
        Assert.Equal(Status.Ok, Threads.Start(t));
        Assert.Equal(Status.BadState, Threads.Start(t));
        Assert.True(_world.Exit() == t);
        Assert.True(UserMode.Entered == &t->Frame);
    }

    [Fact]
    public void Sleepers_wake_in_deadline_order_with_Ok_at_the_first_tick_past_their_deadline()
    {
        Tcb* a = _world.Started(), b = _world.Started();
        Threads.Sleep(a, 3_000);
        Threads.Sleep(b, 2_000);
        a->Frame.Rax = b->Frame.Rax = 99;
        Tsc.Now = 2_500;
        Threads.OnTimerTick();
        Assert.Equal(ThreadState.Runnable, b->State);
        Assert.Equal((ulong)Status.Ok, b->Frame.Rax);
        Assert.Equal(ThreadState.Sleeping, a->State);
        Tsc.Now = 3_000;
        Threads.OnTimerTick();
        Assert.Equal(ThreadState.Runnable, a->State);
        Assert.Equal((ulong)Status.Ok, a->Frame.Rax);
    }

    [Fact]
    public void A_suspended_sleeper_is_not_woken_by_its_deadline_and_resumes_with_Ok()
    {
        Tcb* t = _world.Started();
        Threads.Sleep(t, 2_000);
        t->Frame.Rax = 99;
        Assert.Equal(Status.Ok, Threads.Suspend(t, caller: null));
        Assert.Equal((ulong)Status.Ok, t->Frame.Rax);
        Tsc.Now = 5_000;
        Threads.OnTimerTick();
        Assert.Equal(ThreadState.Suspended, t->State);
        Assert.Equal(Status.BadState, Threads.Suspend(t, caller: null));
        Assert.Equal(Status.Ok, Threads.Resume(t));
        Assert.Equal(ThreadState.Runnable, t->State);
        Assert.Equal(Status.BadState, Threads.Resume(t));
        Assert.True(_world.Exit() == t);
    }

    [Fact]
    public void Suspend_refuses_a_thread_that_never_started()
    {
        Tcb* t = _world.NewThread();
        Assert.Equal(Status.BadState, Threads.Suspend(t, caller: null));
        Assert.Equal(ThreadState.Inactive, t->State);
    }

    [Fact]
    public void A_waiter_blocks_until_the_death_and_gets_the_code_and_kind_in_its_frame()
    {
        Tcb* parent = _world.Started(), child = _world.Started();
        Assert.True(_world.Exit() == parent);
        Assert.Equal(Status.WouldBlock, Threads.Wait(parent, child, noBlock: true, out _, out _));
        Assert.Equal(ThreadState.Runnable, parent->State);
        Assert.Equal(Status.Ok, Threads.Wait(parent, child, noBlock: false, out _, out _));
        Assert.Equal(ThreadState.Waiting, parent->State);
        Tcb* other = _world.Started();
        Assert.Equal(Status.BadState, Threads.Wait(other, child, noBlock: false, out _, out _));
        Assert.Equal(Status.WouldBlock, Threads.Wait(other, child, noBlock: true, out _, out _));

        Threads.Kill(child, ThreadExitKind.Exited, 42);
        Assert.Equal(ThreadState.Dead, child->State);
        Assert.Equal(ThreadState.Runnable, parent->State);
        Assert.Equal((ulong)Status.Ok, parent->Frame.Rax);
        Assert.Equal(42UL, parent->Frame.Rdx);
        Assert.Equal((ulong)ThreadExitKind.Exited, parent->Frame.R8);
        Assert.True(child->Waiter == null && parent->Waitee == null);

        Assert.Equal(Status.Ok, Threads.Wait(other, child, noBlock: false, out ulong code, out ulong kind));
        Assert.Equal(42UL, code);
        Assert.Equal((ulong)ThreadExitKind.Exited, kind);
        Assert.Equal(ThreadState.Runnable, other->State);
        Threads.Kill(child, ThreadExitKind.Killed, 7);
        Assert.Equal(42UL, child->ExitCode);
    }

    [Fact]
    public void Waiting_for_a_thread_that_never_started_is_refused()
    {
        Tcb* parent = _world.Started(), child = _world.NewThread();
        Assert.Equal(Status.BadState, Threads.Wait(parent, child, noBlock: false, out _, out _));
        Assert.Equal(ThreadState.Runnable, parent->State);
    }

    [Fact]
    public void A_dead_waiter_frees_the_waiter_place()
    {
        Tcb* parent = _world.Started(), child = _world.Started(), other = _world.Started();
        Assert.Equal(Status.Ok, Threads.Wait(parent, child, noBlock: false, out _, out _));
        Threads.Kill(parent, ThreadExitKind.Killed, 0);
        Assert.True(child->Waiter == null);
        Assert.Equal(Status.Ok, Threads.Wait(other, child, noBlock: false, out _, out _));
        Assert.Equal(ThreadState.Waiting, other->State);
    }

    [Fact]
    public void With_every_thread_blocked_the_exit_path_idles()
    {
        Tcb* t = _world.Started();
        Assert.True(_world.Exit() == t);
        Threads.Sleep(t, 10_000);
        Assert.Throws<InvalidOperationException>(() => _world.Exit());
    }
}
