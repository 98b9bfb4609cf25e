// The scheme protocol: file-based IPC in user space (docs/design/schemes.md). A path call goes to
// the daemon registered under the path's scheme name; a descriptor call goes to the daemon that
// opened the descriptor. Every request is an IPC Call on a capability:
//   - to the root scheme (a process's Namespace slot): Register, Lookup, List, AwaitName;
//   - to a scheme (from Lookup; badge = SchemeBadge.Client(pid)): the path operations;
//   - to a file (from Open/Dup; badge = SchemeBadge.File(id)): the descriptor operations.
// Layout, both ways: MessageInfo.Label = the SchemeOp (request) or the Status (reply); words w0..w2
// are arguments or results; w3 is the length of the data, which travels in the IPC buffer from
// word 4 on (at most SchemeLimits.MaxData bytes). Capabilities (file handles, frames) travel as
// message capabilities in either direction.
namespace Vireo.Abi;

public enum SchemeOp : ulong
{
    // Path operations (on a scheme capability); the path (without "name:") is the data.
    // A path longer than MaxData travels in a frame sent along (SchemeLimits.LongData).
    Open = 1,        // w0 = OpenFlags, w1 = mode word if OpenFlags.Create (FileModes.Given | mode) -> cap: the file; w0 = FileKind
    Unlink = 2,
    Mkdir = 3,       // w0 = mode word (FileModes.Given | mode; without Given 0755)
    Rmdir = 4,
    Rename = 5,      // data = old path, NUL, new path (same scheme)
    Stat = 6,        // w0 = PathFlags, w1 = FileStats.WordsOnly or 0 -> w0 = size, w1 = FileKind, data = FileStat unless
                     // WordsOnly was asked and honoured (docs/design/schemes.md, "File metadata")
    Chmod = 7,       // w0 = permission bits (07777), w1 = PathFlags
    Chown = 8,       // w0 = uid, w1 = gid (Owner.Unchanged: keep), w2 = PathFlags
    Utimens = 9,     // w0 = access seconds, w1 = modify seconds, w2 = UtimeWord (nanoseconds, Now/Omit, PathFlags)
    Link = 10,       // data = existing path, NUL, new path: a second name for the same file (not a directory)
    Symlink = 11,    // data = target (kept as given, not normalised), NUL, path of the new link
    Readlink = 12,   // w0 = offset in the target -> data = target bytes from there, w0 = the target's whole length
    Mknod = 13,      // w0 = mode (type | permissions), w1 = device number; NotSupported for what the scheme cannot hold
    Statfs = 14,     // -> data = FsStat

    // Descriptor operations (on a file capability).
    Read = 16,       // w0 = max bytes (<= MaxData) -> data; 0 bytes = end of file
    Write = 17,      // data -> w0 = bytes taken
    Seek = 18,       // w0 = offset (signed), w1 = SeekFrom -> w0 = new position
    Close = 19,      // the daemon forgets the file; its capability stops working
    Dup = 20,        // -> cap: a second descriptor for the same open file (own position for files)
    Fstat = 21,      // w0 = FileStats.WordsOnly or 0 -> w0 = size, w1 = FileKind, data = FileStat (as Stat)
    Fsync = 22,
    Ftruncate = 23,  // w0 = new size
    Fcntl = 24,      // w0 = FcntlCommand, w1 = argument -> w0 = result
    Getdents = 25,   // w0 = max bytes -> data: records (u8 kind, u8 length, name bytes); 0 bytes = end
    Fmap = 26,       // w0 = offset (page-aligned), w1 = pages (<= 3) -> caps: frames (file:: the pages themselves, kept
                     // alive while the file is open; holes inside the size get a page, past it OutOfRange);
                     // w2 = FmapFlags (Run: to run the file; Occupied while it is open for writing, docs/adr/0013)
    Funmap = 27,     // w0 = offset, w1 = pages
    Watch = 28,      // w0 = Readiness wanted, w1 = notification bits, cap = a notification (Write) -> w0 = Readiness now;
                     // one-shot: the daemon signals the bits once the file becomes ready, then forgets the watch;
                     // w0 = 0 cancels (no cap). Daemons without it answer NotSupported (Events.WaitAny)
    Attach = 29,     // -> caps: the shared page, the data and the room notifications; w0 = the end (PipeRing)
    Changed = 30,    // the file's shared page changed while a watch was pending (PipeRing.Watched): re-check
    Pread = 31,      // w0 = max bytes (<= MaxData), w1 = offset -> data; the position does not move
    Pwrite = 32,     // w0 = offset, data -> w0 = bytes taken; the position does not move (Append or not)
    Fchmod = 33,     // w0 = permission bits
    Fchown = 34,     // w0 = uid, w1 = gid (Owner.Unchanged: keep)
    Futimens = 35,   // as Utimens (no PathFlags)
    Fstatfs = 36,    // -> data = FsStat

    // Block devices (blk: files; docs/design/virtio-blk.md, "The fast path"): sectors move through a
    // buffer area of the driver's DMA memory that the client maps with Fmap, never through messages.
    // Each request is answered when the device has finished it; several may be in flight.
    BlockRead = 48,    // w0 = first sector, w1 = sectors, w2 = byte offset in the buffer area -> Ok when the data is there
    BlockWrite = 49,   // as BlockRead, from the buffer area to the disk (durable after BlockFlush)
    BlockFlush = 50,   // -> Ok when every write completed before it is durable
    BlockInfo = 51,    // -> w0 = sectors, w1 = sector size, w2 = bytes of the buffer area (Fmap offsets 0..);
                       // w0 = 1 asks instead for the most requests the driver has had in flight at once

    // PCI (pci:/BB:DD.F files; docs/design/pci.md, "Hand-over"): only the process the driver manager
    // started for the function (the one that opened the file) may ask; anyone else gets InsufficientRights.
    PciClaim = 52,     // -> cap: the interrupt handler (IrqHandlerBind/IrqAck work on it; none for PciInterrupt.None);
                       // w0 = PciInterrupt | BARs with capabilities << 8, w1 = the MSI message: address (32 bits)
                       // | data << 32 (MsiX: the driver writes it into its table's entry 0)
    PciBar = 53,       // w0 = BAR index -> cap: DeviceMemory (a memory BAR, whole pages) or IoPorts (exactly
                       // the I/O BAR; CapIdentify tells which); w0 = the BAR's address, w1 = its size
    PciConfigRead = 54, // w0 = offset, w1 = bytes (1..256, within the 4 KiB of the function) -> data

    // Mapped file data (docs/adr/0012-mapped-file-data.md; FileMapBytes.cs has the pages' layout). A
    // daemon without them answers NotSupported and the library reads through messages.
    FileMap = 40,      // w0 = 1 to have the transfer page too (as FileTransfer; needs Write) -> caps: the file's header
                       // page (read-only: size, sequence counter), the open file's position page (read-write; every
                       // Dup of the Open shares it) [, the transfer page]; the daemon keeps every page it hands out
                       // alive while this file is open. IsDirectory on a directory
    FilePages = 41,    // w0 = first page, w1 = pages (1..3) -> caps: one frame per page, read-only; w0 = bit i set when
                       // page first+i holds data (its own frame), clear for a hole or a page past the end (a zero
                       // frame: the reader must ask again, since a write may fill it). Needs Read and FileMap first
    FileTransfer = 42, // -> cap: a page of this file's own (read-write) that FileWrite takes bytes from. Needs Write
    FileWrite = 43,    // w0 = bytes (<= 4096) at the start of the transfer page -> w0 = bytes taken, at the position
                       // (as Write: Append, NoSpace, the position moves)
    FileRun = 44,      // w0 = first page of a window (a multiple of 16) -> cap: one 64 KiB frame holding the window's 16
                       // pages (read-only), w0 = bit i set when page i holds data (as FilePages); NotFound when the daemon
                       // does not hold that window as one frame (ask FilePages), NotSupported when it never does

    // Root scheme (on the Namespace capability).
    Register = 64,   // data = NAME, cap = the daemon's endpoint -> Exists if taken
    Lookup = 65,     // data = NAME -> cap: the scheme, badged with the caller's identity
    List = 66,       // w0 = index -> data = NAME, w0 = next index; NotFound past the end
    AwaitName = 67,  // data = NAME, w0 = pid of the process to register it (0: any), w1 = bound in ms (0: none; needed
                     // with w0 = 0) -> cap: as Lookup, once NAME is registered; PeerDied if that process ends first,
                     // NotFound if there is no such process, WouldBlock once the bound passed (docs/design/schemes.md)

    // Process manager ("proc:" operations on the Namespace capability).
    Spawn = 80,      // data = argv joined by NUL; caps = stdin, stdout, stderr; w0 = SpawnFlags, w1 = sizes
                     // (memory bits | cnode bits << 8, 0 = sized from the image), w2 = limit in bytes (0 = default) -> w0 = pid
    WaitChild = 81,  // w0 = pid (0 = any child) -> w0 = pid, w1 = ThreadExitKind, w2 = code
    Kill = 82,       // w0 = pid; InsufficientRights unless the caller is the process, an ancestor of it, or holds
                     // SpawnFlags.KillAny (docs/design/schemes.md, "Authority")
    ProcList = 83,   // w0 = index -> w0 = pid, w1 = parent, w2 = next index, data = name; NotFound past the end
    MemInfo = 84,    // -> w0 = bytes total, w1 = bytes free (untyped not handed out)
    PowerOff = 85,   // (the system powers off; the reply never comes); InsufficientRights without SpawnFlags.PowerOff
    GrowMemory = 86, // w0 = bits (16..30), w1 = an empty slot in the caller's CNode -> w0 = the handle of a new untyped
                     // of 2^bits bytes there, w1 = bytes the caller now holds, w2 = its limit; OutOfMemory past the
                     // limit or when memory is exhausted. w0 = 0 only asks (w1, w2) (docs/design/schemes.md)
    Whois = 87,      // no data: the caller; data = NAME: the process that registered NAME -> w0 = pid, w1 = parent,
                     // w2 = its rights (SpawnFlags.KillAny | PowerOff | KernelLog); NotFound if none
    KernelCounters = 88, // -> data = the kernel's counters (u64 each, in KernelCounter order), w0 = how many
                         // (the KernelCounters syscall, which needs the bootstrap's IrqControl; for leak checks)
    InjectFault = 89, // test bootstrap only (NotSupported in production): w0 = pid, whose main thread is made
                      // to fault (a jump to address 0), as a bug would; needs what Kill needs (tests/Guest/Bootstrap)
    SpawnImage = 90, // a program outside the initfs, sent before the Spawn that runs it (docs/adr/0013): w2 = 1
                     // starts it (cap = the file, opened by the caller with Read, data = its path, w1 = its size);
                     // w2 = 0 adds pages (caps = 1..3 frames of file pages w0..); w2 = 2 drops it. The next Spawn
                     // whose argv[0] is that path runs it (BadState if none was sent)

    // Channels (chan: files): message boundaries kept.
    Listen = 96,     // a chan: file opened with OpenFlags.Create becomes a listener
    Accept = 97,     // on a listener -> cap: the server end of the next connection

    // Terminals (tty: files; docs/design/tty.md has the statuses). The mode belongs to the terminal,
    // not to one file: every file of the console sees a change.
    TtyGetMode = 112,        // -> w0 = TtyMode, w1 = least bytes a raw read waits for (0 or 1), w2 = the interrupt byte
                             // | the quit byte << 8 | the suspend byte << 16 (0: none)
    TtySetMode = 113,        // w0 = TtyMode, w1 = least bytes (0 or 1), w2 = the interrupt byte | the quit
                             // byte << 8 | the suspend byte << 16 (each 0: none, or 1..0x7F) -> w0 = the mode before;
                             // InvalidArgument for an unknown flag or a value out of range
    TtySetForeground = 114,  // on a tty:interrupt file: w0 = pid (0: the process that opened this file) -> Ok;
                             // NotSupported on the console's own files
    TtyGetForeground = 115,  // -> w0 = the foreground pid (0: none: every interrupt file hears Ctrl-C), w1 = who set it
}

/// <summary>How the terminal treats typed bytes (SchemeOp.TtySetMode): termios's ICANON, ECHO and
/// ISIG, the flags the Linux personality's termios maps onto (docs/design/tty.md).</summary>
[System.Flags]
public enum TtyMode : ulong
{
    /// <summary>Raw: no flag. Bytes are readable as they come, at least the least-bytes count per
    /// read; nothing is edited, escape sequences pass through.</summary>
    Raw = 0,
    /// <summary>Lines are edited (backspace, escape sequences swallowed) and readable once Enter ends them.</summary>
    Canonical = 1,
    /// <summary>Typed bytes are shown.</summary>
    Echo = 2,
    /// <summary>The interrupt byte (Ctrl-C) raises the interrupt event instead of being input.</summary>
    Signals = 4,
    /// <summary>What the console starts with.</summary>
    Default = Canonical | Echo | Signals,
    All = Canonical | Echo | Signals,
}

/// <summary>The console's signal events (the byte a `tty:interrupt` read answers is the kind's: 0x03
/// interrupt, 0x1C quit, 0x1A suspend), raised by the interrupt, quit and suspend bytes with
/// TtyMode.Signals, or by a write to `tty:interrupt` of that byte (docs/design/tty.md).</summary>
[System.Flags]
public enum TtySignals : byte
{
    Interrupt = 1,
    Quit = 2,
    Suspend = 4,
}

/// <summary>Where an interrupt of the console came (w0 of a `tty:interrupt` read's answer), so that
/// a shell can tell a Ctrl-C meant for a line it has not read yet from one that only dropped the line
/// being typed at its prompt (docs/design/tty.md, "The interrupt event and the foreground").</summary>
[System.Flags]
public enum TtyInterruptContext : ulong
{
    None = 0,
    /// <summary>Input was queued that nobody had read (lines typed ahead): the interrupt came behind it.</summary>
    BehindInput = 1,
    /// <summary>A reader of the console was waiting and nothing was queued: the interrupt came at a
    /// prompt (in canonical mode it dropped the line being edited).</summary>
    WhileReading = 2,
}

/// <summary>How a claimed PCI function interrupts (SchemeOp.PciClaim's w0, low byte).</summary>
public enum PciInterrupt : ulong
{
    None = 0,
    /// <summary>The legacy INTx line through the IOAPIC (shared, level: the driver reads its device's
    /// interrupt status before IrqAck).</summary>
    Line = 1,
    /// <summary>MSI: pcid programmed the function's MSI capability with the vector.</summary>
    Msi = 2,
    /// <summary>MSI-X: pcid enabled it; the driver writes the message address and data (w1) into
    /// entry 0 of the table in its own BAR and points its queues at vector 0.</summary>
    MsiX = 3,
}

/// <summary>Fmap's w2.</summary>
[System.Flags]
public enum FmapFlags : ulong
{
    /// <summary>The pages are a program's image (docs/adr/0013): a daemon that keeps them unchanged
    /// refuses it (Occupied) while the file is open for writing, and refuses opens for writing
    /// (Occupied, Linux's ETXTBSY) while this descriptor stays open.</summary>
    Run = 1,
}

[System.Flags]
public enum OpenFlags : ulong
{
    Read = 1,
    Write = 2,
    Create = 4,
    Truncate = 8,
    Append = 16,
    Exclusive = 32,
    Directory = 64,
    // Open through a symbolic link in the last component fails (SymlinkLoop) instead of following it (O_NOFOLLOW).
    NoFollow = 128,
    // shm: only, read from the Open that creates the object: who besides its creator may open it
    // (docs/design/ipcd.md, "Who may open"). Family = the creator's descendants; Others = any
    // process. Write includes Read (a writable mapping is readable).
    ShareFamilyRead = 1 << 8,
    ShareFamilyWrite = 1 << 9,
    ShareOthersRead = 1 << 10,
    ShareOthersWrite = 1 << 11,
}

public enum FileKind : ulong
{
    None = 0,
    File = 1,
    Directory = 2,
    Device = 3,
    Pipe = 4,
    Channel = 5,
    Memory = 6,
    Symlink = 7,
}

/// <summary>What a Watch waits for (SchemeOp.Watch; docs/design/schemes.md, "Waiting on many
/// descriptors"). Hangup is reported whether asked for or not.</summary>
[System.Flags]
public enum Readiness : ulong
{
    None = 0,
    /// <summary>A Read (or an Accept on a listener) would not wait: data, a message, a line, a
    /// connection, or end of file.</summary>
    Readable = 1,
    /// <summary>A Write would not wait: room, or the other end is gone (the write fails at once).</summary>
    Writable = 2,
    /// <summary>The other end is closed: reads see end of file, writes BrokenPipe.</summary>
    Hangup = 4,
    All = Readable | Writable | Hangup,
}

public enum SeekFrom : ulong { Start = 0, Current = 1, End = 2 }

public enum FcntlCommand : ulong { GetFlags = 1, SetFlags = 2 }

[System.Flags]
public enum SpawnFlags : ulong
{
    /// <summary>The child may not register schemes (the shell's children).</summary>
    NoRegister = 1,
    /// <summary>The child drives the console: it gets the COM1 and PS/2 ports and IRQ lines 4 and 1
    /// (ProcessSlots.ConsolePorts..). Only a caller that may register can ask.</summary>
    ConsoleDevices = 2,
    /// <summary>The first capability sent is the child's Namespace (the parent interposes on its
    /// services: the nested process model); the other two are stdin and stdout, and stderr is stdout.</summary>
    Namespace = 4,
    /// <summary>The child may kill any process (others need to be an ancestor of the target).</summary>
    KillAny = 8,
    /// <summary>The child may power the machine off.</summary>
    PowerOff = 16,
    /// <summary>The child gets a capability for the kernel's log (DebugWrite) in ProcessSlots.KernelLog.</summary>
    KernelLog = 32,
    /// <summary>The child gets each of KillAny, PowerOff and KernelLog that the caller holds (an
    /// administrator's shell runs its commands with its own authority). A caller may give only rights
    /// it holds: asking for one it lacks is InsufficientRights.</summary>
    InheritRights = 64,
    /// <summary>The child is the PCI daemon: the process manager opens the configuration ports
    /// 0xCF8-0xCFF to its thread (IoPortsBind before it starts; no I/O-ports capability is given, so
    /// it can reach no other port). Only a caller that may register can ask.</summary>
    PciPorts = 128,
    /// <summary>The child is a driver that does DMA: the memory it gets (its heap, its image's frames,
    /// GrowMemory's blocks) keeps Rights.Physical, so it may learn physical addresses (FramePhysical).
    /// Without it the process manager withholds Physical from everything it gives. Only a caller that
    /// may register can ask (ADR 0011: a driver with DMA can reach all memory).</summary>
    Dma = 256,
}

public static class SchemeLimits
{
    public const int DataWord = 4;                      // first IPC-buffer word of the data
    public const int MaxData = (MessageInfo.MaxWords - DataWord) * 8;   // 480 bytes
    /// <summary>A path inside a scheme (after "name:"), in bytes: Linux's PATH_MAX.</summary>
    public const int MaxPath = 4096;
    /// <summary>One component of a path (a file's name), in bytes: Linux's NAME_MAX.</summary>
    public const int MaxFileName = 255;
    public const int MaxName = 31;                      // a scheme name
    /// <summary>A whole path as a program names it: "name:" and the path inside.</summary>
    public const int MaxFullPath = MaxName + 1 + MaxPath;
    /// <summary>Request data past MaxData (a long path; Rename's, Link's or Symlink's two) travels in a
    /// frame of this many bytes sent as the request's only capability, w3 holding its length
    /// (docs/design/schemes.md, "Long paths"): two paths of MaxPath and their NUL fit.</summary>
    public const int LongData = 16384;
    public const int LongDataBits = 14;
}

/// <summary>Badges a scheme daemon sees: who is calling (a scheme capability from Lookup) or which of
/// its open files (a file capability it minted).</summary>
public static class SchemeBadge
{
    public const ulong ClientFlag = 1UL << 32;
    public const ulong FileFlag = 1UL << 40;
    public const ulong RegisterRight = 1UL << 48;       // on a Namespace capability: may Register

    public static ulong Client(ulong pid) => ClientFlag | pid;
    public static ulong File(ulong id) => FileFlag | id;
    public static bool IsFile(ulong badge) => (badge & FileFlag) != 0;
    public static ulong Id(ulong badge) => badge & 0xFFFF_FFFF;
}

/// <summary>Slots of a process the process manager starts (after BootstrapSlots' first five).</summary>
public static class ProcessSlots
{
    public const uint Namespace = BootstrapSlots.FirstGrant;   // the root scheme and process manager
    public const uint Stdin = BootstrapSlots.FirstGrant + 1;
    public const uint Stdout = BootstrapSlots.FirstGrant + 2;
    public const uint Stderr = BootstrapSlots.FirstGrant + 3;
    public const ulong IpcBuffer = BootstrapLayout.IpcBuffer;  // every process's main-thread IPC buffer
    // Only for SpawnFlags.ConsoleDevices: an I/O-ports capability (any port may be bound with it),
    // and the IRQ handler capabilities of lines 4 (COM1) and 1 (PS/2 keyboard).
    public const uint ConsolePorts = 10;
    public const uint ConsoleSerialIrq = 11;
    public const uint ConsoleKeyboardIrq = 12;
    // Only for SpawnFlags.PciPorts (pcid): the I/O-ports capability (all ports; pcid carves each
    // driver's I/O BARs from it), a copy of IrqControl (interrupt lines and MSI vectors for drivers), and
    // from PciDeviceMemory on, up to PciDeviceMemoryCount device-memory pieces (an empty slot ends them):
    // the ECAM window's, then the PCI hole's highest, where firmware puts BARs (slot 16 on holds a
    // process's image frames, so no more fit; docs/design/pci.md, "Hand-over"). The process manager's
    // words: Word0 = the ECAM window's physical base (0: none, use the ports), Word1 = first bus | last
    // bus << 8.
    public const uint PciPorts = 10;
    public const uint PciIrqControl = 11;
    public const uint PciDeviceMemory = 12;
    public const int PciDeviceMemoryCount = 4;
    /// <summary>The kernel log, for SpawnFlags.KernelLog: an I/O-ports capability with only the Write
    /// right (DebugWrite; no port can be bound with it). The bootstrap's own I/O ports are in the same
    /// slot, so Sys.DebugWrite names one slot everywhere.</summary>
    public const uint KernelLog = BootstrapSlots.IoPorts;
}
