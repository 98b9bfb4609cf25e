// Process groups and sessions, as kernel/sys.c keeps them: setpgid (a process may move itself or a
// child that has not exec'd, within its session, into its own new group or an existing group of the
// session; never a session leader), getpgid, getpgrp, setsid (not for a group leader) and getsid. A
// zombie still counts as a member of its group, as on Linux. pid arguments are pid_t (32 bits).
using Vireo.Linux.Abi;

namespace Vireo.Linux.Syscalls;

public static partial class SyscallTable
{
    private static long Setpgid(LinuxProcess p, ulong pidArgument, ulong pgidArgument)
    {
        long pid = (int)pidArgument, pgid = (int)pgidArgument;
        if (pid == 0) pid = (long)p.Pid;
        if (pgid == 0) pgid = pid;
        if (pgid < 0) return -Errno.EINVAL;
        LinuxProcess target = pid > 0 ? Processes.ByPid((ulong)pid) : null;
        if (target == null) return -Errno.ESRCH;
        if (target.Parent == p)
        {
            if (target.Sid != p.Sid) return -Errno.EPERM;
            if (target.Execed) return -Errno.EACCES;
        }
        else if (target != p) return -Errno.ESRCH;
        if (target.Sid == target.Pid) return -Errno.EPERM;   // a session leader stays in its group
        if (pgid != pid && (!Processes.FindGroup((ulong)pgid, out ulong sid) || sid != p.Sid)) return -Errno.EPERM;
        target.Pgid = (ulong)pgid;
        return 0;
    }

    private static long Getpgid(LinuxProcess p, ulong pid, bool session)
    {
        LinuxProcess target = (int)pid == 0 ? p : (int)pid > 0 ? Processes.ByPid((ulong)(int)pid) : null;
        if (target == null) return -Errno.ESRCH;
        return (long)(session ? target.Sid : target.Pgid);
    }

    private static long Setsid(LinuxProcess p)
    {
        // A session leader, or the leader of a group (the group would straddle two sessions): EPERM.
        if (p.Sid == p.Pid || Processes.FindGroup(p.Pid, out _)) return -Errno.EPERM;
        p.Sid = p.Pgid = p.Pid;
        return (long)p.Pid;
    }
}
