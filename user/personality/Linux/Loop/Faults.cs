// A fault of a Linux thread (a fault message on its endpoint, not a SYSCALL). A page fault at a page
// of its memory not made yet is served (demand paging, LinuxMemory.Fault) and the thread resumes with
// the reply. Otherwise no handler is run yet: the process dies of the signal Linux would send (#PF and #GP SIGSEGV, #DE and x87/SIMD errors SIGFPE,
// #UD SIGILL, int3 SIGTRAP), with a line naming the fault, and its parent sees the signal death.
using Vireo.Linux.Syscalls;
using Vireo.User;

namespace Vireo.Linux.Loop;

public static class Faults
{
    public const int SigIll = 4, SigTrap = 5, SigFpe = 8, SigSegv = 11;

    /// <summary>Linux's signal for an x86 exception vector.</summary>
    public static int SignalFor(ulong vector) => vector switch { 0 => SigFpe, 3 => SigTrap, 6 => SigIll, 16 or 19 => SigFpe, _ => SigSegv };

    public static string SignalName(int signal) => signal switch
    {
        SigFpe => "SIGFPE", SigTrap => "SIGTRAP", SigIll => "SIGILL", SigSegv => "SIGSEGV", _ => "signal " + signal.ToString(),
    };

    /// <summary>True when the fault was served and the thread is to be resumed (any reply does).</summary>
    public static bool Serve(LinuxProcess p, in Message m)
    {
        ulong vector = m.W0;
        if (vector == 14 && p.Memory.Fault(m.W1, m.W3) == FaultResult.Served) return true;
        int signal = SignalFor(vector);
        string what = vector == 14 ? "page fault at address 0x" + m.W1.ToString("x") : "exception " + vector.ToString();
        SyscallTable.Say("linux: " + p.Shown + ": killed by " + SignalName(signal) + " (" + what + ", rip 0x" + m.W2.ToString("x") + ")\n");
        EventLoop.Exit(p, LinuxProcess.KilledStatus(signal));
        return false;
    }
}
