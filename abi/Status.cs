// The ABI shared by the kernel and user space: one small closed set of statuses, Ok = 0.
// Every syscall returns one in rax; docs/design/syscalls.md lists which each call can return.
namespace Vireo.Abi;

public enum Status : long
{
    Ok = 0,
    /// <summary>The slot is empty, out of range, or its generation does not match (stale or forged).</summary>
    InvalidCapability = 1,
    /// <summary>The capability names an object of another type than the operation needs.</summary>
    WrongType = 2,
    /// <summary>The capability lacks a right the operation needs.</summary>
    InsufficientRights = 3,
    /// <summary>An argument is outside the values the call accepts.</summary>
    InvalidArgument = 4,
    /// <summary>An address or size is not aligned as required.</summary>
    NotAligned = 5,
    /// <summary>An address, size or index is outside the permitted range.</summary>
    OutOfRange = 6,
    /// <summary>The destination already holds something (mapping or capability).</summary>
    Occupied = 7,
    /// <summary>Nothing is mapped or present where the call expects it.</summary>
    NotMapped = 8,
    /// <summary>The untyped memory has no room for the requested objects.</summary>
    OutOfMemory = 9,
    /// <summary>A user pointer is not mapped in the caller with the needed rights.</summary>
    BadAddress = 10,
    /// <summary>The object is not in a state that allows the call (e.g. starting a running thread).</summary>
    BadState = 11,
    /// <summary>The operation would block and the caller asked not to.</summary>
    WouldBlock = 12,
    /// <summary>The peer of an operation died or the object was deleted while waiting.</summary>
    PeerDied = 13,
    /// <summary>The object cannot be copied this way (e.g. an untyped with children).</summary>
    NotCopyable = 14,
    /// <summary>Unknown syscall number.</summary>
    UnknownSyscall = 15,

    // Statuses of the scheme protocol (user space: daemons answer with them; no syscall returns them).
    /// <summary>No such file, directory, scheme entry or process.</summary>
    NotFound = 16,
    /// <summary>The name is taken (a file, a directory, a registered scheme).</summary>
    Exists = 17,
    /// <summary>A path component or the target is not a directory.</summary>
    NotDirectory = 18,
    /// <summary>The operation needs a file and the target is a directory.</summary>
    IsDirectory = 19,
    /// <summary>The directory still has entries.</summary>
    NotEmpty = 20,
    /// <summary>A path or name is longer than the protocol carries (SchemeLimits).</summary>
    NameTooLong = 21,
    /// <summary>No daemon is registered under the path's scheme name.</summary>
    UnknownScheme = 22,
    /// <summary>The descriptor is not open (closed, never opened, or its daemon is gone).</summary>
    BadDescriptor = 23,
    /// <summary>A daemon answered with something the protocol does not allow.</summary>
    BadReply = 24,
    /// <summary>The scheme does not implement the operation.</summary>
    NotSupported = 25,
    /// <summary>A write to a pipe or channel whose other end is closed.</summary>
    BrokenPipe = 26,
    /// <summary>No room left (a full RAM filesystem, a full table).</summary>
    NoSpace = 27,
    /// <summary>The file's data moves through memory shared with the daemon, not through requests:
    /// attach it (SchemeOp.Attach) and use that. The scheme library acts on it; callers never see it.</summary>
    SharedRing = 28,
    /// <summary>Too many symbolic links met while resolving a path (a loop), or one met where none
    /// may be followed (OpenFlags.NoFollow): Linux's ELOOP.</summary>
    SymlinkLoop = 29,
    /// <summary>The device failed a read, a write or a flush (virtio-blk's VIRTIO_BLK_S_IOERR): the
    /// data is not known to be there. Linux's EIO; not Corrupt (BadState), which is for what was read
    /// and does not make sense.</summary>
    IoError = 30,
}
