// A span of physical addresses [Base, Base + Length), used to describe memory that must never be handed
// out (kernel image, boot modules, boot info).
namespace Vireo.Kernel.Memory;

public readonly struct PhysRange
{
    public readonly ulong Base;
    public readonly ulong Length;

    public PhysRange(ulong @base, ulong length)
    {
        Base = @base;
        Length = length;
    }

    /// <summary>Exclusive end, saturated at ulong.MaxValue.</summary>
    public ulong End => Length > ulong.MaxValue - Base ? ulong.MaxValue : Base + Length;
}
