// Extra threads inside the calling process: a thread object and a stack from memory the caller
// names, running a static function in this address space. Each is registered with the collector
// (Runtime/GcThreads.cs), which must stop it and scan its stack during a collection.
using System.Runtime;
using System.Runtime.CompilerServices;
using Vireo.Abi;

namespace Vireo.User;

public unsafe struct LocalThread
{
    public CapHandle Thread;
    public uint ThreadSlot, StackSlot;
    public CapHandle Stack;
    public ulong StackTop;
}

public static unsafe class ThreadBuilder
{
    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "vireo_thread_start_address")]
    private static extern ulong StartAddress();

    /// <summary>Creates (does not start) a thread running fn(arg) on a one-page stack mapped at stackPage.</summary>
    public static Status Create(CapHandle memory, delegate*<ulong, ulong> fn, ulong arg, ulong stackPage, out LocalThread t) =>
        Create(memory, fn, arg, stackPage, 0, default, out t);

    /// <summary>As Create, with an IPC buffer page (mapped by the caller), a fault endpoint and a
    /// notification signalled when the thread ends.</summary>
    public static Status Create(CapHandle memory, delegate*<ulong, ulong> fn, ulong arg, ulong stackPage, ulong ipcBuffer,
        CapHandle faultEndpoint, out LocalThread t, CapHandle exitNotification = default)
    {
        t = default;
        if (!CSpace.TryAlloc(out t.ThreadSlot)) return Status.NoSpace;
        if (!CSpace.TryAlloc(out t.StackSlot))
        {
            CSpace.Free(t.ThreadSlot);
            return Status.NoSpace;
        }
        Status s = CSpace.MakeAt(memory, ObjectType.Thread, 0, t.ThreadSlot, out t.Thread);
        if (s == Status.Ok) s = CSpace.MakeAt(memory, ObjectType.Frame, 12, t.StackSlot, out t.Stack);
        if (s == Status.Ok) s = Sys.Map(CSpace.SelfAddressSpace, t.Stack, stackPage, Rights.Read | Rights.Write);
        if (s != Status.Ok)
        {
            Destroy(ref t);
            return s;
        }
        t.StackTop = stackPage + 4096;
        // The collector must know the thread and its stack; it starts it through its own entry.
        long registered = Runtime.GcThreads.Register(t.Thread, stackPage, t.StackTop, fn, arg);
        ThreadConfig config = default;
        config.CNode = CSpace.Self.Value;
        config.AddressSpace = CSpace.SelfAddressSpace.Value;
        config.Entry = StartAddress();
        config.Stack = t.StackTop;
        config.Argument0 = registered < 0 ? (ulong)fn : (ulong)Runtime.GcThreads.EntryFunction;
        config.Argument1 = registered < 0 ? arg : (ulong)registered;
        config.FsBase = 0;
        config.IpcBuffer = ipcBuffer;
        config.FaultEndpoint = faultEndpoint.Value;
        config.ExitNotification = exitNotification.Value;
        return Sys.ThreadConfigure(t.Thread, &config);
    }

    public static void Destroy(ref LocalThread t)
    {
        if (t.Thread.Value != 0) Runtime.GcThreads.Unregister(t.Thread);
        // Destroying: a slot already emptied (the thread revoked) is fine.
        if (t.Thread.Value != 0) _ = Sys.Delete(t.Thread);
        if (t.Stack.Value != 0) _ = Sys.Delete(t.Stack);   // destroying: a slot already emptied (the memory revoked) is fine
        CSpace.Free(t.ThreadSlot);
        CSpace.Free(t.StackSlot);
        t = default;
    }
}
