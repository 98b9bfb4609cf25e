// Linux's signal numbers, sigaction flags, si_code values and default actions, as the x86-64 UAPI
// headers give them (include/uapi/asm-generic/signal.h, signal-defs.h, siginfo.h; kernel/signal.c's
// SIG_KERNEL_*_MASK), and struct siginfo as Linux lays it out for each kind of signal. Portable and
// host-tested: the personality's signal state (SignalState) and frames (SignalFrame) are built on it.
using System;

namespace Vireo.Linux.Abi;

/// <summary>What a signal does when its handler is SIG_DFL.</summary>
public enum SignalDefault
{
    Terminate,
    Core,       // terminate, with the core bit (0x80) in the wait status
    Ignore,
    Stop,
    Continue,   // ignored once the process is continued (SIGCONT)
}

public static class LinuxSignals
{
    public const int SigHup = 1, SigInt = 2, SigQuit = 3, SigIll = 4, SigTrap = 5, SigAbrt = 6, SigBus = 7, SigFpe = 8,
        SigKill = 9, SigUsr1 = 10, SigSegv = 11, SigUsr2 = 12, SigPipe = 13, SigAlrm = 14, SigTerm = 15, SigStkflt = 16,
        SigChld = 17, SigCont = 18, SigStop = 19, SigTstp = 20, SigTtin = 21, SigTtou = 22, SigUrg = 23, SigXcpu = 24,
        SigXfsz = 25, SigVtalrm = 26, SigProf = 27, SigWinch = 28, SigIo = 29, SigPwr = 30, SigSys = 31;
    public const int SigRtMin = 32, Max = 64;

    public const ulong SigDfl = 0, SigIgn = 1;

    // sa_flags
    public const ulong SaNoCldStop = 1, SaNoCldWait = 2, SaSigInfo = 4, SaRestorer = 0x0400_0000, SaOnStack = 0x0800_0000,
        SaRestart = 0x1000_0000, SaNoDefer = 0x4000_0000, SaResetHand = 0x8000_0000;

    // si_code
    public const int SiUser = 0, SiKernel = 0x80, SiQueue = -1, SiTimer = -2, SiTkill = -6;
    public const int SegvMaperr = 1, SegvAccerr = 2, BusAdraln = 1, BusAdrerr = 2, FpeIntdiv = 1, FpeIntovf = 2,
        FpeFltdiv = 3, FpeFltovf = 4, FpeFltund = 5, FpeFltres = 6, FpeFltinv = 7, IllIllopn = 2, TrapBrkpt = 1;
    public const int CldExited = 1, CldKilled = 2, CldDumped = 3, CldStopped = 5, CldContinued = 6;

    // sigaltstack
    public const int SsOnStack = 1, SsDisable = 2;
    public const uint SsAutoDisarm = 1u << 31;
    public const ulong MinSigStackSize = 2048;

    // What a call that a signal ends answers before the signal is handled (include/linux/errno.h): the
    // loop turns it into EINTR or restarts the call, as arch/x86/kernel/signal.c does.
    public const long RestartSys = 512, RestartNoIntr = 513, RestartNoHand = 514, RestartBlock = 516;

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]   // on every call's answer (Signals.OnAnswer)
    public static bool IsRestart(long result) => result <= -RestartSys && result >= -RestartBlock && result != -515;

    /// <summary>With a handler run: whether the call restarts (else it fails with EINTR): ERESTARTNOINTR
    /// always, ERESTARTSYS under SA_RESTART, ERESTARTNOHAND and ERESTART_RESTARTBLOCK never. Without a
    /// handler every one of them restarts.</summary>
    public static bool RestartsWithHandler(long result, ulong flags) =>
        result == -RestartNoIntr || (result == -RestartSys && (flags & SaRestart) != 0);

    /// <summary>The flags rt_sigaction keeps (UAPI_SA_FLAGS with SA_RESTORER); others are cleared.</summary>
    public const ulong KnownFlags = SaNoCldStop | SaNoCldWait | SaSigInfo | SaOnStack | SaRestart | SaNoDefer | SaResetHand | SaRestorer | 0x800;

    /// <summary>The mask bit of `signal` (1 to 64).</summary>
    public static ulong Bit(int signal) => 1UL << (signal - 1);

    /// <summary>Signals no mask blocks and no handler catches.</summary>
    public static readonly ulong Unblockable = Bit(SigKill) | Bit(SigStop);

    /// <summary>Faults the CPU raises: dequeued before any other pending signal (kernel/signal.c's SYNCHRONOUS_MASK).</summary>
    public static readonly ulong Synchronous = Bit(SigSegv) | Bit(SigBus) | Bit(SigIll) | Bit(SigTrap) | Bit(SigFpe) | Bit(SigSys);

    public static bool IsValid(long signal) => signal >= 1 && signal <= Max;

    public static SignalDefault DefaultOf(int signal) => signal switch
    {
        SigQuit or SigIll or SigTrap or SigAbrt or SigBus or SigFpe or SigSegv or SigXcpu or SigXfsz or SigSys => SignalDefault.Core,
        SigChld or SigUrg or SigWinch => SignalDefault.Ignore,
        SigCont => SignalDefault.Continue,
        SigStop or SigTstp or SigTtin or SigTtou => SignalDefault.Stop,
        _ => SignalDefault.Terminate,   // the rest, and every real-time signal
    };

    public static bool IsStop(int signal) => DefaultOf(signal) == SignalDefault.Stop;

    public static string Name(int signal) => signal switch
    {
        SigHup => "SIGHUP", SigInt => "SIGINT", SigQuit => "SIGQUIT", SigIll => "SIGILL", SigTrap => "SIGTRAP",
        SigAbrt => "SIGABRT", SigBus => "SIGBUS", SigFpe => "SIGFPE", SigKill => "SIGKILL", SigUsr1 => "SIGUSR1",
        SigSegv => "SIGSEGV", SigUsr2 => "SIGUSR2", SigPipe => "SIGPIPE", SigAlrm => "SIGALRM", SigTerm => "SIGTERM",
        SigChld => "SIGCHLD", SigCont => "SIGCONT", SigStop => "SIGSTOP", SigTstp => "SIGTSTP", SigTtin => "SIGTTIN",
        SigTtou => "SIGTTOU", SigXcpu => "SIGXCPU", SigXfsz => "SIGXFSZ", SigSys => "SIGSYS",
        _ => "signal " + signal.ToString(),
    };
}

/// <summary>One signal as sent: struct siginfo's fields that Linux fills for it.</summary>
public struct SigInfo
{
    public const int Size = 128;

    public int Signo, Errno, Code;
    public int Pid;
    public uint Uid;
    public int Status;      // SIGCHLD: the exit code or the signal
    public ulong Address;   // faults: si_addr
    public ulong Value;     // sigqueue and timers: si_value

    public static SigInfo Of(int signal, int code, int pid = 0) => new SigInfo { Signo = signal, Code = code, Pid = pid };

    public static SigInfo Fault(int signal, int code, ulong address) => new SigInfo { Signo = signal, Code = code, Address = address };

    /// <summary>Writes struct siginfo (128 bytes) as Linux's siginfo_layout chooses the union's member:
    /// a kernel-made fault has si_addr at 16, a kernel-made SIGCHLD pid, uid, status, utime, stime;
    /// anything else (kill, tkill, sigqueue, timers) pid, uid and si_value.</summary>
    public readonly void Pack(Span<byte> b)
    {
        b.Slice(0, Size).Clear();
        Put32(b, 0, Signo);
        Put32(b, 4, Errno);
        Put32(b, 8, Code);
        bool kernel = Code > 0 && Signo < LinuxSignals.SigRtMin;
        if (kernel && (LinuxSignals.Bit(Signo) & LinuxSignals.Synchronous) != 0 && Signo != LinuxSignals.SigSys)
        {
            Put64(b, 16, Address);
            return;
        }
        Put32(b, 16, Pid);
        Put32(b, 20, (int)Uid);
        if (kernel && Signo == LinuxSignals.SigChld) Put32(b, 24, Status);
        else Put64(b, 24, Value);
    }

    internal static void Put32(Span<byte> b, int at, int v)
    {
        for (int i = 0; i < 4; i++) b[at + i] = (byte)(v >> (8 * i));
    }

    internal static void Put64(Span<byte> b, int at, ulong v)
    {
        for (int i = 0; i < 8; i++) b[at + i] = (byte)(v >> (8 * i));
    }

    internal static ulong Get64(ReadOnlySpan<byte> b, int at)
    {
        ulong v = 0;
        for (int i = 7; i >= 0; i--) v = (v << 8) | b[at + i];
        return v;
    }
}
