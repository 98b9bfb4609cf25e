using System;
using Vireo.Abi;
using Vireo.Linux.Abi;
using Xunit;

namespace Vireo.Tests.Linux;

// The x86-64 rt_sigframe at Linux's offsets (glibc's ucontext_t: uc_mcontext at 40, gregs[REG_RIP] at
// 40 + 16 * 8, uc_sigmask at 296), its placement below the red zone, the handler's registers, and
// rt_sigreturn reading back what a handler changed.
public unsafe class SignalFrameTests
{
    private static ThreadRegisterState Sample()
    {
        var r = new ThreadRegisterState
        {
            Rax = 0x1111, Rbx = 0x2222, Rcx = 0x3333, Rdx = 0x4444, Rsi = 0x5555, Rdi = 0x6666, Rbp = 0x7777, Rsp = 0x7000_1000,
            R8 = 8, R9 = 9, R10 = 10, R11 = 11, R12 = 12, R13 = 13, R14 = 14, R15 = 15, Rip = 0x40_1234, Rflags = 0x202 | 0x400 | 0x1,
        };
        r.Fx[0] = 0x7F;
        r.Fx[24] = 0x80;
        r.Fx[160] = 0xAB;   // xmm0's first byte
        return r;
    }

    private static ulong Word(byte[] b, int at) => BitConverter.ToUInt64(b, at);

    [Fact]
    public void PlaceSkipsTheRedZoneAndAlignsAsACall()
    {
        ulong frame = SignalFrame.Place(0x7000_1000, 0, out ulong fp);
        Assert.Equal(0UL, fp % 64);
        Assert.True(fp + SignalFrame.FpStateSize <= 0x7000_1000 - SignalFrame.RedZone);
        Assert.Equal(8UL, frame % 16);   // rsp + 8 aligned at the handler's entry, as after a call
        Assert.True(frame + SignalFrame.Size <= fp);
        Assert.True(fp - (frame + SignalFrame.Size) < 32);
        Assert.Equal(0x7000_0BB8UL, frame);
    }

    [Fact]
    public void PlaceOnTheAlternateStackStartsAtItsTop()
    {
        ulong frame = SignalFrame.Place(0x7000_1000, 0x5000_4000, out ulong fp);
        Assert.Equal(0x5000_3E00UL, fp);
        Assert.True(frame > 0x5000_0000 && frame + SignalFrame.Size <= fp);
    }

    [Fact]
    public void BuildLaysOutRestorerContextMaskAndSiginfo()
    {
        ThreadRegisterState r = Sample();
        var b = new byte[SignalFrame.Size];
        var info = SigInfo.Fault(LinuxSignals.SigSegv, LinuxSignals.SegvMaperr, 0x10);
        var c = new SignalContext { Restorer = 0x40_0F00, Mask = 0x8000, AltStackBase = 0x5000_0000, AltStackSize = 0x4000, AltStackFlags = LinuxSignals.SsOnStack, TrapNo = 14, Error = 6, FaultAddress = 0x10 };
        SignalFrame.Build(b, 0x7000_0BB8, 0x7000_0D80, in r, in info, in c);
        Assert.Equal(0x40_0F00UL, Word(b, 0));              // pretcode
        Assert.Equal(6UL, Word(b, 8));                      // uc_flags
        Assert.Equal(0x5000_0000UL, Word(b, 8 + 16));       // uc_stack.ss_sp
        Assert.Equal(1, BitConverter.ToInt32(b, 8 + 24));   // uc_stack.ss_flags
        Assert.Equal(0x4000UL, Word(b, 8 + 32));            // uc_stack.ss_size
        int g = 8 + 40;                                      // uc_mcontext.gregs
        Assert.Equal(8UL, Word(b, g + 0 * 8));              // REG_R8
        Assert.Equal(15UL, Word(b, g + 7 * 8));             // REG_R15
        Assert.Equal(0x6666UL, Word(b, g + 8 * 8));         // REG_RDI
        Assert.Equal(0x5555UL, Word(b, g + 9 * 8));         // REG_RSI
        Assert.Equal(0x7777UL, Word(b, g + 10 * 8));        // REG_RBP
        Assert.Equal(0x2222UL, Word(b, g + 11 * 8));        // REG_RBX
        Assert.Equal(0x4444UL, Word(b, g + 12 * 8));        // REG_RDX
        Assert.Equal(0x1111UL, Word(b, g + 13 * 8));        // REG_RAX
        Assert.Equal(0x3333UL, Word(b, g + 14 * 8));        // REG_RCX
        Assert.Equal(0x7000_1000UL, Word(b, g + 15 * 8));   // REG_RSP
        Assert.Equal(0x40_1234UL, Word(b, g + 16 * 8));     // REG_RIP
        Assert.Equal(0x603UL, Word(b, g + 17 * 8));         // REG_EFL
        Assert.Equal(0x33, BitConverter.ToUInt16(b, g + 144));   // cs
        Assert.Equal(0x2b, BitConverter.ToUInt16(b, g + 150));   // ss
        Assert.Equal(6UL, Word(b, g + 19 * 8));             // REG_ERR
        Assert.Equal(14UL, Word(b, g + 20 * 8));            // REG_TRAPNO
        Assert.Equal(0x8000UL, Word(b, g + 21 * 8));        // REG_OLDMASK
        Assert.Equal(0x10UL, Word(b, g + 22 * 8));          // REG_CR2
        Assert.Equal(0x7000_0D80UL, Word(b, g + 23 * 8));   // fpregs
        Assert.Equal(0x8000UL, Word(b, 8 + 296));           // uc_sigmask
        Assert.Equal(11, BitConverter.ToInt32(b, 312));     // si_signo
        Assert.Equal(1, BitConverter.ToInt32(b, 312 + 8));  // si_code
        Assert.Equal(0x10UL, Word(b, 312 + 16));            // si_addr
    }

    [Fact]
    public void EnterGivesTheHandlerItsArgumentsAndAFreshFpu()
    {
        ThreadRegisterState r = Sample();
        SignalFrame.Enter(ref r, 0x40_2000, 10, 0x7000_0BB8);
        Assert.Equal(10UL, r.Rdi);
        Assert.Equal(0x7000_0BB8UL + 312, r.Rsi);
        Assert.Equal(0x7000_0BB8UL + 8, r.Rdx);
        Assert.Equal(0UL, r.Rax);
        Assert.Equal(0x7000_0BB8UL, r.Rsp);
        Assert.Equal(0x40_2000UL, r.Rip);
        Assert.Equal(0x203UL, r.Rflags);   // DF cleared
        Assert.Equal(0x1F80, r.Fx[24] | r.Fx[25] << 8);
        Assert.Equal(0x037F, r.Fx[0] | r.Fx[1] << 8);
        Assert.Equal(0, r.Fx[160]);
    }

    [Fact]
    public void RestoreTakesWhatTheHandlerChangedAndOnlyChangeableFlags()
    {
        ThreadRegisterState r = Sample();
        var b = new byte[SignalFrame.Size];
        var c = new SignalContext { Restorer = 1, Mask = 0x200 };
        SignalFrame.Build(b, 0x7000_0BB8, 0x7000_0D80, in r, SigInfo.Of(10, 0), in c);
        BitConverter.GetBytes(0x40_1240UL).CopyTo(b, 8 + 40 + 16 * 8);        // the handler moves rip
        BitConverter.GetBytes(0x0020_0000UL | 0x3000 | 0x1).CopyTo(b, 8 + 40 + 17 * 8);   // ID and IOPL: not its to set
        var back = new ThreadRegisterState { Rflags = 0x202 };
        SignalFrame.Restore(b, ref back, out ulong mask, out ulong fp);
        Assert.Equal(0x40_1240UL, back.Rip);
        Assert.Equal(0x1111UL, back.Rax);
        Assert.Equal(0x3333UL, back.Rcx);
        Assert.Equal(11UL, back.R11);
        Assert.Equal(0x7000_1000UL, back.Rsp);
        Assert.Equal(0x203UL, back.Rflags);
        Assert.Equal(0x200UL, mask);
        Assert.Equal(0x7000_0D80UL, fp);
    }

    [Fact]
    public void SaveFpuCopiesTheImageWithoutXsaveMagic()
    {
        ThreadRegisterState r = Sample();
        r.Fx[470] = 0x53;
        var fx = new byte[SignalFrame.FpStateSize];
        SignalFrame.SaveFpu(in r, fx);
        Assert.Equal(0xAB, fx[160]);
        Assert.Equal(0x80, fx[24]);
        Assert.Equal(0, fx[470]);
    }

    [Fact]
    public void SiginfoLayoutFollowsTheKindOfSignal()
    {
        var b = new byte[SigInfo.Size];
        SigInfo.Of(LinuxSignals.SigUsr1, LinuxSignals.SiTkill, 100).Pack(b);
        Assert.Equal(-6, BitConverter.ToInt32(b, 8));
        Assert.Equal(100, BitConverter.ToInt32(b, 16));   // si_pid
        new SigInfo { Signo = LinuxSignals.SigChld, Code = LinuxSignals.CldExited, Pid = 101, Status = 3 }.Pack(b);
        Assert.Equal(101, BitConverter.ToInt32(b, 16));
        Assert.Equal(3, BitConverter.ToInt32(b, 24));     // si_status
        SigInfo.Fault(LinuxSignals.SigFpe, LinuxSignals.FpeIntdiv, 0x40_1000).Pack(b);
        Assert.Equal(0x40_1000UL, Word(b, 16));            // si_addr
        Assert.Equal(0, BitConverter.ToInt32(b, 24));
    }
}
