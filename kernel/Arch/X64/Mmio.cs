// Device register access. A volatile field makes the compiler emit every load and store in
// order (C# has no volatile pointer type), which memory-mapped registers require.
namespace Vireo.Kernel.Arch.X64;

public static unsafe class Mmio
{
    private struct Register32 { public volatile uint Value; }

    public static uint Read32(byte* address) => ((Register32*)address)->Value;
    public static void Write32(byte* address, uint value) => ((Register32*)address)->Value = value;
}
