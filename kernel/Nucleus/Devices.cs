// Devices for user-space drivers. Interrupt lines: an IrqHandler capability names one ISA line;
// bound to a notification, the kernel masks the line when it fires and signals; the driver
// handles the device and acknowledges (IrqAck), which unmasks it. The kernel never touches the
// device itself. I/O ports: an IoPorts capability covers a range; IoPortsBind lets one thread use
// part of it with plain in/out, through the TSS I/O permission bitmap while that thread runs.
using Vireo.Abi;
using Vireo.Kernel.Arch.X64;
using Vireo.Kernel.Caps;
using Vireo.Kernel.Log;
using Vireo.Kernel.Memory;

namespace Vireo.Kernel.Nucleus;

public static unsafe class Devices
{
    public const int Lines = 16;            // ISA interrupt lines
    public const int FirstVector = 0x30;

    private struct LineTable
    {
        public fixed ulong Notification[Lines];
        public fixed ulong Bits[Lines];
        public fixed byte Claimed[Lines];
        public fixed ulong RaisedTsc[Lines];
        public fixed uint Gsi[Lines];      // where the line arrives (resolved once, when claimed)
    }

    private static LineTable s_lines;

    // Masks or unmasks a claimed line at the IOAPIC.
    private static void Mask(ulong line, bool masked) => IoApic.Mask(s_lines.Gsi[line], masked);

    // The GSI an ISA line arrives on, with its polarity and trigger (identity unless ACPI overrides it).
    private static void Gsi(uint line, out uint gsi, out bool activeLow, out bool level) =>
        NucleusContext.Current.Madt.IsaIrqToGsi((byte)line, out gsi, out activeLow, out level);

    // --- interrupt lines ------------------------------------------------------------------------

    private static Status IrqHandlerGet(Tcb* t, ulong control, ulong line, ulong dstCNode, ulong dstIndex, out ulong handle)
    {
        handle = 0;
        Status s = Syscalls.Lookup(t, control, ObjectType.IrqControl, Rights.Control, out _);
        if (s != Status.Ok) return s;
        if (line >= Lines || line == 2) return Status.OutOfRange;  // line 2 is the PIC cascade
        if (s_lines.Claimed[line] != 0) return Status.Occupied;
        s = Syscalls.Destination(t, dstCNode, dstIndex, 1, out PhysAddr cnode, out _);
        if (s != Status.Ok) return s;
        ulong slot = CNode.SlotAddress(cnode, dstIndex);
        s = CapOps.InstallRoot(NucleusContext.Current.Direct, slot, ObjectType.IrqHandler, Rights.All, line, 0, 0, 0);
        if (s != Status.Ok) return s;
        s_lines.Claimed[line] = 1;
        ObjectCounts.Made(ObjectType.IrqHandler);   // its Destroy hook counts it gone
        s_lines.Notification[line] = 0;
        Gsi((uint)line, out uint gsi, out bool activeLow, out bool level);
        s_lines.Gsi[line] = gsi;
        Interrupts.Register(FirstVector + (int)line, &OnIrq);
        IoApic.Route(gsi, (byte)(FirstVector + line), activeLow, level, LocalApic.ApicId);
        IoApic.Mask(gsi, true);
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
        ulong line = h->Object;
        s_lines.Notification[line] = n->Object;
        s_lines.Bits[line] = bits;
        Mask(line, false);
        return Status.Ok;
    }

    // r0: the TSC when the kernel took the line's last interrupt (for latency measurements).
    private static Status IrqAck(Tcb* t, ulong handler, out ulong raised)
    {
        raised = 0;
        Status s = Syscalls.Lookup(t, handler, ObjectType.IrqHandler, Rights.Control, out CapSlot* h);
        if (s != Status.Ok) return s;
        if (s_lines.Notification[h->Object] == 0) return Status.BadState;
        raised = s_lines.RaisedTsc[h->Object];
        Mask(h->Object, false);
        return Status.Ok;
    }

    // The kernel's whole part in a device interrupt: mask the line, signal, done.
    private static void OnIrq(InterruptFrame* frame)
    {
        uint line = (uint)frame->Vector - FirstVector;
        Mask(line, true);
        ulong n = s_lines.Notification[line];
        if (n == 0) return;
        s_lines.RaisedTsc[line] = Cpu.ReadTsc();
        Ipc.SignalObject((PhysAddr)n, s_lines.Bits[line]);
    }


    /// <summary>The last IrqHandler capability went: free the line.</summary>
    public static void ReleaseLine(ulong line)
    {
        if (line >= Lines) return;
        Mask(line, true);
        s_lines.Claimed[line] = 0;
        s_lines.Notification[line] = 0;
    }

    /// <summary>A notification is destroyed: no line may signal it any more.</summary>
    public static void ForgetNotification(PhysAddr phys)
    {
        for (int i = 0; i < Lines; i++)
            if (s_lines.Notification[i] == (ulong)phys)
            {
                s_lines.Notification[i] = 0;
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
        if (t == Threads.Current) Threads.OpenPorts(t);
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

    public static Status Dispatch(Syscall n, Tcb* t, InterruptFrame* f, out ulong r0)
    {
        r0 = 0;
        return n switch
        {
            Syscall.IrqHandlerGet => IrqHandlerGet(t, f->Rdi, f->Rsi, f->Rdx, f->R10, out r0),
            Syscall.IrqHandlerBind => IrqHandlerBind(t, f->Rdi, f->Rsi, f->Rdx),
            Syscall.IrqAck => IrqAck(t, f->Rdi, out r0),
            _ => IoPortsBind(t, f->Rdi, f->Rsi, f->Rdx, f->R10),
        };
    }
}
