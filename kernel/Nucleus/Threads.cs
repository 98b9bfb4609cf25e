// Thread lifecycle and the glue between the scheduler's policy (Core/Sched) and the CPU.
// The kernel is event-driven with one kernel stack per CPU: every entry (syscall, interrupt from
// ring 3) runs to completion with interrupts off, under the big kernel lock once several CPUs run
// threads, and every exit calls PrepareExit, which decides which thread return_to_user enters on
// this CPU. A thread that blocks simply is not chosen; its result registers are written into its
// saved frame when it is woken. Idle is a halt loop inside PrepareExit. What each CPU runs, its run
// queue, placement, balancing and stopping a thread that runs elsewhere: Threads.Cpus.cs.
using Vireo.Abi;
using Vireo.Kernel.Arch.X64;
using Vireo.Kernel.Log;
using Vireo.Kernel.Caps;
using Vireo.Kernel.Memory;
using Vireo.Kernel.Sched;

namespace Vireo.Kernel.Nucleus;

public static unsafe partial class Threads
{
    private static Tcb* s_sleepers;     // sorted by WakeAt
    private static ulong s_nextId;

    /// <summary>The thread this CPU runs; null when another CPU stopped it while this one waited for the lock.</summary>
    public static Tcb* Current => (Tcb*)PerCpu.Current->Thread;

    /// <summary>Called by the exit path of a thread that ends (see OnThreadDead).</summary>
    public static delegate*<Tcb*, void> DeathObserver;

    /// <summary>Starts from nothing: no thread, no sleeper (host tests call it before each test).</summary>
    public static void Init()
    {
        s_sleepers = null;
        InitCpus();
        Interrupts.UserExitHook = &PrepareExit;
    }

    // A clean x87/SSE state: x87 control word 0x37F and MXCSR 0x1F80 (all exceptions masked, round to
    // nearest), MXCSR at byte 24 of the FXSAVE image; and RFLAGS with IF set (bit 1 always reads 1).
    private const ushort InitialFcw = 0x037F;
    private const uint InitialMxcsr = 0x1F80;
    private const int FxMxcsrOffset = 24;
    private const ulong InitialRflags = 0x202;

    /// <summary>Prepares a freshly retyped (zeroed) thread object.</summary>
    public static void InitializeObject(Tcb* t)
    {
        s_schedulers[0].InitEntity(&t->Sched, ++s_nextId);
        t->State = ThreadState.Inactive;
        *(ushort*)t->Fx = InitialFcw;
        *(uint*)(t->Fx + FxMxcsrOffset) = InitialMxcsr;
        t->Frame.Cs = Gdt.UserCode;
        t->Frame.Ss = Gdt.UserData;
        t->Frame.Rflags = InitialRflags;
    }

    public static void MakeRunnable(Tcb* t) => Wake(t, handOver: false);

    /// <summary>Makes a woken thread runnable; if it outranks the running thread and `handOver` allows,
    /// it takes the CPU at once: the running thread goes back to its queue as a preempted one would,
    /// and the woken thread is entered without passing through the run queue (no insert, no pick):
    /// the notification fast path. Anything already pending (s_reschedule) takes the ordinary route,
    /// as does a caller in the middle of something else (handOver false: a thread's death).</summary>
    public static void Wake(Tcb* t, bool handOver)
    {
        t->State = ThreadState.Runnable;
        PerCpuBlock* me = PerCpu.Current;
        int cpu = s_cpuCount == 1 ? 0 : Place(t);
        if (cpu != (int)me->Index)
        {
            QueueOn(t, cpu);
            return;
        }
        t->Cpu = cpu;
        Scheduler sched = s_schedulers[cpu];
        Tcb* running = (Tcb*)me->Thread;
        bool preempt = running == null || sched.ShouldPreempt(&running->Sched, &t->Sched);
        if (!handOver || running == null || me->Reschedule != 0 || !preempt)
        {
            sched.Enqueue(&t->Sched);
            if (preempt) me->Reschedule = 1;
            return;
        }
        Charge(me);
        sched.PutPrev(&running->Sched);
        SwitchTo(me, t);
    }

    /// <summary>Takes a thread off the CPU or its queue; it runs again only when made runnable.</summary>
    public static void Block(Tcb* t, ThreadState state)
    {
        if (OnCpu(t))
        {
            PerCpuBlock* cpu = PerCpu.Block(t->Cpu);
            if (cpu == PerCpu.Current)
            {
                Charge(cpu);
                cpu->Thread = 0;
                cpu->Reschedule = 1;
            }
            else
            {
                StopRemote(t, cpu);
            }
        }
        else if (t->State == ThreadState.Runnable)
        {
            s_schedulers[t->Cpu].Remove(&t->Sched);
        }
        if (t->State == ThreadState.Sleeping) RemoveSleeper(t);
        t->State = state;
    }

    /// <summary>ThreadConfigure after its checks: where the thread starts, what it runs with, and its
    /// own copies of the capabilities it was given (fault endpoint and exit notification may be null).</summary>
    public static void Configure(Tcb* t, in ThreadConfig config, CapSlot* cnode, CapSlot* space, CapSlot* faultEndpoint, CapSlot* exitNotification)
    {
        var map = NucleusContext.Current.Direct;
        Bind(t, cnode, space);
        t->Frame.Rip = config.Entry;
        t->Frame.Rsp = config.Stack;
        t->Frame.Rdi = config.Argument0;
        t->Frame.Rsi = config.Argument1;
        t->FsBase = config.FsBase;
        t->IpcBuffer = config.IpcBuffer;
        t->BufferPhys = PhysAddr.Null;
        DropOwnCap(&t->FaultEndpointCap);
        if (faultEndpoint != null) _ = CapOps.Copy(map, SlotAddr.Of(map, faultEndpoint), SlotAddr.Of(map, &t->FaultEndpointCap), Rights.All);   // cannot fail: looked up, slot just emptied
        DropOwnCap(&t->ExitNotificationCap);
        if (exitNotification != null) _ = CapOps.Copy(map, SlotAddr.Of(map, exitNotification), SlotAddr.Of(map, &t->ExitNotificationCap), Rights.All);   // likewise
        t->Configured = true;
    }

    /// <summary>Gives the thread its own copies of a CNode and an address-space capability.</summary>
    public static void Bind(Tcb* t, CapSlot* cnode, CapSlot* space)
    {
        var map = NucleusContext.Current.Direct;
        ulong tcbPhys = map.ToPhys(t);
        // The thread leaves its old address space before that space can die with the old capability.
        AddressSpaces.Unbind(t);
        DropOwnCap(&t->CNodeCap);
        DropOwnCap(&t->AddressSpaceCap);
        _ = CapOps.Copy(map, SlotAddr.Of(map, cnode), SlotAddr.Of(map, &t->CNodeCap), Rights.All);   // cannot fail: looked up, slot just emptied
        _ = CapOps.Copy(map, SlotAddr.Of(map, space), SlotAddr.Of(map, &t->AddressSpaceCap), Rights.All);   // likewise
        t->CNodeCap.Spare = tcbPhys;
        t->AddressSpaceCap.Spare = tcbPhys;
        t->CNode = cnode->ObjectPhys;
        t->CNodeSlotBits = cnode->SizeBits;
        AddressSpaces.Bind(t, space->ObjectPhys);
    }

    /// <summary>ThreadStart: BadState unless the thread is inactive and configured.</summary>
    public static Status Start(Tcb* t)
    {
        if (t->State != ThreadState.Inactive || !t->Configured) return Status.BadState;
        MakeRunnable(t);
        return Status.Ok;
    }

    /// <summary>ThreadSuspend by `caller`: BadState unless the thread is runnable or sleeping.</summary>
    public static Status Suspend(Tcb* t, Tcb* caller)
    {
        if (t->State != ThreadState.Runnable && t->State != ThreadState.Sleeping) return Status.BadState;
        // Its sleep, or (suspending itself) this call, ends with Ok when it is resumed.
        if (t->State == ThreadState.Sleeping || t == caller) t->Frame.Rax = (ulong)Status.Ok;
        Block(t, ThreadState.Suspended);
        return Status.Ok;
    }

    /// <summary>ThreadResume: BadState unless the thread is suspended.</summary>
    public static Status Resume(Tcb* t)
    {
        if (t->State != ThreadState.Suspended) return Status.BadState;
        MakeRunnable(t);
        return Status.Ok;
    }

    /// <summary>ThreadWait of `caller` (not `t`) for `t`: Ok with the exit code and kind at once if it
    /// is dead; BadState if it never started or another thread waits for it; WouldBlock for a poll;
    /// otherwise the caller blocks and Kill writes its results.</summary>
    public static Status Wait(Tcb* caller, Tcb* t, bool noBlock, out ulong code, out ulong kind)
    {
        code = kind = 0;
        if (t->State == ThreadState.Dead)
        {
            code = t->ExitCode;
            kind = (ulong)t->ExitKind;
            return Status.Ok;
        }
        if (t->State == ThreadState.Inactive) return Status.BadState;
        // A poll never takes the one waiter place, so another thread waiting does not stop it.
        if (noBlock) return Status.WouldBlock;
        if (t->Waiter != null) return Status.BadState;
        t->Waiter = caller;
        caller->Waitee = t;
        Block(caller, ThreadState.Waiting);
        return Status.Ok;
    }

    public static bool SetPriority(Tcb* t, SchedClass schedClass, int priority)
    {
        // SetClass takes a queued entity off its queue and back onto the new one itself.
        bool ok = s_schedulers[t->Cpu].SetClass(&t->Sched, schedClass, priority);
        PerCpu.Current->Reschedule = 1;
        Refresh(t);
        return ok;
    }

    public static void Yield()
    {
        PerCpuBlock* me = PerCpu.Current;
        Tcb* current = (Tcb*)me->Thread;
        if (current == null) return;
        Charge(me);
        s_schedulers[me->Index].Yield(&current->Sched);
        me->Thread = 0; // it is queued again; pick afresh
        me->Reschedule = 1;
    }

    public static void Sleep(Tcb* t, ulong deadline)
    {
        Block(t, ThreadState.Sleeping);
        t->WakeAt = deadline;
        if (s_sleepers == null || s_sleepers->WakeAt > deadline)
        {
            t->NextSleeper = s_sleepers;
            s_sleepers = t;
            return;
        }
        Tcb* prev = s_sleepers;
        while (prev->NextSleeper != null && prev->NextSleeper->WakeAt <= deadline) prev = prev->NextSleeper;
        t->NextSleeper = prev->NextSleeper;
        prev->NextSleeper = t;
    }

    private static void RemoveSleeper(Tcb* t)
    {
        if (s_sleepers == t)
        {
            s_sleepers = t->NextSleeper;
            t->NextSleeper = null;
            return;
        }
        for (Tcb* p = s_sleepers; p != null; p = p->NextSleeper)
        {
            if (p->NextSleeper == t)
            {
                p->NextSleeper = t->NextSleeper;
                t->NextSleeper = null;
                return;
            }
        }
    }

    /// <summary>Ends a thread: exit, fault or kill. Wakes a thread waiting for it.</summary>
    public static void Kill(Tcb* t, ThreadExitKind kind, ulong code)
    {
        if (t->State == ThreadState.Dead) return;
        Ipc.Detach(t);
        Block(t, ThreadState.Dead);
        ClosePortsEverywhere(t);
        t->IoCount0 = t->IoCount1 = 0;
        t->OwedStatus = 0;
        t->ExitKind = kind;
        t->ExitCode = code;
        if (t->Waitee != null)
        {
            t->Waitee->Waiter = null;
            t->Waitee = null;
        }
        Tcb* waiter = t->Waiter;
        if (waiter != null)
        {
            t->Waiter = null;
            waiter->Waitee = null;
            waiter->Frame.Rax = (ulong)Status.Ok;
            waiter->Frame.Rdx = code;
            waiter->Frame.R8 = (ulong)kind;
            MakeRunnable(waiter);
        }
        // Whoever supervises it (a parent waiting for any of many children) learns of it.
        if (!t->ExitNotificationCap.IsEmpty) Ipc.Signal(&t->ExitNotificationCap, 1, handOver: false);
        if (DeathObserver != null) DeathObserver(t);
    }

    /// <summary>The thread object is being destroyed: make sure nothing refers to it any more.</summary>
    public static void Destroy(Tcb* t)
    {
        Kill(t, ThreadExitKind.Killed, 0);
        AddressSpaces.Unbind(t);
        // Its own capability copies live in the memory about to be returned: take them out of
        // the derivation tree now, or the tree would keep links into reused memory.
        DropOwnCap(&t->CNodeCap);
        DropOwnCap(&t->AddressSpaceCap);
        DropOwnCap(&t->FaultEndpointCap);
        DropOwnCap(&t->ExitNotificationCap);
        t->CNode = PhysAddr.Null;
    }

    /// <summary>Deletes one of a thread's own capability copies, if present. Spare is cleared first:
    /// dropping a binding on purpose is not losing it (see ObjectHooks.CapRemoved).</summary>
    public static void DropOwnCap(CapSlot* slot)
    {
        if (slot->IsEmpty) return;
        slot->Spare = 0;
        var map = NucleusContext.Current.Direct;
        var hooks = new ObjectHooks();
        // Ok: the slot holds a capability, and never an untyped (the one kind whose delete can stop at a
        // preemption point and ask for a restart). A CNode this was the last capability of is left to
        // DyingCNodes, drained in bounded steps by the call that got here (not in one stretch).
        _ = CapOps.Delete(map, SlotAddr.Of(map, slot), ref DyingCNodes.Head, ref hooks);
    }

    /// <summary>An address space is going away: no CPU may keep its tables in CR3 (ADR 0017).</summary>
    public static void ForgetAddressSpace(PhysAddr asPhys)
    {
        for (int i = 0; i < s_cpuCount; i++)
            if (PerCpu.Block(i)->ActiveRoot == asPhys.Value) CrossCall.RunAt(i, &LoadKernelRoot, 0);
    }

    // Runs on the CPU that leaves the address space (a cross-CPU call for another one).
    private static void LoadKernelRoot(ulong unused) => Cpu.WriteCr3(KernelSpace.Table.Root);

    /// <summary>Each CPU's timer tick: its running thread's slice and its run queue; the bootstrap
    /// processor's also wakes the sleepers.</summary>
    public static void OnTimerTick()
    {
        ulong now = Tsc.NanosSinceBoot();
        PerCpuBlock* me = PerCpu.Current;
        if (me->Index == 0)
        {
            while (s_sleepers != null && s_sleepers->WakeAt <= now)
            {
                Tcb* t = s_sleepers;
                s_sleepers = t->NextSleeper;
                t->NextSleeper = null;
                t->Frame.Rax = (ulong)Status.Ok;
                MakeRunnable(t);
            }
        }
        Scheduler sched = s_schedulers[me->Index];
        Tcb* current = (Tcb*)me->Thread;
        if (current != null)
        {
            if (sched.Tick(&current->Sched, now, now - me->LastCharge)) me->Reschedule = 1;
        }
        else
        {
            sched.Tick(null, now, 0);
        }
        me->LastCharge = now;
    }

    // A thread leaving a CPU pays for the time since it was last charged; the periodic work
    // (boost, throttled release) stays with the timer tick.
    private static void Charge(PerCpuBlock* cpu)
    {
        ulong now = Tsc.NanosSinceBoot();
        Tcb* current = (Tcb*)cpu->Thread;
        if (current != null) s_schedulers[cpu->Index].Account(&current->Sched, now - cpu->LastCharge);
        cpu->LastCharge = now;
        cpu->Charged = 1;
    }

    /// <summary>Runs at every exit to user mode: picks the thread to enter on this CPU, idling until
    /// there is one. Inlined so that the common case (the same thread goes on) costs a few loads.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static void PrepareExit() => PrepareExit(PerCpu.Current);

    /// <summary>PrepareExit for a caller that has this CPU's block at hand (the syscall dispatchers).
    /// One test: every path that leaves a CPU without a thread (Block, StopRemote, the boot's
    /// EnterUserMode) also sets Reschedule, so a CPU whose Thread is 0 always has it set here.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static void PrepareExit(PerCpuBlock* me)
    {
        if (me->Reschedule != 0) Reschedule(me);
    }

    private static void Reschedule(PerCpuBlock* me)
    {
        me->Reschedule = 0;
        Tcb* current = (Tcb*)me->Thread;
        if (current != null)
        {
            Charge(me);
            me->Thread = 0;
            if (MayRunOn(current, (int)me->Index)) s_schedulers[me->Index].PutPrev(&current->Sched);
            else MakeRunnable(current);   // its affinity changed: it goes where it may run
        }
        SchedEntity* next = PickNext(me);
        while (next == null)
        {
            // Idle: the lock goes back, interrupts on, halt; a timer, device or reschedule interrupt may
            // make a thread runnable here (ADR 0017: a wake-up after the release sends the IPI that
            // ends the halt, since sti and hlt are one step). An AP's tick and reschedule IPIs only end
            // the halt (Interrupts.Dispatch takes no lock for them), and the AP takes the lock again
            // only when a look at the queues without it says there may be work: idle CPUs then do not
            // queue for the lock a thousand times a second each.
            ulong halted = Cpu.ReadTsc();
            BigKernelLock.Release();
            do
            {
                Cpu.EnableInterruptsAndHalt();
                Cpu.DisableInterrupts();
            }
            while (me->Index != 0 && !MayHaveWork(me));
            BigKernelLock.Acquire();
            // The boot CPU's idle time only: an AP's halt can span many reads of the counter and would
            // land whole in whichever window it ends in (and benchmarks subtracting it run on CPU 0).
            if (me->Index == 0) ObjectCounts.Add(Abi.KernelCounter.IdleTsc, Cpu.ReadTsc() - halted);
            me->Reschedule = 0;
            me->Charged = 0;   // idle time is nobody's
            // The tick's work on this CPU's queue (throttled threads released, boosts), which an AP's
            // timer leaves to this loop while it idles.
            if (me->Index != 0) s_schedulers[me->Index].Tick(null, Tsc.NanosSinceBoot(), 0);
            next = PickNext(me);
        }
        SwitchTo(me, Tcb.FromSched(next));
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static void SwitchPorts(PerCpuBlock* me, Tcb* next)
    {
        var owner = (Tcb*)me->PortsOwner;
        if (owner == next || (owner == null && (next->IoCount0 | next->IoCount1) == 0)) return;
        Devices.SwitchPorts(owner, next);
        me->PortsOwner = (next->IoCount0 | next->IoCount1) != 0 ? (ulong)next : 0;
    }

    /// <summary>The thread was just given ports: open them now where it runs, as a switch would.</summary>
    public static void OpenPorts(Tcb* t)
    {
        if (OnCpu(t)) CrossCall.RunAt(t->Cpu, &OpenPortsHere, (ulong)t);
    }

    // On the CPU that runs the thread (a cross-CPU call touching only that CPU's TSS and block).
    private static void OpenPortsHere(ulong thread)
    {
        PerCpuBlock* me = PerCpu.Current;
        var t = (Tcb*)thread;
        var owner = (Tcb*)me->PortsOwner;
        if (owner != null && owner != t) Devices.SwitchPorts(owner, null);
        Devices.SwitchPorts(null, t);
        me->PortsOwner = thread;
    }

    // A dead thread's ports close in every CPU's bitmap that has them open.
    private static void ClosePortsEverywhere(Tcb* t)
    {
        for (int i = 0; i < s_cpuCount; i++)
            if (PerCpu.Block(i)->PortsOwner == (ulong)t) CrossCall.RunAt(i, &ClosePortsHere, (ulong)t);
    }

    private static void ClosePortsHere(ulong thread)
    {
        Devices.SwitchPorts((Tcb*)thread, null);
        PerCpu.Current->PortsOwner = 0;
    }

    private static void SwitchTo(PerCpuBlock* me, Tcb* next)
    {
        if (me->Charged == 0) me->LastCharge = Tsc.NanosSinceBoot();
        me->Charged = 0;
        Enter(me, next);
    }

    // Makes `next` the thread return_to_user enters on this CPU: ports, address space, frame, FS base.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static void Enter(PerCpuBlock* me, Tcb* next)
    {
        SwitchPorts(me, next);
        me->Thread = (ulong)next;
        next->Cpu = (int)me->Index;
        // CR3 is reloaded only for another root (a reload flushes the TLB); arch_write_cr3 records the
        // root in ActiveRoot, which is what this compares with.
        PhysAddr root = next->AddressSpace;
        if (root.Value != me->ActiveRoot) Cpu.WriteCr3(root);
        UserMode.Activate(&next->Frame);
        // WRMSR serialises the CPU: skip it when both bases are 0 (every thread so far). The real
        // base is what was last written or 0 (user code can only load a selector, whose base is 0),
        // so a 0 remembered here is exact.
        if (next->FsBase != 0 || me->FsBase != 0)
        {
            me->FsBase = next->FsBase;
            UserMode.WriteFsBase(next->FsBase);
        }
    }

    /// <summary>True when a queued runnable thread should run before `t` would on this CPU, or `t` may
    /// not run on this CPU at all (its affinity): the IPC fast path then leaves it to the scheduler.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static bool Outranked(PerCpuBlock* me, Tcb* t)
    {
        uint cpu = me->Index;
        // MayRunOn without its load of the online mask: a nonzero affinity always names an online CPU
        // (ThreadSetAffinity refuses one that does not), so its bit alone decides.
        if (t->Affinity != 0 && (t->Affinity & (1UL << (int)cpu)) == 0) return true;
        // Without the bounds check: a CPU running kernel code has a block, and every block a queue (InitCpus).
        Scheduler sched = System.Runtime.CompilerServices.Unsafe.Add(
            ref System.Runtime.InteropServices.MemoryMarshal.GetArrayDataReference(s_schedulers), (nint)cpu);
        SchedEntity* best = sched.PeekNext();
        return best != null && sched.ShouldPreempt(&t->Sched, best);
    }

    /// <summary>The IPC fast path: the current thread has blocked and `next` (runnable, not queued)
    /// takes the CPU at once, on the same time slice; no queue is touched. `me` is this CPU's block,
    /// which the dispatchers pass down (a GS read per use would cost a call each).</summary>
    public static void HandOver(PerCpuBlock* me, Tcb* next) => Enter(me, next);

    /// <summary>Leaves the kernel for good into whichever thread should run (boot hands over here, and
    /// each AP once it runs threads).</summary>
    public static void EnterUserMode()
    {
        Cpu.DisableInterrupts();
        BigKernelLock.Acquire();
        PerCpu.Current->Reschedule = 1;
        PrepareExit();
        UserMode.ReturnToUser();
    }
}
