// `linux -t` (and `-o FILE`): every syscall of the traced program on a line of its own, as strace
// prints it (the words are SyscallTrace's, host-tested). The event loop calls Before and After around
// SyscallTable.Serve for every process it serves (a parked call is traced once it is answered); lines
// of processes after the first start with strace -f's `[pid N] `. Before's texts are the arguments as
// they were when the call was made, which After completes with what the call filled in and the result.
// docs/design/linux.md, "Tracing".
using System;
using Vireo.Linux.Abi;
using Vireo.Linux.Syscalls;
using Vireo.User.Schemes;

namespace Vireo.Linux.Trace;

public static unsafe class Tracer
{
    /// <summary>Whether calls are traced, and where the lines go (standard error unless -o).</summary>
    public static bool On;
    public static Fd Output = Fd.Stderr;
    private static ulong s_firstPid;   // the traced program's own lines have no [pid N]

    /// <summary>The arguments the program gives, read before the call runs; null when not tracing.
    /// A call that does not return (exit, exit_group) is written now.</summary>
    public static string[] Before(LinuxProcess p, in SyscallArgs a)
    {
        if (!On) return null;
        string[] texts = SyscallTrace.Enter(a.Number, Args(in a), new ProcessMemory(p));
        if (a.Number == (ulong)SyscallNumber.Exit || a.Number == (ulong)SyscallNumber.ExitGroup)
            Emit(p, SyscallTrace.NoReturn(a.Number, texts));
        return texts;
    }

    /// <summary>Writes the call's line with its result (`texts` from Before).</summary>
    public static void After(LinuxProcess p, in SyscallArgs a, string[] texts, long result)
    {
        if (texts == null || a.Number == (ulong)SyscallNumber.Exit || a.Number == (ulong)SyscallNumber.ExitGroup) return;
        Emit(p, SyscallTrace.Finish(a.Number, Args(in a), texts, result, new ProcessMemory(p)));
    }

    private static ulong[] Args(in SyscallArgs a) => new[] { a.A0, a.A1, a.A2, a.A3, a.A4, a.A5 };

    private static void Emit(LinuxProcess p, string line)
    {
        if (s_firstPid == 0) s_firstPid = p.Pid;
        if (p.Pid != s_firstPid) line = "[pid " + p.Pid.ToString() + "] " + line;
        _ = Fs.Write(Output, line);   // a lost trace line cannot be reported either
    }

    // The traced process's memory as the formatter reads it: only its own frames (LinuxMemory checks).
    private sealed class ProcessMemory : ITraceMemory
    {
        private readonly LinuxProcess _p;
        public ProcessMemory(LinuxProcess p) => _p = p;

        public bool Read(ulong address, Span<byte> into)
        {
            fixed (byte* at = into) return into.Length == 0 || _p.Memory.Read(address, at, (ulong)into.Length);
        }
    }
}
