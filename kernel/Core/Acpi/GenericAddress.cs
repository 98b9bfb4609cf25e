// ACPI Generic Address Structure (12 bytes): where a register lives (memory, I/O port, ...)
// and how wide it is. Kept as a plain value; interpreting the address space is the caller's job.
namespace Vireo.Kernel.Acpi;

public readonly struct GenericAddress
{
    public const uint Size = 12;

    public const byte SystemMemory = 0;
    public const byte SystemIo = 1;
    public const byte PciConfig = 2;

    public readonly byte AddressSpace;
    public readonly byte BitWidth;
    public readonly byte BitOffset;
    /// <summary>0 undefined, 1 byte, 2 word, 3 dword, 4 qword.</summary>
    public readonly byte AccessSize;
    public readonly ulong Address;

    public GenericAddress(byte addressSpace, byte bitWidth, byte bitOffset, byte accessSize, ulong address)
    {
        AddressSpace = addressSpace;
        BitWidth = bitWidth;
        BitOffset = bitOffset;
        AccessSize = accessSize;
        Address = address;
    }

    /// <summary>An all-zero GAS (address 0) means "register not provided".</summary>
    public bool IsPresent => Address != 0;
}
