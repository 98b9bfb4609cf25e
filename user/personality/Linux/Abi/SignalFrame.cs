// The x86-64 rt_sigframe, as Linux builds it for a handler (arch/x86/kernel/signal.c: get_sigframe,
// setup_rt_frame, restore_sigcontext) and as rt_sigreturn reads it back. Portable and host-tested:
// the personality reads the stopped thread's registers (ThreadRegisterState), lays the frame out
// here, writes it into the process's memory and writes the handler's registers back.
//
// Below the thread's stack pointer less the 128-byte red zone (or at the top of the alternate stack)
// come the FPU state (the 512-byte FXSAVE image, 64-byte aligned) and below it the frame, placed so
// that rsp + 8 is 16-byte aligned at the handler's entry, as after a call:
//   +0    pretcode: sa_restorer, the handler's return address (glibc's __restore_rt: rt_sigreturn)
//   +8    struct ucontext: uc_flags, uc_link, uc_stack (sp, flags, size), uc_mcontext (struct
//         sigcontext: r8-r15, rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip, eflags, cs/gs/fs/ss, err,
//         trapno, oldmask, cr2, fpstate, 8 reserved words), uc_sigmask
//   +312  struct siginfo (128 bytes)
using System;
using Vireo.Abi;

namespace Vireo.Linux.Abi;

/// <summary>What a frame records besides the registers.</summary>
public struct SignalContext
{
    public ulong Restorer;       // sa_restorer
    public ulong Mask;           // the mask to restore on return (uc_sigmask)
    public ulong AltStackBase, AltStackSize;
    public int AltStackFlags;    // sas_ss_flags at the interrupted stack pointer
    public ulong TrapNo, Error, FaultAddress;   // the exception that raised it (0 for a call)
}

public static unsafe class SignalFrame
{
    public const int Size = 440, FpStateSize = 512;
    public const int Ucontext = 8, Mcontext = Ucontext + 40, Sigmask = Ucontext + 296, Siginfo = 312;
    public const ulong RedZone = 128;
    // uc_flags: UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS (no XSAVE image: no UC_FP_XSTATE).
    public const ulong UcFlags = 2 | 4;
    public const ushort UserCs = 0x33, UserSs = 0x2b;
    // Flags a sigreturn may change (FIX_EFLAGS): AC, RF, OF, DF, TF, SF, ZF, AF, PF, CF.
    public const ulong ChangeableFlags = 0x4_0000 | 0x1_0000 | 0x800 | 0x400 | 0x100 | 0x80 | 0x40 | 0x10 | 0x4 | 0x1;
    // Cleared for the handler (handle_signal): DF, RF, TF.
    public const ulong HandlerClearedFlags = 0x400 | 0x1_0000 | 0x100;

    // Offsets of the registers in struct sigcontext, in its order.
    private const int R8 = 0, R9 = 8, R10 = 16, R11 = 24, R12 = 32, R13 = 40, R14 = 48, R15 = 56, Rdi = 64, Rsi = 72,
        Rbp = 80, Rbx = 88, Rdx = 96, Rax = 104, Rcx = 112, Rsp = 120, Rip = 128, Eflags = 136, Cs = 144, Ss = 150,
        Err = 152, TrapNo = 160, OldMask = 168, Cr2 = 176, FpState = 184;

    /// <summary>Where the frame goes for a thread at `rsp`; `altStackTop` is the alternate stack's top when
    /// the handler runs there (0: on the thread's own stack). Returns the handler's rsp (the frame).</summary>
    public static ulong Place(ulong rsp, ulong altStackTop, out ulong fpState)
    {
        ulong sp = altStackTop != 0 ? altStackTop : rsp - RedZone;
        fpState = (sp - FpStateSize) & ~63UL;
        return ((fpState - Size) & ~15UL) - 8;
    }

    /// <summary>Lays out the frame at `frame` for registers `r` (rax as the thread is to see it on return).</summary>
    public static void Build(Span<byte> b, ulong frame, ulong fpState, in ThreadRegisterState r, in SigInfo info, in SignalContext c)
    {
        b.Slice(0, Size).Clear();
        SigInfo.Put64(b, 0, c.Restorer);
        SigInfo.Put64(b, Ucontext, UcFlags);
        SigInfo.Put64(b, Ucontext + 16, c.AltStackBase);
        SigInfo.Put32(b, Ucontext + 24, c.AltStackFlags);
        SigInfo.Put64(b, Ucontext + 32, c.AltStackSize);
        Span<byte> m = b.Slice(Mcontext, 256);
        SigInfo.Put64(m, R8, r.R8); SigInfo.Put64(m, R9, r.R9); SigInfo.Put64(m, R10, r.R10); SigInfo.Put64(m, R11, r.R11);
        SigInfo.Put64(m, R12, r.R12); SigInfo.Put64(m, R13, r.R13); SigInfo.Put64(m, R14, r.R14); SigInfo.Put64(m, R15, r.R15);
        SigInfo.Put64(m, Rdi, r.Rdi); SigInfo.Put64(m, Rsi, r.Rsi); SigInfo.Put64(m, Rbp, r.Rbp); SigInfo.Put64(m, Rbx, r.Rbx);
        SigInfo.Put64(m, Rdx, r.Rdx); SigInfo.Put64(m, Rax, r.Rax); SigInfo.Put64(m, Rcx, r.Rcx); SigInfo.Put64(m, Rsp, r.Rsp);
        SigInfo.Put64(m, Rip, r.Rip); SigInfo.Put64(m, Eflags, r.Rflags);
        m[Cs] = (byte)UserCs;
        m[Ss] = (byte)UserSs;
        SigInfo.Put64(m, Err, c.Error);
        SigInfo.Put64(m, TrapNo, c.TrapNo);
        SigInfo.Put64(m, OldMask, c.Mask);
        SigInfo.Put64(m, Cr2, c.FaultAddress);
        SigInfo.Put64(m, FpState, fpState);
        SigInfo.Put64(b, Sigmask, c.Mask);
        info.Pack(b.Slice(Siginfo, SigInfo.Size));
    }

    /// <summary>The FPU state as the frame holds it: the FXSAVE image, its software-reserved tail zeroed
    /// (no XSAVE magic: an FXSR-only frame).</summary>
    public static void SaveFpu(in ThreadRegisterState r, Span<byte> fx)
    {
        fixed (byte* from = r.Fx)
            for (int i = 0; i < FpStateSize; i++) fx[i] = i < 464 ? from[i] : (byte)0;
    }

    /// <summary>The registers the handler starts with (setup_rt_frame): rdi the signal, rsi &siginfo,
    /// rdx &ucontext, rax 0, rsp the frame, rip the handler, DF/RF/TF clear, a fresh FPU state.</summary>
    public static void Enter(ref ThreadRegisterState r, ulong handler, int signal, ulong frame)
    {
        r.Rdi = (ulong)signal;
        r.Rsi = frame + Siginfo;
        r.Rdx = frame + Ucontext;
        r.Rax = 0;
        r.Rsp = frame;
        r.Rip = handler;
        r.Rflags &= ~HandlerClearedFlags;
        fixed (byte* fx = r.Fx) InitialFpu(fx);
    }

    /// <summary>The FPU's state after FNINIT and a reset MXCSR (fpstate_init_fxstate).</summary>
    public static void InitialFpu(byte* fx)
    {
        for (int i = 0; i < FpStateSize; i++) fx[i] = 0;
        fx[0] = 0x7F;   // FCW 0x037F
        fx[1] = 0x03;
        fx[24] = 0x80;  // MXCSR 0x1F80
        fx[25] = 0x1F;
    }

    /// <summary>rt_sigreturn (restore_sigcontext): the registers from the frame, as the handler may have
    /// changed them; flags only within FIX_EFLAGS. Gives the mask and where the FPU state is (0: none).</summary>
    public static void Restore(ReadOnlySpan<byte> b, ref ThreadRegisterState r, out ulong mask, out ulong fpState)
    {
        ReadOnlySpan<byte> m = b.Slice(Mcontext, 256);
        r.R8 = SigInfo.Get64(m, R8); r.R9 = SigInfo.Get64(m, R9); r.R10 = SigInfo.Get64(m, R10); r.R11 = SigInfo.Get64(m, R11);
        r.R12 = SigInfo.Get64(m, R12); r.R13 = SigInfo.Get64(m, R13); r.R14 = SigInfo.Get64(m, R14); r.R15 = SigInfo.Get64(m, R15);
        r.Rdi = SigInfo.Get64(m, Rdi); r.Rsi = SigInfo.Get64(m, Rsi); r.Rbp = SigInfo.Get64(m, Rbp); r.Rbx = SigInfo.Get64(m, Rbx);
        r.Rdx = SigInfo.Get64(m, Rdx); r.Rax = SigInfo.Get64(m, Rax); r.Rcx = SigInfo.Get64(m, Rcx); r.Rsp = SigInfo.Get64(m, Rsp);
        r.Rip = SigInfo.Get64(m, Rip);
        r.Rflags = (r.Rflags & ~ChangeableFlags) | (SigInfo.Get64(m, Eflags) & ChangeableFlags);
        fpState = SigInfo.Get64(m, FpState);
        mask = SigInfo.Get64(b, Sigmask);
    }
}
