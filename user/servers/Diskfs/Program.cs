// diskfs: an ext2 volume served as a scheme (docs/design/diskfs.md). Usage:
//   diskfs [--name=NAME] [--wait=MS] [--pages=N] [--cache=N] DEVICE
// mounts the ext2 image on DEVICE (a scheme file: `blk:/vda`, the disk the virtio-blk driver serves,
// or an image in `file:`; Disk.cs) and registers NAME (default `disk`). When DEVICE's scheme is not
// registered (no disk attached) it says so in one line and ends with status 0, which init takes as
// "nothing to serve" and does not restart; so does an image that does not mount. --wait gives a
// driver that someone else starts (not an earlier line of init's) MS milliseconds to register first.
// --pages caps the page pool mapped readers' pages come from (default: as many as memory and slots
// allow, at most 16 MiB; a test gives a few to reach its end). --cache caps the pages files nobody
// maps keep cached (default half the pool; Mapping.cs).
//
// Open files are the library's FileTable of Handle (an inode, access, and the library's MappedHandle:
// the open file description holding the position, shared by Dups as on Unix, and what the handle
// maps, Mapping.cs). Each open file holds its inode in the volume (Ext2Volume.Hold), so an unlinked
// file stays readable until its last handle closes, as in ramfs and on Unix. The hold also counts
// the handles open for writing and those running the inode as a program (Fmap with FmapFlags.Run),
// which exclude each other (Occupied, Linux's ETXTBSY; ADR 0013).
using System;
using System.Runtime;
using Vireo.Abi;
using Vireo.User;
using Vireo.User.FileSystems.Ext2;
using Vireo.User.Schemes;

/// <summary>An open file: the daemon's file id (the badge of the capability it minted) indexes Program.Files.</summary>
struct Handle
{
    public uint Inode;
    public OpenFlags Flags;     // Read, Write, Append
    public MappedHandle Map;    // the description (its position: a file's byte offset, a directory's byte position in its entries) and what it maps
    public bool Runs;           // a program was mapped from this handle to run (Mapping.Runs)
}

static unsafe class Program
{
    /// <summary>File ids made room for at start; the table doubles when they are all open (bounded by
    /// memory and the daemon's capability slots, one per open file), as ramfs's does.</summary>
    public const int FirstHandles = 256;
    // Blocks the cache holds: 1 MiB with 1 KiB blocks (what mke2fs picks for a 64 MiB image), 4 MiB with 4 KiB.
    private const int CacheBlocks = 1024;
    public static SchemeServer Server;
    internal static FileTable<Handle, Scheme> Files;
    public static Ext2Volume<Disk> Volume;

    [RuntimeExport("vireo_main")]
    static int Main()
    {
        ulong waitMs = 0, pages = DataPages.MaxPages, cache = ulong.MaxValue;
        if (Args.PositionalCount != 1 || Args.Unknown(out _, "--name", "--wait", "--pages", "--cache")
            || Args.TryGetValue("--wait", out ReadOnlySpan<byte> wait) && !Numbers.TryParseDecimal(wait, out waitMs)
            || Args.TryGetValue("--pages", out ReadOnlySpan<byte> given) && (!Numbers.TryParseDecimal(given, out pages) || pages > uint.MaxValue)
            || Args.TryGetValue("--cache", out ReadOnlySpan<byte> kept) && (!Numbers.TryParseDecimal(kept, out cache) || cache > int.MaxValue))
        {
            Console.WriteLine("diskfs: usage: diskfs [--name=NAME] [--wait=MS] [--pages=N] [--cache=N] DEVICE");
            return 2;
        }
        string name = Args.TryGetValue("--name", out ReadOnlySpan<byte> named) ? Text(named) : "disk";
        ReadOnlySpan<byte> devicePath = Args.Positional(0);
        Status s = DiskDevice.Open(devicePath, out Disk device);
        if (s == Status.UnknownScheme && waitMs > 0 && Namespace.AwaitPath(devicePath, waitMs) == Status.Ok)
            s = DiskDevice.Open(devicePath, out device);
        if (s == Status.UnknownScheme)
            return Quit(name, devicePath, "is not there, no disk attached", s, 0);
        if (s != Status.Ok) return Quit(name, devicePath, "cannot be opened", s, 1);
        s = Ext2Volume<Disk>.Mount(device, CacheBlocks, out Volume, Now());
        if (s != Status.Ok) return Quit(name, devicePath, "does not hold an ext2 volume this code mounts", s, 0);
        if (Files.Init(FirstHandles, grow: true) != Status.Ok) return Quit(name, devicePath, "has no room for its file table", Status.OutOfMemory, 1);
        if (SchemeDaemon.Start(name, out Server) != Status.Ok) return 1;
        // After the server took its slots: the page pool for mapped readers sizes itself from what is left.
        DataPages.Init((uint)pages, FirstHandles);
        Mapping.Init(cache == ulong.MaxValue ? Mapping.DefaultBudget : (int)cache);
        return SchemeDaemon.Serve(ref Server, ref Files);
    }

    /// <summary>Opens a new handle on `ino` and answers with its capability (Open).</summary>
    public static void AnswerWithHandle(uint ino, OpenFlags access)
    {
        Handle h = default;
        h.Inode = ino;
        h.Flags = access;
        Files.Open(ref Server, h);
    }

    // "diskfs: disk: blk:/vda is not there, no disk attached (status 22: unknown scheme); not served"
    private static int Quit(string name, ReadOnlySpan<byte> device, string why, Status s, int code)
    {
        Console.Write("diskfs: ");
        Console.Write(name);
        Console.Write(": ");
        for (int i = 0; i < device.Length; i++) Console.Write((char)device[i]);
        Console.Write(" ");
        Console.Write(why);
        Console.Write(" (status ");
        Console.Write((long)s);
        Console.Write(": ");
        Console.Write(StatusText.Describe(s));
        Console.WriteLine("); not served");
        return code;
    }

    private static bool s_noClock;

    /// <summary>Seconds since 1970 for the times the volume stamps; 0 if the wall clock cannot be read.
    /// Only the first call may read sys:/clock (at start-up): a later one must not make an IPC call of
    /// its own while a request's data is still in the IPC buffer, so a clock that failed once is not
    /// asked again.</summary>
    private static uint Now()
    {
        if (s_noClock) return 0;
        if (WallClock.Now(out long seconds, out _) == Status.Ok && seconds > 0 && seconds <= uint.MaxValue) return (uint)seconds;
        s_noClock = true;
        return 0;
    }

    private static string Text(ReadOnlySpan<byte> bytes)
    {
        char[] chars = new char[bytes.Length];
        for (int i = 0; i < bytes.Length; i++) chars[i] = (char)bytes[i];
        return new string(chars);
    }

    public struct Scheme : IScheme<Handle>
    {
        public void OnPath(ref Request r)
        {
            Volume.Now = Now();
            PathOps.Handle(ref r);
        }

        public void OnFile(ref Request r, uint id, ref Handle h)
        {
            Volume.Now = Now();
            FileOps.Handle(ref r, ref h);
        }

        // A Dup's copy runs nothing of its own (its original keeps counting as running).
        public void Opened(uint id, ref Handle h)
        {
            FileMapping.Opened(ref h.Map);
            h.Runs = false;
            Volume.Hold(h.Inode, (h.Flags & OpenFlags.Write) != 0);
        }

        // The last handle of an unlinked file frees it, and what the file wrote goes to the disk
        // (Durable).
        public void Closed(uint id, ref Handle h)
        {
            Mapping.Closed(ref h);
            // No caller hears a failure here: an inode left allocated without a name is what e2fsck
            // gives back; unwritten blocks stay dirty for the next sync.
            _ = Volume.Release(h.Inode, (h.Flags & OpenFlags.Write) != 0, h.Runs);
            _ = Durable.Settle();
        }

        public void Stat(ref Handle h, out FileStat st)
        {
            if (Volume.Stat(h.Inode, out Ext2Stat e) != Status.Ok) st = default;   // Kind None
            else st = Kinds.Stat(e, Volume.BlockSize);
        }
    }
}
