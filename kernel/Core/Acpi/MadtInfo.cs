// What the kernel needs from the MADT, in fixed-capacity storage so parsing never allocates.
// Entries beyond a capacity are counted as dropped (Truncated) rather than failing: booting
// on the first 16 CPUs beats not booting. Invariant: each *Count <= its capacity, so the
// unchecked fixed-buffer indexing below stays in bounds.
namespace Vireo.Kernel.Acpi;

public unsafe struct MadtInfo
{
    public const int MaxCpus = 16;
    public const int MaxIoApics = 4;
    public const int MaxOverrides = 16;
    public const int MaxLocalApicNmis = 16;

    /// <summary>MADT flags bit 0: the machine also has dual 8259 PICs that must be masked.</summary>
    public const uint FlagPcAtCompat = 1;

    /// <summary>Local APIC base: the 32-bit header field unless a type-5 override replaced it.</summary>
    public ulong LocalApicAddress;
    public bool LocalApicAddressOverridden;
    public uint Flags;

    /// <summary>True when some entries did not fit the fixed capacities and were dropped.</summary>
    public bool Truncated;

    public int CpuCount { get; private set; }
    public int IoApicCount { get; private set; }
    public int OverrideCount { get; private set; }
    public int LocalApicNmiCount { get; private set; }

    private fixed byte _cpuUid[MaxCpus];
    private fixed byte _cpuApicId[MaxCpus];
    private fixed uint _cpuFlags[MaxCpus];

    private fixed byte _ioApicId[MaxIoApics];
    private fixed uint _ioApicAddress[MaxIoApics];
    private fixed uint _ioApicGsiBase[MaxIoApics];

    private fixed byte _overrideBus[MaxOverrides];
    private fixed byte _overrideSource[MaxOverrides];
    private fixed uint _overrideGsi[MaxOverrides];
    private fixed ushort _overrideFlags[MaxOverrides];

    private fixed byte _nmiUid[MaxLocalApicNmis];
    private fixed ushort _nmiFlags[MaxLocalApicNmis];
    private fixed byte _nmiLint[MaxLocalApicNmis];

    public bool HasLegacyPics => (Flags & FlagPcAtCompat) != 0;

    /// <summary>Entry <paramref name="index"/>, or default when index >= CpuCount.</summary>
    public MadtProcessor GetCpu(int index) =>
        (uint)index < (uint)CpuCount ? new MadtProcessor(_cpuUid[index], _cpuApicId[index], _cpuFlags[index]) : default;

    public MadtIoApic GetIoApic(int index) =>
        (uint)index < (uint)IoApicCount ? new MadtIoApic(_ioApicId[index], _ioApicAddress[index], _ioApicGsiBase[index]) : default;

    public MadtInterruptOverride GetOverride(int index) =>
        (uint)index < (uint)OverrideCount
            ? new MadtInterruptOverride(_overrideBus[index], _overrideSource[index], _overrideGsi[index], _overrideFlags[index])
            : default;

    public MadtLocalApicNmi GetLocalApicNmi(int index) =>
        (uint)index < (uint)LocalApicNmiCount ? new MadtLocalApicNmi(_nmiUid[index], _nmiFlags[index], _nmiLint[index]) : default;

    /// <summary>Number of processors with the Enabled flag set.</summary>
    public int EnabledCpuCount
    {
        get
        {
            int n = 0;
            for (int i = 0; i < CpuCount; i++)
                if ((_cpuFlags[i] & MadtProcessor.FlagEnabled) != 0)
                    n++;
            return n;
        }
    }

    /// <summary>
    /// Maps an ISA IRQ to its GSI and electrical mode. Without an override for bus 0 the
    /// mapping is identity, active-high, edge; "bus default" flag fields mean the same.
    /// Returns true when an override applied. The first override for an IRQ wins.
    /// </summary>
    public bool IsaIrqToGsi(byte irq, out uint gsi, out bool activeLow, out bool levelTriggered)
    {
        for (int i = 0; i < OverrideCount; i++)
        {
            if (_overrideBus[i] != 0 || _overrideSource[i] != irq)
                continue;
            ushort flags = _overrideFlags[i];
            gsi = _overrideGsi[i];
            activeLow = (flags & MadtInterruptOverride.PolarityMask) == MadtInterruptOverride.PolarityActiveLow;
            levelTriggered = (flags & MadtInterruptOverride.TriggerMask) == MadtInterruptOverride.TriggerLevel;
            return true;
        }
        gsi = irq;
        activeLow = false;
        levelTriggered = false;
        return false;
    }

    /// <summary>
    /// The IOAPIC with the highest GSI base not above <paramref name="gsi"/>. The MADT does not
    /// say how many inputs an IOAPIC has, so the caller must still check gsi - GsiBase against
    /// the redirection-entry count read from that IOAPIC's version register.
    /// </summary>
    public bool TryFindIoApicForGsi(uint gsi, out int index)
    {
        index = -1;
        for (int i = 0; i < IoApicCount; i++)
        {
            uint baseGsi = _ioApicGsiBase[i];
            if (baseGsi <= gsi && (index < 0 || baseGsi > _ioApicGsiBase[index]))
                index = i;
        }
        return index >= 0;
    }

    internal void AddCpu(byte uid, byte apicId, uint flags)
    {
        if (CpuCount >= MaxCpus)
        {
            Truncated = true;
            return;
        }
        _cpuUid[CpuCount] = uid;
        _cpuApicId[CpuCount] = apicId;
        _cpuFlags[CpuCount] = flags;
        CpuCount++;
    }

    internal void AddIoApic(byte id, uint address, uint gsiBase)
    {
        if (IoApicCount >= MaxIoApics)
        {
            Truncated = true;
            return;
        }
        _ioApicId[IoApicCount] = id;
        _ioApicAddress[IoApicCount] = address;
        _ioApicGsiBase[IoApicCount] = gsiBase;
        IoApicCount++;
    }

    internal void AddOverride(byte bus, byte source, uint gsi, ushort flags)
    {
        if (OverrideCount >= MaxOverrides)
        {
            Truncated = true;
            return;
        }
        _overrideBus[OverrideCount] = bus;
        _overrideSource[OverrideCount] = source;
        _overrideGsi[OverrideCount] = gsi;
        _overrideFlags[OverrideCount] = flags;
        OverrideCount++;
    }

    internal void AddLocalApicNmi(byte uid, ushort flags, byte lint)
    {
        if (LocalApicNmiCount >= MaxLocalApicNmis)
        {
            Truncated = true;
            return;
        }
        _nmiUid[LocalApicNmiCount] = uid;
        _nmiFlags[LocalApicNmiCount] = flags;
        _nmiLint[LocalApicNmiCount] = lint;
        LocalApicNmiCount++;
    }
}
