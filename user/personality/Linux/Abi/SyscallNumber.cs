// Linux x86_64 syscall numbers (arch/x86/entry/syscalls/syscall_64.tbl) and their names, for the
// dispatch table and for the once-per-number log of calls the personality does not implement. Names
// cover the calls a C library's start-up and BusyBox use; any other number is shown as a number.
namespace Vireo.Linux.Abi;

public enum SyscallNumber : ulong
{
    Read = 0, Write = 1, Open = 2, Close = 3, Stat = 4, Fstat = 5, Lstat = 6, Poll = 7, Lseek = 8, Mmap = 9,
    Mprotect = 10, Munmap = 11, Brk = 12, RtSigaction = 13, RtSigprocmask = 14, RtSigreturn = 15, Ioctl = 16,
    Pread64 = 17, Pwrite64 = 18, Readv = 19, Writev = 20, Access = 21, Pipe = 22, Select = 23, SchedYield = 24,
    Msync = 26, Madvise = 28, Dup = 32, Dup2 = 33, Pause = 34, Nanosleep = 35, Getitimer = 36, Alarm = 37, Setitimer = 38, Getpid = 39, Sendfile = 40, Socket = 41, Connect = 42,
    Socketpair = 53,
    Clone = 56, Fork = 57, Vfork = 58, Execve = 59, Exit = 60, Wait4 = 61, Kill = 62, Uname = 63, Fcntl = 72,
    Fsync = 74, Truncate = 76, Ftruncate = 77, Getcwd = 79, Chdir = 80, Fchdir = 81, Rename = 82, Mkdir = 83, Rmdir = 84, Link = 86,
    Unlink = 87, Symlink = 88, Readlink = 89, Chmod = 90, Fchmod = 91, Chown = 92, Fchown = 93, Lchown = 94,
    Umask = 95, Gettimeofday = 96, Getrlimit = 97, Sysinfo = 99, Getuid = 102, Getgid = 104, Setuid = 105,
    Setgid = 106, Geteuid = 107, Getegid = 108, Setpgid = 109, Getppid = 110, Getpgrp = 111, Setsid = 112,
    Getpgid = 121, Getsid = 124, RtSigpending = 127, RtSigtimedwait = 128, RtSigqueueinfo = 129, RtSigsuspend = 130, Sigaltstack = 131, Mknod = 133, Statfs = 137,
    Fstatfs = 138, Prctl = 157, ArchPrctl = 158, Gettid = 186, Tkill = 200, Time = 201, Futex = 202,
    SchedSetaffinity = 203, SchedGetaffinity = 204, Getdents64 = 217, SetTidAddress = 218,
    ClockGettime = 228, ClockGetres = 229, ClockNanosleep = 230, ExitGroup = 231, Tgkill = 234, Openat = 257,
    Mkdirat = 258, Mknodat = 259, Fchownat = 260, Newfstatat = 262, Unlinkat = 263, Renameat = 264,
    Linkat = 265, Symlinkat = 266, Readlinkat = 267, Fchmodat = 268, Faccessat = 269, Pselect6 = 270,
    Ppoll = 271, SetRobustList = 273, Utimensat = 280, Dup3 = 292, Pipe2 = 293, Prlimit64 = 302,
    Getrandom = 318, Membarrier = 324, Statx = 332, Rseq = 334, Clone3 = 435, Faccessat2 = 439,
    Getrusage = 98, Times = 100, Waitid = 247, GetMempolicy = 239, Getcpu = 309, Flock = 73,
    Reboot = 169,
    Fdatasync = 75, Sync = 162, Syncfs = 306,
}

public static class SyscallNames
{
    /// <summary>The name of a Linux x86_64 syscall number, or null when it is not in the table.</summary>
    public static string Name(ulong number) => number switch
    {
        0 => "read", 1 => "write", 2 => "open", 3 => "close", 4 => "stat", 5 => "fstat", 6 => "lstat",
        7 => "poll", 8 => "lseek", 9 => "mmap", 10 => "mprotect", 11 => "munmap", 12 => "brk",
        13 => "rt_sigaction", 14 => "rt_sigprocmask", 15 => "rt_sigreturn", 16 => "ioctl", 17 => "pread64",
        18 => "pwrite64", 19 => "readv", 20 => "writev", 21 => "access", 22 => "pipe", 23 => "select", 24 => "sched_yield",
        26 => "msync", 28 => "madvise", 32 => "dup", 33 => "dup2", 34 => "pause", 35 => "nanosleep", 36 => "getitimer", 37 => "alarm",
        38 => "setitimer", 39 => "getpid", 40 => "sendfile",
        41 => "socket", 42 => "connect", 53 => "socketpair", 56 => "clone", 57 => "fork", 58 => "vfork", 59 => "execve",
        60 => "exit", 61 => "wait4", 62 => "kill", 63 => "uname", 72 => "fcntl", 74 => "fsync", 76 => "truncate", 77 => "ftruncate",
        79 => "getcwd", 80 => "chdir", 81 => "fchdir", 82 => "rename", 83 => "mkdir", 84 => "rmdir",
        86 => "link", 87 => "unlink", 88 => "symlink", 89 => "readlink", 90 => "chmod", 91 => "fchmod",
        92 => "chown", 93 => "fchown", 94 => "lchown", 95 => "umask", 96 => "gettimeofday",
        97 => "getrlimit", 99 => "sysinfo", 102 => "getuid", 104 => "getgid", 105 => "setuid",
        106 => "setgid", 107 => "geteuid", 108 => "getegid", 109 => "setpgid", 110 => "getppid",
        111 => "getpgrp", 112 => "setsid", 121 => "getpgid", 124 => "getsid", 127 => "rt_sigpending", 128 => "rt_sigtimedwait",
        129 => "rt_sigqueueinfo", 130 => "rt_sigsuspend",
        131 => "sigaltstack", 133 => "mknod", 137 => "statfs", 138 => "fstatfs", 157 => "prctl",
        158 => "arch_prctl", 186 => "gettid", 200 => "tkill", 201 => "time", 202 => "futex",
        203 => "sched_setaffinity", 204 => "sched_getaffinity", 217 => "getdents64",
        218 => "set_tid_address", 228 => "clock_gettime", 229 => "clock_getres", 230 => "clock_nanosleep",
        231 => "exit_group", 234 => "tgkill", 257 => "openat", 258 => "mkdirat", 259 => "mknodat",
        260 => "fchownat", 262 => "newfstatat", 263 => "unlinkat", 264 => "renameat", 265 => "linkat",
        266 => "symlinkat", 267 => "readlinkat", 268 => "fchmodat", 269 => "faccessat", 270 => "pselect6",
        271 => "ppoll", 273 => "set_robust_list", 280 => "utimensat", 292 => "dup3", 293 => "pipe2",
        302 => "prlimit64", 318 => "getrandom", 324 => "membarrier", 332 => "statx", 334 => "rseq", 435 => "clone3",
        439 => "faccessat2",
        98 => "getrusage", 100 => "times", 247 => "waitid", 239 => "get_mempolicy", 309 => "getcpu", 73 => "flock",
        169 => "reboot",
        75 => "fdatasync", 162 => "sync", 306 => "syncfs",
        _ => null,
    };
}
