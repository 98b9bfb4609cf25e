// A file whose pages back areas of Linux memory: a program image (mapped from its file, ADR 0013's
// way: read-only pages are the daemon's own frames, taken with Fmap, FmapFlags.Run, so the daemon
// keeps writers away while it runs) or a file mapping (MAP_PRIVATE, or MAP_SHARED: the daemon's
// frames, writable ones for a writable shared mapping). It keeps the frames it was given (a page
// cache, one capability per page): every process mapping the file maps a copy of the same frame,
// so a page is asked of the daemon once however many processes run the program (ADR 0023). A daemon
// without Fmap (initfsd) cannot lend its pages: the cache's pages are then the personality's own
// frames, read through Pread as they are first needed. A file stays open while any address space
// that mapped it lives (a fork shares them; an munmap does not close it). Programs run from the
// initfs, which never changes while the system runs, stay cached for good (Open finds them by path
// without asking initfsd), and a program that is running already is found by its identity (scheme,
// device, inode), so an exec of it takes no page from the daemon again.
using System.Collections.Generic;
using Vireo.Abi;
using Vireo.User;
using Vireo.User.Schemes;

namespace Vireo.Linux;

public sealed unsafe class BackingFile
{
    public Fd Fd;            // open for reading (and writing, for a writable shared mapping)
    public ulong Size;
    public bool Run;         // a program image: Fmap with FmapFlags.Run
    public bool Lends;       // the daemon lends its frames (Fmap); false: the cache holds copies read with Pread
    public bool Writable;    // its frames are lent writable (a writable MAP_SHARED mapping)
    public bool Kept;        // cached for the boot (an initfs program): never closed
    public byte[] Path;      // its Vireo path (a program's: exec of /proc/self/exe opens it); null for a mapping's
    public int Users;        // address spaces using it; closed when the last lets go
    private ulong _device, _inode;
    private byte[] _scheme;  // with _device and _inode, which file it is (running programs are shared)
    private readonly Dictionary<ulong, CapHandle> _frames = new Dictionary<ulong, CapHandle>();   // page index -> frame

    private static readonly Dictionary<string, BackingFile> s_initfs = new Dictionary<string, BackingFile>();
    private static readonly List<BackingFile> s_running = new List<BackingFile>();

    /// <summary>Frames the cache holds (for /proc and the cost notes).</summary>
    public int CachedPages => _frames.Count;

    /// <summary>Opens the file at the Vireo `path` for mapping. Exec's checks when `run`: a directory
    /// is IsDirectory, anything but a regular file InvalidArgument, no execute bit (outside the
    /// initfs, which keeps no modes) InsufficientRights. A program of the initfs opened before, or
    /// one running now, is the same BackingFile again.</summary>
    public static Status Open(byte[] path, bool run, out BackingFile file)
    {
        file = null;
        bool initfs = run && ProgramImages.OnInitfs(path);
        string key = initfs ? Ascii.ToString(path) : null;
        if (initfs && s_initfs.TryGetValue(key, out file)) return Status.Ok;
        Status s;
        Fd fd;
        fixed (byte* name = path) s = Fs.Open(name, path.Length, OpenFlags.Read, out fd);
        if (s != Status.Ok) return s;
        s = Adopt(fd, path, run, out file);
        if (s != Status.Ok || !run) return s;
        if (initfs)
        {
            file.Kept = true;
            s_initfs[key] = file;
        }
        else file = Running(file);
        return Status.Ok;
    }

    /// <summary>Open's checks and set-up for a file already open (`fd`, which it takes: closed on
    /// failure); `path` as Open's, or null (a mapping of an open file, which may have no name left).
    /// `writable`: the frames are to be written through (MAP_SHARED with PROT_WRITE; fd open for
    /// writing); NotSupported from a daemon that lends no writable frames.</summary>
    public static Status Adopt(Fd fd, byte[] path, bool run, out BackingFile file, bool writable = false)
    {
        file = null;
        Status s = Fs.Fstat(fd, out FileStat st);
        if (s == Status.Ok && st.FileKind == FileKind.Directory) s = Status.IsDirectory;
        else if (s == Status.Ok && st.FileKind != FileKind.File) s = Status.InvalidArgument;
        else if (s == Status.Ok && run && (st.Permissions & 0x49) == 0 && (path == null || !ProgramImages.OnInitfs(path))) s = Status.InsufficientRights;
        if (s != Status.Ok)
        {
            _ = Fs.Close(fd);   // only read
            return s;
        }
        var f = new BackingFile { Fd = fd, Size = st.Size, Run = run, Path = path, Writable = writable, _device = st.Device, _inode = st.Inode };
        // One page through Fmap says whether the daemon lends its pages (and, for a writable
        // mapping, whether they come writable).
        f.Lends = true;
        if (f.Size > 0)
        {
            s = f.Fetch(0, 1);
            if (s == Status.NotSupported && !writable)
            {
                f.Lends = false;
                s = Status.Ok;
            }
            if (s == Status.Ok && writable && !f.FrameIsWritable(0)) s = Status.NotSupported;
        }
        if (s != Status.Ok)
        {
            f.Users = 0;
            f.Close();
            return s;
        }
        if (path != null && SchemePath.Split(path, out System.ReadOnlySpan<byte> scheme, out _) == Status.Ok) f._scheme = scheme.ToArray();
        file = f;
        return Status.Ok;
    }

    // A program running already that is the same file as `fresh` (scheme, device, inode, size: it runs,
    // so nobody has written it since) replaces it; else `fresh` joins the running ones.
    private static BackingFile Running(BackingFile fresh)
    {
        foreach (BackingFile f in s_running)
        {
            if (f._inode != fresh._inode || f._device != fresh._device || f.Size != fresh.Size || f._scheme == null || fresh._scheme == null) continue;
            if (!Ascii.Equals(new System.ReadOnlySpan<byte>(f._scheme), fresh._scheme)) continue;
            fresh.Close();
            return f;
        }
        s_running.Add(fresh);
        return fresh;
    }

    /// <summary>The largest number of pages one Fmap request lends (a message carries 3 capabilities).</summary>
    public const int MaxPerRequest = MessageInfo.MaxCaps;

    /// <summary>The cache's frame of the page at `offset` (page aligned, inside the file), asked of
    /// the daemon (with up to two pages after it) or read now if it is not cached yet. The cache
    /// keeps it: callers map copies of it (CopyOf).</summary>
    public Status Frame(ulong offset, out CapHandle frame)
    {
        ulong index = offset >> 12;
        if (_frames.TryGetValue(index, out frame)) return Status.Ok;
        int count = 1;
        if (Lends)
            while (count < MaxPerRequest && (index + (ulong)count) << 12 < Size && !_frames.ContainsKey(index + (ulong)count)) count++;
        Status s = Fetch(index, count);
        if (s != Status.Ok) return s;
        return _frames.TryGetValue(index, out frame) ? Status.Ok : Status.BadState;
    }

    /// <summary>Whether the page at `offset` is cached already (fault-around maps only those).</summary>
    public bool IsCached(ulong offset) => _frames.ContainsKey(offset >> 12);

    // Puts `count` pages from page `index` into the cache: the daemon's frames, or frames of the
    // personality's own filled with Pread.
    private Status Fetch(ulong index, int count)
    {
        if (!Lends) return ReadPage(index);
        SchemeReply r;
        Status s = SchemeCall.Call(Fd.Cap, SchemeOp.Fmap, index << 12, (ulong)count, Run ? (ulong)FmapFlags.Run : 0, 0, 0, count, out r);
        if (s != Status.Ok) return s;
        _frames[index] = r.Cap0;
        if (count > 1) _frames[index + 1] = r.Cap1;
        if (count > 2) _frames[index + 2] = r.Cap2;
        return Status.Ok;
    }

    private Status ReadPage(ulong index)
    {
        Status s = CSpace.Make(ObjectType.Frame, 12, out CapHandle frame);   // made zeroed
        if (s != Status.Ok) return s;
        byte* to = LinuxMemory.ShowFrame(frame, writable: true);
        ulong offset = index << 12, n = Size - offset < 4096 ? Size - offset : 4096;
        int read = 0;
        s = to == null ? Status.NoSpace : Fs.Pread(Fd, to, (int)n, offset, out read);
        LinuxMemory.HideFrame();
        if (s == Status.Ok && (ulong)read != n) s = Status.BadState;   // shorter than it said
        if (s != Status.Ok)
        {
            CSpace.Release(frame);
            return s;
        }
        _frames[index] = frame;
        return Status.Ok;
    }

    private bool FrameIsWritable(ulong index) =>
        _frames.TryGetValue(index, out CapHandle f) && Sys.Identify(f, out _, out Rights rights, out _, out _) == Status.Ok && (rights & Rights.Write) != 0;

    /// <summary>A capability of this process's own to the cached frame of the page at `offset`, to be
    /// mapped once: read-only and executable, or read-write for a writable shared mapping.</summary>
    public Status CopyOf(ulong offset, out CapHandle copy)
    {
        copy = default;
        Status s = Frame(offset, out CapHandle frame);
        if (s != Status.Ok) return s;
        return CSpace.Copy(frame, Writable ? Rights.Read | Rights.Write | Rights.Map : Rights.Read | Rights.Execute | Rights.Map, out copy);
    }

    /// <summary>Copies `count` bytes of the file from `offset` to `to` (through the cache's frames).</summary>
    public Status CopyTo(ulong offset, byte* to, ulong count)
    {
        if (offset + count > Size) return Status.OutOfRange;
        while (count > 0)
        {
            ulong page = offset & ~0xFFFUL, n = page + 4096 - offset;
            if (n > count) n = count;
            Status s = Frame(page, out CapHandle frame);
            if (s != Status.Ok) return s;
            byte* from = LinuxMemory.ShowFrame(frame, writable: false);
            if (from == null) return Status.NoSpace;
            System.Buffer.MemoryCopy(from + (offset - page), to, (long)n, (long)n);
            offset += n;
            to += n;
            count -= n;
        }
        return Status.Ok;
    }

    /// <summary>The file's first page, shown read-only until the next use of the file's window
    /// (the headers: a `#!` line, the ELF and program headers), and how many of its bytes are the
    /// file's; null if it could not be read.</summary>
    public byte* Head(out int length)
    {
        length = Size < 4096 ? (int)Size : 4096;
        if (Size == 0) return LinuxMemory.ShowNothing();
        return Frame(0, out CapHandle frame) == Status.Ok ? LinuxMemory.ShowFrame(frame, writable: false) : null;
    }

    /// <summary>The file shrank to `offset` (page aligned): cached pages from there on are no longer
    /// its (a later growth may give other pages there).</summary>
    public void ForgetFrom(ulong offset)
    {
        var gone = new List<ulong>();
        foreach (KeyValuePair<ulong, CapHandle> e in _frames)
            if (e.Key >= offset >> 12) gone.Add(e.Key);
        if (gone.Count > 0) LinuxMemory.HideFrame();   // one of them may be shown
        foreach (ulong index in gone)
        {
            CSpace.Release(_frames[index]);
            _frames.Remove(index);
        }
    }

    /// <summary>One address space less uses it.</summary>
    public void Release()
    {
        --Users;
        Close();
    }

    /// <summary>Closes the file unless an address space uses it or it is kept for the boot: what a
    /// caller does with a file it opened and did not hand to a memory.</summary>
    public void Close()
    {
        if (Users > 0 || Kept) return;
        s_running.Remove(this);
        LinuxMemory.HideFrame();   // a frame of the cache may be shown
        foreach (KeyValuePair<ulong, CapHandle> e in _frames) CSpace.Release(e.Value);
        _frames.Clear();
        if (Fd.IsValid) _ = Fs.Close(Fd);   // nothing to lose: written only through its frames, which are the file's
        Fd = default;
    }
}
