// Threads on several CPUs (ADR 0017, ADR 0020): each CPU has its own run queue (a Scheduler) and its
// own running thread (PerCpuBlock.Thread); everything here runs under the big kernel lock. A thread
// made runnable is placed on a CPU its affinity allows (its last CPU when that one is idle, else an
// idle one, else its last), and a CPU other than the waker's is sent a reschedule IPI
// when it idles or the thread outranks what it runs. An idle CPU pulls the best thread it may run from
// another CPU's queue before it halts (and again at every tick while it halts). A thread running on
// another CPU is stopped there before the call that stops it returns (StopRemote). Until EnableCpus
// runs (at boot, with the `smp` word) only the bootstrap processor runs threads and none of this costs
// more than a test.
using Vireo.Abi;
using Vireo.Kernel.Arch.X64;
using Vireo.Kernel.Sched;

namespace Vireo.Kernel.Nucleus;

public static unsafe partial class Threads
{
    private static Scheduler[] s_schedulers;
    private static int s_cpuCount = 1;     // CPUs that run threads: indices below it
    private static ulong s_cpuMask = 1;    // those of them that are online

    /// <summary>CPUs running threads (1 until EnableCpus).</summary>
    public static int CpuCount => s_cpuCount;
    public static ulong CpuMask => s_cpuMask;

    /// <summary>SYSCALL's encoding (0F 05): a call stopped before it was dispatched is issued again.</summary>
    private const ulong SyscallLength = 2;

    // One run queue per CPU that has a block; made at Init, before the kernel's heap is sealed.
    private static void InitCpus()
    {
        int count = PerCpu.Count;
        ulong now = Tsc.NanosSinceBoot();
        s_schedulers = new Scheduler[count];
        for (int i = 0; i < count; i++)
        {
            s_schedulers[i] = new Scheduler(Scheduler.DefaultBoostPeriodNanos, now);
            PerCpuBlock* b = PerCpu.Block(i);
            b->Thread = b->PortsOwner = b->FsBase = 0;
            b->Charged = b->SyscallPending = 0;
            b->Reschedule = 1;   // no thread yet: the first exit picks one (PrepareExit tests only this)
            b->LastCharge = now;
        }
        s_cpuCount = 1;
        s_cpuMask = 1;
    }

    /// <summary>From now on every online CPU runs threads: the big kernel lock goes on, the APs' ticks
    /// drive their queues and each AP enters EnterUserMode. Called once by the BSP before it enters
    /// user mode; false when there is only one CPU.</summary>
    public static bool EnableCpus()
    {
        ulong mask = 0;
        int count = PerCpu.Count < s_schedulers.Length ? PerCpu.Count : s_schedulers.Length;
        for (int i = 0; i < count; i++)
            if (PerCpu.Block(i)->Online != 0) mask |= 1UL << i;
        if ((mask & ~1UL) == 0) return false;
        s_cpuMask = mask;
        s_cpuCount = 64 - System.Numerics.BitOperations.LeadingZeroCount(mask);
        BigKernelLock.Enable();   // also what lets the APs' ticks drive their queues (Timer.OnTick)
        return true;
    }

    /// <summary>Whether `t` is some CPU's running thread. Derived, not a flag of the thread: a switch
    /// then writes only the CPU's Thread (the IPC fast path's hand-over pays no extra store).</summary>
    public static bool OnCpu(Tcb* t) => PerCpu.Block(t->Cpu)->Thread == (ulong)t;

    /// <summary>Whether `t` may run on CPU `cpu` (its affinity, 0 = any online CPU).</summary>
    public static bool MayRunOn(Tcb* t, int cpu) => (Allowed(t) & (1UL << cpu)) != 0;

    private static ulong Allowed(Tcb* t)
    {
        ulong allowed = t->Affinity & s_cpuMask;
        return allowed != 0 ? allowed : s_cpuMask;
    }

    private static bool IsIdle(int cpu) => PerCpu.Block(cpu)->Thread == 0 && s_schedulers[cpu].PeekNext() == null;

    // Where a thread made runnable goes: its last CPU if it is allowed there and idle (its cache may
    // still hold its data); else an idle allowed CPU; else its last CPU if allowed; else the first
    // allowed. The waker's CPU is not preferred: the IPC fast path already keeps a caller and a waiting
    // server together, and what reaches here runs in parallel where it can.
    private static int Place(Tcb* t)
    {
        ulong allowed = Allowed(t);
        int last = t->Cpu;
        bool lastAllowed = (allowed & (1UL << last)) != 0;
        if (lastAllowed && IsIdle(last)) return last;
        for (int i = 0; i < s_cpuCount; i++)
            if ((allowed & (1UL << i)) != 0 && IsIdle(i)) return i;
        return lastAllowed ? last : System.Numerics.BitOperations.TrailingZeroCount(allowed);
    }

    // Queues a runnable thread on another CPU and wakes that CPU when it idles or must preempt.
    private static void QueueOn(Tcb* t, int cpu)
    {
        t->Cpu = cpu;
        Scheduler sched = s_schedulers[cpu];
        sched.Enqueue(&t->Sched);
        PerCpuBlock* target = PerCpu.Block(cpu);
        var running = (Tcb*)target->Thread;
        if (running != null && !sched.ShouldPreempt(&running->Sched, &t->Sched)) return;
        target->Reschedule = 1;
        CrossCall.Reschedule(cpu);
    }

    // The next thread for this CPU: its own queue first, else the best queued thread of another CPU
    // that may run here (the pull that balances the queues).
    private static SchedEntity* PickNext(PerCpuBlock* me)
    {
        int self = (int)me->Index;
        SchedEntity* next = s_schedulers[self].PickNext();
        if (next != null || s_cpuCount == 1) return next;
        for (int k = 1; k < s_cpuCount; k++)
        {
            int i = (self + k) % s_cpuCount;
            Scheduler other = s_schedulers[i];
            SchedEntity* best = other.PeekNext();
            if (best == null) continue;
            Tcb* t = Tcb.FromSched(best);
            if (!MayRunOn(t, self)) continue;
            other.Remove(best);
            t->Cpu = self;
            return best;
        }
        return null;
    }

    // Without the lock, racy: whether this idle CPU may find something to run (its own queue, a
    // throttled thread of its own to release, another CPU's queue to pull from, a reschedule asked).
    // A wrong "no" costs at most a tick: every wake-up aimed at this CPU also sends an IPI.
    private static bool MayHaveWork(PerCpuBlock* me)
    {
        if (me->Reschedule != 0 || s_schedulers[me->Index].HasWork) return true;
        for (int i = 0; i < s_cpuCount; i++)
            if (s_schedulers[i].HasQueued) return true;
        return false;
    }

    // Stops a thread that is the running thread of another CPU: that CPU drops it (it picks again at
    // its next exit) and this one waits until the thread's registers are in its control block, so the
    // suspend, kill or register access that called this is complete when it returns (ADR 0017). The
    // other CPU is in user mode (the cross-CPU call's IPI brings it in, saving the frame), or already
    // in the kernel waiting for the lock (it serves its mailbox while it spins). A SYSCALL it entered
    // but has not dispatched is issued again when the thread resumes (SyscallPending).
    private static void StopRemote(Tcb* t, PerCpuBlock* cpu)
    {
        Charge(cpu);
        cpu->Thread = 0;
        cpu->Reschedule = 1;
        CrossCall.Run((int)cpu->Index, &Stopped, 0);
        if (cpu->SyscallPending != 0)
        {
            cpu->SyscallPending = 0;
            t->Frame.Rip -= SyscallLength;
        }
    }

    // The cross-CPU call of StopRemote: being in the kernel is all it needs (the frame is saved).
    private static void Stopped(ulong unused) { }

    /// <summary>Something the running thread's CPU reads only at a switch changed (its priority, ports,
    /// affinity): that CPU picks again at its next exit.</summary>
    public static void Refresh(Tcb* t)
    {
        if (!OnCpu(t) || t->Cpu == (int)PerCpu.Index) return;
        PerCpu.Block(t->Cpu)->Reschedule = 1;
        CrossCall.Reschedule(t->Cpu);
    }

    /// <summary>ThreadSetAffinity after its checks: a queued thread moves to a queue it may use, a
    /// running one leaves a CPU it may no longer use at that CPU's next exit.</summary>
    public static void SetAffinity(Tcb* t, ulong mask)
    {
        t->Affinity = mask;
        if (OnCpu(t))
        {
            if (MayRunOn(t, t->Cpu)) return;
            if (t->Cpu == (int)PerCpu.Index) PerCpu.Current->Reschedule = 1;
            else Refresh(t);
        }
        else if (t->State == ThreadState.Runnable && !MayRunOn(t, t->Cpu))
        {
            s_schedulers[t->Cpu].Remove(&t->Sched);
            MakeRunnable(t);
        }
    }

    /// <summary>The start of a syscall's dispatch: takes the big kernel lock (when on); false when another
    /// CPU stopped this CPU's thread while it waited (its SYSCALL was then wound back by StopRemote; only
    /// the exit path runs). The caller then reads its thread from PerCpuBlock.Thread.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static bool EnterSyscall(PerCpuBlock* me) => !BigKernelLock.On || EnterSyscallLocked(me);

    /// <summary>The start of a syscall's dispatch on several CPUs, for both dispatchers (ADR 0028, 0031).
    /// A call with a fast path (<paramref name="fast"/>; null for none) tries it under a share of the
    /// big kernel lock, so fast paths on different CPUs run at once, and once more under the lock held
    /// exclusive: a thread whose shared try failed goes there at once until a fast path of its succeeds
    /// again (FastPathMissed: a server on another CPU would fail every try, and the share costs its
    /// taking and giving back). True when the call is done (a fast path took it, or another CPU stopped
    /// this CPU's thread meanwhile and only the exit ran); false with the exclusive lock held, for the
    /// general path.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    public static bool EnterSeveral(PerCpuBlock* me, InterruptFrame* f, delegate*<PerCpuBlock*, Tcb*, InterruptFrame*, bool> fast)
    {
        // Read without the lock, as a hint: this CPU's thread can only be taken away (to 0) meanwhile,
        // and a thread object stays mapped, so the worst case is a wrong choice of lock mode.
        var hint = (Tcb*)me->Thread;
        if (fast != null && hint != null && !hint->FastPathMissed)
        {
            if (EnterFastPath(me))
            {
                var t = (Tcb*)me->Thread;
                if (fast(me, t, f)) return true;
                t->FastPathMissed = true;
            }
            // Nothing changed (a fast path checks before it changes): the share goes back, and the
            // exclusive lock is taken as for any call; a stop meanwhile winds the SYSCALL back as usual.
            BigKernelLock.ReleaseShared(me);
        }
        if (!EnterSyscallLocked(me))
        {
            PrepareExit(me);
            return true;
        }
        var thread = (Tcb*)me->Thread;
        if (fast == null || !fast(me, thread, f)) return false;
        thread->FastPathMissed = false;
        return true;
    }

    // The fast path's start on several CPUs: a share of the big kernel lock (ADR 0028); false when
    // another CPU stopped this CPU's thread while it waited (the share is still held: the caller gives
    // it back). A stop meanwhile winds the SYSCALL back, as for the exclusive lock.
    private static bool EnterFastPath(PerCpuBlock* me)
    {
        me->SyscallPending = 1;
        BigKernelLock.AcquireShared(me);
        me->SyscallPending = 0;
        return me->Thread != 0;
    }

    // Out of line: one CPU pays only the test of BigKernelLock.On above.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static bool EnterSyscallLocked(PerCpuBlock* me)
    {
        me->SyscallPending = 1;
        BigKernelLock.AcquireOn();
        me->SyscallPending = 0;
        return me->Thread != 0;
    }
}
