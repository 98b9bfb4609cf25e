// One capability slot: 64 bytes in a CNode, in physical memory. It names an object, carries the rights and
// per-type data, and links the capability into the derivation tree that Revoke and object lifetime use.
//
// Layout (offsets in bytes; asserted by a host test):
//   0 Type  1 Rights  2 Flags  3 SizeBits  4 Generation(u16)  6 reserved(u16)
//   8 Object  16 Badge  24 Extra  32 PrevOrParent  40 Next  48 FirstChild  56 Spare
//
// The derivation tree is a first-child / next-sibling tree whose links are physical addresses of slots
// (SlotAddr; Null = none, so no CNode may live at physical address 0). PrevOrParent is a SlotLink: the
// previous sibling, or for the first child of a node the parent's slot address with bit 0 set (slots are
// 64-byte aligned, so bit 0 is free); its type keeps the tag from being read as an address. Only the
// first child knows its parent: re-parenting a whole child list is then one store, which is what makes
// Delete's promotion and Move cheap. A root (boot object) has SlotLink.None there.
//
// Invariant: all capabilities to one object form one subtree whose root carries Flags.Original; that
// root is a child of the untyped capability the object was retyped from, or a tree root for objects the
// kernel made at boot. Untyped capabilities are always Original and their children are the Original
// capabilities of the objects carved from them.
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Vireo.Abi;
using Vireo.Kernel.Memory;

namespace Vireo.Kernel.Caps;

[System.Flags]
public enum CapFlags : byte
{
    None = 0,
    /// <summary>Root of its object's capability subtree: made by retype or at boot, or promoted to it.</summary>
    Original = 1,
    /// <summary>
    /// Original only: the object was placed after alignment padding in its untyped, and the 8 bytes just
    /// below the object (inside the padding, which no object owns) hold the watermark before padding, so
    /// that releasing the object in LIFO order gives the padding back too.
    /// </summary>
    Padded = 2,
    /// <summary>A frame of device memory (retyped from a DeviceMemory capability): never zeroed by the
    /// kernel, and mapped uncached.</summary>
    Device = 4,
    /// <summary>The last capability of a CNode whose restartable deletion has begun emptying it
    /// (CapDeletion.EmptyLastCNode): the CNode is refused as a destination, so nothing can be put back
    /// into what was emptied before a restart. Not copied, moved or handed on to an heir.</summary>
    Emptying = 8,
    /// <summary>Only on an empty slot that is an entry of CapDeletion's list of dying CNodes: a drain is
    /// scanning this entry's CNode, so what the scan frees goes behind it.</summary>
    Scanning = 16,
}

[StructLayout(LayoutKind.Sequential)]
public struct CapSlot
{
    public const int Size = 64;

    public ObjectType Type;
    public Rights Rights;
    public CapFlags Flags;
    /// <summary>Untyped: log2 bytes. CNode: log2 slots. Other types: log2 bytes of the object.</summary>
    public byte SizeBits;
    /// <summary>Incremented every time the slot is emptied; a handle must quote it.</summary>
    public ushort Generation;
    private ushort _reserved;
    /// <summary>The object: the physical base of a memory object (untyped, device memory, CNode, frame,
    /// thread, address space, endpoint, notification, reply; read it as ObjectPhys), the first port of
    /// an IoPorts capability, the line of an IrqHandler. A number, because not every object is memory.</summary>
    public ulong Object;
    /// <summary>Endpoint/Notification: the badge delivered with messages. Untyped: the watermark.</summary>
    public ulong Badge;
    /// <summary>Untyped: number of live objects carved from it. Frame: the mapping record, owned by the
    /// kernel's mapping code (0 = unmapped; copies start unmapped). Other types: 0.</summary>
    public ulong Extra;
    /// <summary>The previous sibling, or the parent for a first child (see the header).</summary>
    public SlotLink PrevOrParent;
    public SlotAddr Next;
    public SlotAddr FirstChild;
    /// <summary>Not used by the capability core.</summary>
    public ulong Spare;

    /// <summary>Object, typed, for the memory objects (every type but IoPorts, IrqControl and IrqHandler).</summary>
    public PhysAddr ObjectPhys
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        readonly get => new(Object);
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        set => Object = value.Value;
    }

    public bool IsEmpty => Type == ObjectType.Null;
    public bool IsOriginal => (Flags & CapFlags.Original) != 0;

    /// <summary>Untyped only: bytes used from the start of the region.</summary>
    public ulong Watermark { get => Badge; set => Badge = value; }

    /// <summary>Untyped only: live objects carved from the region.</summary>
    public ulong ChildCount { get => Extra; set => Extra = value; }
}
