// A file whose bytes back areas of Linux memory: a program image (mapped from its file, ADR 0013's
// way: read-only pages are the daemon's own frames, taken with Fmap, FmapFlags.Run, so the daemon
// keeps writers away while it runs) or a MAP_PRIVATE file mapping. It stays open while any address
// space that mapped it lives (a fork shares them; an munmap does not close it). A daemon without Fmap (initfsd) cannot lend its
// pages: such a file is read whole once, through messages, and pages are copied from those bytes.
using Vireo.Abi;
using Vireo.User;
using Vireo.User.Schemes;

namespace Vireo.Linux;

public sealed unsafe class BackingFile
{
    public const ulong MaxBytesRead = 64 << 20;   // the largest file read whole (no Fmap)

    public Fd Fd;            // open for reading (none when Bytes holds the file)
    public byte[] Bytes;     // the whole file, from a daemon without Fmap
    public ulong Size;
    public bool Run;         // a program image: Fmap with FmapFlags.Run
    public byte[] Path;      // its Vireo path (a program's: exec of /proc/self/exe opens it); null for a mapping's
    public int Users;        // address spaces using it; closed when the last lets go

    /// <summary>Opens the file at the Vireo `path` for mapping. Exec's checks when `run`: a directory
    /// is IsDirectory, anything but a regular file InvalidArgument, no execute bit (outside the
    /// initfs, which keeps no modes) InsufficientRights.</summary>
    public static Status Open(byte[] path, bool run, out BackingFile file)
    {
        file = null;
        Status s;
        Fd fd;
        fixed (byte* name = path) s = Fs.Open(name, path.Length, OpenFlags.Read, out fd);
        return s == Status.Ok ? Adopt(fd, path, run, out file) : s;
    }

    /// <summary>Open's checks and set-up for a file already open for reading (`fd`, which it takes:
    /// closed on failure); `path` as Open's, or null (a mapping of an open file, which may have no
    /// name left).</summary>
    public static Status Adopt(Fd fd, byte[] path, bool run, out BackingFile file)
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
        var f = new BackingFile { Fd = fd, Size = st.Size, Run = run, Path = path };
        // One page through Fmap says whether the daemon lends its pages.
        if (f.Size > 0)
        {
            s = f.Frame(0, out CapHandle probe);
            if (s == Status.Ok) CSpace.Release(probe);
            else if (s == Status.NotSupported) s = f.ReadWhole();
        }
        if (s != Status.Ok)
        {
            f.Close();
            return s;
        }
        file = f;
        return Status.Ok;
    }

    private Status ReadWhole()
    {
        if (Size > MaxBytesRead) return Status.OutOfRange;
        var bytes = new byte[(int)Size];
        Status s = Status.Ok;
        for (ulong done = 0; s == Status.Ok && done < Size;)
        {
            int read = 0;
            fixed (byte* at = &bytes[(int)done]) s = Fs.Read(Fd, at, (int)(Size - done < 65536 ? Size - done : 65536), out read);
            if (s == Status.Ok && read == 0) s = Status.BadState;   // shorter than it said
            done += (ulong)read;
        }
        if (s != Status.Ok) return s;
        Bytes = bytes;
        _ = Fs.Close(Fd);   // read only: what was read stands
        Fd = default;
        return Status.Ok;
    }

    /// <summary>The largest number of pages one Fmap request lends (a message carries 3 capabilities).</summary>
    public const int MaxPerRequest = MessageInfo.MaxCaps;

    /// <summary>The daemon's frame of the page at `offset` (page aligned, inside the file), read-only
    /// (and executable for a program). NotSupported for a file read whole.</summary>
    public Status Frame(ulong offset, out CapHandle frame)
    {
        CapHandle f = default;
        Status s = Frames(offset, 1, &f);
        frame = f;
        return s;
    }

    /// <summary>The daemon's frames of `count` (1..MaxPerRequest) pages from `offset`, all inside the file.</summary>
    public Status Frames(ulong offset, int count, CapHandle* frames)
    {
        if (Bytes != null) return Status.NotSupported;
        Status s = SchemeCall.Call(Fd.Cap, SchemeOp.Fmap, offset, (ulong)count, Run ? (ulong)FmapFlags.Run : 0, 0, 0, count, out SchemeReply r);
        if (s != Status.Ok) return s;
        frames[0] = r.Cap0;
        if (count > 1) frames[1] = r.Cap1;
        if (count > 2) frames[2] = r.Cap2;
        return Status.Ok;
    }

    /// <summary>Copies `count` bytes of the file from `offset` to `to`; `window` is a scratch window
    /// of LinuxMemory for the daemon's page.</summary>
    public Status CopyTo(ulong offset, byte* to, ulong count)
    {
        if (offset + count > Size) return Status.OutOfRange;
        if (Bytes != null)
        {
            fixed (byte* from = &Bytes[(int)offset]) System.Buffer.MemoryCopy(from, to, (long)count, (long)count);
            return Status.Ok;
        }
        while (count > 0)
        {
            ulong page = offset & ~0xFFFUL, n = page + 4096 - offset;
            if (n > count) n = count;
            Status s = Frame(page, out CapHandle frame);
            if (s != Status.Ok) return s;
            byte* from = LinuxMemory.ShowFrame(frame);
            if (from != null) System.Buffer.MemoryCopy(from + (offset - page), to, (long)n, (long)n);
            LinuxMemory.HideFrame();
            CSpace.Release(frame);
            if (from == null) return Status.NoSpace;
            offset += n;
            to += n;
            count -= n;
        }
        return Status.Ok;
    }

    /// <summary>The first `count` bytes (or fewer, if the file is shorter) into `to`: the headers.</summary>
    public int Head(byte* to, int count)
    {
        if ((ulong)count > Size) count = (int)Size;
        return CopyTo(0, to, (ulong)count) == Status.Ok ? count : -1;
    }

    /// <summary>One address space less uses it.</summary>
    public void Release()
    {
        if (--Users <= 0) Close();
    }

    public void Close()
    {
        if (Fd.IsValid) _ = Fs.Close(Fd);   // only read: nothing to lose
        Fd = default;
        Bytes = null;
    }
}
