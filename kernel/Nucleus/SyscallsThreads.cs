// Thread syscalls. A thread runs with copies of the CNode and address-space capabilities it was
// configured with, kept inside its control block.
using Vireo.Abi;
using Vireo.Kernel.Arch.X64;
using Vireo.Kernel.Caps;

namespace Vireo.Kernel.Nucleus;

public static unsafe partial class Syscalls
{
    private static Status ThreadConfigure(Tcb* caller, ulong handle, ulong configPtr)
    {
        Status s = TargetThread(caller, handle, out Tcb* t);
        if (s != Status.Ok) return s;
        var map = NucleusContext.Current.Direct;
        if (t->State != ThreadState.Inactive && t->State != ThreadState.Suspended) return Status.BadState;
        if (!UserMemory.TryCheck(caller, configPtr, (ulong)sizeof(ThreadConfig), write: false)) return Status.BadAddress;
        ThreadConfig config = *(ThreadConfig*)configPtr;
        s = Lookup(caller, config.CNode, ObjectType.CNode, Rights.None, out CapSlot* cnode);
        if (s != Status.Ok) return s;
        s = Lookup(caller, config.AddressSpace, ObjectType.AddressSpace, Rights.None, out CapSlot* space);
        if (s != Status.Ok) return s;
        if (!AddressSpaces.IsUserRange(config.Entry, 1) || !AddressSpaces.IsUserRange(config.Stack - 1, 1) ||
            (config.FsBase != 0 && !AddressSpaces.IsUserRange(config.FsBase, 1)) ||
            (config.IpcBuffer != 0 && !AddressSpaces.IsUserRange(config.IpcBuffer, 4096)))
            return Status.OutOfRange;
        if ((config.IpcBuffer & 0xFFF) != 0 || (config.Stack & 15) != 0) return Status.NotAligned;
        CapSlot* faultEndpoint = null;
        if (config.FaultEndpoint != 0)
        {
            s = Lookup(caller, config.FaultEndpoint, ObjectType.Endpoint, Rights.Write, out faultEndpoint);
            if (s != Status.Ok) return s;
        }
        CapSlot* exitNotification = null;
        if (config.ExitNotification != 0)
        {
            s = Lookup(caller, config.ExitNotification, ObjectType.Notification, Rights.Write, out exitNotification);
            if (s != Status.Ok) return s;
        }

        Bind(t, cnode, space);
        t->Frame.Rip = config.Entry;
        t->Frame.Rsp = config.Stack;
        t->Frame.Rdi = config.Argument0;
        t->Frame.Rsi = config.Argument1;
        t->FsBase = config.FsBase;
        t->IpcBuffer = config.IpcBuffer;
        t->BufferPhys = 0;
        Threads.DropOwnCap(&t->FaultEndpointCap);
        if (faultEndpoint != null) CapOps.Copy(map, map.ToPhys(faultEndpoint), map.ToPhys(&t->FaultEndpointCap), Rights.All);
        Threads.DropOwnCap(&t->ExitNotificationCap);
        if (exitNotification != null) CapOps.Copy(map, map.ToPhys(exitNotification), map.ToPhys(&t->ExitNotificationCap), Rights.All);
        t->Configured = true;
        return Status.Ok;
    }

    /// <summary>Gives the thread its own copies of a CNode and an address-space capability.</summary>
    internal static void Bind(Tcb* t, CapSlot* cnode, CapSlot* space)
    {
        var map = NucleusContext.Current.Direct;
        ulong tcbPhys = map.ToPhys(t);
        // The thread leaves its old address space before that space can die with the old capability.
        AddressSpaces.Unbind(t);
        Threads.DropOwnCap(&t->CNodeCap);
        Threads.DropOwnCap(&t->AddressSpaceCap);
        CapOps.Copy(map, map.ToPhys(cnode), map.ToPhys(&t->CNodeCap), Rights.All);
        CapOps.Copy(map, map.ToPhys(space), map.ToPhys(&t->AddressSpaceCap), Rights.All);
        t->CNodeCap.Spare = tcbPhys;
        t->AddressSpaceCap.Spare = tcbPhys;
        t->CNode = cnode->Object;
        t->CNodeSlotBits = cnode->SizeBits;
        AddressSpaces.Bind(t, space->Object);
    }

    internal static Status TargetThread(Tcb* caller, ulong handle, out Tcb* t)
    {
        t = null;
        Status s = Lookup(caller, handle, ObjectType.Thread, Rights.Control, out CapSlot* cap);
        if (s != Status.Ok) return s;
        t = NucleusContext.Current.Direct.As<Tcb>(cap->Object);
        return Status.Ok;
    }

    private static Status ThreadStart(Tcb* caller, ulong handle)
    {
        Status s = TargetThread(caller, handle, out Tcb* t);
        if (s != Status.Ok) return s;
        if (t->State != ThreadState.Inactive || !t->Configured) return Status.BadState;
        Threads.MakeRunnable(t);
        return Status.Ok;
    }

    private static Status ThreadSuspend(Tcb* caller, ulong handle)
    {
        Status s = TargetThread(caller, handle, out Tcb* t);
        if (s != Status.Ok) return s;
        if (t->State != ThreadState.Runnable && t->State != ThreadState.Sleeping) return Status.BadState;
        // Its sleep, or (suspending itself) this call, ends with Ok when it is resumed.
        if (t->State == ThreadState.Sleeping || t == caller) t->Frame.Rax = (ulong)Status.Ok;
        Threads.Block(t, ThreadState.Suspended);
        return Status.Ok;
    }

    private static Status ThreadResume(Tcb* caller, ulong handle)
    {
        Status s = TargetThread(caller, handle, out Tcb* t);
        if (s != Status.Ok) return s;
        if (t->State != ThreadState.Suspended) return Status.BadState;
        Threads.MakeRunnable(t);
        return Status.Ok;
    }

    private static Status ThreadWait(Tcb* caller, ulong handle, ulong flags, out ulong code, out ulong kind)
    {
        code = kind = 0;
        Status s = TargetThread(caller, handle, out Tcb* t);
        if (s != Status.Ok) return s;
        if (t == caller || (flags & ~ThreadWaitFlags.NoBlock) != 0) return Status.InvalidArgument;
        if (t->State == ThreadState.Dead)
        {
            code = t->ExitCode;
            kind = (ulong)t->ExitKind;
            return Status.Ok;
        }
        if (t->State == ThreadState.Inactive) return Status.BadState;
        // A poll never takes the one waiter place, so another thread waiting does not stop it.
        if ((flags & ThreadWaitFlags.NoBlock) != 0) return Status.WouldBlock;
        if (t->Waiter != null) return Status.BadState;
        t->Waiter = caller;
        caller->Waitee = t;
        Threads.Block(caller, ThreadState.Waiting);
        return Status.Ok;
    }

    private static Status ThreadSetPriority(Tcb* caller, ulong handle, ulong schedClass, ulong priority)
    {
        Status s = TargetThread(caller, handle, out Tcb* t);
        if (s != Status.Ok) return s;
        if (schedClass > (ulong)SchedClass.RealTimeRoundRobin || priority > 255) return Status.InvalidArgument;
        return Threads.SetPriority(t, (SchedClass)schedClass, (int)priority) ? Status.Ok : Status.InvalidArgument;
    }
}
