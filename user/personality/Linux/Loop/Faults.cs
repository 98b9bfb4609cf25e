// A fault of a Linux thread (a fault message on its endpoint, not a SYSCALL). A page fault at a page
// of its memory not made yet is served (demand paging, LinuxMemory.Fault) and the thread resumes with
// the reply. Any other fault becomes the signal Linux sends for it, with Linux's si_code and si_addr
// (arch/x86/kernel/traps.c, mm/fault.c): #PF SIGSEGV (SEGV_MAPERR outside every area, SEGV_ACCERR for
// an access the area does not allow; si_addr the address; SIGBUS BUS_ADRERR for a file mapping's page
// past the end of its file), #GP SIGSEGV (SI_KERNEL), #DE SIGFPE
// (FPE_INTDIV at the instruction), x87/SIMD errors SIGFPE, #UD SIGILL (ILL_ILLOPN), int3 SIGTRAP, #AC,
// #NP and #SS SIGBUS. The signal is forced (Signals.OnFault): a handler runs on a frame and, if it
// returns without changing rip, the instruction runs again; if the signal is blocked or ignored, or
// has no handler, the process dies (with the core bit) and a line names the fault.
using Vireo.Linux.Abi;
using Vireo.Linux.Syscalls;
using Vireo.User;

namespace Vireo.Linux.Loop;

public static class Faults
{
    public const ulong DivideError = 0, Breakpoint = 3, InvalidOpcode = 6, SegmentNotPresent = 11, StackFault = 12,
        GeneralProtection = 13, PageFault = 14, X87Error = 16, AlignmentCheck = 17, SimdError = 19;

    /// <summary>Linux's signal, si_code and si_addr for an x86 exception (a page fault's error code bit 0:
    /// the page was present, so the access was refused).</summary>
    public static SigInfo InfoFor(ulong vector, ulong address, ulong rip, ulong error) => vector switch
    {
        DivideError => SigInfo.Fault(LinuxSignals.SigFpe, LinuxSignals.FpeIntdiv, rip),
        Breakpoint => SigInfo.Of(LinuxSignals.SigTrap, LinuxSignals.SiKernel),
        InvalidOpcode => SigInfo.Fault(LinuxSignals.SigIll, LinuxSignals.IllIllopn, rip),
        SegmentNotPresent or StackFault => SigInfo.Of(LinuxSignals.SigBus, LinuxSignals.SiKernel),
        AlignmentCheck => SigInfo.Fault(LinuxSignals.SigBus, LinuxSignals.BusAdraln, address),
        X87Error or SimdError => SigInfo.Fault(LinuxSignals.SigFpe, LinuxSignals.FpeFltinv, rip),
        PageFault => SigInfo.Fault(LinuxSignals.SigSegv, (error & 1) != 0 ? LinuxSignals.SegvAccerr : LinuxSignals.SegvMaperr, address),
        _ => SigInfo.Of(LinuxSignals.SigSegv, LinuxSignals.SiKernel),
    };

    /// <summary>Serves a fault message; true with the reply's word when the thread is to be resumed.</summary>
    public static bool Serve(LinuxProcess p, in Message m, out long result)
    {
        ulong vector = m.W0, address = m.W1, rip = m.W2, error = m.W3;
        SigInfo info = InfoFor(vector, address, rip, error);
        if (vector == PageFault)
        {
            FaultResult served = p.Memory.Fault(address, error);
            result = 0;
            if (served == FaultResult.Served) return true;
            if (served == FaultResult.OutOfMemory)
            {
                // Linux's out-of-memory killer would end a process: this one, with SIGKILL.
                SyscallTable.Say("linux: " + p.Shown + ": killed by SIGKILL (out of memory at address 0x" + address.ToString("x") + ")\n");
                EventLoop.Exit(p, WaitStatus.Killed(LinuxSignals.SigKill));
                return false;
            }
            if (served == FaultResult.PastFile) info = SigInfo.Fault(LinuxSignals.SigBus, LinuxSignals.BusAdrerr, address);
            else info.Code = served == FaultResult.AccessError ? LinuxSignals.SegvAccerr : LinuxSignals.SegvMaperr;
        }
        return Signal(p, vector, address, rip, error, in info, out result);
    }

    /// <summary>Sends `info` for a fault the personality could not serve, records the exception for the
    /// frame's sigcontext, and reports a death by it.</summary>
    public static bool Signal(LinuxProcess p, ulong vector, ulong address, ulong rip, ulong error, in SigInfo info, out long result)
    {
        p.Signals.TrapNo = vector;
        p.Signals.FaultError = error;
        p.Signals.FaultAddress = vector == PageFault ? address : 0;
        if (Signals.OnFault(p, in info, out result)) return true;
        if (p.Ended && (p.Leader.WaitStatus & 0x7F) == info.Signo)
        {
            string what = vector == PageFault ? "page fault at address 0x" + address.ToString("x") : "exception " + vector.ToString();
            string core = (p.Leader.WaitStatus & 0x80) != 0 ? ", core dumped" : "";
            SyscallTable.Say("linux: " + p.Shown + ": killed by " + LinuxSignals.Name(info.Signo) + " (" + what + ", rip 0x" + rip.ToString("x") + core + ")\n");
        }
        return false;
    }
}
