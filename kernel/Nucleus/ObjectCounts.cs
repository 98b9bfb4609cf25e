// Counters of what the kernel holds on behalf of user space: live objects by type, page-table pages
// taken from address spaces' pools, ASIDs in use. The kernel allocates nothing after boot, so these are
// not memory it could leak by itself; they let a test (the syscall fuzzer, through the process manager)
// check that whatever user space did, every object it made went again (KernelCounters, syscalls.md).
// Updated by the object hooks and the address-space code; read by the KernelCounters syscall.
using System.Runtime.CompilerServices;
using Vireo.Abi;

namespace Vireo.Kernel.Nucleus;

public static unsafe class ObjectCounts
{
    private struct Table
    {
        public fixed ulong Values[(int)KernelCounter.Count];
    }

    private static Table s_counts;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]   // on every retype and destroy
    public static void Made(ObjectType type) => s_counts.Values[(int)type]++;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Gone(ObjectType type) => s_counts.Values[(int)type]--;
    public static void Add(KernelCounter counter, ulong n) => s_counts.Values[(int)counter] += n;
    public static void Subtract(KernelCounter counter, ulong n) => s_counts.Values[(int)counter] -= n;

    /// <summary>The counter's value; InvalidArgument past the last counter.</summary>
    public static Status Read(ulong index, out ulong value)
    {
        value = 0;
        if (index >= (ulong)KernelCounter.Count) return Status.InvalidArgument;
        value = s_counts.Values[(int)index];
        return Status.Ok;
    }
}
