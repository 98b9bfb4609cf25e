// Running a program that is not in the initfs (`file:/hello`, `disk:/bin/x`): the caller opens the
// file itself, with its own namespace and authority (a path it could not open does not run), checks
// that it is a regular file with an execute bit, takes its pages from the daemon with Fmap (3 per
// request, FmapFlags.Run: the daemon then keeps the file from writers while it is open) and hands
// the process manager the open file and its frames (SchemeOp.SpawnImage); the
// Spawn that follows builds the process from them. The process manager never calls a daemon itself
// (it must not wait for one: a daemon that asks it for memory while answering would deadlock it), so
// the caller does the daemon's part. The file stays open for the life of the process, held in the
// child's CNode, which keeps the daemon's pages pinned (docs/adr/0013-programs-from-files.md).
using System;
using Vireo.Abi;
using Vireo.User.Schemes;

namespace Vireo.User;

public static unsafe class ProgramImages
{
    /// <summary>The largest program file run from a scheme other than initfs: (16 MiB).</summary>
    public const ulong MaxPages = 4096;

    /// <summary>Whether argv[0] names a file of the initfs, which the process manager holds and reads
    /// itself: a bare path (`bin/ls`, `/bin/ls`) or `initfs:...`.</summary>
    public static bool OnInitfs(ReadOnlySpan<byte> name)
    {
        if (SchemePath.Split(name, out ReadOnlySpan<byte> scheme, out _) != Status.Ok) return true;
        return Ascii.Equals(scheme, "initfs");
    }

    /// <summary>Opens `path`, checks it and sends it to the process manager (see above). NotFound and
    /// the other open failures as Open gives them; IsDirectory; InvalidArgument for a file that is not
    /// regular or is empty or past MaxPages; InsufficientRights without an execute bit; Occupied while
    /// the file is open for writing; NotSupported from a daemon without Fmap (the program is refused,
    /// not read through messages: ADR 0013).</summary>
    public static Status Send(ReadOnlySpan<byte> path)
    {
        Status s;
        Fd fd;
        fixed (byte* p = path) s = Fs.Open(p, path.Length, OpenFlags.Read, out fd);
        if (s != Status.Ok) return s;
        s = Check(fd, out ulong size);
        CapHandle* frames = stackalloc CapHandle[MessageInfo.MaxCaps];
        ulong pages = (size + 4095) / 4096;
        int got = 0;
        // The first pages before anything is sent: a daemon without Fmap is refused here.
        if (s == Status.Ok) s = Fmap(fd, 0, pages, frames, out got);
        if (s != Status.Ok)
        {
            _ = Fs.Close(fd);   // refused: nothing was sent
            return s;
        }
        s = Start(fd, path, size);
        if (s != Status.Ok)
        {
            for (int i = 0; i < got; i++) CSpace.Release(frames[i]);
            _ = Fs.Close(fd);   // the process manager kept nothing
            return s;
        }
        for (ulong at = 0; s == Status.Ok;)
        {
            s = SendPages(frames, got, at, size);
            at += (ulong)got;
            if (s != Status.Ok || at == pages) break;
            s = Fmap(fd, at, pages, frames, out got);
        }
        // The process manager holds the file now: this copy goes without a Close, which would end
        // the file for every holder.
        Fs.Forget(fd);
        // The half-sent program goes (it would also go with the next one, the Spawn, or this process).
        if (s != Status.Ok) _ = SchemeCall.Call(Namespace.Root, SchemeOp.SpawnImage, 0, 0, 2, 0, 0, 0, out _);
        return s;
    }

    private static Status Check(Fd fd, out ulong size)
    {
        size = 0;
        Status s = Fs.Fstat(fd, out FileStat st);
        if (s != Status.Ok) return s;
        if (st.FileKind == FileKind.Directory) return Status.IsDirectory;
        if (st.FileKind != FileKind.File || st.Size == 0 || st.Size > MaxPages * 4096) return Status.InvalidArgument;
        // Any execute bit, as Linux asks of root (there are no users to tell apart yet).
        if ((st.Permissions & 0x49) == 0) return Status.InsufficientRights;   // 0111
        size = st.Size;
        return Status.Ok;
    }

    // Fmap of up to 3 pages from page `first` (of `pages`): their frames, not mapped here.
    private static Status Fmap(Fd fd, ulong first, ulong pages, CapHandle* frames, out int got)
    {
        got = pages - first > MessageInfo.MaxCaps ? MessageInfo.MaxCaps : (int)(pages - first);
        Status s = SchemeCall.Call(fd.Cap, SchemeOp.Fmap, first * 4096, (ulong)got, (ulong)FmapFlags.Run, 0, 0, got, out SchemeReply r);
        if (s != Status.Ok)
        {
            got = 0;
            return s;
        }
        frames[0] = r.Cap0;
        if (got > 1) frames[1] = r.Cap1;
        if (got > 2) frames[2] = r.Cap2;
        return Status.Ok;
    }

    private static Status Start(Fd fd, ReadOnlySpan<byte> path, ulong size)
    {
        if (path.Length > SchemeLimits.MaxData) return Status.NameTooLong;
        fixed (byte* p = path) SchemeCall.Put(p, path.Length);
        SchemeCall.Buffer->SendCaps[0] = fd.Cap.Value;
        return SchemeCall.Call(Namespace.Root, SchemeOp.SpawnImage, 0, size, 1, path.Length, 1, 0, out _);
    }

    // Sends `count` frames (file pages from `first` on) and drops this process's copies of them.
    private static Status SendPages(CapHandle* frames, int count, ulong first, ulong size)
    {
        for (int i = 0; i < count; i++) SchemeCall.Buffer->SendCaps[i] = frames[i].Value;
        Status s = SchemeCall.Call(Namespace.Root, SchemeOp.SpawnImage, first, size, 0, 0, count, 0, out _);
        for (int i = 0; i < count; i++) CSpace.Release(frames[i]);
        return s;
    }
}
