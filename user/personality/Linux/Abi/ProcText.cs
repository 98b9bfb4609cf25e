// The text of the /proc files the personality serves (docs/design/linux.md, "/proc"), laid out as
// Linux lays them out (fs/proc/*.c), so BusyBox's ps, free, uptime and top read them as on Linux:
// meminfo, uptime, loadavg, stat, mounts, and per process stat, status and cmdline; and struct sysinfo,
// which free and uptime also ask for. Portable: tests/Kernel.Tests/Linux checks the layouts.
using System;
using System.Text;

namespace Vireo.Linux.Abi;

public static class ProcText
{
    /// <summary>What the personality knows of one process for /proc/PID.</summary>
    public struct ProcessFacts
    {
        public ulong Pid, ParentPid, Group, Session;
        public string Name;        // comm: the program's file name, at most 15 bytes
        public char State;         // R, S, Z...
        public ulong StartTicks;   // when it started, in clock ticks (100 a second) since boot
        public ulong VirtualBytes, ResidentPages;
    }

    /// <summary>/proc/mounts (and /proc/PID/mounts): the namespace's file systems, which df reads.</summary>
    public static byte[] Mounts() => "disk / ext2 rw 0 0\nfile /tmp tmpfs rw 0 0\n"u8.ToArray();

    /// <summary>/proc/meminfo: the figures in KiB, each `Name:` padded to 16 then 8 digits and " kB".</summary>
    public static byte[] Meminfo(ulong totalKiB, ulong freeKiB)
    {
        var b = new StringBuilder();
        Kb(b, "MemTotal", totalKiB);
        Kb(b, "MemFree", freeKiB);
        Kb(b, "MemAvailable", freeKiB);
        Kb(b, "Buffers", 0);
        Kb(b, "Cached", 0);
        Kb(b, "SwapCached", 0);
        Kb(b, "Active", totalKiB - freeKiB);
        Kb(b, "Inactive", 0);
        Kb(b, "SwapTotal", 0);
        Kb(b, "SwapFree", 0);
        Kb(b, "Shmem", 0);
        Kb(b, "SReclaimable", 0);
        return Bytes(b);
    }

    private static void Kb(StringBuilder b, string name, ulong kib)
    {
        b.Append(name).Append(':');
        b.Append(' ', 15 - name.Length);
        string n = kib.ToString();
        if (n.Length < 8) b.Append(' ', 8 - n.Length);
        b.Append(n).Append(" kB\n");
    }

    /// <summary>/proc/uptime: seconds since boot and idle seconds, two decimals each.</summary>
    public static byte[] Uptime(ulong nanoseconds) =>
        Bytes(new StringBuilder().Append(Hundredths(nanoseconds / 10_000_000)).Append(' ').Append(Hundredths(0)).Append('\n'));

    private static string Hundredths(ulong h) => (h / 100).ToString() + "." + (h % 100 < 10 ? "0" : "") + (h % 100).ToString();

    /// <summary>/proc/loadavg: no load is measured yet; the running and total processes, the last pid.</summary>
    public static byte[] Loadavg(int running, int total, ulong lastPid) =>
        Bytes(new StringBuilder().Append("0.00 0.00 0.00 ").Append(running).Append('/').Append(total).Append(' ').Append(lastPid.ToString()).Append('\n'));

    /// <summary>/proc/stat: the CPU line in ticks (all idle time unknown: zeros), boot time and counts.</summary>
    public static byte[] Stat(ulong bootTime, int processes, int running) =>
        Bytes(new StringBuilder()
            .Append("cpu  0 0 0 0 0 0 0 0 0 0\ncpu0 0 0 0 0 0 0 0 0 0 0\nintr 0\nctxt 0\nbtime ").Append(bootTime.ToString())
            .Append("\nprocesses ").Append(processes).Append("\nprocs_running ").Append(running).Append("\nprocs_blocked 0\n"));

    /// <summary>/proc/PID/stat: the 52 fields of fs/proc/array.c, those not kept here 0.</summary>
    public static byte[] ProcessStat(in ProcessFacts f)
    {
        var b = new StringBuilder();
        b.Append(f.Pid.ToString()).Append(" (").Append(f.Name).Append(") ").Append(f.State);
        ulong[] fields =
        {
            f.ParentPid, f.Group, f.Session, 0 /* tty_nr */, 0 /* tpgid */, 0x400000 /* flags */, 0, 0, 0, 0,
            0, 0, 0, 0 /* utime stime cutime cstime */, 20 /* priority */, 0 /* nice */, 1 /* threads */, 0,
            f.StartTicks, f.VirtualBytes, f.ResidentPages,
        };
        foreach (ulong v in fields) b.Append(' ').Append(v.ToString());
        b.Append(" 18446744073709551615");   // rsslim: unlimited
        for (int i = 0; i < 27; i++) b.Append(" 0");   // startcode ... exit_code
        b.Append('\n');
        return Bytes(b);
    }

    /// <summary>/proc/PID/status: the lines ps and top read (name, state, ids, memory).</summary>
    public static byte[] ProcessStatus(in ProcessFacts f, uint umask)
    {
        var b = new StringBuilder();
        b.Append("Name:\t").Append(f.Name).Append("\nUmask:\t0").Append(((umask >> 6) & 7).ToString()).Append(((umask >> 3) & 7).ToString()).Append((umask & 7).ToString());
        b.Append("\nState:\t").Append(f.State).Append(f.State == 'R' ? " (running)" : f.State == 'Z' ? " (zombie)" : " (sleeping)");
        b.Append("\nTgid:\t").Append(f.Pid.ToString()).Append("\nNgid:\t0\nPid:\t").Append(f.Pid.ToString());
        b.Append("\nPPid:\t").Append(f.ParentPid.ToString()).Append("\nTracerPid:\t0\nUid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\nFDSize:\t256\nGroups:\t0\n");
        b.Append("VmSize:\t").Append((f.VirtualBytes / 1024).ToString()).Append(" kB\nVmRSS:\t").Append((f.ResidentPages * 4).ToString()).Append(" kB\nThreads:\t1\n");
        return Bytes(b);
    }

    /// <summary>/proc/PID/cmdline: the arguments, each ended by a NUL.</summary>
    public static byte[] Cmdline(byte[][] argv)
    {
        int length = 0;
        foreach (byte[] a in argv) length += a.Length + 1;
        var all = new byte[length];
        int at = 0;
        foreach (byte[] a in argv)
        {
            a.AsSpan().CopyTo(all.AsSpan(at));
            at += a.Length + 1;
        }
        return all;
    }

    /// <summary>comm: the last part of a path, cut at 15 bytes as the kernel's TASK_COMM_LEN.</summary>
    public static string Comm(ReadOnlySpan<byte> path)
    {
        int start = 0;
        for (int i = 0; i < path.Length; i++) if (path[i] == (byte)'/') start = i + 1;
        int n = path.Length - start > 15 ? 15 : path.Length - start;
        return Vireo.User.Ascii.ToString(path.Slice(start, n));   // qualified: System.Text has an Ascii too
    }

    public const int SysinfoSize = 112;

    /// <summary>struct sysinfo (include/uapi/linux/sysinfo.h, x86_64): uptime, loads, memory in bytes
    /// (mem_unit 1), the number of processes.</summary>
    public static void Sysinfo(Span<byte> into, ulong uptimeSeconds, ulong totalBytes, ulong freeBytes, int processes)
    {
        into.Slice(0, SysinfoSize).Clear();
        Put(into, 0, uptimeSeconds);
        Put(into, 32, totalBytes);
        Put(into, 40, freeBytes);
        into[80] = (byte)processes;
        into[81] = (byte)(processes >> 8);
        Put(into, 104, 1);   // mem_unit (a 32-bit field; the padding after it is 0)
    }

    private static void Put(Span<byte> into, int at, ulong v)
    {
        for (int i = 0; i < 8; i++) into[at + i] = (byte)(v >> (8 * i));
    }

    private static byte[] Bytes(StringBuilder b)
    {
        string s = b.ToString();
        var bytes = new byte[s.Length];
        for (int i = 0; i < s.Length; i++) bytes[i] = (byte)s[i];
        return bytes;
    }
}
