// /proc as the personality serves it (docs/design/linux.md, "/proc"): meminfo (from Vireo's memory
// figures), uptime, loadavg, stat, mounts, self (a link to the caller's pid) and for each Linux
// process PID/{stat,status,cmdline,exe,mounts,maps}, and /sys/devices/system/cpu/{online,possible};
// the listing of /proc names the pids, so BusyBox's ps and top find them. The texts are ProcText's (host-tested); this file finds the node a path names.
// The processes are the personality's table (Processes).
using System;
using Vireo.Abi;
using Vireo.Linux.Abi;
using Vireo.User;
using Vireo.User.Schemes;

namespace Vireo.Linux.Proc;

public static unsafe class ProcFs
{
    private enum Node { None, Directory, File, Link }

    private static readonly string[] TopFiles = { "self", "meminfo", "uptime", "loadavg", "stat", "mounts" };
    private static readonly string[] ProcessFiles = { "stat", "status", "cmdline", "comm", "exe", "mounts", "maps" };

    /// <summary>Whether the personality serves this absolute, normal Linux path (/proc and below, and
    /// the two /sys files that say which CPUs there are).</summary>
    public static bool Under(ReadOnlySpan<byte> linux) =>
        linux.SequenceEqual("/proc"u8) || (linux.Length > 6 && Ascii.StartsWith(linux, "/proc/"u8)) || IsCpuList(linux);

    // /sys/devices/system/cpu/online and possible: the CPUs the kernel runs threads on ("0-3" for four),
    // as sched_getaffinity says (Syscalls.Cpus).
    private static bool IsCpuList(ReadOnlySpan<byte> linux) =>
        linux.SequenceEqual("/sys/devices/system/cpu/online"u8) || linux.SequenceEqual("/sys/devices/system/cpu/possible"u8);

    /// <summary>Opens a /proc path for reading into `f`: 0, or a negated errno.</summary>
    public static long Open(LinuxProcess caller, byte[] linux, ulong flags, LinuxFile f)
    {
        Node n = Find(caller, linux, false, out byte[] content, out _);
        if (n == Node.None) return -Errno.ENOENT;
        if ((flags & 3) != 0) return n == Node.Directory ? -Errno.EISDIR : -Errno.EACCES;
        if (n == Node.Directory)
        {
            f.SchemeList = f.IsDirectory = true;   // listed here, not by a scheme
            f.Path = Canonical(caller, linux);
        }
        else f.Content = content;
        return 0;
    }

    /// <summary>stat or lstat of a /proc path: 0, or a negated errno.</summary>
    public static long Stat(LinuxProcess caller, byte[] linux, bool noFollow, out FileStat st)
    {
        st = default;
        Node n = Find(caller, linux, noFollow, out byte[] content, out byte[] target);
        if (n == Node.None) return -Errno.ENOENT;
        st.Links = n == Node.Directory ? 2u : 1u;
        st.Kind = (uint)(n == Node.Directory ? FileKind.Directory : n == Node.Link ? FileKind.Symlink : FileKind.File);
        st.Mode = n == Node.Directory ? 0x4000u | 0x16D : n == Node.Link ? 0xA000u | 0x1FF : 0x8000u | 0x124;   // dr-xr-xr-x, lrwxrwxrwx, -r--r--r--
        st.Size = n == Node.Link ? (ulong)target.Length : 0;   // /proc's files say 0, as Linux's do
        return 0;
    }

    /// <summary>The target of a link in /proc (self, PID/exe), or null when the path is none.</summary>
    public static byte[] Readlink(LinuxProcess caller, byte[] linux) =>
        Find(caller, linux, true, out _, out byte[] target) == Node.Link ? target : null;

    /// <summary>Directory records (kind, length, name) of a /proc directory past its first `index`
    /// entries, as Getdents gives them; their bytes.</summary>
    public static int Records(LinuxProcess caller, byte[] directory, ulong index, byte* into, int room)
    {
        int at = 0;
        ulong i = 0;
        bool top = directory.AsSpan().SequenceEqual("/proc"u8);
        string[] files = top ? TopFiles : ProcessFiles;
        foreach (string name in files)
            if (i++ >= index && !Record(into, room, ref at, name == "self" || name == "exe" ? FileKind.Symlink : FileKind.File, name)) return at;
        if (!top) return at;
        foreach (LinuxProcess p in Processes.Snapshot())
            if (i++ >= index && !Record(into, room, ref at, FileKind.Directory, p.Pid.ToString())) return at;
        return at;
    }

    /// <summary>sysinfo(2): uptime, memory and the number of processes into the program's struct.</summary>
    public static long Sysinfo(LinuxProcess caller, ulong address)
    {
        MemoryFigures(out ulong total, out ulong free);
        byte* info = stackalloc byte[ProcText.SysinfoSize];
        ProcText.Sysinfo(new Span<byte>(info, ProcText.SysinfoSize), Sys.TimeNanos() / 1_000_000_000UL, total, free, Processes.Count);
        return caller.Memory.Write(address, info, ProcText.SysinfoSize) ? 0 : -Errno.EFAULT;
    }

    private static bool Record(byte* into, int room, ref int at, FileKind kind, string name)
    {
        if (at + 2 + name.Length > room) return false;
        into[at] = (byte)kind;
        into[at + 1] = (byte)name.Length;
        for (int i = 0; i < name.Length; i++) into[at + 2 + i] = (byte)name[i];
        at += 2 + name.Length;
        return true;
    }

    // The node a /proc path names: its text for a file, its target for a link. `noFollow` leaves a
    // link at the end of the path as it is (lstat, readlink); a link before the end is always followed.
    private static Node Find(LinuxProcess caller, byte[] linux, bool noFollow, out byte[] content, out byte[] target)
    {
        content = target = null;
        ReadOnlySpan<byte> path = linux;
        if (path.SequenceEqual("/proc"u8)) return Node.Directory;
        if (IsCpuList(path))
        {
            content = Bytes(Vireo.Linux.Syscalls.Cpus.ListText(Vireo.Linux.Syscalls.Cpus.Count(caller)));
            return Node.File;
        }
        ReadOnlySpan<byte> rest = path.Slice(6);
        int slash = Ascii.IndexOf(rest, (byte)'/');
        ReadOnlySpan<byte> first = slash < 0 ? rest : rest.Slice(0, slash);
        ReadOnlySpan<byte> inside = slash < 0 ? default : rest.Slice(slash + 1);
        LinuxProcess p;
        if (first.SequenceEqual("self"u8))
        {
            if (slash < 0 && noFollow)
            {
                target = Bytes(caller.Leader.Pid.ToString());   // a thread's too: the process's
                return Node.Link;
            }
            p = caller;
        }
        else if (slash < 0 && TopFile(caller, first, out content)) return Node.File;
        else if ((p = ByPid(first)) == null) return Node.None;
        if (inside.Length == 0) return Node.Directory;
        if (inside.SequenceEqual("exe"u8))
        {
            target = p.ExePath;
            return Node.Link;   // followed, it is the program's file: reading it through /proc is not needed yet
        }
        if (inside.SequenceEqual("mounts"u8)) content = ProcText.Mounts();
        else if (inside.SequenceEqual("stat"u8)) content = ProcText.ProcessStat(Facts(p));
        else if (inside.SequenceEqual("status"u8)) content = ProcText.ProcessStatus(Facts(p), p.Umask);
        else if (inside.SequenceEqual("cmdline"u8)) content = ProcText.Cmdline(p.Argv ?? new[] { p.ExePath });
        else if (inside.SequenceEqual("maps"u8)) content = ProcMaps.Text(p.Memory.Areas, a => MappedName(p, a));
        else if (inside.SequenceEqual("comm"u8)) content = Bytes(p.TaskName + "\n");   // stat's name, on a line
        return content != null ? Node.File : Node.None;
    }

    // A file-backed area's name in maps: the program's Linux path for its image, else the file's Vireo path.
    private static string MappedName(LinuxProcess p, Area a)
    {
        byte[] path = p.Memory.Files[a.File].Path;
        if (path == null) return null;
        return Ascii.ToString(p.ImagePath != null && path.AsSpan().SequenceEqual(p.ImagePath) ? p.ExePath : path);
    }

    private static bool TopFile(LinuxProcess caller, ReadOnlySpan<byte> name, out byte[] content)
    {
        content = null;
        if (name.SequenceEqual("meminfo"u8))
        {
            MemoryFigures(out ulong total, out ulong free);
            content = ProcText.Meminfo(total / 1024, free / 1024);
        }
        else if (name.SequenceEqual("uptime"u8)) content = ProcText.Uptime(Sys.TimeNanos());
        else if (name.SequenceEqual("loadavg"u8)) content = ProcText.Loadavg(1, Processes.Count, caller.Pid);
        else if (name.SequenceEqual("stat"u8))
        {
            ulong boot = WallClock.Now(out long seconds, out _) == Status.Ok ? (ulong)seconds - Sys.TimeNanos() / 1_000_000_000UL : 0;
            content = ProcText.Stat(boot, Processes.Count, 1);
        }
        else if (name.SequenceEqual("mounts"u8)) content = ProcText.Mounts();
        return content != null;
    }

    private static ProcText.ProcessFacts Facts(LinuxProcess p) => new ProcText.ProcessFacts
    {
        Pid = p.Pid, ParentPid = p.ParentPid, Group = p.Pgid, Session = p.Sid,
        Name = p.TaskName, State = p.Ended ? 'Z' : p.IsParked ? 'S' : 'R',
        VirtualBytes = p.Break - p.BreakStart + LinuxProcess.StackSize,
        ResidentPages = (ulong)p.Memory.FrameCount,
        StartTicks = p.StartNanos / 10_000_000,   // clock ticks of 100 a second (USER_HZ), as /proc/uptime counts
    };

    // What sys: says of the machine's memory (the process manager's figures), in bytes.
    private static void MemoryFigures(out ulong total, out ulong free)
    {
        total = free = 0;
        if (SchemeCall.Call(Namespace.Root, SchemeOp.MemInfo, 0, 0, 0, 0, 0, 0, out SchemeReply r) != Status.Ok) return;
        total = r.W0;
        free = r.W1;
    }

    private static LinuxProcess ByPid(ReadOnlySpan<byte> digits)
    {
        ulong pid = 0;
        if (digits.Length == 0 || digits.Length > 9) return null;
        foreach (byte d in digits)
        {
            if (d < (byte)'0' || d > (byte)'9') return null;
            pid = pid * 10 + (ulong)(d - '0');
        }
        return Processes.ByPid(pid);
    }

    // /proc/self/... as /proc/PID/... (a directory opened through self keeps its pid, as on Linux).
    private static byte[] Canonical(LinuxProcess caller, byte[] linux)
    {
        ReadOnlySpan<byte> path = linux;
        if (!(path.Length >= 10 && Ascii.StartsWith(path, "/proc/self"u8) && (path.Length == 10 || path[10] == (byte)'/'))) return linux;
        byte[] pid = Bytes(caller.Leader.Pid.ToString());
        var all = new byte[6 + pid.Length + path.Length - 10];
        "/proc/"u8.CopyTo(all);
        pid.AsSpan().CopyTo(all.AsSpan(6));
        path.Slice(10).CopyTo(all.AsSpan(6 + pid.Length));
        return all;
    }

    private static byte[] Bytes(string s)
    {
        var b = new byte[s.Length];
        for (int i = 0; i < s.Length; i++) b[i] = (byte)s[i];
        return b;
    }
}
