// The local APIC (xAPIC, memory-mapped): interrupt acknowledgement, the per-CPU timer and
// self-IPIs. The timer is calibrated against the PIT; it runs periodic for the scheduler tick
// and one-shot for deadlines.
namespace Vireo.Kernel.Arch.X64;

public static unsafe class LocalApic
{
    private const int Id = 0x20, Version = 0x30, TaskPriority = 0x80, Eoi = 0xB0, SpuriousReg = 0xF0,
        IcrLow = 0x300, IcrHigh = 0x310, LvtTimer = 0x320, LvtLint0 = 0x350, LvtLint1 = 0x360, LvtError = 0x370,
        Irr32 = 0x210, Irr64 = 0x220, TimerInitial = 0x380, TimerCurrent = 0x390, TimerDivide = 0x3E0;
    private const uint Masked = 1 << 16, Periodic = 1 << 17;
    private const uint ApicBaseMsr = 0x1B;

    private static byte* s_base;
    private static ulong s_ticksPerSecond;

    public static ulong TimerHz => s_ticksPerSecond;
    public static bool Ready => s_base != null;

    public static void Init(byte* mmio)
    {
        s_base = mmio;
        InitThisCpu();
    }

    /// <summary>Enables the calling CPU's own APIC (each CPU sees its own at the same address).</summary>
    public static void InitThisCpu()
    {
        Cpu.WriteMsr(ApicBaseMsr, Cpu.ReadMsr(ApicBaseMsr) | (1UL << 11));
        Write(TaskPriority, 0);
        Write(LvtLint0, Masked);
        Write(LvtLint1, Masked);
        Write(LvtError, Masked);
        Write(SpuriousReg, 0x100 | Interrupts.SpuriousVector);
        Write(TimerDivide, 0x3); // divide by 16
        Write(LvtTimer, Masked);
    }

    public static uint ApicId => Read(Id) >> 24;
    public static uint VersionRegister => Read(Version);

    /// <summary>True when an interrupt with a vector in 0x20-0x5F (the timer, the self-test vector and
    /// every device line) is waiting in the interrupt request register: it will be taken as soon as
    /// interrupts are enabled. Read by the kernel's preemption points with interrupts off.</summary>
    public static bool InterruptPending() => s_base != null && (Read(Irr32) | Read(Irr64)) != 0;

    public static void EndOfInterrupt()
    {
        if (s_base != null) Write(Eoi, 0);
    }

    /// <summary>Counts timer ticks over 10 ms of PIT time.</summary>
    public static void CalibrateTimer()
    {
        const ushort pitTicks = (ushort)(Pit.Frequency / 100);
        Write(LvtTimer, Masked);
        Pit.StartOneShot(pitTicks);
        Write(TimerInitial, 0xFFFFFFFF);
        while (!Pit.Expired) Cpu.Pause();
        uint elapsed = 0xFFFFFFFF - Read(TimerCurrent);
        Write(TimerInitial, 0);
        s_ticksPerSecond = (ulong)elapsed * Pit.Frequency / pitTicks;
    }

    public static void StartPeriodic(uint hz)
    {
        Write(LvtTimer, Interrupts.TimerVector | Periodic);
        Write(TimerInitial, (uint)(s_ticksPerSecond / hz));
    }

    public static void StartOneShot(uint ticks)
    {
        Write(LvtTimer, Interrupts.TimerVector);
        Write(TimerInitial, ticks == 0 ? 1 : ticks);
    }

    public static void StopTimer()
    {
        Write(LvtTimer, Masked);
        Write(TimerInitial, 0);
    }

    /// <summary>Sends an interrupt to this CPU (ICR destination shorthand "self").</summary>
    public static void SelfInterrupt(byte vector)
    {
        Write(IcrHigh, 0);
        Write(IcrLow, (1u << 18) | vector);
    }

    /// <summary>Sends INIT (assert) to the CPU with <paramref name="apicId"/>: it resets and waits for a startup IPI.</summary>
    public static void SendInit(uint apicId) => SendIpi(apicId, 0x4500);

    /// <summary>Sends a startup IPI: the CPU starts in real mode at physical <paramref name="page"/> * 4 KiB.</summary>
    public static void SendStartup(uint apicId, byte page) => SendIpi(apicId, 0x4600u | page);

    /// <summary>Sends a fixed interrupt with <paramref name="vector"/> to the CPU with <paramref name="apicId"/>.</summary>
    public static void SendFixed(uint apicId, byte vector) => SendIpi(apicId, (1u << 14) | vector);

    // Writes the ICR (the high half first: the write of the low half sends) and waits until the
    // APIC has accepted it (delivery status, bit 12, clear).
    private static void SendIpi(uint apicId, uint low)
    {
        Write(IcrHigh, apicId << 24);
        Write(IcrLow, low);
        while ((Read(IcrLow) & (1u << 12)) != 0) Cpu.Pause();
    }

    private static uint Read(int reg) => Mmio.Read32(s_base + reg);
    private static void Write(int reg, uint value) => Mmio.Write32(s_base + reg, value);
}
