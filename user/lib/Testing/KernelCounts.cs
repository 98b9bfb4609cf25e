// The kernel's counts of live objects (KernelCounter), read through the process manager
// (SchemeOp.KernelCounters): leak checks compare them before and after (the fuzzer's verdict, the
// services suite's tests of what a killed process leaves behind).
using Vireo.Abi;
using Vireo.User.Schemes;

namespace Vireo.User.Testing;

public static unsafe class KernelCounts
{
    /// <summary>Fills `values` (KernelCounter.Count of them); false if they could not be read.</summary>
    public static bool Read(ulong* values)
    {
        Status s = SchemeCall.Call(Namespace.Root, SchemeOp.KernelCounters, 0, 0, 0, 0, 0, 0, out SchemeReply r);
        if (s != Status.Ok || r.W0 != (ulong)KernelCounter.Count || r.DataLength != (int)KernelCounter.Count * 8) return false;
        for (int i = 0; i < (int)KernelCounter.Count; i++) values[i] = ((ulong*)SchemeCall.Data)[i];
        return true;
    }

    /// <summary>True if every counter of objects (IsLeakCounter) is the same in both.</summary>
    public static bool Same(ulong* a, ulong* b)
    {
        for (int i = 0; i < (int)KernelCounter.Count; i++) if (KernelCounterInfo.IsLeakCounter(i) && a[i] != b[i]) return false;
        return true;
    }
}
