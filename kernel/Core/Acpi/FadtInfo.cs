// The FADT ("FACP"): fixed-hardware register blocks (PM1 event/control, PM timer), the DSDT
// address, the RTC century index and the reset register. The table grew across ACPI
// revisions; fields past the table's Length read as zero (see AcpiTable), so one parser
// serves the 116-byte ACPI 1.0 layout and the 276-byte ACPI 6 layout. Where a 64-bit "X_"
// field is present and non-zero it wins over its 32-bit twin, as in ACPICA.
using Vireo.Kernel.Memory;

namespace Vireo.Kernel.Acpi;

public struct FadtInfo
{
    /// <summary>Size of the ACPI 1.0 FADT; smaller tables are rejected.</summary>
    public const uint MinimumLength = 116;

    public const uint FlagWbinvd = 1u << 0;
    public const uint FlagPowerButton = 1u << 4;
    public const uint FlagTimerValueExtended = 1u << 8;
    public const uint FlagResetRegisterSupported = 1u << 10;
    public const uint FlagHardwareReduced = 1u << 20;

    /// <summary>IA-PC boot architecture flags (bit 1: an 8042 keyboard controller exists).</summary>
    public const ushort BootArch8042 = 1 << 1;
    public const ushort BootArchVgaNotPresent = 1 << 2;
    public const ushort BootArchCmosRtcNotPresent = 1 << 5;

    public byte Revision;
    public byte MinorVersion;

    public uint FirmwareControl;
    public ulong XFirmwareControl;
    public uint Dsdt;
    public ulong XDsdt;

    public ushort SciInterrupt;
    public uint SmiCommandPort;
    public byte AcpiEnableValue;
    public byte AcpiDisableValue;

    public uint Pm1aEventBlock;
    public uint Pm1bEventBlock;
    public uint Pm1aControlBlock;
    public uint Pm1bControlBlock;
    public uint PmTimerBlock;
    public byte Pm1EventLength;
    public byte Pm1ControlLength;
    public byte PmTimerLength;

    public GenericAddress XPm1aControlBlock;
    public GenericAddress XPm1bControlBlock;
    public GenericAddress XPmTimerBlock;

    /// <summary>CMOS RAM index of the century byte; 0 when the RTC has no century register.</summary>
    public byte Century;
    public ushort BootArchitectureFlags;
    public uint Flags;

    public GenericAddress ResetRegister;
    public byte ResetValue;

    /// <summary>The DSDT to use: X_DSDT when non-zero, else the 32-bit field.</summary>
    public ulong DsdtAddress => XDsdt != 0 ? XDsdt : Dsdt;

    public ulong FacsAddress => XFirmwareControl != 0 ? XFirmwareControl : FirmwareControl;

    public uint Pm1aControlPort => Port(XPm1aControlBlock, Pm1aControlBlock);
    public uint Pm1bControlPort => Port(XPm1bControlBlock, Pm1bControlBlock);
    public uint PmTimerPort => Port(XPmTimerBlock, PmTimerBlock);

    /// <summary>The reset register may be used: flagged supported and actually present.</summary>
    public bool ResetSupported => (Flags & FlagResetRegisterSupported) != 0 && ResetRegister.IsPresent;

    public bool HardwareReduced => (Flags & FlagHardwareReduced) != 0;

    /// <summary>PM timer counts 32 bits instead of 24.</summary>
    public bool PmTimer32Bit => (Flags & FlagTimerValueExtended) != 0;

    // The X_ block only replaces the legacy port when it really is an I/O-port address.
    private static uint Port(GenericAddress extended, uint legacy) =>
        extended.IsPresent && extended.AddressSpace == GenericAddress.SystemIo && extended.Address <= 0xFFFF
            ? (uint)extended.Address
            : legacy;

    public static AcpiStatus Parse(PhysMap map, ulong phys, out FadtInfo fadt)
    {
        AcpiStatus status = AcpiTable.Open(map, phys, AcpiSignature.Fadt, out AcpiTable table);
        if (status != AcpiStatus.Ok)
        {
            fadt = default;
            return status;
        }
        return Parse(table, out fadt);
    }

    public static AcpiStatus Parse(in AcpiTable table, out FadtInfo fadt)
    {
        fadt = default;
        if (table.Signature != AcpiSignature.Fadt)
            return AcpiStatus.BadSignature;
        if (table.Length < MinimumLength)
            return AcpiStatus.BadLength;

        fadt.Revision = table.Revision;
        fadt.FirmwareControl = table.U32(36);
        fadt.Dsdt = table.U32(40);
        fadt.SciInterrupt = table.U16(46);
        fadt.SmiCommandPort = table.U32(48);
        fadt.AcpiEnableValue = table.U8(52);
        fadt.AcpiDisableValue = table.U8(53);
        fadt.Pm1aEventBlock = table.U32(56);
        fadt.Pm1bEventBlock = table.U32(60);
        fadt.Pm1aControlBlock = table.U32(64);
        fadt.Pm1bControlBlock = table.U32(68);
        fadt.PmTimerBlock = table.U32(76);
        fadt.Pm1EventLength = table.U8(88);
        fadt.Pm1ControlLength = table.U8(89);
        fadt.PmTimerLength = table.U8(91);
        fadt.Century = table.U8(108);
        fadt.BootArchitectureFlags = table.U16(109);
        fadt.Flags = table.U32(112);

        // ACPI 2.0+ fields: zero when the table is too short to hold them.
        fadt.ResetRegister = table.Gas(116);
        fadt.ResetValue = table.U8(128);
        fadt.MinorVersion = table.U8(131);
        fadt.XFirmwareControl = table.U64(132);
        fadt.XDsdt = table.U64(140);
        fadt.XPm1aControlBlock = table.Gas(172);
        fadt.XPm1bControlBlock = table.Gas(184);
        fadt.XPmTimerBlock = table.Gas(208);
        return AcpiStatus.Ok;
    }
}
