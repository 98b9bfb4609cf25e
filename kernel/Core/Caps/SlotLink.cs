// A capability slot's back link in the derivation tree (CapSlot.PrevOrParent): either the previous
// sibling's slot, or, for a first child, its parent's slot with bit 0 set (slots are 64-byte aligned, so
// bit 0 of a slot's address is free); None (0) for a tree root or an unlinked slot. The tag is why this
// is not a SlotAddr: a tagged word read as an address would name the byte after a slot, so the type
// makes the tag impossible to forget. One ulong, every member inlined (as SlotAddr): the encoding in
// memory and the instructions are those of the untyped word it replaces.
using System;
using System.Runtime.CompilerServices;

namespace Vireo.Kernel.Caps;

public readonly struct SlotLink : IEquatable<SlotLink>
{
    private const ulong ParentBit = 1;

    /// <summary>The encoded word, as stored in CapSlot (layout tests, diagnostics).</summary>
    public readonly ulong Value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private SlotLink(ulong value) => Value = value;

    /// <summary>No link: a tree root, or a slot outside the tree.</summary>
    public static SlotLink None => default;

    /// <summary>The link of a first child to its parent.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static SlotLink ToParent(SlotAddr parent) => new(parent.Value | ParentBit);

    /// <summary>The link of a later child to the sibling before it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static SlotLink ToPrevious(SlotAddr previous) => new(previous.Value);

    public bool IsNone
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Value == 0;
    }

    /// <summary>The link names the parent (the slot is a first child); otherwise the previous sibling, or none.</summary>
    public bool IsParent
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => (Value & ParentBit) != 0;
    }

    /// <summary>The slot linked to, parent or previous sibling (Null for None).</summary>
    public SlotAddr Slot
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => new(Value & ~ParentBit);
    }

    /// <summary>The previous sibling, for a link known not to be IsParent (the tag is clear, so unlike
    /// Slot it needs no mask: the sibling walks of CapTree run it once per sibling).</summary>
    public SlotAddr Previous
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => new(Value);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool operator ==(SlotLink a, SlotLink b) => a.Value == b.Value;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool operator !=(SlotLink a, SlotLink b) => a.Value != b.Value;

    public bool Equals(SlotLink other) => Value == other.Value;
    public override bool Equals(object obj) => obj is SlotLink other && Value == other.Value;
    public override int GetHashCode() => Value.GetHashCode();
}
