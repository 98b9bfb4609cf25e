// The CMOS real-time clock, read once at boot for the wall clock. The kernel reads it rather than the
// bootstrap because it already owns the ports (the bootstrap would have to bind 0x70-0x71 to its
// thread for good, one of a thread's two port ranges) and because the reading must be paired with
// the monotonic clock (Tsc) at the same moment, which the kernel keeps. The decoding is portable
// (common/Time/CivilTime.cs, host-tested); only the port protocol is here.
using Vireo.Time;

namespace Vireo.Kernel.Arch.X64;

public static class Rtc
{
    // Bounds the waits, so a missing or stuck clock costs a few milliseconds, not a hang.
    private const int MaxSpins = 100_000;
    private const int MaxAttempts = 8;

    /// <summary>Reads the clock: waits for an update in progress to end, reads every register, and
    /// repeats until two readings agree (an update may have begun between the check and the reads).
    /// False when it never settles or holds no valid date.</summary>
    public static bool TryRead(out long unixSeconds)
    {
        bool ok = TryReadSettled(out unixSeconds);
        // Leave the index on a harmless register with NMIs unmasked again.
        Cpu.OutB(CmosRtc.IndexPort, CmosRtc.StatusD);
        return ok;
    }

    private static bool TryReadSettled(out long unixSeconds)
    {
        unixSeconds = 0;
        ulong previous = ulong.MaxValue;
        for (int attempt = 0; attempt < MaxAttempts; attempt++)
        {
            int spins = 0;
            while ((Read(CmosRtc.StatusA) & CmosRtc.UpdateInProgress) != 0)
                if (++spins == MaxSpins) return false;
            ulong now = (ulong)Read(CmosRtc.Seconds) | (ulong)Read(CmosRtc.Minutes) << 8 | (ulong)Read(CmosRtc.Hours) << 16 |
                        (ulong)Read(CmosRtc.Day) << 24 | (ulong)Read(CmosRtc.Month) << 32 | (ulong)Read(CmosRtc.Year) << 40;
            if (now == previous)
            {
                if (!CmosRtc.Decode((byte)now, (byte)(now >> 8), (byte)(now >> 16), (byte)(now >> 24), (byte)(now >> 32), (byte)(now >> 40),
                        Read(CmosRtc.StatusB), out CivilDateTime t))
                    return false;
                unixSeconds = CivilTime.ToUnixSeconds(t);
                return true;
            }
            previous = now;
        }
        return false;
    }

    private static byte Read(byte register)
    {
        Cpu.OutB(CmosRtc.IndexPort, (byte)(CmosRtc.NmiDisable | register));
        return Cpu.InB(CmosRtc.DataPort);
    }
}
