// KernelCounters: what the kernel holds for user space (ObjectCounts), for leak checks. Reading it needs
// the IrqControl capability with Control, the one capability only the bootstrap is given: the counts of
// every process's objects together are the system's business, not any program's.
using Vireo.Abi;

namespace Vireo.Kernel.Nucleus;

public static unsafe partial class Syscalls
{
    private static Status KernelCounters(Tcb* t, ulong control, ulong index, out ulong value)
    {
        value = 0;
        Status s = Lookup(t, control, ObjectType.IrqControl, Rights.Control, out _);
        return s != Status.Ok ? s : ObjectCounts.Read(index, out value);
    }
}
