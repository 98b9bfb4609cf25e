// Files for user programs: path calls go to the scheme the path names, descriptor calls to the
// daemon that opened the descriptor. A descriptor is a capability (Fd); closing it tells the daemon
// and deletes the capability.
using System;
using System.Runtime.CompilerServices;
using Vireo.Abi;

namespace Vireo.User.Schemes;

public readonly struct Fd
{
    public readonly CapHandle Cap;
    public Fd(CapHandle cap) => Cap = cap;
    public bool IsValid => Cap.Value != 0;

    // The process manager's slots (generation 0), until the program names others (UseAsStdio: the
    // shell, when its console daemon restarted and the old descriptors died; docs/design/tty.md).
    private static ulong s_stdin, s_stdout, s_stderr;

    public static Fd Stdin => new Fd(new CapHandle(s_stdin != 0 ? s_stdin : ProcessSlots.Stdin));
    public static Fd Stdout => new Fd(new CapHandle(s_stdout != 0 ? s_stdout : ProcessSlots.Stdout));
    public static Fd Stderr => new Fd(new CapHandle(s_stderr != 0 ? s_stderr : ProcessSlots.Stderr));

    /// <summary>Makes `fd` this process's stdio descriptor `which` (0 stdin, 1 stdout, 2 stderr)
    /// from now on; the old one is the caller's to release.</summary>
    public static void UseAsStdio(int which, Fd fd)
    {
        if (which == 0) s_stdin = fd.Cap.Value;
        else if (which == 1) s_stdout = fd.Cap.Value;
        else if (which == 2) s_stderr = fd.Cap.Value;
    }
}

public static unsafe partial class Fs
{
    // --- path operations ---------------------------------------------------------------------

    [SkipLocalsInit]   // the path buffer is written (Ascii) before it is read
    public static Status Open(string path, OpenFlags flags, out Fd fd)
    {
        fd = default;
        // As long as the path, not MaxFullPath: a frame over a page costs a stack probe per call.
        if (path.Length > SchemeLimits.MaxFullPath) return Status.NameTooLong;
        byte* p = stackalloc byte[path.Length + 1];
        Ascii(path, p, out int n);
        return Open(p, n, flags, out fd);
    }

    public static Status Open(byte* path, int length, OpenFlags flags, out Fd fd) => Open(path, length, flags, 0, out fd);

    /// <summary>Open with a mode word (FileModes.Given | permissions) for a file Create makes; 0: the
    /// scheme's default (0644 on file:).</summary>
    public static Status Open(byte* path, int length, OpenFlags flags, ulong modeWord, out Fd fd) => Open(path, length, flags, modeWord, out fd, out _);

    /// <summary>Open, also saying what the daemon opened (FileKind.None from a daemon that does not say).</summary>
    public static Status Open(byte* path, int length, OpenFlags flags, ulong modeWord, out Fd fd, out FileKind kind)
    {
        fd = default;
        kind = FileKind.None;
        Status s = PathCall(SchemeOp.Open, path, length, null, 0, (ulong)flags, modeWord, 0, 1, out SchemeReply r);
        if (s != Status.Ok) return s;
        fd = new Fd(r.Cap0);   // exactly one came (SchemeCall.Call checks)
        kind = (FileKind)r.W0;
        if (r.W0 == (ulong)FileKind.File) FileMaps.Note(fd);
        return Status.Ok;
    }

    public static Status Unlink(byte* path, int length) => PathCall(SchemeOp.Unlink, path, length, null, 0, 0, 0, 0, 0, out _);
    public static Status Mkdir(byte* path, int length) => PathCall(SchemeOp.Mkdir, path, length, null, 0, 0, 0, 0, 0, out _);
    public static Status Rmdir(byte* path, int length) => PathCall(SchemeOp.Rmdir, path, length, null, 0, 0, 0, 0, 0, out _);

    public static Status Stat(byte* path, int length, out ulong size, out FileKind kind)
    {
        Status s = PathCall(SchemeOp.Stat, path, length, null, 0, 0, FileStats.WordsOnly, 0, 0, out SchemeReply r);
        size = r.W0;
        kind = (FileKind)r.W1;
        return s;
    }

    [SkipLocalsInit]   // the path buffer is written (Ascii) before it is read
    public static Status Stat(string path, out ulong size, out FileKind kind)
    {
        size = 0;
        kind = FileKind.None;
        if (path.Length > SchemeLimits.MaxFullPath) return Status.NameTooLong;
        byte* p = stackalloc byte[path.Length + 1];
        Ascii(path, p, out int n);
        return Stat(p, n, out size, out kind);
    }

    /// <summary>Renames within one scheme: both paths must name the same scheme.</summary>
    public static Status Rename(byte* from, int fromLength, byte* to, int toLength) =>
        PathCall(SchemeOp.Rename, from, fromLength, to, toLength, 0, 0, 0, 0, out _);

    public static Status Unlink(string path) => WithPath(path, SchemeOp.Unlink);
    public static Status Mkdir(string path) => WithPath(path, SchemeOp.Mkdir);
    public static Status Rmdir(string path) => WithPath(path, SchemeOp.Rmdir);

    [SkipLocalsInit]   // the path buffer is written (Ascii) before it is read
    private static Status WithPath(string path, SchemeOp op)
    {
        if (path.Length > SchemeLimits.MaxFullPath) return Status.NameTooLong;
        byte* p = stackalloc byte[path.Length + 1];
        Ascii(path, p, out int n);
        return PathCall(op, p, n, null, 0, 0, 0, 0, 0, out _);
    }

    // Resolves the scheme, sends the rest of the path (and a second path for Rename), and retries
    // once with a fresh lookup if the cached scheme capability had died (its daemon restarted).
    private static Status PathCall(SchemeOp op, byte* path, int length, byte* second, int secondLength,
        ulong w0, ulong w1, ulong w2, int receiveCaps, out SchemeReply r)
    {
        r = default;
        Status s = Namespace.Split(path, length, out byte* name, out int nameLength, out byte* rest, out int restLength);
        if (s != Status.Ok) return s;
        byte* rest2 = null;
        int rest2Length = 0;
        if (second != null)
        {
            s = Namespace.Split(second, secondLength, out byte* name2, out int name2Length, out rest2, out rest2Length);
            if (s != Status.Ok) return s;
            if (name2Length != nameLength || !Vireo.User.Ascii.Equals(name, name2, nameLength)) return Status.NotSupported;
        }
        if (restLength > SchemeLimits.MaxPath || rest2Length > SchemeLimits.MaxPath) return Status.NameTooLong;
        return SchemeRequest(op, name, nameLength, rest, restLength, rest2, rest2Length, second != null, w0, w1, w2, receiveCaps, out r);
    }

    // Sends `first` (and, with `pair`, NUL and `second`) to scheme `name`: in the message, or in the
    // long-path frame when longer (LongPaths); retried once if the cached scheme capability died.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]   // into PathCall, every path call's way
    private static Status SchemeRequest(SchemeOp op, byte* name, int nameLength, byte* first, int firstLength,
        byte* second, int secondLength, bool pair, ulong w0, ulong w1, ulong w2, int receiveCaps, out SchemeReply r)
    {
        r = default;
        Status s = Status.Ok;
        int total = firstLength + (pair ? 1 + secondLength : 0);
        if (total > SchemeLimits.LongData) return Status.NameTooLong;
        bool isLong = total > SchemeLimits.MaxData;
        for (int attempt = 0; attempt < 2; attempt++)
        {
            s = Namespace.Lookup(name, nameLength, out CapHandle scheme);
            if (s != Status.Ok) return s;
            // After the lookup, which uses the data area itself.
            byte* into = SchemeCall.Data;
            if (isLong && (s = LongPaths.Buffer(out into)) != Status.Ok) return s;
            SchemeCall.Buffer_MemoryCopy(into, first, firstLength);
            if (pair)
            {
                into[firstLength] = 0;
                SchemeCall.Buffer_MemoryCopy(into + firstLength + 1, second, secondLength);
            }
            s = isLong ? LongPaths.Call(scheme, op, w0, w1, w2, total, receiveCaps, out r)
                : SchemeCall.Call(scheme, op, w0, w1, w2, total, 0, receiveCaps, out r);
            // Only a request that never reached a daemon (its capability was already dead) is safe
            // to repeat; one that died with the daemon (PeerDied) may have done its work.
            if (s != Status.BadDescriptor) return s;
            Namespace.Forget(scheme);
        }
        return s;
    }

    // --- descriptor operations ---------------------------------------------------------------

    /// <summary>Reads up to `count` bytes (one request: at most SchemeLimits.MaxData; a mapped file:
    /// as much as its window holds, with no request). 0 = end of file.</summary>
    public static Status Read(Fd fd, byte* buffer, int count, out int read) => Fetch(SchemeOp.Read, fd, buffer, count, out read);

    /// <summary>Writes all `count` bytes (in as many requests as it takes); `written` says how many went.</summary>
    public static Status Write(Fd fd, byte* buffer, int count, out int written)
    {
        written = 0;
        if (count < 0) return Status.InvalidArgument;
        if (!UserRange(buffer, count)) return Status.BadAddress;
        int e = PipeEnds.Find(fd);
        if (e >= 0) return PipeEnds.Transfer(e, fd, true, buffer, count, out written);
        // More than one message's worth goes through the file's transfer page, if its daemon has one.
        int m = FileMaps.Find(fd);
        if (m < 0 && count > SchemeLimits.MaxData) m = FileMaps.MapCandidate(fd, forWrite: true);
        if (m >= 0)
        {
            Status t = FileMaps.Write(m, fd, buffer, count, out written);
            if (t != Status.NotSupported) return t;
        }
        while (written < count)
        {
            int chunk = count - written > SchemeLimits.MaxData ? SchemeLimits.MaxData : count - written;
            SchemeCall.Put(buffer + written, chunk);
            Status s = SchemeCall.Call(fd.Cap, SchemeOp.Write, 0, 0, 0, chunk, 0, 0, out SchemeReply r);
            if (s == Status.SharedRing && written == 0) return PipeEnds.Transfer(-1, fd, true, buffer, count, out written);
            if (s != Status.Ok) return s;
            if (r.W0 > (ulong)chunk) return Status.BadReply;
            if (r.W0 == 0) return Status.NoSpace;
            written += (int)r.W0;
        }
        return Status.Ok;
    }

    public static Status Write(Fd fd, string text)
    {
        int done = 0;
        byte* chunk = stackalloc byte[128];
        while (done < text.Length)
        {
            int n = text.Length - done > 128 ? 128 : text.Length - done;
            for (int i = 0; i < n; i++) chunk[i] = text[done + i] < 128 ? (byte)text[done + i] : (byte)'?';
            Status s = Write(fd, chunk, n, out _);
            if (s != Status.Ok) return s;
            done += n;
        }
        return Status.Ok;
    }

    public static Status Seek(Fd fd, long offset, SeekFrom from, out ulong position)
    {
        int e = FileMaps.Find(fd);   // a mapped file (found without a call), else maybe mapped now
        if (e < 0) e = FileMaps.MapCandidate(fd);
        if (e >= 0) return FileMaps.Seek(e, offset, from, out position);
        Status s = SchemeCall.Call(fd.Cap, SchemeOp.Seek, (ulong)offset, (ulong)from, 0, 0, 0, 0, out SchemeReply r);
        position = r.W0;
        return s;
    }

    /// <summary>Deletes this process's capability without telling the daemon: for a descriptor handed
    /// to a child (the child's copy stays open; it closes it). Close would end it for every holder.</summary>
    public static void Forget(Fd fd)
    {
        PipeEnds.Detach(fd);
        FileMaps.Detach(fd);
        CSpace.Release(fd.Cap);
    }

    /// <summary>Tells the daemon, then deletes the capability (also when the daemon is gone). Every
    /// copy of it stops working: hand children duplicates (Dup), not the descriptor itself.</summary>
    public static Status Close(Fd fd)
    {
        PipeEnds.Detach(fd);
        FileMaps.Detach(fd);
        Status s = SchemeCall.Call(fd.Cap, SchemeOp.Close, 0, 0, 0, 0, 0, 0, out _);
        // Ok means the daemon revoked the file (the protocol's Close: SchemeServer.CloseFile), our
        // copy included: the slot is empty. Otherwise (the daemon died, another holder closed it,
        // a refusal) delete whatever is left; either way the slot is this process's again.
        if (s == Status.Ok) CSpace.Free(fd.Cap.Index);
        else CSpace.Release(fd.Cap);
        return s;
    }

    public static Status Dup(Fd fd, out Fd copy) => CallForFile(fd, SchemeOp.Dup, out copy);

    // A descriptor call answered with one new file.
    private static Status CallForFile(Fd fd, SchemeOp op, out Fd file)
    {
        file = default;
        Status s = SchemeCall.Call(fd.Cap, op, 0, 0, 0, 0, 0, 1, out SchemeReply r);
        if (s != Status.Ok) return s;
        file = new Fd(r.Cap0);
        if (r.W0 == (ulong)FileKind.File) FileMaps.Note(file);
        return Status.Ok;
    }

    public static Status Fstat(Fd fd, out ulong size, out FileKind kind)
    {
        Status s = SchemeCall.Call(fd.Cap, SchemeOp.Fstat, FileStats.WordsOnly, 0, 0, 0, 0, 0, out SchemeReply r);
        size = r.W0;
        kind = (FileKind)r.W1;
        return s;
    }

    public static Status Fsync(Fd fd) => SchemeCall.Call(fd.Cap, SchemeOp.Fsync, 0, 0, 0, 0, 0, 0, out _);

    public static Status Ftruncate(Fd fd, ulong size) => SchemeCall.Call(fd.Cap, SchemeOp.Ftruncate, size, 0, 0, 0, 0, 0, out _);

    public static Status Fcntl(Fd fd, FcntlCommand command, ulong argument, out ulong result)
    {
        Status s = SchemeCall.Call(fd.Cap, SchemeOp.Fcntl, (ulong)command, argument, 0, 0, 0, 0, out SchemeReply r);
        result = r.W0;
        return s;
    }

    /// <summary>Directory entries as records (u8 kind, u8 length, name); 0 bytes = no more.</summary>
    public static Status Getdents(Fd fd, byte* buffer, int count, out int read) => Fetch(SchemeOp.Getdents, fd, buffer, count, out read);

    // Read and Getdents: one request for at most `count` (<= MaxData) bytes, copied out of the IPC buffer.
    private static Status Fetch(SchemeOp op, Fd fd, byte* buffer, int count, out int read)
    {
        read = 0;
        if (count < 0) return Status.InvalidArgument;
        if (!UserRange(buffer, count)) return Status.BadAddress;
        if (op == SchemeOp.Read)
        {
            int e = PipeEnds.Find(fd);
            if (e >= 0) return PipeEnds.Transfer(e, fd, false, buffer, count, out read);
            e = FileMaps.Lookup(fd);
            if (e >= 0) return FileMaps.Read(e, fd, buffer, count, out read);
        }
        return Request(op, fd, buffer, count, out read);
    }

    /// <summary>Read or Getdents as one request, whatever the descriptor maps: FileMaps falls back
    /// to it.</summary>
    internal static Status Request(SchemeOp op, Fd fd, byte* buffer, int count, out int read)
    {
        read = 0;
        if (count > SchemeLimits.MaxData) count = SchemeLimits.MaxData;
        Status s = SchemeCall.Call(fd.Cap, op, (ulong)count, 0, 0, 0, 0, 0, out SchemeReply r);
        if (s == Status.SharedRing && op == SchemeOp.Read) return PipeEnds.Transfer(-1, fd, false, buffer, count, out read);
        if (s != Status.Ok) return s;
        if (r.DataLength > count) return Status.BadReply;
        SchemeCall.Buffer_MemoryCopy(buffer, SchemeCall.Data, r.DataLength);
        read = r.DataLength;
        return Status.Ok;
    }

    /// <summary>Maps `pages` (1..3) pages of the file from `offset` at `address` in this process: the
    /// daemon hands over frame capabilities (shared memory, no copy). The frames' handles come back.</summary>
    public static Status Fmap(Fd fd, ulong offset, int pages, ulong address, Rights rights, CapHandle* frames)
    {
        if (pages < 1 || pages > MessageInfo.MaxCaps || (offset & 0xFFF) != 0 || (address & 0xFFF) != 0) return Status.InvalidArgument;
        Status s = SchemeCall.Call(fd.Cap, SchemeOp.Fmap, offset, (ulong)pages, 0, 0, 0, pages, out SchemeReply r);
        if (s != Status.Ok) return s;
        frames[0] = r.Cap0;
        if (pages > 1) frames[1] = r.Cap1;
        if (pages > 2) frames[2] = r.Cap2;
        for (int i = 0; i < pages; i++)
        {
            s = Sys.Map(CSpace.SelfAddressSpace, frames[i], address + (ulong)i * 4096, rights);
            if (s != Status.Ok) return s;
        }
        return Status.Ok;
    }

    /// <summary>Unmaps and drops frames Fmap gave, and tells the daemon.</summary>
    public static Status Funmap(Fd fd, ulong offset, int pages, CapHandle* frames)
    {
        for (int i = 0; i < pages; i++) CSpace.Release(frames[i]);   // deleting a frame unmaps it
        return SchemeCall.Call(fd.Cap, SchemeOp.Funmap, offset, (ulong)pages, 0, 0, 0, 0, out _);
    }

    /// <summary>Asks the daemon to signal `bits` on `notification` (a capability this process holds
    /// with Write, sent along) once the file is ready for one of `events` (Hangup always counts);
    /// one-shot. `ready` = what is ready now: when it is not None the daemon keeps no watch. Events
    /// None cancels the file's watch (send no notification then). NotSupported from daemons without
    /// watches. Events.WaitAny does the rest.</summary>
    public static Status Watch(Fd fd, Readiness events, ulong bits, CapHandle notification, out Readiness ready)
    {
        int caps = notification.Value != 0 ? 1 : 0;
        SchemeCall.Buffer->SendCaps[0] = notification.Value;
        Status s = SchemeCall.Call(fd.Cap, SchemeOp.Watch, (ulong)events, bits, 0, 0, caps, 0, out SchemeReply r);
        ready = s == Status.Ok ? (Readiness)r.W0 : Readiness.None;
        return s;
    }

    /// <summary>Waits for the next connection on a chan: listener (opened with OpenFlags.Create) and
    /// returns this side's end of it.</summary>
    public static Status Accept(Fd listener, out Fd connection) => CallForFile(listener, SchemeOp.Accept, out connection);

    /// <summary>A new pipe from the pipe: scheme: Open("pipe:") answers with two capabilities, the read
    /// end and the write end.</summary>
    public static Status Pipe(out Fd readEnd, out Fd writeEnd)
    {
        readEnd = writeEnd = default;
        byte* path = stackalloc byte[6];   // "pipe:" and the NUL Ascii adds
        Ascii("pipe:", path, out int n);
        Status s = PathCall(SchemeOp.Open, path, n, null, 0, (ulong)(OpenFlags.Read | OpenFlags.Write), 0, 0, 2, out SchemeReply r);
        if (s != Status.Ok) return s;
        readEnd = new Fd(r.Cap0);
        writeEnd = new Fd(r.Cap1);
        return Status.Ok;
    }

    // --- helpers -------------------------------------------------------------------------------

    /// <summary>A buffer the caller could own: not page 0, below the user half's top, no wrap-around.
    /// (Whether it is mapped only the caller knows: an unmapped user address faults the caller, as any
    /// bad pointer would.)</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]   // on every Read and Write
    internal static bool UserRange(byte* buffer, int count)
    {
        if (count == 0) return true;
        ulong start = (ulong)buffer, end = start + (ulong)count;
        return start >= 4096 && end > start && end <= BootstrapLayout.UserTop;
    }

    internal static bool Ascii(string text, byte* into, out int length)
    {
        int n = text.Length;   // a local, not the out parameter: the loop need not reload it after each store
        length = n;
        if (n > SchemeLimits.MaxFullPath) return false;
        fixed (char* chars = text)   // no bounds check per character
        {
            char* c = chars;
            byte* o = into, end = into + n;
            // Four characters a word while all four are ASCII (every path's way), then one by one.
            while (o + 4 <= end)
            {
                ulong w = *(ulong*)c;
                if ((w & 0xFF80_FF80_FF80_FF80UL) != 0) break;
                *(uint*)o = (uint)((w & 0xFF) | (w >> 8 & 0xFF00) | (w >> 16 & 0xFF_0000) | (w >> 24 & 0xFF00_0000));
                o += 4;
                c += 4;
            }
            for (; o < end; o++, c++) *o = *c < 128 ? (byte)*c : (byte)'?';
        }
        into[n] = 0;
        return true;
    }
}
