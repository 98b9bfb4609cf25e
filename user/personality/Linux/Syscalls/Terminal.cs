// ioctl: the terminal requests on a descriptor that names the console (fds 0-2 when they are the
// console, /dev/tty, /dev/console: LinuxTerminal.IsConsole), and the few that any descriptor takes
// (FIONBIO, FIOCLEX, FIONCLEX; FIONREAD on a pipe). Anything else on a file that is not a terminal is
// ENOTTY, which is how isatty answers false for a pipe or a file. And reads of the console
// (ConsoleRead): canonical, or raw with termios's VMIN and VTIME as n_tty_read applies them.
// docs/design/linux.md, "The terminal".
using Vireo.Abi;
using Vireo.Linux.Abi;
using Vireo.Linux.Loop;
using Vireo.User;
using Vireo.User.Schemes;

namespace Vireo.Linux.Syscalls;

public static unsafe partial class SyscallTable
{
    private const ulong Tcgets = 0x5401, Tcsets = 0x5402, Tcsetsw = 0x5403, Tcsetsf = 0x5404, Tcsbrk = 0x5409,
        Tcxonc = 0x540A, Tcflsh = 0x540B, Tiocsctty = 0x540E, Tiocgpgrp = 0x540F, Tiocspgrp = 0x5410,
        Tiocgwinsz = 0x5413, Tiocswinsz = 0x5414, Fionread = 0x541B, Fionbio = 0x5421, Tiocnotty = 0x5422,
        Tiocgsid = 0x5429, Fionclex = 0x5450, Fioclex = 0x5451;

    private static long Ioctl(LinuxProcess p, ulong fd, ulong request, ulong argument)
    {
        LinuxFile f = p.Files.Get(fd);
        if (f == null) return -Errno.EBADF;
        request &= 0xFFFF_FFFF;   // the kernel takes an unsigned int
        switch (request)
        {
            case Fioclex: p.Files.SetCloseOnExec(fd, true); return 0;
            case Fionclex: p.Files.SetCloseOnExec(fd, false); return 0;
            case Fionbio:
                {
                    if (!ReadInt(p, argument, out int on)) return -Errno.EFAULT;
                    f.StatusFlags = on != 0 ? f.StatusFlags | ONonblock : f.StatusFlags & ~ONonblock;
                    return 0;
                }
            case Fionread when f.ReadEnd != null:
                return WriteInt(p, argument, f.ReadEnd.Ring.Count);
        }
        if (!LinuxTerminal.IsConsole(f)) return -Errno.ENOTTY;
        if (request is Tcsets or Tcsetsw or Tcsetsf or Tiocspgrp or Tcflsh or Tcxonc)
        {
            long held = JobControl.Check(p, LinuxSignals.SigTtou);   // tty_check_change: a background group's change
            if (held != 0) return held;
        }
        byte* t = stackalloc byte[Termios.Size];
        switch (request)
        {
            case Tcgets:
                {
                    System.ReadOnlySpan<byte> now = LinuxTerminal.Get(f);
                    for (int i = 0; i < Termios.Size; i++) t[i] = now[i];
                    return p.Memory.Write(argument, t, Termios.Size) ? 0 : -Errno.EFAULT;
                }
            case Tcsets:
            case Tcsetsw:   // output is written at once: there is nothing to drain
            case Tcsetsf:   // typed-ahead input is kept (ttyd keeps its queue; tty.md)
                if (!p.Memory.Read(argument, t, Termios.Size)) return -Errno.EFAULT;
                return LinuxTerminal.Set(f, new System.ReadOnlySpan<byte>(t, Termios.Size));
            case Tiocgwinsz:
                {
                    ulong size = LinuxTerminal.Rows | (ulong)LinuxTerminal.Columns << 16 | (ulong)LinuxTerminal.XPixels << 32 | (ulong)LinuxTerminal.YPixels << 48;
                    return p.Memory.WriteWord(argument, size) ? 0 : -Errno.EFAULT;
                }
            case Tiocswinsz:
                {
                    if (!p.Memory.ReadWord(argument, out ulong size)) return -Errno.EFAULT;
                    LinuxTerminal.Rows = (ushort)size;
                    LinuxTerminal.Columns = (ushort)(size >> 16);
                    LinuxTerminal.XPixels = (ushort)(size >> 32);
                    LinuxTerminal.YPixels = (ushort)(size >> 48);
                    return 0;
                }
            case Tiocgpgrp: return WriteInt(p, argument, (int)LinuxTerminal.ForegroundGroup(p));
            case Tiocspgrp: return SetForeground(p, argument);
            case Tiocgsid: return WriteInt(p, argument, (int)p.Sid);
            case Fionread: return WriteInt(p, argument, 0);   // ttyd does not say how much is queued
            case Tiocsctty:  // the console is already the session's controlling terminal
            case Tiocnotty:
            case Tcsbrk:
            case Tcxonc:
            case Tcflsh: return 0;
            default: return -Errno.ENOTTY;
        }
    }

    /// <summary>A read of the console (f names it; `at` holds `want` bytes of the caller's buffer).
    /// Canonical: a line, waiting for one. Raw (n_tty_read): VMIN 0 and VTIME 0 take what is there;
    /// VMIN 0 and VTIME t wait up to t tenths of a second for a byte (0 at the timeout); VMIN n waits
    /// for min(n, count) bytes, and with VTIME t also ends t after the last byte once one came. ttyd
    /// gives what is queued (it waits for one byte at most, never more), so the call parks on the
    /// console's watch (and a deadline) between pieces, keeping what it has read (LinuxTerminal's
    /// progress); a signal then answers those bytes rather than EINTR (Signals.InterruptedResult).</summary>
    private static long ConsoleRead(LinuxProcess p, LinuxFile f, byte* at, int want)
    {
        LinuxTerminal.ReadRule(out bool canonical, out int min, out ulong time);
        int got = LinuxTerminal.TakeProgress(p);
        if (canonical || min <= 1 && time == 0)
        {
            // One read of what ttyd has (a raw VMIN 0 read answers at once, maybe with nothing).
            if ((canonical || min == 1) && !Ready(p, f, Readiness.Readable)) return EventLoop.Parked;
            Status s = Fs.Read(f.Fd, at, want, out int read);
            return s != Status.Ok ? -Errno.From(s) : read;
        }
        if (!p.Resumed)
        {
            got = 0;
            p.Deadline = min == 0 ? Sys.TimeNanos() + time : ulong.MaxValue;   // VMIN n: no timer before the first byte
        }
        int need = min == 0 ? 1 : min < want ? min : want;
        while (got < need && Ready(p, f, Readiness.Readable))
        {
            Status s = Fs.Read(f.Fd, at + got, want - got, out int read);
            if (s != Status.Ok) return got > 0 ? got : -Errno.From(s);
            if (read == 0) break;
            got += read;
            if (time != 0) p.Deadline = Sys.TimeNanos() + time;   // the timer runs from the last byte
        }
        if (got >= need || p.Deadline != ulong.MaxValue && Sys.TimeNanos() >= p.Deadline) return got;
        // Ready put p on the watched queue with the watch armed.
        LinuxTerminal.KeepProgress(p, got);
        if (p.Deadline != ulong.MaxValue) Timers.WakeAt(p, p.Deadline);
        return EventLoop.Parked;
    }

    // tcsetpgrp: the group must exist in the caller's session.
    private static long SetForeground(LinuxProcess p, ulong argument)
    {
        if (!ReadInt(p, argument, out int group)) return -Errno.EFAULT;
        if (group < 0) return -Errno.EINVAL;
        foreach (LinuxProcess q in Processes.Snapshot())
        {
            if (q.Ended || q.Pgid != (ulong)group) continue;
            if (q.Sid != p.Sid) return -Errno.EPERM;
            LinuxTerminal.Foreground = (ulong)group;
            return 0;
        }
        return -Errno.ESRCH;
    }

    private static bool ReadInt(LinuxProcess p, ulong address, out int value)
    {
        int v = 0;
        bool ok = p.Memory.Read(address, (byte*)&v, 4);
        value = v;
        return ok;
    }

    private static long WriteInt(LinuxProcess p, ulong address, int value) =>
        p.Memory.Write(address, (byte*)&value, 4) ? 0 : -Errno.EFAULT;
}
