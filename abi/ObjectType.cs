// Kernel object types a capability can name, and their sizes when retyped from untyped memory.
namespace Vireo.Abi;

public enum ObjectType : byte
{
    Null = 0,
    Untyped = 1,
    CNode = 2,
    Thread = 3,
    AddressSpace = 4,
    Frame = 5,
    Endpoint = 6,
    Notification = 7,
    Reply = 8,
    IrqHandler = 9,
    IoPorts = 10,
    DeviceMemory = 11,
    /// <summary>The right to claim interrupt lines (held by the bootstrap).</summary>
    IrqControl = 12,
}

public static class ObjectSizes
{
    public const int PageBits = 12;
    /// <summary>The page (and smallest frame) size, and the mask of an offset within a page.</summary>
    public const ulong PageSize = 1UL << PageBits, PageOffsetMask = PageSize - 1;
    /// <summary>log2 bytes of one capability slot.</summary>
    public const int SlotBits = 6;
    /// <summary>A thread control block: registers, FPU state, scheduling and IPC state.</summary>
    public const int ThreadBits = 11;
    /// <summary>The smallest address space: its PML4 page alone (it keeps its bookkeeping in unused
    /// PML4 entries). Larger ones (up to MaxAddressSpaceBits) carry a pool of pages for their page tables.</summary>
    public const int AddressSpaceBits = 12;
    public const int MaxAddressSpaceBits = 22;
    /// <summary>The smallest frame; frames are any power of two from here to MaxFrameBits (1 GiB),
    /// and map as one block at an address aligned to their size.</summary>
    public const int FrameBits = 12;
    public const int MaxFrameBits = 30;
    public const int EndpointBits = 6;
    public const int NotificationBits = 6;
    /// <summary>A Reply object: holds one caller waiting for its answer (ReplySave), so a server can
    /// keep many calls open and answer them in any order.</summary>
    public const int ReplyBits = 6;
    public const int MinUntypedBits = 12;
    public const int MaxUntypedBits = 47;
    public const int MaxCNodeSlotBits = 16;
}
