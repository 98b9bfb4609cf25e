// initfs: the boot archive (cpio, its pages mapped read-only by the process manager from InitfsBase;
// its size in the first start word, its offset into the first page in the second) served as a read-only scheme: files, the directories their names imply,
// Read/Seek/Getdents (Dup, Close and Fstat: the library's FileTable), Open and Stat. Writing
// anything is InsufficientRights.
using System;
using System.Runtime;
using Vireo.Abi;
using Vireo.Formats;
using Vireo.User;
using Vireo.User.Schemes;

static unsafe class Program
{
    private const int MaxOpen = 128;
    // The archive's names are short (mkinitfs): an open directory keeps its path in the file, so
    // the limit is initfs's own, not SchemeLimits.MaxPath.
    private const int MaxPath = 255;

    private struct OpenFile
    {
        public bool IsDirectory;
        public int DataOffset;       // file: where its bytes start in the archive
        public int Size;
        public ulong Position;       // file: byte offset; directory: archive offset of the next entry to consider
        public int PrefixLength;     // directory: its path, without trailing '/'
        public fixed byte Prefix[MaxPath];
    }

    private static byte* s_archive;
    private static ulong s_size;
    private static SchemeServer s_server;
    private static FileTable<OpenFile, Scheme> s_files;

    [RuntimeExport("vireo_main")]
    static int Main()
    {
        // The archive's frames are mapped from InitfsBase; it starts Argument1 bytes into the first.
        s_archive = (byte*)BootstrapLayout.InitfsBase + Startup.Argument1;
        s_size = Startup.Argument0;
        if (CpioReader.TryCreate(s_archive, s_size, out _) != FormatStatus.Ok) return 1;
        FileStats.UseBootTime();   // the archive's files show the system's start (sys: answers while initfs: is awaited)
        return SchemeDaemon.Run("initfs", MaxOpen, ref s_server, ref s_files);
    }

    private struct Scheme : IScheme<OpenFile>
    {
        public void OnPath(ref Request r)
        {
            switch (r.Op)
            {
                case SchemeOp.Open: Open(ref r); return;
                case SchemeOp.Stat:
                    Status s = Resolve(r.Data, r.DataLength, out bool dir, out int offset, out int size);
                    if (s != Status.Ok) s_server.Answer(s);
                    else FileStats.Answer(ref s_server, StatOf(dir, offset, size, CpioReader.Normalize(new ReadOnlySpan<byte>(r.Data, r.DataLength))));
                    return;
                case SchemeOp.Unlink: case SchemeOp.Mkdir: case SchemeOp.Rmdir: case SchemeOp.Rename:
                    s_server.Answer(Status.InsufficientRights);
                    return;
            }
        }

        public void OnFile(ref Request r, uint id, ref OpenFile f)
        {
            switch (r.Op)
            {
                case SchemeOp.Read:
                    f.Position += (ulong)ReadAt(ref f, f.Position, r.W0);
                    return;
                case SchemeOp.Pread:   // the same from w1, the position left as it is
                    ReadAt(ref f, r.W1, r.W0);
                    return;
                case SchemeOp.Seek:
                    long basis = r.W1 == (ulong)SeekFrom.Start ? 0 : r.W1 == (ulong)SeekFrom.Current ? (long)f.Position : r.W1 == (ulong)SeekFrom.End ? f.Size : -1;
                    long to = basis + (long)r.W0;
                    if (basis < 0 || f.IsDirectory || to < 0) { s_server.Answer(Status.InvalidArgument); return; }
                    f.Position = (ulong)to;
                    s_server.Answer(Status.Ok, f.Position);
                    return;
                case SchemeOp.Getdents:
                    fixed (OpenFile* p = &f) s_server.Answer(Status.Ok, 0, 0, 0, Entries(p, (int)(r.W0 > SchemeLimits.MaxData ? SchemeLimits.MaxData : r.W0)));
                    return;
                case SchemeOp.Fsync:
                    s_server.Answer(Status.Ok);
                    return;
                case SchemeOp.Write: case SchemeOp.Ftruncate:
                    s_server.Answer(Status.InsufficientRights);
                    return;
            }
        }

        public void Opened(uint id, ref OpenFile f) { }
        public void Closed(uint id, ref OpenFile f) { }

        // Answers up to `max` bytes from `at` (Read, Pread); returns how many.
        private static int ReadAt(ref OpenFile f, ulong at, ulong max)
        {
            if (f.IsDirectory)
            {
                s_server.Answer(Status.IsDirectory);
                return 0;
            }
            ulong left = at < (ulong)f.Size ? (ulong)f.Size - at : 0;
            int n = (int)(max < left ? max : left);
            if (n > SchemeLimits.MaxData) n = SchemeLimits.MaxData;
            Buffer.MemoryCopy(s_archive + f.DataOffset + (long)at, SchemeCall.Data, n, n);
            s_server.Answer(Status.Ok, 0, 0, 0, n);
            return n;
        }

        public void Stat(ref OpenFile f, out FileStat st)
        {
            fixed (byte* name = f.Prefix) st = StatOf(f.IsDirectory, f.DataOffset, f.Size, new ReadOnlySpan<byte>(name, f.PrefixLength));
        }
    }

    // Read-only: directories 0555, programs (bin/...) 0555, everything else 0444; the inode is the
    // member's place in the archive (an implied directory has none: 0).
    private static FileStat StatOf(bool dir, int offset, int size, ReadOnlySpan<byte> name)
    {
        const uint ReadExecute = 0x16D, ReadOnly = 0x124;   // 0555, 0444
        bool program = name.Length > 4 && Ascii.StartsWith(name, "bin/");
        return FileStats.Of(dir ? FileKind.Directory : FileKind.File, (ulong)size, dir || program ? ReadExecute : ReadOnly, (ulong)offset);
    }

    private static void Open(ref Request r)
    {
        var flags = (OpenFlags)r.W0;
        if ((flags & (OpenFlags.Write | OpenFlags.Create | OpenFlags.Truncate | OpenFlags.Append)) != 0)
        {
            s_server.Answer(Status.InsufficientRights);
            return;
        }
        Status s = Resolve(r.Data, r.DataLength, out bool dir, out int offset, out int size);
        if (s == Status.Ok && (flags & OpenFlags.Directory) != 0 && !dir) s = Status.NotDirectory;
        if (s != Status.Ok) { s_server.Answer(s); return; }
        OpenFile f = default;
        f.IsDirectory = dir;
        f.DataOffset = offset;
        f.Size = size;
        ReadOnlySpan<byte> name = CpioReader.Normalize(new ReadOnlySpan<byte>(r.Data, r.DataLength));
        f.PrefixLength = name.Length;   // Resolve checked the path is at most MaxPath bytes
        for (int i = 0; i < name.Length; i++) f.Prefix[i] = name[i];
        s_files.Open(ref s_server, f);
    }

    /// <summary>A file (its bytes) or a directory (an entry of its own, or a prefix of others' names).</summary>
    private static Status Resolve(byte* path, int length, out bool dir, out int offset, out int size)
    {
        dir = false;
        offset = size = 0;
        if (length > MaxPath) return Status.NameTooLong;
        // Names as the archive's are compared: "/bin/ls", "./bin/ls", "bin/ls/" are "bin/ls"; "", "/", "." the root.
        ReadOnlySpan<byte> name = CpioReader.Normalize(new ReadOnlySpan<byte>(path, length));
        int count = name.Length;
        if (count == 0) { dir = true; return Status.Ok; }
        CpioReader.TryCreate(s_archive, s_size, out CpioReader reader);
        if (reader.Find(name, out CpioEntry e) == FormatStatus.Ok)
        {
            dir = e.IsDirectory;
            offset = e.DataOffset;
            size = e.FileSize;
            return Status.Ok;
        }
        // An implied directory: some member's name continues with "name/".
        int at = 0;
        while (reader.ReadEntry(at, out CpioEntry m) == FormatStatus.Ok && !m.IsTrailer)
        {
            ReadOnlySpan<byte> n = CpioReader.Normalize(m.Name);
            if (n.Length > count && n[count] == (byte)'/' && Ascii.Equals(n.Slice(0, count), name))
            {
                dir = true;
                return Status.Ok;
            }
            at = m.NextOffset;
        }
        return Status.NotFound;
    }

    // Fills SchemeCall.Data with records (kind, length, name) of the directory's children from the
    // saved archive offset on; each child is named once (the first member that implies it). Only a
    // directory child can be implied by several members (its own entry and everything below it), so
    // only for one is the archive scanned again: a file child is named by its own member alone, as
    // mkinitfs refuses a name listed twice (an archive that did list one would show it twice).
    private static int Entries(OpenFile* f, int max)
    {
        CpioReader.TryCreate(s_archive, s_size, out CpioReader reader);
        int written = 0;
        int at = (int)f->Position;
        while (reader.ReadEntry(at, out CpioEntry m) == FormatStatus.Ok && !m.IsTrailer)
        {
            ReadOnlySpan<byte> n = CpioReader.Normalize(m.Name);
            if (Child(f, n, out int start, out int length, out bool isDir))
            {
                bool directory = isDir || m.IsDirectory;
                if (!directory || !SeenBefore(f, reader, at, n.Slice(start, length)))
                {
                    if (written + 2 + length > max) break;
                    byte* d = SchemeCall.Data + written;
                    d[0] = (byte)(directory ? FileKind.Directory : FileKind.File);
                    d[1] = (byte)length;
                    for (int i = 0; i < length; i++) d[2 + i] = n[start + i];
                    written += 2 + length;
                }
            }
            at = m.NextOffset;
        }
        f->Position = (ulong)at;
        return written;
    }

    // The immediate child of directory f that a member's name implies (hidden: the builder's padding).
    private static bool Child(OpenFile* f, ReadOnlySpan<byte> name, out int start, out int length, out bool isDir)
    {
        start = length = 0;
        isDir = false;
        int p = f->PrefixLength;
        if (p > 0)
        {
            if (name.Length <= p || name[p] != (byte)'/') return false;
            if (!Ascii.StartsWith(name, new ReadOnlySpan<byte>(f->Prefix, p))) return false;
            start = p + 1;
        }
        int end = start;
        while (end < name.Length && name[end] != (byte)'/') end++;
        length = end - start;
        isDir = end < name.Length;
        if (length == 0 || length > 255 || (name[start] == (byte)'.' && length >= 4 && name[start + 1] == (byte)'p')) return false;
        return true;
    }

    private static bool SeenBefore(OpenFile* f, CpioReader reader, int upTo, ReadOnlySpan<byte> child)
    {
        int at = 0;
        while (at < upTo && reader.ReadEntry(at, out CpioEntry m) == FormatStatus.Ok && !m.IsTrailer)
        {
            ReadOnlySpan<byte> n = CpioReader.Normalize(m.Name);
            if (Child(f, n, out int s, out int l, out _) && Ascii.Equals(n.Slice(s, l), child)) return true;
            at = m.NextOffset;
        }
        return false;
    }
}
