// What user space holds for a capability: a slot index in its CNode and the slot's generation.
// The kernel finds the slot in O(1) by index and refuses the handle if the generation differs:
// a handle to a deleted capability is stale, never a new capability that reused the slot.
namespace Vireo.Abi;

public readonly struct CapHandle
{
    public const int IndexBits = 16;
    public const ulong IndexMask = (1UL << IndexBits) - 1;
    public const ulong GenerationMask = 0xFFFF;

    public readonly ulong Value;

    public CapHandle(ulong value) => Value = value;
    public CapHandle(uint index, ushort generation) => Value = ((ulong)generation << IndexBits) | index;

    public uint Index => (uint)(Value & IndexMask);
    public ushort Generation => (ushort)((Value >> IndexBits) & GenerationMask);
    /// <summary>Bits above the generation must be zero; anything else is forged.</summary>
    public bool IsWellFormed => (Value >> (IndexBits + 16)) == 0;
    public static CapHandle Null => default;
}
