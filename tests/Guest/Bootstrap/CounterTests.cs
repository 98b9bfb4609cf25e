// The kernel's counters (KernelCounters; docs/design/syscalls.md): each object made moves its type's
// count up and its deletion back down, an address space holds an ASID and the page tables its
// mappings took, and the bootstrap's IrqControl is what reading them takes. The fuzzer relies on
// exactly this to find objects a run left behind.
using Vireo.Abi;
using Vireo.User;
using T = Vireo.User.Testing.TestRunner;

namespace Vireo.Bootstrap.Tests;

static unsafe class CounterTests
{
    private const ulong MapAt = 0x0000_5C00_0000_0000;
    private static CapHandle s_memory;

    public static void Run(CapHandle memory)
    {
        s_memory = memory;
        T.Run("user.kernel_counters_follow_objects", &Follow);
        T.Run("user.kernel_counters_statuses", &Statuses);
        T.Run("user.kernel_counters_idle_tsc_counts_halts", &IdleTsc);
    }

    // The bootstrap alone sleeping: the CPU halts in the idle loop for most of the 20 ms, which
    // IdleTsc must show (more than 1 ms of a TSC that runs at 1 GHz or faster), and it never goes back.
    private static void IdleTsc()
    {
        ulong before = Read(KernelCounter.IdleTsc), tsc = Sys.ReadTsc();
        T.Status(Status.Ok, Sys.Sleep(20_000_000), "sleep 20 ms");
        ulong after = Read(KernelCounter.IdleTsc), elapsed = Sys.ReadTsc() - tsc;
        T.True(after - before > 1_000_000, "idle ticks counted while asleep");
        T.True(after - before <= elapsed, "no more idle ticks than elapsed");
    }

    private static CapHandle Control => new CapHandle(BootstrapSlots.IrqControl, 0);

    private static ulong Read(KernelCounter c)
    {
        T.Status(Status.Ok, Sys.ReadKernelCounter(Control, c, out ulong v), "read a counter");
        return v;
    }

    private static void Follow()
    {
        ulong endpoints = Read((KernelCounter)ObjectType.Endpoint), frames = Read((KernelCounter)ObjectType.Frame);
        ulong spaces = Read((KernelCounter)ObjectType.AddressSpace), asids = Read(KernelCounter.Asids);
        ulong tables = Read(KernelCounter.PageTables);
        T.Status(Status.Ok, CSpace.Make(s_memory, ObjectType.Endpoint, 0, out CapHandle ep), "make an endpoint");
        T.Status(Status.Ok, CSpace.Make(s_memory, ObjectType.Frame, 12, out CapHandle frame), "make a frame");
        T.Status(Status.Ok, CSpace.Make(s_memory, ObjectType.AddressSpace, 14, out CapHandle space), "make an address space");
        T.Equal((long)endpoints + 1, (long)Read((KernelCounter)ObjectType.Endpoint), "an endpoint made counts");
        T.Equal((long)frames + 1, (long)Read((KernelCounter)ObjectType.Frame), "a frame made counts");
        T.Equal((long)spaces + 1, (long)Read((KernelCounter)ObjectType.AddressSpace), "an address space made counts");
        T.Equal((long)asids + 1, (long)Read(KernelCounter.Asids), "and holds an ASID");
        T.Status(Status.Ok, Sys.Map(space, frame, MapAt, Rights.Read), "map a page into the new address space");
        T.Equal((long)tables + 3, (long)Read(KernelCounter.PageTables), "its three page tables count");
        CSpace.Release(frame);
        CSpace.Release(space);
        CSpace.Release(ep);
        T.Equal((long)endpoints, (long)Read((KernelCounter)ObjectType.Endpoint), "endpoints back where they were");
        T.Equal((long)frames, (long)Read((KernelCounter)ObjectType.Frame), "frames back");
        T.Equal((long)spaces, (long)Read((KernelCounter)ObjectType.AddressSpace), "address spaces back");
        T.Equal((long)asids, (long)Read(KernelCounter.Asids), "ASIDs back");
        T.Equal((long)tables, (long)Read(KernelCounter.PageTables), "page tables back (they went with the address space)");
    }

    private static void Statuses()
    {
        T.Status(Status.InvalidArgument, Sys.ReadKernelCounter(Control, KernelCounter.Count, out _), "past the last counter");
        T.Status(Status.WrongType, Sys.ReadKernelCounter(CSpace.Self, KernelCounter.Asids, out _), "not IrqControl");
        CSpace.TryAlloc(out uint slot);
        T.Status(Status.Ok, Sys.Copy(Control, CSpace.Self, slot, Rights.None, out CapHandle weak), "copy without rights");
        T.Status(Status.InsufficientRights, Sys.ReadKernelCounter(weak, KernelCounter.Asids, out _), "IrqControl without Control");
        CSpace.Release(weak);
    }
}
