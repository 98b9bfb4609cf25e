// Driver support: claim interrupt lines and MSI vectors, bind them to notifications, acknowledge them, open I/O
// ports to a thread, learn a DMA buffer's physical address, and the port instructions themselves
// (Asm/ports.S).
using System.Runtime;
using System.Runtime.CompilerServices;
using Vireo.Abi;

namespace Vireo.User;

public static unsafe class Devices
{
    public static Status IrqHandlerGet(CapHandle control, uint line, CapHandle dstCNode, uint dstIndex, out CapHandle handler)
    {
        Status s = Sys.Call(Syscall.IrqHandlerGet, out ulong h, control.Value, line, dstCNode.Value, dstIndex);
        handler = new CapHandle(h);
        return s;
    }

    /// <summary>A handler for a free MSI vector (bind and acknowledge it as a line's), in dstIndex of
    /// dstCNode, and the message a device must write to raise it: msiData at msiAddress (program both
    /// into the device's MSI or MSI-X table). OutOfMemory when every MSI vector is taken. Syscall 41.</summary>
    public static Status MsiHandlerGet(CapHandle control, CapHandle dstCNode, uint dstIndex, out CapHandle handler, out uint msiData, out uint msiAddress)
    {
        Status s = Sys.Call(Syscall.MsiHandlerGet, out ulong h, out ulong message, control.Value, dstCNode.Value, dstIndex);
        handler = new CapHandle(h);
        msiData = (uint)message;
        msiAddress = (uint)(message >> 32);
        return s;
    }

    public static Status IrqHandlerBind(CapHandle handler, CapHandle notification, ulong bits) =>
        Sys.Call(Syscall.IrqHandlerBind, handler.Value, notification.Value, bits);

    public static Status IrqAck(CapHandle handler) => Sys.Call(Syscall.IrqAck, handler.Value);

    public static Status IrqAck(CapHandle handler, out ulong raisedTsc) => Sys.Call(Syscall.IrqAck, out raisedTsc, handler.Value);

    public static Status IoPortsBind(CapHandle ports, CapHandle thread, uint first, uint count) =>
        Sys.Call(Syscall.IoPortsBind, ports.Value, thread.Value, first, count);

    /// <summary>The physical address of a frame's first byte (for DMA); the frame needs Rights.Physical,
    /// which only drivers' memory carries (SpawnFlags.Dma). Syscall 40.</summary>
    public static Status FramePhysical(CapHandle frame, out ulong phys) => Sys.Call(Syscall.FramePhysical, out phys, frame.Value);

    /// <summary>A capability to [base, base + 2^sizeBits) of an I/O-port or device-memory capability (held
    /// with Control), in dstIndex of dstCNode: a driver's own BAR. Device memory is carved upwards only
    /// (each piece at or above the last). Syscall 42.</summary>
    public static Status CapCarve(CapHandle cap, ulong @base, int sizeBits, CapHandle dstCNode, uint dstIndex, out CapHandle piece)
    {
        Status s = Sys.Call(Syscall.CapCarve, out ulong h, cap.Value, @base, (ulong)sizeBits, dstCNode.Value, dstIndex);
        piece = new CapHandle(h);
        return s;
    }

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "vireo_inb")] public static extern byte InB(ushort port);
    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "vireo_outb")] public static extern void OutB(ushort port, byte value);
    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "vireo_inl")] public static extern uint InL(ushort port);
    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "vireo_outl")] public static extern void OutL(ushort port, uint value);
}
