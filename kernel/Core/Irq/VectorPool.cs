// Which interrupt sources are claimed. ISA lines, IOAPIC GSIs and MSI vectors share one numbering
// (Nucleus.Devices: source i arrives on vector FirstVector + i), so one 64-bit set covers them all;
// claiming a given line and taking any free MSI vector are both a bit operation.
namespace Vireo.Kernel.Irq;

public struct VectorPool
{
    public const int Capacity = 64;

    private ulong _claimed;

    public readonly bool IsClaimed(int source) => (uint)source < Capacity && (_claimed & (1UL << source)) != 0;

    /// <summary>The lowest unclaimed source in [first, first + count), or -1 when all are claimed.</summary>
    public readonly int FirstFree(int first, int count)
    {
        if (first < 0 || count <= 0 || first + count > Capacity)
            return -1;
        ulong range = (count == Capacity ? ulong.MaxValue : (1UL << count) - 1) << first;
        ulong free = ~_claimed & range;
        return free == 0 ? -1 : System.Numerics.BitOperations.TrailingZeroCount(free);
    }

    /// <summary>Claims a source; false when it was claimed already (or is out of range).</summary>
    public bool TryClaim(int source)
    {
        if ((uint)source >= Capacity || IsClaimed(source))
            return false;
        _claimed |= 1UL << source;
        return true;
    }

    public void Release(int source)
    {
        if ((uint)source < Capacity)
            _claimed &= ~(1UL << source);
    }
}
