// Rights on a capability. They only shrink when a capability is copied or minted.
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
    All = Read | Write | Execute | Grant | Map | Control,
}
