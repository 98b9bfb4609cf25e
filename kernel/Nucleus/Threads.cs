// Thread lifecycle and the glue between the scheduler's policy (Core/Sched) and the CPU.
// The kernel is event-driven with one kernel stack: every entry (syscall, interrupt from ring 3)
// runs to completion with interrupts off, and every exit calls PrepareExit, which decides which
// thread return_to_user enters. A thread that blocks simply is not chosen; its result registers
// are written into its saved frame when it is woken. Idle is a halt loop inside PrepareExit.
using Vireo.Abi;
using Vireo.Kernel.Arch.X64;
using Vireo.Kernel.Log;
using Vireo.Kernel.Caps;
using Vireo.Kernel.Memory;
using Vireo.Kernel.Sched;

namespace Vireo.Kernel.Nucleus;

public static unsafe class Threads
{
    private static Scheduler s_scheduler;
    private static Tcb* s_current;
    private static Tcb* s_sleepers;     // sorted by WakeAt
    private static bool s_reschedule;
    private static ulong s_lastCharge;
    private static ulong s_nextId;
    private static PhysAddr s_cr3;   // the root CR3 holds, to skip reloading it (a reload flushes the TLB)
    private static ulong s_fsBase;   // the FS base last written (0 at boot)

    public static Tcb* Current => s_current;
    public static Scheduler Scheduler => s_scheduler;

    /// <summary>Called by the exit path of a thread that ends (see OnThreadDead).</summary>
    public static delegate*<Tcb*, void> DeathObserver;

    /// <summary>Starts from nothing: no thread, no sleeper (host tests call it before each test).</summary>
    public static void Init()
    {
        s_current = s_sleepers = s_portsOwner = null;
        s_reschedule = s_charged = false;
        s_fsBase = 0;
        s_scheduler = new Scheduler(Scheduler.DefaultBoostPeriodNanos, Tsc.NanosSinceBoot());
        s_cr3 = Cpu.ReadCr3();
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
        s_scheduler.InitEntity(&t->Sched, ++s_nextId);
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
        Tcb* running = s_current;
        bool preempt = running == null || s_scheduler.ShouldPreempt(&running->Sched, &t->Sched);
        t->State = ThreadState.Runnable;
        if (!handOver || running == null || s_reschedule || !preempt)
        {
            s_scheduler.Enqueue(&t->Sched);
            if (preempt) s_reschedule = true;
            return;
        }
        Charge();
        s_scheduler.PutPrev(&running->Sched);
        SwitchTo(t);
    }

    /// <summary>Takes a thread off the CPU or its queue; it runs again only when made runnable.</summary>
    public static void Block(Tcb* t, ThreadState state)
    {
        if (t == s_current)
        {
            Charge();
            s_current = null;
            s_reschedule = true;
        }
        else if (t->State == ThreadState.Runnable)
        {
            s_scheduler.Remove(&t->Sched);
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
        bool ok = s_scheduler.SetClass(&t->Sched, schedClass, priority);
        s_reschedule = true;
        return ok;
    }

    public static void Yield()
    {
        if (s_current == null) return;
        Charge();
        s_scheduler.Yield(&s_current->Sched);
        s_current = null; // it is queued again; pick afresh
        s_reschedule = true;
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
        if (s_portsOwner == t)
        {
            Devices.SwitchPorts(t, null);
            s_portsOwner = null;
        }
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

    /// <summary>An address space is going away: never run on its tables again.</summary>
    public static void ForgetAddressSpace(PhysAddr asPhys)
    {
        if (s_cr3.Value != asPhys.Value) return;
        PhysAddr kernelRoot = KernelSpace.Table.Root;
        s_cr3 = kernelRoot;
        Cpu.WriteCr3(kernelRoot);
    }

    public static void OnTimerTick()
    {
        ulong now = Tsc.NanosSinceBoot();
        while (s_sleepers != null && s_sleepers->WakeAt <= now)
        {
            Tcb* t = s_sleepers;
            s_sleepers = t->NextSleeper;
            t->NextSleeper = null;
            t->Frame.Rax = (ulong)Status.Ok;
            MakeRunnable(t);
        }
        if (s_current != null)
        {
            if (s_scheduler.Tick(&s_current->Sched, now, now - s_lastCharge)) s_reschedule = true;
        }
        else
        {
            s_scheduler.Tick(null, now, 0);
        }
        s_lastCharge = now;
    }

    // A thread leaving the CPU pays for the time since it was last charged; the periodic work
    // (boost, throttled release) stays with the timer tick.
    private static void Charge()
    {
        ulong now = Tsc.NanosSinceBoot();
        if (s_current != null) s_scheduler.Account(&s_current->Sched, now - s_lastCharge);
        s_lastCharge = now;
        s_charged = true;
    }

    private static bool s_charged;   // s_lastCharge is this exit's time: the switch may reuse it

    /// <summary>Runs at every exit to user mode: picks the thread to enter, idling until there is one.
    /// Inlined so that the common case (the same thread goes on) costs two loads.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static void PrepareExit()
    {
        if (s_current == null || s_reschedule) Reschedule();
    }

    private static void Reschedule()
    {
        s_reschedule = false;
        if (s_current != null)
        {
            Charge();
            s_scheduler.PutPrev(&s_current->Sched);
            s_current = null;
        }
        SchedEntity* next = s_scheduler.PickNext();
        while (next == null)
        {
            // Idle: interrupts on, halt; a timer or device interrupt may make a thread runnable.
            ulong halted = Cpu.ReadTsc();
            Cpu.EnableInterruptsAndHalt();
            Cpu.DisableInterrupts();
            ObjectCounts.Add(Abi.KernelCounter.IdleTsc, Cpu.ReadTsc() - halted);
            s_reschedule = false;
            s_charged = false;   // idle time is nobody's
            next = s_scheduler.PickNext();
        }
        SwitchTo(Tcb.FromSched(next));
    }

    private static Tcb* s_portsOwner;   // the thread whose I/O ports are open in the TSS bitmap

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static void SwitchPorts(Tcb* next)
    {
        if (s_portsOwner == next || (s_portsOwner == null && (next->IoCount0 | next->IoCount1) == 0)) return;
        Devices.SwitchPorts(s_portsOwner, next);
        s_portsOwner = (next->IoCount0 | next->IoCount1) != 0 ? next : null;
    }

    /// <summary>The running thread was just given ports: open them now, as a switch would.</summary>
    public static void OpenPorts(Tcb* t)
    {
        if (s_portsOwner != null && s_portsOwner != t) Devices.SwitchPorts(s_portsOwner, null);
        Devices.SwitchPorts(null, t);
        s_portsOwner = t;
    }

    private static void SwitchTo(Tcb* next)
    {
        if (!s_charged) s_lastCharge = Tsc.NanosSinceBoot();
        s_charged = false;
        Enter(next);
    }

    // Makes `next` the thread return_to_user enters: ports, address space, frame, FS base.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static void Enter(Tcb* next)
    {
        SwitchPorts(next);
        s_current = next;
        // The root read once into a register and compared as .Value against the static in memory: copying
        // the field to the static and reading it back cost two loads per switch, and the operator one.
        PhysAddr root = next->AddressSpace;
        if (root.Value != s_cr3.Value)
        {
            s_cr3 = root;
            Cpu.WriteCr3(root);
        }
        UserMode.Activate(&next->Frame);
        // WRMSR serialises the CPU: skip it when both bases are 0 (every thread so far). The real
        // base is what was last written or 0 (user code can only load a selector, whose base is 0),
        // so a 0 remembered here is exact.
        if (next->FsBase != 0 || s_fsBase != 0)
        {
            s_fsBase = next->FsBase;
            UserMode.WriteFsBase(s_fsBase);
        }
    }

    /// <summary>True when a queued runnable thread should run before `t` would.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static bool Outranked(Tcb* t)
    {
        SchedEntity* best = s_scheduler.PeekNext();
        return best != null && s_scheduler.ShouldPreempt(&t->Sched, best);
    }

    /// <summary>The IPC fast path: the current thread has blocked and `next` (runnable, not queued)
    /// takes the CPU at once, on the same time slice; no queue is touched.</summary>
    public static void HandOver(Tcb* next) => Enter(next);

    /// <summary>Leaves the kernel for good into whichever thread should run (boot hands over here).</summary>
    public static void EnterUserMode()
    {
        s_reschedule = true;
        PrepareExit();
        UserMode.ReturnToUser();
    }
}
