// ThreadRegisters: a holder of a thread's Control right reads or writes its whole user register
// state (general registers, rip, rflags, FS and GS base, the FXSAVE image) while the thread is
// stopped. Stopped means anything but Runnable (which includes the caller itself) and Dead: a
// thread that is not Runnable is on no CPU, and its state lies whole in its control block (the
// frame saved at its last kernel entry, the FXSAVE area below it). A collector reads it to find
// roots in threads it suspended or that block in IPC; a debugger or signal delivery writes it.
//
// Written values are validated whole before any is stored (the block is copied into the kernel
// first), so the kernel can never be made to leave for ring 3 on a state the CPU would refuse in
// ring 0: rip and rsp are user addresses (a non-canonical rip would make SYSRET fault in the
// kernel), rflags holds only what ring 3 could set itself, and MXCSR has no bit FXRSTOR rejects.
// A syscall frame that was written leaves by iretq (not SYSRET), so rcx and r11 come back as written.
using Vireo.Abi;
using Vireo.Kernel.Arch.X64;

namespace Vireo.Kernel.Nucleus;

public static unsafe partial class Syscalls
{
    // RFLAGS bits a user thread may hold: CF, 1, PF, AF, ZF, SF, TF, IF, DF, OF, NT, RF, AC, ID (what
    // POPF in ring 3 can set, plus RF, which the CPU saves for faults). Never IOPL, VM, VIF, VIP.
    private const ulong UserFlags = 0x25_4FD7;
    private const ulong FlagsAlwaysSet = 0x202;   // IF and reserved bit 1

    // return_to_user leaves through SYSRET only for a frame marked with the syscall vector.
    private const ulong WrittenSyscallFrame = UserMode.SyscallVector + 1;

    private static uint s_mxcsrMask;

    private static Status ThreadRegisters(Tcb* caller, ulong handle, ulong op, ulong statePtr)
    {
        Status s = TargetThread(caller, handle, out Tcb* t);
        if (s != Status.Ok) return s;
        if (op > (ulong)ThreadRegistersOp.Write) return Status.InvalidArgument;
        if (t->State == ThreadState.Runnable || t->State == ThreadState.Dead) return Status.BadState;
        bool read = op == (ulong)ThreadRegistersOp.Read;
        if (!UserMemory.TryCheck(caller, statePtr, ThreadRegisterState.Size, write: read)) return Status.BadAddress;
        var user = (ThreadRegisterState*)statePtr;
        if (read)
        {
            Transfer(&t->Frame, user, read: true);
            user->FsBase = t->FsBase;
            user->GsBase = 0;
            System.Buffer.MemoryCopy(t->Fx, user->Fx, 512, 512);
            return Status.Ok;
        }

        ThreadRegisterState r = *user;
        if (!AddressSpaces.IsUserRange(r.Rip, 1) || r.Rsp > UserMode.UserTop || r.FsBase >= UserMode.UserTop || r.GsBase != 0)
            return Status.InvalidArgument;
        if ((r.Rflags & ~UserFlags) != 0 || (*(uint*)(r.Fx + 24) & ~MxcsrMask()) != 0) return Status.InvalidArgument;
        Transfer(&t->Frame, &r, read: false);
        t->Frame.Rflags |= FlagsAlwaysSet;
        if (t->Frame.Vector == UserMode.SyscallVector) t->Frame.Vector = WrittenSyscallFrame;
        t->FsBase = r.FsBase;
        System.Buffer.MemoryCopy(r.Fx, t->Fx, 512, 512);
        return Status.Ok;
    }

    // Copies the registers between a saved frame and the ABI's block, in the direction asked.
    private static void Transfer(InterruptFrame* f, ThreadRegisterState* r, bool read)
    {
        Move(ref f->Rax, ref r->Rax, read); Move(ref f->Rbx, ref r->Rbx, read); Move(ref f->Rcx, ref r->Rcx, read);
        Move(ref f->Rdx, ref r->Rdx, read); Move(ref f->Rsi, ref r->Rsi, read); Move(ref f->Rdi, ref r->Rdi, read);
        Move(ref f->Rbp, ref r->Rbp, read); Move(ref f->Rsp, ref r->Rsp, read); Move(ref f->R8, ref r->R8, read);
        Move(ref f->R9, ref r->R9, read); Move(ref f->R10, ref r->R10, read); Move(ref f->R11, ref r->R11, read);
        Move(ref f->R12, ref r->R12, read); Move(ref f->R13, ref r->R13, read); Move(ref f->R14, ref r->R14, read);
        Move(ref f->R15, ref r->R15, read); Move(ref f->Rip, ref r->Rip, read); Move(ref f->Rflags, ref r->Rflags, read);
    }

    private static void Move(ref ulong frame, ref ulong state, bool read)
    {
        if (read) state = frame;
        else frame = state;
    }

    // The MXCSR bits this CPU accepts, from the mask FXSAVE reports (Intel SDM vol. 1, 11.6.6: 0
    // there means the default 0xFFBF, without DAZ). Found once, on first use.
    private static uint MxcsrMask()
    {
        if (s_mxcsrMask != 0) return s_mxcsrMask;
        byte* area = stackalloc byte[512 + 16];
        byte* aligned = (byte*)(((ulong)area + 15) & ~15UL);
        Cpu.FxSave(aligned);
        uint mask = *(uint*)(aligned + 28);
        s_mxcsrMask = mask != 0 ? mask : 0xFFBFu;
        return s_mxcsrMask;
    }
}
