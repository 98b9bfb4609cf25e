// The personality's process table: every Linux process it serves, by pid (and every thread past a
// process's first, by tid: Linux's tids and pids are one space), alive or a zombie that its
// parent has not waited for. Pids start at 100 (the numbers below are the ones Linux programs expect
// of init and the kernel's threads) and are not reused while a process or zombie holds them. The table
// is bounded: past Max entries a new process is refused (fork answers EAGAIN), so a program that forks
// without end stops there and the personality stays responsive. The loop looks its caller up by pid on
// every message (the badge), so the table is an array of Max slots and a pid's slot is pid mod Max: a
// new process takes the next pid whose slot is free (one is, below Max entries), and a lookup is one
// load and a compare, without hashing.
using System.Collections.Generic;

namespace Vireo.Linux;

public static class Processes
{
    public const int Max = 128;
    public const ulong FirstPid = 100, LastPid = 4_194_303;   // Linux's pid_max on 64-bit
    /// <summary>The parent pid a process sees once its parent is gone (init's, as on Linux).</summary>
    public const ulong InitPid = 1;

    private static readonly LinuxProcess[] s_slots = new LinuxProcess[Max];   // Max: a power of two
    private static int s_count;
    private static ulong s_next = FirstPid;

    public static int Count => s_count;

    public static LinuxProcess ByPid(ulong pid)
    {
        LinuxProcess p = s_slots[Slot(pid)];
        return p != null && p.Pid == pid ? p : null;
    }

    /// <summary>The process (or thread) in table slot `slot` (0 to Max - 1), or null: a walk over all.</summary>
    public static LinuxProcess InSlot(int slot) => s_slots[slot];

    private static int Slot(ulong pid) => (int)(pid & (Max - 1));

    /// <summary>Gives `p` the next pid whose slot is free and enters it; false when the table is full.</summary>
    public static bool TryAdd(LinuxProcess p)
    {
        if (s_count >= Max) return false;
        while (s_slots[Slot(s_next)] != null) s_next = s_next >= LastPid ? FirstPid : s_next + 1;
        p.Pid = s_next;
        s_next = s_next >= LastPid ? FirstPid : s_next + 1;
        s_slots[Slot(p.Pid)] = p;
        s_count++;
        return true;
    }

    /// <summary>Forgets `p` (reaped, or never started).</summary>
    public static void Remove(LinuxProcess p)
    {
        ref LinuxProcess slot = ref s_slots[Slot(p.Pid)];
        if (slot != p) return;
        slot = null;
        s_count--;
    }

    /// <summary>A zombie its parent waited for leaves the table and its parent's children.</summary>
    public static void Reap(LinuxProcess zombie)
    {
        zombie.Parent?.Children.Remove(zombie);
        Remove(zombie);
    }

    /// <summary>The exec path calls this when `p` has exec'd a new program: from now on its parent
    /// may not move it to another group (setpgid's EACCES), and a parent waiting in vfork resumes.</summary>
    public static void ExecDone(LinuxProcess p)
    {
        p.Execed = true;
        if (!p.VforkPending) return;
        p.VforkPending = false;
        p.Parent?.ChildEvents.WakeAll();
    }

    /// <summary>Whether some process (a zombie too, as on Linux) is in group `pgid`, and that group's session.</summary>
    public static bool FindGroup(ulong pgid, out ulong sid)
    {
        foreach (LinuxProcess p in s_slots)
        {
            if (p == null || p.Pgid != pgid) continue;
            sid = p.Sid;
            return true;
        }
        sid = 0;
        return false;
    }

    /// <summary>Every process in the table, by increasing pid (for /proc, kill(-1) and the end); the
    /// records of threads past a process's first are left out.</summary>
    public static List<LinuxProcess> Snapshot()
    {
        var all = new List<LinuxProcess>(s_count);
        foreach (LinuxProcess p in s_slots)
        {
            if (p == null || p.IsThread) continue;
            int at = all.Count;   // insertion by pid: the table is small
            while (at > 0 && all[at - 1].Pid > p.Pid) at--;
            all.Insert(at, p);
        }
        return all;
    }
}
