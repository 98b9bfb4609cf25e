// PCI configuration mechanism #1's ports: the address register at 0xCF8 and the data window at
// 0xCFC-0xCFF. The process manager opens exactly this range to the PCI daemon, which uses it; one
// definition so the two cannot disagree.
namespace Vireo.Hardware;

public static class PciConfigPorts
{
    public const ushort First = 0xCF8, Address = 0xCF8, Data = 0xCFC;
    public const uint Count = 8;
}
