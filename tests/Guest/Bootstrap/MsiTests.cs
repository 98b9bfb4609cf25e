// In-guest tests of MSI vectors (MsiHandlerGet; docs/design/syscalls.md): each handler gets its own
// vector from the pool of 24 with the message that raises it (fixed delivery to the boot CPU's local
// APIC), the pool running out is OutOfMemory, a failed call takes no vector, deleting the last capability
// gives the vector back, and the handler binds and acknowledges as a line's does. Delivery itself needs a
// device that writes the message (the virtio-blk driver's tests).
using Vireo.Abi;
using Vireo.User;
using T = Vireo.User.Testing.TestRunner;

namespace Vireo.Bootstrap.Tests;

static unsafe class MsiTests
{
    private const int Vectors = 24, FirstVector = 0x48;
    private static readonly CapHandle Control = new CapHandle(BootstrapSlots.IrqControl, 0);
    private static CapHandle s_memory;

    public static void Run(CapHandle memory)
    {
        s_memory = memory;
        T.Run("msi.two_handlers_two_vectors", &TwoVectors);
        T.Run("msi.pool_runs_out_and_delete_frees", &PoolRunsOut);
        T.Run("msi.statuses_and_bind", &Statuses);
        T.Run("msi.pci_lines_16_to_23", &PciLines);
    }

    private static Status Get(out CapHandle handler, out uint data, out uint address)
    {
        handler = default;
        data = address = 0;
        if (!CSpace.TryAlloc(out uint slot)) return Status.NoSpace;
        Status s = Devices.MsiHandlerGet(Control, CSpace.Self, slot, out handler, out data, out address);
        if (s != Status.Ok) CSpace.Free(slot);
        return s;
    }

    private static void TwoVectors()
    {
        if (!T.Status(Status.Ok, Get(out CapHandle a, out uint da, out uint aa), "a first MSI handler")) return;
        T.Status(Status.Ok, Get(out CapHandle b, out uint db, out uint ab), "a second");
        Sys.Identify(a, out ObjectType type, out _, out _, out _);
        T.Equal((long)ObjectType.IrqHandler, (long)type, "an IrqHandler capability");
        T.True(da != db, "different vectors");
        T.True(da >= FirstVector && da < FirstVector + Vectors && db >= FirstVector && db < FirstVector + Vectors, "both from the MSI pool (0x48-0x5F)");
        T.Equal(0xFEE00000L, aa & 0xFFF00000L, "the address is the local APIC's message window");
        T.Equal((long)aa, (long)ab, "both aimed at the same (boot) CPU");
        T.Equal(0, (long)(aa & 0xFFF), "physical destination, no redirection hint");
        CSpace.Release(b);
        CSpace.Release(a);
    }

    private static void PoolRunsOut()
    {
        var handlers = stackalloc CapHandle[Vectors + 1];
        uint seen = 0;
        int made = 0;
        Status s = Status.Ok;
        while (made <= Vectors && (s = Get(out handlers[made], out uint data, out _)) == Status.Ok)
        {
            seen |= 1u << (int)(data - FirstVector);
            made++;
        }
        T.Equal(Vectors, made, "24 MSI vectors");
        T.Equal((long)((1UL << Vectors) - 1), seen, "each a different one");
        T.Status(Status.OutOfMemory, s, "then the pool is empty: OutOfMemory");
        if (made != Vectors) return;
        // The last capability of one goes: its vector is free and the next call gets it.
        CSpace.TryAlloc(out uint copySlot);
        T.Status(Status.Ok, Sys.Copy(handlers[5], CSpace.Self, copySlot, Rights.All, out CapHandle copy), "a copy of one handler");
        CSpace.Release(handlers[5]);
        T.Status(Status.OutOfMemory, Get(out _, out _, out _), "a copy keeps the vector taken");
        CSpace.Release(copy);
        T.Status(Status.Ok, Get(out handlers[5], out uint again, out _), "its last capability gone, a vector is free again");
        T.True(again >= FirstVector && again < FirstVector + Vectors, "from the pool");
        for (int i = 0; i < made; i++) CSpace.Release(handlers[i]);
    }

    private static void Statuses()
    {
        CSpace.TryAlloc(out uint slot);
        CSpace.TryAlloc(out uint ns);
        T.Status(Status.WrongType, Devices.MsiHandlerGet(CSpace.Self, CSpace.Self, slot, out _, out _, out _), "not IrqControl: WrongType");
        T.Status(Status.OutOfRange, Devices.MsiHandlerGet(Control, CSpace.Self, 0, out _, out _, out _), "slot 0: OutOfRange");
        Sys.Retype(s_memory, ObjectType.Notification, 0, CSpace.Self, ns, 1, out CapHandle n);
        T.Status(Status.Occupied, Devices.MsiHandlerGet(Control, CSpace.Self, ns, out _, out _, out _), "an occupied slot: Occupied");
        // None of the failures took a vector: all 24 are still there.
        int made = 0;
        var handlers = stackalloc CapHandle[Vectors];
        while (made < Vectors && Get(out handlers[made], out _, out _) == Status.Ok) made++;
        T.Equal(Vectors, made, "failed calls took no vector");
        for (int i = 1; i < made; i++) CSpace.Release(handlers[i]);
        CapHandle h = handlers[0];
        T.Status(Status.BadState, Devices.IrqAck(h), "acknowledge before binding: BadState");
        T.Status(Status.Ok, Devices.IrqHandlerBind(h, n, 2), "bind it to a notification");
        T.Status(Status.Ok, Devices.IrqAck(h, out _), "acknowledge: nothing to unmask, Ok");
        T.Status(Status.WouldBlock, Ipc.Poll(n, out _), "no interrupt came: nothing signalled");
        CSpace.Release(h);
        CSpace.Release(n);
        CSpace.Free(slot);
    }

    // GSIs 16-23: the IOAPIC inputs PCI INTx lines arrive on (q35's PIRQs), claimed as lines 16-23.
    private static void PciLines()
    {
        CSpace.TryAlloc(out uint slot);
        CSpace.TryAlloc(out uint other);
        if (T.Status(Status.Ok, Devices.IrqHandlerGet(Control, 16, CSpace.Self, slot, out CapHandle h), "claim GSI 16"))
        {
            T.Status(Status.Occupied, Devices.IrqHandlerGet(Control, 16, CSpace.Self, other, out _), "twice: Occupied");
            Sys.Delete(h);
        }
        T.Status(Status.Ok, Devices.IrqHandlerGet(Control, 23, CSpace.Self, slot, out h), "claim GSI 23");
        Sys.Delete(h);
        T.Status(Status.OutOfRange, Devices.IrqHandlerGet(Control, 24, CSpace.Self, slot, out _), "24 and up are MSI vectors' sources: OutOfRange");
        CSpace.Free(other);
        CSpace.Free(slot);
    }
}
