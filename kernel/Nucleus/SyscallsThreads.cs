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
        if (t->State != ThreadState.Inactive && t->State != ThreadState.Suspended) return Status.BadState;
        if (!UserMemory.TryCheck(caller, configPtr, (ulong)sizeof(ThreadConfig), write: false)) return Status.BadAddress;
        ThreadConfig config = *(ThreadConfig*)configPtr;
        s = Lookup(caller, config.CNode, ObjectType.CNode, Rights.None, out CapSlot* cnode);
        if (s != Status.Ok) return s;
        s = Lookup(caller, config.AddressSpace, ObjectType.AddressSpace, Rights.None, out CapSlot* space);
        if (s != Status.Ok) return s;
        if (!AddressSpaces.IsUserRange(config.Entry, 1) || !AddressSpaces.IsUserRange(config.Stack - 1, 1) ||
            (config.FsBase != 0 && !AddressSpaces.IsUserRange(config.FsBase, 1)) ||
            (config.IpcBuffer != 0 && !AddressSpaces.IsUserRange(config.IpcBuffer, ObjectSizes.PageSize)))
            return Status.OutOfRange;
        if ((config.IpcBuffer & ObjectSizes.PageOffsetMask) != 0 || (config.Stack & 15) != 0) return Status.NotAligned;
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

        // A thread takes its creator's affinity when first configured, as a Linux thread inherits its
        // parent's CPU mask (ADR 0020); ThreadSetAffinity changes it.
        if (!t->Configured) t->Affinity = caller->Affinity;
        Threads.Configure(t, in config, cnode, space, faultEndpoint, exitNotification);
        return Status.Ok;
    }

    internal static Status TargetThread(Tcb* caller, ulong handle, out Tcb* t)
    {
        t = null;
        Status s = Lookup(caller, handle, ObjectType.Thread, Rights.Control, out CapSlot* cap);
        if (s != Status.Ok) return s;
        t = NucleusContext.Current.Direct.As<Tcb>(cap->Object);
        return Status.Ok;
    }

    // ThreadStart, ThreadSuspend and ThreadResume stay out of the dispatcher: inlined there, each one's
    // local for the thread would be zeroed in the dispatcher's prologue, on every syscall.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static Status ThreadStart(Tcb* caller, ulong handle)
    {
        Status s = TargetThread(caller, handle, out Tcb* t);
        return s != Status.Ok ? s : Threads.Start(t);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static Status ThreadSuspend(Tcb* caller, ulong handle)
    {
        Status s = TargetThread(caller, handle, out Tcb* t);
        return s != Status.Ok ? s : Threads.Suspend(t, caller);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static Status ThreadResume(Tcb* caller, ulong handle)
    {
        Status s = TargetThread(caller, handle, out Tcb* t);
        return s != Status.Ok ? s : Threads.Resume(t);
    }

    private static Status ThreadWait(Tcb* caller, ulong handle, ulong flags, out ulong code, out ulong kind)
    {
        code = kind = 0;
        Status s = TargetThread(caller, handle, out Tcb* t);
        if (s != Status.Ok) return s;
        if (t == caller || (flags & ~ThreadWaitFlags.NoBlock) != 0) return Status.InvalidArgument;
        return Threads.Wait(caller, t, (flags & ThreadWaitFlags.NoBlock) != 0, out code, out kind);
    }

    private static Status ThreadSetPriority(Tcb* caller, ulong handle, ulong schedClass, ulong priority)
    {
        Status s = TargetThread(caller, handle, out Tcb* t);
        if (s != Status.Ok) return s;
        if (schedClass > (ulong)SchedClass.RealTimeRoundRobin || priority > 255) return Status.InvalidArgument;
        return Threads.SetPriority(t, (SchedClass)schedClass, (int)priority) ? Status.Ok : Status.InvalidArgument;
    }
}
