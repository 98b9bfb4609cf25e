// Devices for user-space drivers. Interrupts: an IrqHandler capability names one interrupt source;
// bound to a notification, the kernel signals it when the source fires, and for a line also masks the
// line until the driver has handled the device and acknowledged (IrqAck), which unmasks it. The kernel
// never touches the device itself. Sources share one numbering, source i arriving on vector
// FirstVector + i: the 16 ISA lines (0x30-0x3F), the IOAPIC's PCI lines, GSIs 16-23 (0x40-0x47;
// level-triggered, active low, as PCI INTx is), and 24 MSI vectors (0x48-0x5F) that MsiHandlerGet hands
// out to whoever asks, aimed at the boot CPU's local APIC, edge-triggered. All lie below 0x60, where the
// preemption points look for a pending interrupt (LocalApic.InterruptPending). An MSI has no line to
// mask: the device sends a message once per event, and one arriving before the acknowledgement only sets
// the notification's bits again. The last capability to a handler frees its source.
// I/O ports: an IoPorts capability covers a range; IoPortsBind lets one thread use part of it with plain
// in/out, through the TSS I/O permission bitmap while that thread runs.
using Vireo.Abi;
using Vireo.Kernel.Arch.X64;
using Vireo.Kernel.Caps;
using Vireo.Kernel.Irq;
using Vireo.Kernel.Log;
using Vireo.Kernel.Memory;

namespace Vireo.Kernel.Nucleus;

public static unsafe class Devices
{
    public const int Lines = 16;            // ISA interrupt lines
    public const int FirstVector = 0x30;
    public const int FirstPciGsi = 16, PciGsis = 8;   // sources 16-23: IOAPIC inputs 16-23
    public const int FirstMsi = FirstPciGsi + PciGsis, MsiVectors = 24;
    public const int Sources = FirstMsi + MsiVectors;
    /// <summary>Where an MSI is written: the local APIC's message window; bits 12-19 name the target APIC.</summary>
    private const ulong MsiAddressBase = 0xFEE0_0000;

    private struct SourceTable
    {
        public fixed ulong Notification[Sources];
        public fixed ulong Bits[Sources];
        public fixed ulong RaisedTsc[Sources];
        public fixed uint Gsi[Sources];      // where a line arrives (resolved once, when claimed)
    }

    private static SourceTable s_sources;
    private static VectorPool s_claimed;

    // Masks or unmasks a claimed line at the IOAPIC; an MSI has no line.
    private static void Mask(ulong source, bool masked)
    {
        if (source < FirstMsi) IoApic.Mask(s_sources.Gsi[source], masked);
    }

    // The GSI a line arrives on, with its polarity and trigger: an ISA line as ACPI says (identity unless
    // overridden), a PCI line as PCI defines INTx.
    private static void Gsi(uint line, out uint gsi, out bool activeLow, out bool level)
    {
        if (line >= FirstPciGsi)
        {
            gsi = line;
            activeLow = level = true;
            return;
        }
        NucleusContext.Current.Madt.IsaIrqToGsi((byte)line, out gsi, out activeLow, out level);
    }

    // --- interrupt sources ----------------------------------------------------------------------

    private static Status IrqHandlerGet(Tcb* t, ulong control, ulong line, ulong dstCNode, ulong dstIndex, out ulong handle)
    {
        handle = 0;
        Status s = Syscalls.Lookup(t, control, ObjectType.IrqControl, Rights.Control, out _);
        if (s != Status.Ok) return s;
        // Line 2 is the PIC cascade; a PCI line must exist on the IOAPIC.
        if (line >= FirstMsi || line == 2 || (line >= FirstPciGsi && line - IoApic.GsiBase >= IoApic.Lines)) return Status.OutOfRange;
        if (s_claimed.IsClaimed((int)line)) return Status.Occupied;
        s = Install(t, line, dstCNode, dstIndex, out handle);
        if (s != Status.Ok) return s;
        Gsi((uint)line, out uint gsi, out bool activeLow, out bool level);
        s_sources.Gsi[line] = gsi;
        IoApic.Route(gsi, (byte)(FirstVector + line), activeLow, level, LocalApic.ApicId);
        IoApic.Mask(gsi, true);
        return Status.Ok;
    }

    // r0: the handler; r1: the message the device is to write, data (low half) at address (high half).
    private static Status MsiHandlerGet(Tcb* t, ulong control, ulong dstCNode, ulong dstIndex, out ulong handle, out ulong message)
    {
        handle = message = 0;
        Status s = Syscalls.Lookup(t, control, ObjectType.IrqControl, Rights.Control, out _);
        if (s != Status.Ok) return s;
        int source = s_claimed.FirstFree(FirstMsi, MsiVectors);
        if (source < 0) return Status.OutOfMemory;   // as for ASIDs: a kernel resource ran out
        s = Install(t, (ulong)source, dstCNode, dstIndex, out handle);
        if (s != Status.Ok) return s;
        // Fixed delivery, edge-triggered (data bits 8-15 zero), physical destination: the boot CPU.
        ulong address = MsiAddressBase | ((ulong)LocalApic.ApicId << 12);
        message = (ulong)(FirstVector + source) | address << 32;
        return Status.Ok;
    }

    // The handler capability for an unclaimed source, placed and counted; the source is then claimed,
    // with no notification yet, and its vector taken by OnIrq.
    private static Status Install(Tcb* t, ulong source, ulong dstCNode, ulong dstIndex, out ulong handle)
    {
        handle = 0;
        Status s = Syscalls.Destination(t, dstCNode, dstIndex, 1, out PhysAddr cnode, out _);
        if (s != Status.Ok) return s;
        SlotAddr slot = CNode.SlotAddress(cnode, dstIndex);
        s = CapOps.InstallRoot(NucleusContext.Current.Direct, slot, ObjectType.IrqHandler, Rights.All, source, 0, 0, 0);
        if (s != Status.Ok) return s;
        s_claimed.TryClaim((int)source);
        ObjectCounts.Made(ObjectType.IrqHandler);   // its Destroy hook counts it gone
        s_sources.Notification[source] = 0;
        Interrupts.Register(FirstVector + (int)source, &OnIrq);
        handle = CNode.HandleFor(NucleusContext.Current.Direct, cnode, slot).Value;
        return Status.Ok;
    }

    private static Status IrqHandlerBind(Tcb* t, ulong handler, ulong notification, ulong bits)
    {
        Status s = Syscalls.Lookup(t, handler, ObjectType.IrqHandler, Rights.Control, out CapSlot* h);
        if (s != Status.Ok) return s;
        s = Syscalls.Lookup(t, notification, ObjectType.Notification, Rights.Write, out CapSlot* n);
        if (s != Status.Ok) return s;
        if (bits == 0) return Status.InvalidArgument;
        ulong source = h->Object;
        s_sources.Notification[source] = n->Object;
        s_sources.Bits[source] = bits;
        Mask(source, false);
        return Status.Ok;
    }

    // r0: the TSC when the kernel took the source's last interrupt (for latency measurements).
    private static Status IrqAck(Tcb* t, ulong handler, out ulong raised)
    {
        raised = 0;
        Status s = Syscalls.Lookup(t, handler, ObjectType.IrqHandler, Rights.Control, out CapSlot* h);
        if (s != Status.Ok) return s;
        if (s_sources.Notification[h->Object] == 0) return Status.BadState;
        raised = s_sources.RaisedTsc[h->Object];
        Mask(h->Object, false);
        return Status.Ok;
    }

    // The kernel's whole part in a device interrupt: mask the line (if it is one), signal, done.
    private static void OnIrq(InterruptFrame* frame)
    {
        uint source = (uint)frame->Vector - FirstVector;
        Mask(source, true);
        ulong n = s_sources.Notification[source];
        if (n == 0) return;
        s_sources.RaisedTsc[source] = Cpu.ReadTsc();
        Ipc.SignalObject((PhysAddr)n, s_sources.Bits[source]);
    }

    /// <summary>The last IrqHandler capability went: free the source (an MSI vector goes back to the pool).</summary>
    public static void ReleaseLine(ulong source)
    {
        if (source >= Sources) return;
        Mask(source, true);
        s_claimed.Release((int)source);
        s_sources.Notification[source] = 0;
    }

    /// <summary>A notification is destroyed: no source may signal it any more.</summary>
    public static void ForgetNotification(PhysAddr phys)
    {
        for (int i = 0; i < Sources; i++)
            if (s_sources.Notification[i] == (ulong)phys)
            {
                s_sources.Notification[i] = 0;
                Mask((ulong)i, true);
            }
    }

    // --- I/O ports ------------------------------------------------------------------------------

    private static Status IoPortsBind(Tcb* caller, ulong ports, ulong thread, ulong first, ulong count)
    {
        Status s = Syscalls.Lookup(caller, ports, ObjectType.IoPorts, Rights.Control, out CapSlot* cap);
        if (s != Status.Ok) return s;
        s = Syscalls.TargetThread(caller, thread, out Tcb* t);
        if (s != Status.Ok) return s;
        ulong start = cap->Object, size = 1UL << cap->SizeBits;
        if (count == 0 || first < start || first + count > start + size || first + count > 65536) return Status.OutOfRange;
        if (t->IoCount0 == 0) { t->IoFirst0 = (uint)first; t->IoCount0 = (uint)count; }
        else if (t->IoCount1 == 0) { t->IoFirst1 = (uint)first; t->IoCount1 = (uint)count; }
        else return Status.Occupied;
        Threads.OpenPorts(t);
        return Status.Ok;
    }

    /// <summary>On every switch between threads: swap their port permissions in the bitmap.</summary>
    public static void SwitchPorts(Tcb* from, Tcb* to)
    {
        if (from != null && (from->IoCount0 | from->IoCount1) != 0)
        {
            Gdt.SetPorts(from->IoFirst0, from->IoCount0, false);
            Gdt.SetPorts(from->IoFirst1, from->IoCount1, false);
        }
        if (to != null && (to->IoCount0 | to->IoCount1) != 0)
        {
            Gdt.SetPorts(to->IoFirst0, to->IoCount0, true);
            Gdt.SetPorts(to->IoFirst1, to->IoCount1, true);
        }
    }

    public static Status Dispatch(Syscall n, Tcb* t, InterruptFrame* f, out ulong r0, out ulong r1)
    {
        r0 = r1 = 0;
        return n switch
        {
            Syscall.IrqHandlerGet => IrqHandlerGet(t, f->Rdi, f->Rsi, f->Rdx, f->R10, out r0),
            Syscall.MsiHandlerGet => MsiHandlerGet(t, f->Rdi, f->Rsi, f->Rdx, out r0, out r1),
            Syscall.IrqHandlerBind => IrqHandlerBind(t, f->Rdi, f->Rsi, f->Rdx),
            Syscall.IrqAck => IrqAck(t, f->Rdi, out r0),
            _ => IoPortsBind(t, f->Rdi, f->Rsi, f->Rdx, f->R10),
        };
    }
}
