// ThreadRegisters (syscall 37): reading and writing a stopped thread's registers. The child threads
// run machine code written here into a page of their own, because C# cannot put known values in
// chosen registers: a spinner that loads r12-r15 and xmm0 with constants, a routine that stores
// registers the test wrote, and one that suspends itself inside a syscall.
using System;
using Vireo.Abi;
using Vireo.User;
using T = Vireo.User.Testing.TestRunner;

namespace Vireo.Bootstrap.Tests;

static unsafe class RegisterTests
{
    private const ulong CodePage = 0x0000_5400_0000_0000;
    private const ulong ChildStack = 0x0000_5000_0010_0000;
    private const ulong Spin = CodePage;             // loads the constants below, then counts in rbx
    private const ulong SpinLoop = CodePage + 45;    // the counting loop: inc rbx; jmp back (5 bytes)
    private const ulong Store = CodePage + 0x40;     // stores rsi, r13, xmm1, r11, rcx at rdi, then spins
    private const ulong SuspendSelf = CodePage + 0x80; // arg = own thread handle; ThreadSuspend, then stores rcx, r11, rax
    private const ulong R12 = 0x1212_1212_1212_1212, R13 = 0x1313_1313_1313_1313;
    private const ulong R14 = 0x1414_1414_1414_1414, R15 = 0x1515_1515_1515_1515;
    private const int MxcsrOffset = 24, Xmm0Offset = 160, Xmm1Offset = 176;

    private static CapHandle s_memory;

    public static void Run(CapHandle memory)
    {
        s_memory = memory;
        T.Run("user.thread_registers_read_write", &ReadWrite);
        T.Run("user.thread_registers_in_syscall", &InSyscall);
        T.Run("user.thread_registers_statuses", &Statuses);
    }

    // Writes `count` bytes of `bytes`, most significant first (so opcodes read as disassembled).
    internal static byte* Op(byte* p, ulong bytes, int count)
    {
        for (int i = count - 1; i >= 0; i--) *p++ = (byte)(bytes >> (8 * i));
        return p;
    }

    internal static byte* Imm(byte* p, ulong value)
    {
        *(ulong*)p = value;
        return p + 8;
    }

    // The three routines, in a page mapped read-execute; `results` is where SuspendSelf stores.
    private static bool MakeCode(CapHandle u, ulong* results, out CapHandle frame)
    {
        if (CSpace.Make(u, ObjectType.Frame, 12, out frame) != Status.Ok) return false;
        if (Sys.Map(CSpace.SelfAddressSpace, frame, CodePage, Rights.Read | Rights.Write) != Status.Ok) return false;
        byte* p = (byte*)Spin;
        p = Imm(Op(p, 0x49BC, 2), R12);          // mov r12, R12
        p = Imm(Op(p, 0x49BD, 2), R13);          // mov r13, R13
        p = Imm(Op(p, 0x49BE, 2), R14);          // mov r14, R14
        p = Imm(Op(p, 0x49BF, 2), R15);          // mov r15, R15
        p = Op(p, 0x66490F6EC4, 5);              // movq xmm0, r12
        p = Op(p, 0x48FFC3, 3);                  // SpinLoop: inc rbx
        Op(p, 0xEBFB, 2);                        // jmp SpinLoop
        p = (byte*)Store;
        p = Op(p, 0x488937, 3);                  // mov [rdi], rsi
        p = Op(p, 0x4C896F08, 4);                // mov [rdi+8], r13
        p = Op(p, 0x660FD64F10, 5);              // movq [rdi+16], xmm1
        p = Op(p, 0x4C895F18, 4);                // mov [rdi+24], r11
        p = Op(p, 0x48894F20, 4);                // mov [rdi+32], rcx
        Op(p, 0xEBFE, 2);                        // jmp $
        p = (byte*)SuspendSelf;
        p = Imm(Op(p, 0x48BB, 2), (ulong)results); // mov rbx, results
        p = Op(p, 0xB811000000, 5);              // mov eax, 17 (ThreadSuspend; rdi = the handle)
        p = Op(p, 0x0F05, 2);                    // syscall
        p = Op(p, 0x48890B, 3);                  // mov [rbx], rcx
        p = Op(p, 0x4C895B08, 4);                // mov [rbx+8], r11
        p = Op(p, 0x48894310, 4);                // mov [rbx+16], rax
        Op(p, 0xEBFE, 2);                        // jmp $
        return Sys.Protect(frame, Rights.Read | Rights.Execute) == Status.Ok;
    }

    private static bool Start(CapHandle u, ulong entry, ulong arg, out LocalThread t)
    {
        if (ThreadBuilder.Create(u, (delegate*<ulong, ulong>)entry, arg, ChildStack, out t) != Status.Ok) return false;
        return Sys.ThreadStart(t.Thread) == Status.Ok;
    }

    private static void ReadWrite()
    {
        if (!T.True(CSpace.Make(s_memory, ObjectType.Untyped, 16, out CapHandle u) == Status.Ok, "carve")) return;
        ulong* results = stackalloc ulong[5];
        ThreadRegisterState* r = stackalloc ThreadRegisterState[1];
        if (T.True(MakeCode(u, results, out CapHandle code), "code page") && T.True(Start(u, Spin, 0, out LocalThread t), "start the spinner"))
        {
            Sys.Sleep(3_000_000);
            T.Status(Status.BadState, Sys.ThreadRegisters(t.Thread, ThreadRegistersOp.Read, r), "not while it runs");
            T.Status(Status.Ok, Sys.ThreadSuspend(t.Thread), "suspend it");
            T.Status(Status.Ok, Sys.ThreadRegisters(t.Thread, ThreadRegistersOp.Read, r), "read");
            T.Equal((long)R12, (long)r->R12, "r12");
            T.Equal((long)R13, (long)r->R13, "r13");
            T.Equal((long)R14, (long)r->R14, "r14");
            T.Equal((long)R15, (long)r->R15, "r15");
            T.True(r->Rip >= SpinLoop && r->Rip < SpinLoop + 5, "rip in the loop");
            T.True(r->Rbx > 0, "rbx counted while it ran");
            T.True(r->Rsp > ChildStack && r->Rsp <= ChildStack + 4096, "rsp on its stack");
            T.Equal(0x200, (long)(r->Rflags & 0x3200), "IF set, IOPL 0");
            T.Equal((long)R12, (long)*(ulong*)(r->Fx + Xmm0Offset), "xmm0 from the FXSAVE image");
            T.Equal(0x1F80, (long)(*(uint*)(r->Fx + MxcsrOffset) & 0xFFFF), "MXCSR as it started");
            T.Equal(0, (long)(r->FsBase | r->GsBase), "FS and GS base 0");
            ulong counted = r->Rbx;
            Sys.Sleep(2_000_000);
            Sys.ThreadRegisters(t.Thread, ThreadRegistersOp.Read, r);
            T.Equal((long)counted, (long)r->Rbx, "stopped: rbx stays");

            r->Rip = Store;
            r->Rdi = (ulong)results;
            r->Rsi = 0xABCD;
            r->R13 = 0x1313;
            r->R11 = 0x1B1B;
            r->Rcx = 0xC0C0;
            *(ulong*)(r->Fx + Xmm1Offset) = 0x5151;
            T.Status(Status.Ok, Sys.ThreadRegisters(t.Thread, ThreadRegistersOp.Write, r), "write rip, five registers and xmm1");
            T.Status(Status.Ok, Sys.ThreadResume(t.Thread), "resume");
            Sys.Sleep(3_000_000);
            T.Equal(0xABCD, (long)results[0], "it ran from the new rip with the new rsi");
            T.Equal(0x1313, (long)results[1], "r13");
            T.Equal(0x5151, (long)results[2], "xmm1");
            T.Equal(0x1B1B, (long)results[3], "r11");
            T.Equal(0xC0C0, (long)results[4], "rcx");
            ThreadBuilder.Destroy(ref t);
        }
        CSpace.Release(code);
        UserTests.Release(u);
    }

    // A thread stopped inside a syscall left the kernel through SYSRET, which loads rip from rcx and
    // rflags from r11; once written, it leaves through iretq, so rcx and r11 are the values written.
    private static void InSyscall()
    {
        if (!T.True(CSpace.Make(s_memory, ObjectType.Untyped, 16, out CapHandle u) == Status.Ok, "carve")) return;
        ulong* results = stackalloc ulong[3];
        ThreadRegisterState* r = stackalloc ThreadRegisterState[1];
        if (T.True(MakeCode(u, results, out CapHandle code), "code page")
            && T.True(ThreadBuilder.Create(u, (delegate*<ulong, ulong>)SuspendSelf, 0, ChildStack, out LocalThread t) == Status.Ok, "create"))
        {
            // Its argument is its own handle, known only now: configure it again with it.
            ThreadConfig c = default;
            c.CNode = CSpace.Self.Value;
            c.AddressSpace = CSpace.SelfAddressSpace.Value;
            c.Entry = SuspendSelf;
            c.Stack = t.StackTop;
            c.Argument0 = t.Thread.Value;
            Sys.ThreadConfigure(t.Thread, &c);
            Sys.ThreadStart(t.Thread);
            Status s = Status.BadState;
            for (int i = 0; i < 100 && s != Status.Ok; i++)
            {
                Sys.Sleep(1_000_000);
                s = Sys.ThreadRegisters(t.Thread, ThreadRegistersOp.Read, r);
            }
            T.Status(Status.Ok, s, "it suspended itself: readable");
            T.True(r->Rip > SuspendSelf && r->Rip < SuspendSelf + 0x20, "rip just after its syscall");
            T.Equal((long)r->Rip, (long)r->Rcx, "rcx holds the return address (SYSCALL put it there)");
            T.Equal(0, (long)r->Rax, "rax already holds the call's status, Ok");
            r->Rcx = 0x1234;
            r->R11 = 0x5678;
            T.Status(Status.Ok, Sys.ThreadRegisters(t.Thread, ThreadRegistersOp.Write, r), "write rcx and r11");
            T.Status(Status.Ok, Sys.ThreadResume(t.Thread), "resume");
            Sys.Sleep(3_000_000);
            T.Equal(0x1234, (long)results[0], "rcx as written");
            T.Equal(0x5678, (long)results[1], "r11 as written");
            T.Equal(0, (long)results[2], "the syscall returned Ok");
            ThreadBuilder.Destroy(ref t);
        }
        CSpace.Release(code);
        UserTests.Release(u);
    }

    private static ulong Zero(ulong unused) => 0;

    private static void Statuses()
    {
        if (!T.True(CSpace.Make(s_memory, ObjectType.Untyped, 16, out CapHandle u) == Status.Ok, "carve")) return;
        ThreadRegisterState* r = stackalloc ThreadRegisterState[1];
        ThreadRegisterState* w = stackalloc ThreadRegisterState[1];
        if (!T.True(ThreadBuilder.Create(u, &Zero, 0, ChildStack, out LocalThread t) == Status.Ok, "create"))
        {
            UserTests.Release(u);
            return;
        }
        T.Status(Status.InvalidCapability, Sys.ThreadRegisters(new CapHandle(4000, 0), ThreadRegistersOp.Read, r), "empty slot");
        T.Status(Status.WrongType, Sys.ThreadRegisters(CSpace.Self, ThreadRegistersOp.Read, r), "a CNode");
        CSpace.TryAlloc(out uint slot);
        Sys.Copy(t.Thread, CSpace.Self, slot, Rights.Read | Rights.Write, out CapHandle weak);
        T.Status(Status.InsufficientRights, Sys.ThreadRegisters(weak, ThreadRegistersOp.Read, r), "without Control");
        T.Status(Status.InvalidArgument, Sys.ThreadRegisters(t.Thread, (ThreadRegistersOp)2, r), "unknown op");
        T.Status(Status.BadState, Sys.ThreadRegisters(new CapHandle(BootstrapSlots.Thread, 0), ThreadRegistersOp.Read, r), "the caller itself runs");
        T.Status(Status.BadAddress, Sys.ThreadRegisters(t.Thread, ThreadRegistersOp.Read, (ThreadRegisterState*)0x10), "page 0");
        T.Status(Status.BadAddress, Sys.ThreadRegisters(t.Thread, ThreadRegistersOp.Write, (ThreadRegisterState*)0xFFFFFFFF80100000), "kernel memory");
        T.Status(Status.BadAddress, Sys.ThreadRegisters(t.Thread, ThreadRegistersOp.Read, (ThreadRegisterState*)BootstrapLayout.InfoPage), "read into a read-only page");

        T.Status(Status.Ok, Sys.ThreadRegisters(t.Thread, ThreadRegistersOp.Read, r), "an inactive thread is stopped");
        T.Equal((long)t.StackTop, (long)r->Rsp, "its configured stack");
        T.Equal(0x202, (long)r->Rflags, "initial rflags");
        T.Equal(0x1F80, (long)*(uint*)(r->Fx + MxcsrOffset), "initial MXCSR");
        T.True(Refused(t.Thread, r, w, 1, 0xFFFF_8000_0000_0000), "rip in the kernel half");
        T.True(Refused(t.Thread, r, w, 1, 0x0000_8000_0000_0000), "rip not canonical");
        T.True(Refused(t.Thread, r, w, 1, BootstrapLayout.UserTop), "rip at the top of the user half");
        T.True(Refused(t.Thread, r, w, 2, BootstrapLayout.UserTop + 8), "rsp above the user half");
        T.True(Refused(t.Thread, r, w, 3, 0x3202), "IOPL 3");
        T.True(Refused(t.Thread, r, w, 3, 0x2_0202), "virtual-8086 mode");
        T.True(Refused(t.Thread, r, w, 4, BootstrapLayout.UserTop), "FS base above the user half");
        T.True(Refused(t.Thread, r, w, 5, 1), "a GS base");
        T.True(Refused(t.Thread, r, w, 6, 0xFFFF_1F80), "MXCSR reserved bits");

        *w = *r;
        w->Rflags = 0x2 | 0x1 | 0x400;    // IF clear, CF and DF set
        w->FsBase = 0x1000;
        T.Status(Status.Ok, Sys.ThreadRegisters(t.Thread, ThreadRegistersOp.Write, w), "IF clear is accepted");
        Sys.ThreadRegisters(t.Thread, ThreadRegistersOp.Read, r);
        T.Equal(0x603, (long)r->Rflags, "and IF set again, the other flags kept");
        T.Equal(0x1000, (long)r->FsBase, "FS base written");
        w->FsBase = 0;
        w->Rflags = 0x202;   // compiled code needs DF clear
        Sys.ThreadRegisters(t.Thread, ThreadRegistersOp.Write, w);
        Sys.ThreadStart(t.Thread);
        Sys.ThreadWait(t.Thread, out ThreadExitKind kind, out _);
        T.Equal((long)ThreadExitKind.Exited, (long)kind, "it ran after the writes");
        T.Status(Status.BadState, Sys.ThreadRegisters(t.Thread, ThreadRegistersOp.Read, r), "a dead thread");
        CSpace.Release(weak);
        ThreadBuilder.Destroy(ref t);
        UserTests.Release(u);
    }

    // Writes r with one field changed (1 rip, 2 rsp, 3 rflags, 4 FS base, 5 GS base, 6 MXCSR): true
    // when the write is InvalidArgument and the thread's field still holds r's value.
    private static bool Refused(CapHandle thread, ThreadRegisterState* r, ThreadRegisterState* w, int field, ulong value)
    {
        *w = *r;
        Set(w, field, value);
        if (Sys.ThreadRegisters(thread, ThreadRegistersOp.Write, w) != Status.InvalidArgument) return false;
        if (Sys.ThreadRegisters(thread, ThreadRegistersOp.Read, w) != Status.Ok) return false;
        return Get(w, field) == Get(r, field);
    }

    private static void Set(ThreadRegisterState* s, int field, ulong value)
    {
        if (field == 1) s->Rip = value;
        else if (field == 2) s->Rsp = value;
        else if (field == 3) s->Rflags = value;
        else if (field == 4) s->FsBase = value;
        else if (field == 5) s->GsBase = value;
        else *(uint*)(s->Fx + MxcsrOffset) = (uint)value;
    }

    private static ulong Get(ThreadRegisterState* s, int field) =>
        field == 1 ? s->Rip : field == 2 ? s->Rsp : field == 3 ? s->Rflags : field == 4 ? s->FsBase
        : field == 5 ? s->GsBase : *(uint*)(s->Fx + MxcsrOffset);
}
