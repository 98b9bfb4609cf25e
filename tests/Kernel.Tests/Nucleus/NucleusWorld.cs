// Test fixture for the thread and IPC state machines: emulated physical memory holding thread
// control blocks and IPC objects, a fresh NucleusContext over it, and Threads started from nothing.
// Threads and the context are static (one CPU, one kernel), so every test using them runs in one
// collection, one at a time.
using System;
using Vireo.Abi;
using Vireo.Kernel.Arch.X64;
using Vireo.Kernel.Caps;
using Vireo.Kernel.Memory;
using Vireo.Kernel.Nucleus;
using Vireo.Tests.Memory;
using Xunit;

namespace Vireo.Tests.Nucleus;

[CollectionDefinition(NucleusWorld.Collection, DisableParallelization = true)]
public sealed class NucleusCollection { }

public sealed unsafe class NucleusWorld : IDisposable
{
    public const string Collection = "Nucleus statics";
    private const ulong ThreadsBase = 0x10000, ObjectsBase = 0x1000, CapsBase = 0x8000;

    public readonly EmulatedPhysMemory Memory = new(1 << 20);
    private int _threads, _objects, _caps;

    /// <summary>A machine of `cpus` CPUs (per-CPU blocks, all online); Threads runs threads on the
    /// first only until a test calls EnableCpus.</summary>
    public NucleusWorld(int cpus = 1)
    {
        NucleusContext.Init(new NucleusContext { Direct = Memory.Map });
        Tsc.Now = 1_000;
        PerCpu.Reset(cpus);
        BigKernelLock.On = false;
        System.Array.Clear(CrossCall.Reschedules);
        CrossCall.Calls = 0;
        Threads.Init();
    }

    /// <summary>A freshly made thread object (as retype leaves it), not started.</summary>
    public Tcb* NewThread()
    {
        var t = Memory.Map.As<Tcb>(ThreadsBase + (ulong)_threads++ * 2048);
        Threads.InitializeObject(t);
        return t;
    }

    /// <summary>A thread made runnable (configured and started).</summary>
    public Tcb* Started()
    {
        Tcb* t = NewThread();
        t->Configured = true;
        Assert.Equal(Status.Ok, Threads.Start(t));
        return t;
    }

    /// <summary>A zeroed 64-byte IPC object (endpoint, notification or reply); its physical address.</summary>
    public PhysAddr NewObject() => (PhysAddr)(ObjectsBase + (ulong)_objects++ * 64);

    /// <summary>A capability to an object, as a syscall's lookup would hand it to the IPC layer.</summary>
    public CapSlot* Cap(ObjectType type, PhysAddr phys, Rights rights = Rights.All, ulong badge = 0)
    {
        var slot = Memory.Map.As<CapSlot>(CapsBase + (ulong)_caps++ * CapSlot.Size);
        slot->Type = type;
        slot->Object = (ulong)phys;
        slot->Rights = rights;
        slot->Badge = badge;
        return slot;
    }

    /// <summary>Runs the exit path: whichever thread should run becomes current.</summary>
    public Tcb* Exit()
    {
        Threads.PrepareExit();
        return Threads.Current;
    }

    public void Dispose() => Memory.Dispose();
}
