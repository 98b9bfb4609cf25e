// Job control's rules for the terminal and for orphaned process groups, as POSIX gives them and Linux
// applies them (drivers/tty/tty_jobctrl.c, kernel/exit.c, kernel/signal.c):
// - a process of a background group of the console's session that reads the console is sent SIGTTIN
//   with its group and the read restarts once it is continued; with SIGTTIN ignored or blocked, or its
//   group orphaned, the read fails with EIO. Writes do the same with SIGTTOU when termios's TOSTOP is
//   set, and so do the calls that change the terminal (TCSETS*, TIOCSPGRP, TCFLSH, TCXONC) whatever
//   TOSTOP says; there an ignored or blocked SIGTTOU lets the call go ahead (tty_check_change).
// - a group is orphaned when no member has a parent in another group of the same session: nobody is
//   left who could continue it, so the terminal's stop signals (SIGTSTP, SIGTTIN, SIGTTOU; not
//   SIGSTOP) are thrown away for it, and when a process's end orphans a group that has a stopped
//   member, each member is sent SIGHUP then SIGCONT (kill_orphaned_pgrp).
// The first process's parent is the native shell that ran `linux`, outside the Linux session but
// able to continue it (ADR 0025: Ctrl-Z stops `linux .../sleep 100`): its group is not orphaned while
// it lives.
using System.Collections.Generic;
using Vireo.Linux.Abi;
using Vireo.Linux.Loop;

namespace Vireo.Linux;

public static class JobControl
{
    /// <summary>The check before a read (`signal` SIGTTIN) or a write or terminal change (SIGTTOU) of
    /// the console by `p`: 0 to go ahead, else the call's answer (-EIO, or the restart code after the
    /// signal was sent to p's group).</summary>
    public static long Check(LinuxProcess p, int signal)
    {
        ulong foreground = LinuxTerminal.ForegroundGroup(p);
        if (p.Pgid == foreground) return 0;
        // Only the console's own session is held back (Linux: current->signal->tty == tty), and only
        // while its foreground group exists.
        if (!Processes.FindGroup(foreground, out ulong sid) || sid != p.Sid) return 0;
        SignalState st = p.Signals;
        if (st.IsBlocked(signal) || st.Actions[signal].Handler == LinuxSignals.SigIgn)
            return signal == LinuxSignals.SigTtin ? -Errno.EIO : 0;
        if (Orphaned(p.Pgid, null)) return -Errno.EIO;
        Signals.PostGroup(p.Pgid, signal);
        return -LinuxSignals.RestartSys;
    }

    /// <summary>Whether group `pgid` is orphaned (is_pgrp_orphaned / will_become_orphaned_pgrp), with
    /// `leaving` (a process about to end, or null) counted as gone.</summary>
    public static bool Orphaned(ulong pgid, LinuxProcess leaving)
    {
        foreach (LinuxProcess q in Processes.Snapshot())
        {
            if (q.Ended || q == leaving || q.Pgid != pgid) continue;
            if (q.Parent == null && EventLoop.IsFirst(q)) return false;   // the native shell's child
            LinuxProcess parent = q.Parent;
            if (parent != null && parent != leaving && !parent.Ended && parent.Pgid != pgid && parent.Sid == q.Sid) return false;
        }
        return true;
    }

    /// <summary>Before `p` ends (EventLoop.Exit): each group its end orphans (its own, its children's)
    /// that has a stopped member is sent SIGHUP and SIGCONT, p itself left out.</summary>
    public static void BeforeExit(LinuxProcess p)
    {
        var groups = new List<ulong>();
        if (p.Parent != null && p.Parent.Pgid != p.Pgid && p.Parent.Sid == p.Sid) groups.Add(p.Pgid);
        foreach (LinuxProcess c in p.Children)
            if (!c.Ended && c.Pgid != p.Pgid && c.Sid == p.Sid && !groups.Contains(c.Pgid)) groups.Add(c.Pgid);
        foreach (ulong g in groups)
        {
            if (Orphaned(g, null) || !Orphaned(g, p) || !HasStopped(g, p)) continue;
            foreach (LinuxProcess q in Processes.Snapshot())
                if (q != p && !q.Ended && q.Pgid == g) Signals.Post(q, LinuxSignals.SigHup);
            foreach (LinuxProcess q in Processes.Snapshot())
                if (q != p && !q.Ended && q.Pgid == g) Signals.Post(q, LinuxSignals.SigCont);
        }
    }

    private static bool HasStopped(ulong pgid, LinuxProcess leaving)
    {
        foreach (LinuxProcess q in Processes.Snapshot())
            if (q != leaving && !q.Ended && q.Pgid == pgid && q.Signals.Stopped) return true;
        return false;
    }
}
