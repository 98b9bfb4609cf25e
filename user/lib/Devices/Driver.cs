// The start every device driver makes: its creator grants it the I/O ports (slot FirstGrant) and
// the handler of its interrupt line (slot FirstGrant + 1); the driver opens the ports it uses to
// its own thread and binds the interrupt to a notification it sleeps on. Written once here (the
// keyboard and serial drivers each had it).
using Vireo.Abi;

namespace Vireo.User;

public static class Driver
{
    /// <summary>The granted handler of the driver's interrupt line (for Devices.IrqAck).</summary>
    public static CapHandle Irq => new CapHandle(BootstrapSlots.FirstGrant + 1, 0);

    /// <summary>Exit codes of a driver whose acknowledge or wait failed: the line would stay masked,
    /// or the driver would spin, so it stops and says why.</summary>
    public const int AckFailed = -5, WaitFailed = -6;

    /// <summary>Opens the ports [first, first + count) (and [first2, first2 + count2) when count2 is
    /// not 0) to this thread and binds the interrupt to a new notification (bit 1), `interrupts`.
    /// 0, or the exit code saying what failed: -1 no slot, -2 the retype, -3 the ports, -4 the
    /// interrupt (later failures: AckFailed, WaitFailed).</summary>
    public static int Start(out CapHandle interrupts, ushort first, uint count, ushort first2 = 0, uint count2 = 0)
    {
        var ports = new CapHandle(BootstrapSlots.FirstGrant, 0);
        var self = new CapHandle(BootstrapSlots.Thread, 0);
        Status made = CSpace.Make(ObjectType.Notification, 0, out interrupts);
        if (made != Status.Ok) return made == Status.NoSpace ? -1 : -2;
        if (Devices.IoPortsBind(ports, self, first, count) != Status.Ok ||
            (count2 != 0 && Devices.IoPortsBind(ports, self, first2, count2) != Status.Ok)) return -3;
        if (Devices.IrqHandlerBind(Irq, interrupts, 1) != Status.Ok) return -4;
        return 0;
    }
}
