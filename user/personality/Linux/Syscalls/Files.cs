// Descriptors: read, write, close, lseek, pread64/pwrite64, fstat, getdents64, dup*, fcntl, ioctl and
// sendfile over the process's descriptor table (LinuxFiles), each Vireo failure given as Linux's
// errno (Errno.From). Calls on paths are in Paths.cs.
using Vireo.Abi;
using Vireo.Linux.Abi;
using Vireo.Linux.Proc;
using Vireo.Linux.Loop;
using Vireo.User;
using Vireo.User.Schemes;

namespace Vireo.Linux.Syscalls;

public static unsafe partial class SyscallTable
{
    private const int ChunkBytes = 16384;
    private const ulong AtEmptyPath = 0x1000;
    private const uint ModeCharacterDevice = 0x2000 | 0x190;   // S_IFCHR | 0620, as a terminal's
    private const ulong OAccMode = 3, OAppend = 0x400, ONonblock = 0x800, OCloexec = 0x80000;

    private static long Write(LinuxProcess p, ulong fd, ulong buffer, ulong count)
    {
        LinuxFile f = p.Files.Get(fd);
        if (f == null || (f.StatusFlags & OAccMode) == 0) return -Errno.EBADF;
        if (f.WriteEnd != null) return PipeWrite(p, f, buffer, count);
        if (f.Socket) return -Errno.ENOTCONN;
        if (LinuxTerminal.Tostop && f.MayBlock && LinuxTerminal.IsConsole(f))
        {
            long held = JobControl.Check(p, LinuxSignals.SigTtou);   // TOSTOP: a background group's write
            if (held != 0) return held;
        }
        if (count > int.MaxValue) count = int.MaxValue;
        if (!p.Memory.IsMapped(buffer, count)) return -Errno.EFAULT;
        ulong done = 0;
        while (done < count)
        {
            byte* at = p.Memory.At(buffer + done, write: false, out ulong available);
            if (at == null) return done > 0 ? (long)done : -Errno.EFAULT;   // a file mapping's page past its file
            ulong n = count - done < available ? count - done : available;
            if (n > ChunkBytes) n = ChunkBytes;
            Status s = Fs.Write(f.Fd, at, (int)n, out int written);
            if (s == Status.BadDescriptor && f.Stdio) s = ToKernelLog(at, (int)n, out written);
            if (s != Status.Ok) return done > 0 ? (long)done : -Errno.From(s);
            done += (ulong)written;
            if (written == 0) break;
        }
        return (long)done;
    }

    // A personality started without a console (init's `run` before `console`, as in the bench boot)
    // has no standard output: fds 1 and 2 go to the kernel's log if it was given it, as a native
    // program's Console does.
    private static Status ToKernelLog(byte* at, int n, out int written)
    {
        Status s = Sys.DebugWrite(at, (ulong)n);
        written = s == Status.Ok ? n : 0;
        return s;
    }

    private static long Writev(LinuxProcess p, ulong fd, ulong iov, ulong count)
    {
        if (count > 1024) return -Errno.EINVAL;
        long total = 0;
        for (ulong i = 0; i < count; i++)
        {
            if (!p.Memory.ReadWord(iov + 16 * i, out ulong base_) || !p.Memory.ReadWord(iov + 16 * i + 8, out ulong length))
                return total > 0 ? total : -Errno.EFAULT;
            if (length == 0) continue;
            long n = Write(p, fd, base_, length);
            if (n < 0) return total > 0 ? total : n;
            total += n;
            if ((ulong)n < length) break;
        }
        return total;
    }

    private static long Read(LinuxProcess p, ulong fd, ulong buffer, ulong count)
    {
        LinuxFile f = p.Files.Get(fd);
        if (f == null || (f.StatusFlags & OAccMode) == 1) return -Errno.EBADF;
        if (f.IsDirectory) return -Errno.EISDIR;
        if (count == 0) return 0;
        if (!Chunk(p, buffer, count, true, out byte* at, out int want)) return -Errno.EFAULT;
        if (f.Content != null) return ReadServed(f, at, want);
        if (f.ReadEnd != null) return PipeRead(p, f, buffer, count, at, want);
        if (f.Socket) return -Errno.ENOTCONN;
        if (f.MayBlock && LinuxTerminal.IsConsole(f))
        {
            long held = JobControl.Check(p, LinuxSignals.SigTtin);   // a background group's read: SIGTTIN or EIO
            return held != 0 ? held : ConsoleRead(p, f, at, want);   // termios's VMIN and VTIME: Terminal.cs
        }
        if (f.MayBlock && !Ready(p, f, Readiness.Readable)) return EventLoop.Parked;
        Status s = Fs.Read(f.Fd, at, want, out int read);
        if (s != Status.Ok) return -Errno.From(s);
        return !f.MayBlock && read > 0 ? ReadRest(p, f, buffer, count, read, want) : read;
    }

    // Whether a read (or write) of a file that can make its caller wait would go ahead now; if not, p
    // waits on the loop's watched queue, with the daemon's watch armed to signal WatchBit (or the call
    // fails with O_NONBLOCK's EAGAIN; the caller checks NonBlocking). A daemon without watches is
    // taken as ready: the call then blocks the loop, as every call did before it.
    private static bool Ready(LinuxProcess p, LinuxFile f, Readiness wanted)
    {
        Status s = Fs.Watch(f.Fd, wanted, EventLoop.WatchBit, EventLoop.Notification, out Readiness ready);
        if (s != Status.Ok || ready != Readiness.None) return true;
        EventLoop.Watched.Add(p);
        return false;
    }

    // Linux fills a read of a regular file (up to its end) and of /dev/zero or /dev/urandom whole, where
    // a daemon answers a chunk at a time (a page, or what one message holds, less than asked for even
    // inside a file): the rest is asked for here until the count is met or a chunk is empty (the end),
    // so that dd's one read of bs=1M is a whole block, as on Linux. A device's read stops at
    // DeviceReadBytes.
    private const ulong DeviceReadBytes = 16 << 20;

    private static long ReadRest(LinuxProcess p, LinuxFile f, ulong buffer, ulong count, int read, int want)
    {
        if (f.FillsReads && count > DeviceReadBytes) count = DeviceReadBytes;
        ulong done = (ulong)read;
        while (done < count && read > 0)
        {
            if (!Chunk(p, buffer + done, count - done, true, out byte* at, out want)) break;
            if (Fs.Read(f.Fd, at, want, out read) != Status.Ok) break;   // what was read is the answer
            done += (ulong)read;
        }
        return (long)done;
    }

    private static long ReadServed(LinuxFile f, byte* at, int want)
    {
        int n = 0;
        while (n < want && f.Position < (ulong)f.Content.Length) at[n++] = f.Content[(int)f.Position++];
        return n;
    }

    private static long Pread(LinuxProcess p, ulong fd, ulong buffer, ulong count, long offset, bool write)
    {
        LinuxFile f = p.Files.Get(fd);
        if (f == null) return -Errno.EBADF;
        if (offset < 0) return -Errno.EINVAL;
        if (f.Stdio || f.IsStream) return -Errno.ESPIPE;
        if (!f.Fd.IsValid) return -Errno.EINVAL;   // the personality's own files: read and lseek only
        if ((f.StatusFlags & OAccMode) == (write ? 0UL : 1UL)) return -Errno.EBADF;   // not open for it
        if (!write && f.IsDirectory) return -Errno.EISDIR;
        if (count == 0) return 0;
        if (write ? !p.Memory.IsMapped(buffer, count) : !p.Memory.IsWritable(buffer, count)) return -Errno.EFAULT;
        // Piece by piece through the window (the program's memory is 4 KiB frames, the mapped file a
        // window of pages): a regular file's pread is whole, as on Linux, unless its end or an error
        // comes first. A mapped read is short at the file window's edge as well as at the end, so it
        // goes on until it reads nothing; a read through messages is short only at the end.
        long total = 0;
        while ((ulong)total < count)
        {
            byte* at = p.Memory.At(buffer + (ulong)total, write: !write, out ulong available);   // pread writes the program's memory
            if (at == null) return total > 0 ? total : -Errno.EFAULT;
            int want = count - (ulong)total < available ? (int)(count - (ulong)total) : (int)available;
            // A file its daemon maps (ADR 0012; /tmp on ramfs, the disk) is read as Fs.Read reads it:
            // one copy from the daemon's page into the program's frame, no request. Looked up per
            // piece (two compares): a daemon out of pages leaves the descriptor to messages midway.
            int mapped = write ? -1 : FileMaps.Lookup(f.Fd);
            int n;
            Status s = write ? Fs.Pwrite(f.Fd, at, want, (ulong)offset + (ulong)total, out n)
                : mapped >= 0 ? FileMaps.ReadAt(mapped, f.Fd, at, want, (ulong)offset + (ulong)total, out n)
                : Fs.Pread(f.Fd, at, want, (ulong)offset + (ulong)total, out n);
            if (s != Status.Ok) return total > 0 ? total : -Errno.From(s);
            total += n;
            if (n == 0 || n < want && mapped < 0) break;
        }
        return total;
    }

    // The first piece of the program's buffer that is contiguous in our window (a short transfer is
    // Linux's right): false when the buffer is not all mapped.
    private static bool Chunk(LinuxProcess p, ulong buffer, ulong count, bool intoLinux, out byte* at, out int want)
    {
        at = null;
        want = 0;
        if (intoLinux ? !p.Memory.IsWritable(buffer, count) : !p.Memory.IsMapped(buffer, count)) return false;
        at = p.Memory.At(buffer, out ulong available);
        if (at == null) return false;   // a file mapping's page past its file
        ulong n = count < available ? count : available;
        want = n > ChunkBytes ? ChunkBytes : (int)n;
        return true;
    }

    private static long Lseek(LinuxProcess p, ulong fd, long offset, ulong whence)
    {
        LinuxFile f = p.Files.Get(fd);
        if (f == null) return -Errno.EBADF;
        if (whence > 2) return -Errno.EINVAL;
        if (f.Stdio || f.IsStream) return -Errno.ESPIPE;
        if (f.Content != null)
        {
            long to = whence == 0 ? offset : whence == 1 ? (long)f.Position + offset : f.Content.Length + offset;
            if (to < 0) return -Errno.EINVAL;
            f.Position = (ulong)to;
            return to;
        }
        if (f.SchemeList)
        {
            // rewinddir on /scheme, which has no Vireo file to seek
            if (whence != 0 || offset != 0) return -Errno.EINVAL;
            f.DirentIndex = 0;
            return 0;
        }
        Status s = Fs.Seek(f.Fd, offset, (SeekFrom)whence, out ulong position);
        if (s == Status.Ok && f.IsDirectory && position == 0) f.DirentIndex = 0;   // rewinddir: "." and ".." again
        return s == Status.Ok ? (long)position : -Errno.From(s);
    }

    private static long Close(LinuxProcess p, ulong fd) => p.Files.Close(fd) ? 0 : -Errno.EBADF;

    private static long Fstat(LinuxProcess p, ulong fd, ulong statBuffer)
    {
        LinuxFile f = p.Files.Get(fd);
        if (f == null) return -Errno.EBADF;
        FileStat st = default;
        if (f.Stdio)
        {
            st.Links = 1;
            st.Mode = ModeCharacterDevice;
            st.RawDevice = 136UL << 8;   // a pseudo-terminal, as on Linux
            st.BlockSize = 1024;
        }
        else if (f.SchemeList)
        {
            st.Links = 2;
            st.Mode = LinuxStat.ModeOf(FileKind.Directory);
        }
        else if (f.Content != null) st = PlainStat((ulong)f.Content.Length, FileKind.File);
        else if (f.IsStream) st = StreamStat(f);
        else
        {
            Status s = Fs.Fstat(f.Fd, out st);
            if (s == Status.NotSupported) s = Plain(Fs.Fstat(f.Fd, out ulong size, out FileKind kind), size, kind, out st);
            if (s != Status.Ok) return -Errno.From(s);
        }
        return PutStat(p, in st, statBuffer);
    }

    // A FileStat made from what every scheme answers (size and kind), for one without Unix metadata;
    // `s` is the status of the call that gave them, passed on.
    private static Status Plain(Status s, ulong size, FileKind kind, out FileStat st)
    {
        st = PlainStat(size, kind);
        return s;
    }

    private static FileStat PlainStat(ulong size, FileKind kind)
    {
        FileStat st = default;
        st.Size = size;
        st.Kind = (uint)kind;
        st.Mode = LinuxStat.ModeOf(kind);
        st.Links = 1;
        return st;
    }

    private static long PutStat(LinuxProcess p, in FileStat st, ulong statBuffer)
    {
        byte* packed = stackalloc byte[LinuxStat.Size];
        LinuxStat.Pack(in st, new System.Span<byte>(packed, LinuxStat.Size));
        return p.Memory.Write(statBuffer, packed, LinuxStat.Size) ? 0 : -Errno.EFAULT;
    }

    private static long Getdents64(LinuxProcess p, ulong fd, ulong buffer, ulong count)
    {
        LinuxFile f = p.Files.Get(fd);
        if (f == null) return -Errno.EBADF;
        if (!f.IsDirectory) return -Errno.ENOTDIR;
        if (count > ChunkBytes) count = ChunkBytes;
        // A Vireo record (kind, length, name) grows by at most 8 times as a linux_dirent64 (a
        // one-byte name: 3 bytes to 24), so asking for count / 8 bytes never loses an entry.
        int ask = (int)(count / 8);
        if (ask < 2 + 255 && count >= 280) ask = 2 + 255;
        byte* records = stackalloc byte[ChunkBytes / 8 + 258 + 7];
        // Vireo's listings leave out "." and "..", which Linux's give first (ls -a shows them).
        int dots = 0;
        if (f.DirentIndex == 0)
        {
            records[0] = records[3] = (byte)FileKind.Directory;
            records[1] = 1;
            records[4] = 2;
            records[2] = records[5] = records[6] = (byte)'.';
            dots = 7;
        }
        int got;
        if (f.SchemeList)
            got = ProcFs.Under(f.Path) ? ProcFs.Records(p, f.Path, f.DirentIndex < 2 ? 0 : f.DirentIndex - 2, records + dots, ask)
                : SchemeRecords(f.DirentIndex < 2 ? 0 : f.DirentIndex - 2, records + dots, ask);
        else
        {
            Status s = Fs.Getdents(f.Fd, records + dots, ask, out got);
            if (s != Status.Ok) return -Errno.From(s);
        }
        got += dots;
        if (got == 0) return 0;
        byte* packed = stackalloc byte[ChunkBytes];
        int n = LinuxStat.PackDirents(new System.ReadOnlySpan<byte>(records, got), new System.Span<byte>(packed, (int)count), f.DirentIndex, out _, out int entries);
        if (n == 0) return -Errno.EINVAL;
        f.DirentIndex += (ulong)entries;
        return p.Memory.Write(buffer, packed, (ulong)n) ? n : -Errno.EFAULT;
    }

    // /scheme's entries past the first `index`: the registered schemes (Namespace.List), as directory records.
    private static int SchemeRecords(ulong index, byte* into, int room)
    {
        int at = 0;
        byte* name = stackalloc byte[SchemeLimits.MaxName];
        ulong next = 0;
        for (ulong skipped = 0; ; skipped++)
        {
            if (Namespace.List(next, name, out int length, out ulong after) != Status.Ok) break;
            next = after;
            if (skipped < index) continue;
            if (at + 2 + length > room) break;
            into[at] = (byte)FileKind.Directory;
            into[at + 1] = (byte)length;
            for (int i = 0; i < length; i++) into[at + 2 + i] = name[i];
            at += 2 + length;
        }
        return at;
    }

    private static long Dup(LinuxProcess p, ulong fd, long to, ulong flags, int from = 0)
    {
        LinuxFile f = p.Files.Get(fd);
        if (f == null) return -Errno.EBADF;
        bool cloexec = (flags & OCloexec) != 0;
        if (to < 0)
        {
            int n = p.Files.Add(f, cloexec, from);
            if (n < 0) return -Errno.EMFILE;
            f.Users++;
            return n;
        }
        if (to >= LinuxFiles.Max) return -Errno.EBADF;
        p.Files.Put((int)to, f, cloexec);
        return to;
    }

    private static long Fcntl(LinuxProcess p, ulong fd, ulong command, ulong argument)
    {
        LinuxFile f = p.Files.Get(fd);
        if (f == null) return -Errno.EBADF;
        switch (command)
        {
            case 0: return Dup(p, fd, -1, 0, (int)argument < 0 || argument >= LinuxFiles.Max ? LinuxFiles.Max : (int)argument);     // F_DUPFD
            case 1030: return Dup(p, fd, -1, OCloexec, argument >= LinuxFiles.Max ? LinuxFiles.Max : (int)argument);                 // F_DUPFD_CLOEXEC
            case 1: return p.Files.CloseOnExec(fd) ? 1 : 0;            // F_GETFD: FD_CLOEXEC
            case 2: p.Files.SetCloseOnExec(fd, (argument & 1) != 0); return 0;
            case 3: return (long)f.StatusFlags;                        // F_GETFL
            case 4: f.StatusFlags = (f.StatusFlags & ~(OAppend | ONonblock)) | (argument & (OAppend | ONonblock)); return 0;
            case 1031:                                                 // F_SETPIPE_SZ: the ring keeps its size
            case 1032: return f.ReadEnd != null || f.WriteEnd != null ? Pipes.PipeBuffer.Capacity : -Errno.EBADF;   // F_GETPIPE_SZ
            default: return -Errno.EINVAL;
        }
    }

    // sendfile: a read and write loop through a buffer of ours (cat and cp use it).
    private static long Sendfile(LinuxProcess p, ulong outFd, ulong inFd, ulong offsetAddress, ulong count)
    {
        LinuxFile to = p.Files.Get(outFd), from = p.Files.Get(inFd);
        if (to == null || from == null) return -Errno.EBADF;
        if (!from.Fd.IsValid || !to.Fd.IsValid) return -Errno.EINVAL;   // a file of ours: the caller reads and writes instead
        if (offsetAddress != 0) return -Errno.EINVAL;   // busybox passes none
        // A file that can make its reader wait (the console, a pipe) would hold the whole loop in its
        // Read: EINVAL, as Linux gives for a terminal, and BusyBox reads and writes instead.
        if (from.MayBlock) return -Errno.EINVAL;
        byte* chunk = stackalloc byte[4096];
        ulong done = 0;
        while (done < count)
        {
            int want = count - done < 4096 ? (int)(count - done) : 4096;
            Status s = Fs.Read(from.Fd, chunk, want, out int read);
            if (s != Status.Ok) return done > 0 ? (long)done : -Errno.From(s);
            if (read == 0) break;
            int written = 0;
            while (written < read)
            {
                s = Fs.Write(to.Fd, chunk + written, read - written, out int n);
                if (s != Status.Ok) return done > 0 ? (long)done : -Errno.From(s);
                written += n;
            }
            done += (ulong)read;
        }
        return (long)done;
    }
}
