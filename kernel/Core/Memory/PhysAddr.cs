// A physical address as a type of its own, so that it cannot be mixed up with a virtual address, a
// size or an index without a visible conversion (Hubris's TaskId, MOSA's Pointer). A readonly struct
// around one ulong: ilc passes it in a register and compiles its operators to the plain arithmetic,
// so typing an address costs nothing, provided each member is inlined (AggressiveInlining: a call
// would spill the struct). Conversions to and from ulong are explicit; they mark where a value
// crosses into code that holds numbers by nature: a page-table entry's bits, a frame number, a
// register, the ABI's words, a capability's object word (an address only for memory objects). A
// capability slot's address has a type of its own, SlotAddr (Caps/SlotAddr.cs).
using System;
using System.Runtime.CompilerServices;

namespace Vireo.Kernel.Memory;

public readonly struct PhysAddr : IEquatable<PhysAddr>
{
    public readonly ulong Value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public PhysAddr(ulong value) => Value = value;

    /// <summary>The null address: no object lives at physical 0 (the first page is never handed out).</summary>
    public static PhysAddr Null => default;

    public bool IsNull
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Value == 0;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static explicit operator PhysAddr(ulong value) => new(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static explicit operator ulong(PhysAddr address) => address.Value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static PhysAddr operator +(PhysAddr address, ulong offset) => new(address.Value + offset);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static PhysAddr operator -(PhysAddr address, ulong offset) => new(address.Value - offset);

    /// <summary>The distance in bytes from b up to a.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong operator -(PhysAddr a, PhysAddr b) => a.Value - b.Value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool operator ==(PhysAddr a, PhysAddr b) => a.Value == b.Value;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool operator !=(PhysAddr a, PhysAddr b) => a.Value != b.Value;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool operator <(PhysAddr a, PhysAddr b) => a.Value < b.Value;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool operator >(PhysAddr a, PhysAddr b) => a.Value > b.Value;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool operator <=(PhysAddr a, PhysAddr b) => a.Value <= b.Value;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool operator >=(PhysAddr a, PhysAddr b) => a.Value >= b.Value;

    /// <summary>Rounded down to a multiple of `alignment`, a power of two.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public PhysAddr AlignDown(ulong alignment) => new(Value & ~(alignment - 1));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool IsAligned(ulong alignment) => (Value & (alignment - 1)) == 0;

    public bool Equals(PhysAddr other) => Value == other.Value;
    public override bool Equals(object obj) => obj is PhysAddr other && Value == other.Value;
    public override int GetHashCode() => Value.GetHashCode();
}
