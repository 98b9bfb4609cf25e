// The syscalls of several CPUs (ADR 0020): which CPUs a thread may run on, and where it runs. The
// scheduling itself is in Threads.Cpus.cs.
using Vireo.Abi;

namespace Vireo.Kernel.Nucleus;

public static unsafe partial class Syscalls
{
    // ThreadSetAffinity: Control on the thread. InvalidArgument for a mask that names no CPU running
    // threads (0 is "any"), BadState for a dead thread. Returns the previous mask.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static Status ThreadSetAffinity(Tcb* caller, ulong handle, ulong mask, out ulong previous)
    {
        previous = 0;
        Status s = TargetThread(caller, handle, out Tcb* t);
        if (s != Status.Ok) return s;
        if (mask != 0 && (mask & Threads.CpuMask) == 0) return Status.InvalidArgument;
        if (t->State == ThreadState.Dead) return Status.BadState;
        previous = t->Affinity;
        Threads.SetAffinity(t, mask);
        return Status.Ok;
    }

    // ThreadCpu: Control on the thread. The CPU it runs on, is queued on or last ran on (0 for one that
    // never ran), and how many CPUs run threads.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static Status ThreadCpu(Tcb* caller, ulong handle, out ulong cpu, out ulong cpus)
    {
        cpu = cpus = 0;
        Status s = TargetThread(caller, handle, out Tcb* t);
        if (s != Status.Ok) return s;
        cpu = (ulong)t->Cpu;
        cpus = (ulong)Threads.CpuCount;
        return Status.Ok;
    }
}
