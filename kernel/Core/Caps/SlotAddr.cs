// The physical address of a capability slot (a CapSlot entry of a CNode, or a slot the kernel keeps in one
// of its own objects, such as a thread's bound CNode), as a type of its own, so that it cannot be mixed
// up with an object word, an index, a size or a plain physical address without a visible conversion.
// The same zero-cost pattern as PhysAddr: a readonly struct around one ulong, every member inlined
// (AggressiveInlining: a call would spill the struct), conversions to and from ulong explicit. Null (0)
// means no slot: no CNode lives at physical 0 (CapSlot).
using System;
using System.Runtime.CompilerServices;
using Vireo.Kernel.Memory;

namespace Vireo.Kernel.Caps;

public readonly struct SlotAddr : IEquatable<SlotAddr>
{
    public readonly ulong Value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public SlotAddr(ulong value) => Value = value;

    /// <summary>No slot.</summary>
    public static SlotAddr Null => default;

    public bool IsNull
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Value == 0;
    }

    /// <summary>The slot itself, through the direct map.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public unsafe CapSlot* In(in PhysMap map) => map.As<CapSlot>(Value);

    /// <summary>The address of a slot reached through the direct map (a CapSlot* the caller holds). The
    /// map by reference, as map.ToPhys takes it: by value, a map read from a static was copied first.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe SlotAddr Of(in PhysMap map, CapSlot* slot) => new(map.ToPhys(slot));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static explicit operator SlotAddr(ulong value) => new(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static explicit operator ulong(SlotAddr address) => address.Value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool operator ==(SlotAddr a, SlotAddr b) => a.Value == b.Value;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool operator !=(SlotAddr a, SlotAddr b) => a.Value != b.Value;

    public bool Equals(SlotAddr other) => Value == other.Value;
    public override bool Equals(object obj) => obj is SlotAddr other && Value == other.Value;
    public override int GetHashCode() => Value.GetHashCode();
}
