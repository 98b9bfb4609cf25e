// Pipes and sockets the personality keeps itself (Pipes/Pipe.cs): pipe, pipe2, reads and writes of
// their ends, socketpair as two pipes crossed, and socket(AF_UNIX) whose connect finds nobody
// (glibc's nscd lookups try it and go on). Other address families are EAFNOSUPPORT: there is no
// network yet. docs/design/linux.md, "Pipes".
using System;
using Vireo.Linux.Abi;
using Vireo.Linux.Loop;
using Vireo.Linux.Pipes;
using Vireo.Abi;

namespace Vireo.Linux.Syscalls;

public static unsafe partial class SyscallTable
{
    private const ulong ODirect = 0x4000;
    private const ulong AfUnix = 1, SockNonblock = 0x800, SockCloexec = 0x80000;
    private const int SigPipe = 13;

    private static long Pipe2(LinuxProcess p, ulong fds, ulong flags)
    {
        // O_DIRECT (packet mode) is not built: EINVAL, as from a kernel without it.
        if ((flags & ~(OCloexec | ONonblock)) != 0) return -Errno.EINVAL;
        var pipe = new Pipe();
        var reader = new LinuxFile { ReadEnd = pipe, StatusFlags = flags & ONonblock };
        var writer = new LinuxFile { WriteEnd = pipe, StatusFlags = 1 | (flags & ONonblock) };
        return AddPair(p, reader, writer, fds, (flags & OCloexec) != 0);
    }

    // Two new files at the lowest free fds, written to `fds` as two ints; on failure neither stays.
    private static long AddPair(LinuxProcess p, LinuxFile a, LinuxFile b, ulong fds, bool cloexec)
    {
        if (!p.Memory.IsMapped(fds, 8)) return -Errno.EFAULT;
        int first = p.Files.Add(a, cloexec);
        if (first < 0)
        {
            a.ReadEnd?.CloseReader();   // never named by an fd: its ends close here
            a.WriteEnd?.CloseWriter();
            b.ReadEnd?.CloseReader();
            b.WriteEnd?.CloseWriter();
            return -Errno.EMFILE;
        }
        int second = p.Files.Add(b, cloexec);
        if (second < 0)
        {
            p.Files.Close((ulong)first);
            b.ReadEnd?.CloseReader();
            b.WriteEnd?.CloseWriter();
            return -Errno.EMFILE;
        }
        ulong both = (uint)first | ((ulong)(uint)second << 32);
        if (p.Memory.WriteWord(fds, both)) return 0;
        p.Files.Close((ulong)first);
        p.Files.Close((ulong)second);
        return -Errno.EFAULT;
    }

    // A read of a pipe end: what is there (up to `count`, piece by piece through the window: `at` and
    // `want` are the first piece), or end of file when no writer is left, or wait.
    private static long PipeRead(LinuxProcess p, LinuxFile f, ulong buffer, ulong count, byte* at, int want)
    {
        Pipe pipe = f.ReadEnd;
        if (pipe.Ring.Count == 0)
        {
            if (pipe.Writers == 0) return 0;
            if ((f.StatusFlags & ONonblock) != 0) return -Errno.EAGAIN;
            pipe.ReadWaiters.Add(p);
            return EventLoop.Parked;
        }
        long done = 0;
        while (true)
        {
            int n = pipe.Ring.Peek(new Span<byte>(at, want));
            pipe.Ring.Consume(n);
            done += n;
            if (n < want || (ulong)done >= count || pipe.Ring.Count == 0) break;
            if (!Chunk(p, buffer + (ulong)done, count - (ulong)done, true, out at, out want)) break;
        }
        pipe.Drained();
        ReaderWakes.Drained(pipe);
        return done;
    }

    // A write to a pipe end, as Linux's pipe_write: up to PIPE_BUF bytes go whole or wait; a longer
    // write puts in what fits, wakes the readers and waits for room until all of it is in (the call
    // parks with p.Call.Done counting what went in, and goes on from there when served again). With
    // O_NONBLOCK it takes what fits and answers its count, or EAGAIN when nothing would go. No reader
    // left: SIGPIPE, and EPIPE unless some bytes went in (then their count). A signal while it waits
    // answers the count too, if there is one (EventLoop.RunParked), else EINTR or a restart.
    private static long PipeWrite(LinuxProcess p, LinuxFile f, ulong buffer, ulong count)
    {
        Pipe pipe = f.WriteEnd;
        long done = p.Call.Done;
        if (pipe.Readers == 0)
        {
            Signals.Post(p, SigPipe);
            return done > 0 ? done : -Errno.EPIPE;
        }
        if (count == 0) return 0;
        if (count > long.MaxValue / 2) count = long.MaxValue / 2;   // Linux's MAX_RW_COUNT cut, far above any pipe's room
        if (!p.Memory.IsMapped(buffer, count)) return done > 0 ? done : -Errno.EFAULT;
        while (true)
        {
            int accepted = pipe.Ring.Accepts((long)count, (long)count - done);
            if (accepted == 0)
            {
                if ((f.StatusFlags & ONonblock) != 0) return done > 0 ? done : -Errno.EAGAIN;
                ReaderWakes.Flush();   // the readers must make room
                p.Call.Done = done;
                pipe.WriteWaiters.Add(p);
                return EventLoop.Parked;
            }
            for (int put = 0; put < accepted;)
            {
                byte* from = p.Memory.At(buffer + (ulong)done, write: false, out ulong available);
                if (from == null) return done > 0 ? done : -Errno.EFAULT;   // mapped, so only a frame we could not make
                int n = accepted - put < (long)available ? accepted - put : (int)available;
                n = pipe.Ring.Write(new ReadOnlySpan<byte>(from, n));
                put += n;
                done += n;
            }
            if (ReaderWakes.Defer(p, pipe)) pipe.Pollers.WakeAll();   // a stream: its readers are woken a little later
            else pipe.Filled();
            if ((ulong)done == count) return done;
        }
    }

    private static long Socket(LinuxProcess p, ulong domain, ulong type)
    {
        if (domain != AfUnix) return -Errno.EAFNOSUPPORT;
        ulong kind = type & 0xF;
        if ((kind != 1 && kind != 2 && kind != 5) || (type & ~(0xFUL | SockNonblock | SockCloexec)) != 0) return -Errno.EINVAL;
        int fd = p.Files.Add(new LinuxFile { Socket = true, StatusFlags = 2 | (type & SockNonblock) }, (type & SockCloexec) != 0);
        return fd < 0 ? -Errno.EMFILE : fd;
    }

    // connect on a socket of ours: no Unix socket has a listener here, so the path is not found.
    private static long Connect(LinuxProcess p, ulong fd, ulong address, ulong length)
    {
        LinuxFile f = p.Files.Get(fd);
        if (f == null) return -Errno.EBADF;
        if (!f.Socket) return -Errno.ENOTSOCK;
        if (length < 2 || length > 110) return -Errno.EINVAL;
        if (!p.Memory.IsMapped(address, length)) return -Errno.EFAULT;
        return -Errno.ENOENT;
    }

    // fstat of a pipe end (a FIFO, 0600) or a socket (0777), as Linux shows them.
    private static FileStat StreamStat(LinuxFile f)
    {
        FileStat st = default;
        st.Links = 1;
        st.Mode = f.Socket ? 0xC000u | 0x1FF : 0x1000u | 0x180;
        st.BlockSize = 4096;
        return st;
    }

    // socketpair(AF_UNIX): two pipes, each end reading one and writing the other.
    private static long Socketpair(LinuxProcess p, ulong domain, ulong type, ulong fds)
    {
        if (domain != AfUnix) return -Errno.EAFNOSUPPORT;
        ulong kind = type & 0xF;
        if ((kind != 1 && kind != 5) || (type & ~(0xFUL | SockNonblock | SockCloexec)) != 0) return -Errno.EINVAL;
        Pipe there = new Pipe(), back = new Pipe();
        ulong flags = 2 | (type & SockNonblock);
        var a = new LinuxFile { ReadEnd = back, WriteEnd = there, Socket = true, StatusFlags = flags };
        var b = new LinuxFile { ReadEnd = there, WriteEnd = back, Socket = true, StatusFlags = flags };
        return AddPair(p, a, b, fds, (type & SockCloexec) != 0);
    }
}
