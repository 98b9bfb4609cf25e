// Assembles synthetic ACPI structures as byte arrays with correct lengths and checksums,
// following the ACPI 6.x layouts, so tests can place them in FakePhysicalMemory and then
// corrupt single bytes to exercise rejection paths.
using System;
using System.Collections.Generic;
using System.Text;

namespace Vireo.Tests.Acpi;

internal static class AcpiTableBuilder
{
    public const string DefaultOem = "VIREO ";

    public static byte[] Rsdp(byte revision, uint rsdt, ulong xsdt = 0, string oem = DefaultOem)
    {
        var b = new byte[revision >= 2 ? 36 : 20];
        Encoding.ASCII.GetBytes("RSD PTR ").CopyTo(b, 0);
        Encoding.ASCII.GetBytes(oem).CopyTo(b, 9);
        b[15] = revision;
        BitConverter.GetBytes(rsdt).CopyTo(b, 16);
        b[8] = ChecksumByte(b, 0, 20, 8);
        if (revision >= 2)
        {
            BitConverter.GetBytes((uint)b.Length).CopyTo(b, 20);
            BitConverter.GetBytes(xsdt).CopyTo(b, 24);
            b[32] = ChecksumByte(b, 0, b.Length, 32);
        }
        return b;
    }

    /// <summary>Header + body with Length and checksum filled in.</summary>
    public static byte[] Table(string signature, byte revision, byte[] body, string oem = DefaultOem)
    {
        var b = new byte[36 + body.Length];
        Encoding.ASCII.GetBytes(signature).CopyTo(b, 0);
        BitConverter.GetBytes((uint)b.Length).CopyTo(b, 4);
        b[8] = revision;
        Encoding.ASCII.GetBytes(oem).CopyTo(b, 10);
        Encoding.ASCII.GetBytes("VIREOTST").CopyTo(b, 16);
        BitConverter.GetBytes(1u).CopyTo(b, 24);
        Encoding.ASCII.GetBytes("VTST").CopyTo(b, 28);
        BitConverter.GetBytes(1u).CopyTo(b, 32);
        body.CopyTo(b, 36);
        FixChecksum(b);
        return b;
    }

    /// <summary>Recomputes the header checksum (byte 9) after a test edits a table.</summary>
    public static void FixChecksum(byte[] table)
    {
        table[9] = 0;
        table[9] = ChecksumByte(table, 0, table.Length, 9);
    }

    public static byte[] Rsdt(params uint[] entries)
    {
        var body = new byte[entries.Length * 4];
        for (int i = 0; i < entries.Length; i++)
            BitConverter.GetBytes(entries[i]).CopyTo(body, i * 4);
        return Table("RSDT", 1, body);
    }

    public static byte[] Xsdt(params ulong[] entries)
    {
        var body = new byte[entries.Length * 8];
        for (int i = 0; i < entries.Length; i++)
            BitConverter.GetBytes(entries[i]).CopyTo(body, i * 8);
        return Table("XSDT", 1, body);
    }

    public static byte[] Madt(uint localApicAddress, uint flags, params byte[][] entries)
    {
        var body = new List<byte>();
        body.AddRange(BitConverter.GetBytes(localApicAddress));
        body.AddRange(BitConverter.GetBytes(flags));
        foreach (var e in entries)
            body.AddRange(e);
        return Table("APIC", 4, body.ToArray());
    }

    public static byte[] LocalApic(byte uid, byte apicId, uint flags = 1)
    {
        var e = new byte[] { 0, 8, uid, apicId, 0, 0, 0, 0 };
        BitConverter.GetBytes(flags).CopyTo(e, 4);
        return e;
    }

    public static byte[] IoApic(byte id, uint address, uint gsiBase)
    {
        var e = new byte[12];
        e[0] = 1;
        e[1] = 12;
        e[2] = id;
        BitConverter.GetBytes(address).CopyTo(e, 4);
        BitConverter.GetBytes(gsiBase).CopyTo(e, 8);
        return e;
    }

    public static byte[] InterruptOverride(byte sourceIrq, uint gsi, ushort flags, byte bus = 0)
    {
        var e = new byte[10];
        e[0] = 2;
        e[1] = 10;
        e[2] = bus;
        e[3] = sourceIrq;
        BitConverter.GetBytes(gsi).CopyTo(e, 4);
        BitConverter.GetBytes(flags).CopyTo(e, 8);
        return e;
    }

    public static byte[] LocalApicNmi(byte uid, ushort flags, byte lint)
    {
        var e = new byte[6];
        e[0] = 4;
        e[1] = 6;
        e[2] = uid;
        BitConverter.GetBytes(flags).CopyTo(e, 3);
        e[5] = lint;
        return e;
    }

    public static byte[] LocalApicAddressOverride(ulong address)
    {
        var e = new byte[12];
        e[0] = 5;
        e[1] = 12;
        BitConverter.GetBytes(address).CopyTo(e, 4);
        return e;
    }

    public static byte[] Hpet(uint blockId, ulong baseAddress, byte number, ushort minimumTick)
    {
        var body = new byte[20];
        BitConverter.GetBytes(blockId).CopyTo(body, 0);
        WriteGas(body, 4, 0, 64, 0, 0, baseAddress);
        body[16] = number;
        BitConverter.GetBytes(minimumTick).CopyTo(body, 17);
        return Table("HPET", 1, body);
    }

    /// <summary>Mutable description of a FADT; Build() lays it out at ACPI 6 offsets.</summary>
    public sealed class FadtSpec
    {
        public int Length = 276;
        public byte Revision = 6;
        public uint Dsdt;
        public ulong XDsdt;
        public ushort SciInterrupt = 9;
        public uint SmiCommand = 0xB2;
        public byte AcpiEnable = 0xF1;
        public byte AcpiDisable = 0xF0;
        public uint Pm1aEvent = 0x600;
        public uint Pm1bEvent;
        public uint Pm1aControl = 0x604;
        public uint Pm1bControl;
        public uint PmTimer = 0x608;
        public byte Pm1EventLength = 4;
        public byte Pm1ControlLength = 2;
        public byte PmTimerLength = 4;
        public byte Century = 0x32;
        public ushort BootArch = 0x0002;
        public uint Flags;
        public byte ResetSpace = 1;
        public ulong ResetAddress = 0xCF9;
        public byte ResetValue = 0x06;
        public ulong XPm1aControl;
        public byte XPm1aControlSpace = 1;

        public byte[] Build()
        {
            var b = new byte[276];
            BitConverter.GetBytes(Dsdt).CopyTo(b, 40);
            BitConverter.GetBytes(SciInterrupt).CopyTo(b, 46);
            BitConverter.GetBytes(SmiCommand).CopyTo(b, 48);
            b[52] = AcpiEnable;
            b[53] = AcpiDisable;
            BitConverter.GetBytes(Pm1aEvent).CopyTo(b, 56);
            BitConverter.GetBytes(Pm1bEvent).CopyTo(b, 60);
            BitConverter.GetBytes(Pm1aControl).CopyTo(b, 64);
            BitConverter.GetBytes(Pm1bControl).CopyTo(b, 68);
            BitConverter.GetBytes(PmTimer).CopyTo(b, 76);
            b[88] = Pm1EventLength;
            b[89] = Pm1ControlLength;
            b[91] = PmTimerLength;
            b[108] = Century;
            BitConverter.GetBytes(BootArch).CopyTo(b, 109);
            BitConverter.GetBytes(Flags).CopyTo(b, 112);
            WriteGas(b, 116, ResetSpace, 8, 0, 1, ResetAddress);
            b[128] = ResetValue;
            b[131] = 4;
            BitConverter.GetBytes(XDsdt).CopyTo(b, 140);
            if (XPm1aControl != 0)
                WriteGas(b, 172, XPm1aControlSpace, 16, 0, 2, XPm1aControl);
            var table = Table("FACP", Revision, b.AsSpan(36, Length - 36).ToArray());
            return table;
        }
    }

    private static void WriteGas(byte[] b, int offset, byte space, byte width, byte bitOffset, byte access, ulong address)
    {
        b[offset] = space;
        b[offset + 1] = width;
        b[offset + 2] = bitOffset;
        b[offset + 3] = access;
        BitConverter.GetBytes(address).CopyTo(b, offset + 4);
    }

    private static byte ChecksumByte(byte[] b, int start, int length, int checksumIndex)
    {
        int sum = 0;
        for (int i = start; i < start + length; i++)
            if (i != checksumIndex)
                sum += b[i];
        return (byte)(256 - (sum & 0xFF));
    }
}
