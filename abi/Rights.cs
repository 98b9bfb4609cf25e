// Rights on a capability. They only shrink when a capability is copied or minted. Physical is kept
// out of All on purpose: it reveals physical addresses (what DMA needs), so it reaches a capability only
// where a holder names it (ADR 0011).
namespace Vireo.Abi;

[System.Flags]
public enum Rights : byte
{
    None = 0,
    Read = 1,
    Write = 2,
    Execute = 4,
    /// <summary>May pass capabilities through this object (IPC) or place them (CNode).</summary>
    Grant = 8,
    /// <summary>May map the frame into an address space / map into this address space.</summary>
    Map = 16,
    /// <summary>May configure or control the object (threads, CNodes, untyped retype).</summary>
    Control = 32,
    /// <summary>Frames, untyped and device memory: may learn the physical address (FramePhysical).
    /// Frames and untyped retyped from an untyped inherit it; only drivers get memory that has it
    /// (SpawnFlags.Dma). Not part of All, so a copy made with All drops it.</summary>
    Physical = 64,
    /// <summary>Every ordinary right: what the kernel gives the objects it makes.</summary>
    All = Read | Write | Execute | Grant | Map | Control,
    /// <summary>Every right there is: a rights argument above it is InvalidArgument, and the mask that
    /// keeps a capability's rights whole (capabilities passed in a message).</summary>
    Defined = All | Physical,
}
