// Foreign-ABI threads (ThreadSetAbi, syscall 43; ADR 0014): a thread so marked has its SYSCALLs
// delivered to its fault endpoint as ForeignSyscall messages with its registers, and its faults as
// fault messages, while Vireo threads are untouched. The foreign threads here run C#: their calls go
// through the ordinary syscall stub, which puts a number in rax and arguments in rdi..r9, exactly as a
// Linux program would. At the end the handler turns each back into a Vireo thread and rewinds it over
// its last SYSCALL (ThreadRegisters), so the thread's own Exit runs natively.
using Vireo.Abi;
using Vireo.User;
using T = Vireo.User.Testing.TestRunner;

namespace Vireo.Bootstrap.Tests;

static unsafe class ForeignAbiTests
{
    private const ulong StackPage = 0x0000_5E00_0000_0000;
    private const ulong GetPid = 39;
    private static CapHandle s_memory;

    public static void Run(CapHandle memory)
    {
        s_memory = memory;
        T.Run("foreign.syscall_reaches_handler_with_registers", &Registers);
        T.Run("foreign.fault_reaches_handler", &Fault);
        T.Run("foreign.syscall_without_handler_stops_thread", &NoHandler);
        T.Run("foreign.set_abi_statuses", &Statuses);
    }

    /// <summary>A foreign thread running fn(arg), its faults and syscalls sent to `endpoint` (not started).</summary>
    internal static Status Create(CapHandle memory, delegate*<ulong, ulong> fn, ulong arg, CapHandle endpoint, out LocalThread t)
    {
        Status s = ThreadBuilder.Create(memory, fn, arg, StackPage, 0, endpoint, out t);
        return s == Status.Ok ? Sys.ThreadSetAbi(t.Thread, ThreadAbi.Foreign) : s;
    }

    /// <summary>The thread stopped at its Exit call (a foreign syscall numbered Syscall.Exit): back to
    /// Vireo's ABI, rip over the SYSCALL again, and resume, so that Exit runs natively.</summary>
    internal static Status Release(CapHandle thread, ref Message m)
    {
        var r = new ThreadRegisterState();
        Status s = Sys.ThreadRegisters(thread, ThreadRegistersOp.Read, &r);
        r.Rip -= 2;
        if (s == Status.Ok) s = Sys.ThreadRegisters(thread, ThreadRegistersOp.Write, &r);
        if (s == Status.Ok) s = Sys.ThreadSetAbi(thread, ThreadAbi.Vireo);
        m = new Message();
        return s == Status.Ok ? Ipc.Reply(new MessageInfo(0, 0), ref m) : s;
    }

    // Two Linux-numbered calls with six arguments each; their results (rax, what the handler replied) summed.
    private static ulong TwoCalls(ulong arg)
    {
        ulong a = (ulong)Sys.Call((Syscall)GetPid, 11, 22, 33, 44, 55, 66);
        ulong b = (ulong)Sys.Call((Syscall)GetPid, arg, 0, 0, 0, 0, 0);
        return a + b;
    }

    private static void Registers()
    {
        UserTests.Make(s_memory, ObjectType.Endpoint, 0, out CapHandle ep);
        if (!T.Status(Status.Ok, Create(s_memory, &TwoCalls, 7, ep, out LocalThread t), "create a foreign thread")) return;
        // Real-time, it runs at once and makes its first call before the handler waits: that one is
        // queued and delivered by the general path; the second finds the handler waiting (the fast path).
        Sys.ThreadSetPriority(t.Thread, SchedClass.RealTimeFifo, 20);
        Sys.ThreadStart(t.Thread);
        var m = new Message();
        var buffer = (IpcBuffer*)Program.SelfBuffer;
        T.Status(Status.Ok, Ipc.Receive(ep, ref m), "the handler receives the call");
        T.Equal((long)MessageInfo.ForeignSyscallLabel, (long)m.Info.Label, "labelled a foreign syscall");
        T.Equal(ForeignSyscallMessage.Words, m.Info.Words, "ten words");
        T.Equal((long)GetPid, (long)m.W0, "rax: the call's number");
        T.True(m.W1 == 11 && m.W2 == 22 && m.W3 == 33, "rdi, rsi, rdx in the register words");
        T.True(buffer->Words[ForeignSyscallMessage.R10] == 44 && buffer->Words[ForeignSyscallMessage.R8] == 55 &&
            buffer->Words[ForeignSyscallMessage.R9] == 66, "r10, r8, r9 in the IPC buffer");
        ulong rip = buffer->Words[ForeignSyscallMessage.Rip], rsp = buffer->Words[ForeignSyscallMessage.Rsp];
        T.True(rip > 0x400000 && rip < 0x0000_1000_0000_0000, "rip: in the program's text");
        T.True(rsp > StackPage && rsp <= StackPage + 4096, "rsp: on the thread's stack");
        T.True((buffer->Words[ForeignSyscallMessage.Rflags] & 0x200) != 0, "rflags: interrupts on");
        var r = new ThreadRegisterState();
        T.Status(Status.Ok, Sys.ThreadRegisters(t.Thread, ThreadRegistersOp.Read, &r), "the stopped thread's registers can be read");
        T.True(r.Rip == rip && r.Rax == GetPid, "and match the message");
        m = Message.Of(1000);
        T.Status(Status.Ok, Ipc.ReplyReceive(ep, new MessageInfo(1, 0), ref m), "reply 1000, take the next call");
        T.True(m.W0 == GetPid && m.W1 == 7, "the second call, after the first returned");
        T.True(buffer->Words[ForeignSyscallMessage.R10] == 0 && buffer->Words[ForeignSyscallMessage.Rsp] == rsp,
            "its own r10, and the same stack depth as the first");
        T.Equal(ForeignSyscallMessage.Words, m.Info.Words, "ten words again");
        m = Message.Of(234);
        T.Status(Status.Ok, Ipc.ReplyReceive(ep, new MessageInfo(1, 0), ref m), "reply 234");
        T.Equal((long)Syscall.Exit, (long)m.W0, "its Exit came as a foreign call too");
        T.Status(Status.Ok, Release(t.Thread, ref m), "made a Vireo thread again and resumed");
        Sys.ThreadWait(t.Thread, out ThreadExitKind kind, out ulong code);
        T.Equal((long)ThreadExitKind.Exited, (long)kind, "then it exits natively");
        T.Equal(1234, (long)code, "the replies were the calls' results");
        ThreadBuilder.Destroy(ref t);
        CSpace.Release(ep);
    }

    private static ulong WriteNull(ulong arg)
    {
        *(ulong*)arg = 1;
        return 0;
    }

    private static void Fault()
    {
        UserTests.Make(s_memory, ObjectType.Endpoint, 0, out CapHandle ep);
        Create(s_memory, &WriteNull, 8, ep, out LocalThread t);
        Sys.ThreadStart(t.Thread);
        var m = new Message();
        T.Status(Status.Ok, Ipc.Receive(ep, ref m), "the handler receives the fault");
        T.Equal((long)MessageInfo.FaultLabel, (long)m.Info.Label, "as a fault message");
        T.Equal(14, (long)m.W0, "a page fault");
        T.Equal(8, (long)m.W1, "at the address written");
        T.Status(Status.Ok, Sys.Delete(t.Thread), "the handler ends the thread");
        m = new Message();
        T.Status(Status.PeerDied, Ipc.Reply(new MessageInfo(0, 0), ref m), "and the reply it owed is gone");
        t.Thread = default;
        ThreadBuilder.Destroy(ref t);
        CSpace.Release(ep);
    }

    private static void NoHandler()
    {
        Create(s_memory, &TwoCalls, 0, default, out LocalThread t);
        Sys.ThreadStart(t.Thread);
        Sys.ThreadWait(t.Thread, out ThreadExitKind kind, out ulong code);
        T.Equal((long)ThreadExitKind.Faulted, (long)kind, "a foreign call with no handler stops the thread");
        T.Equal(256, (long)code, "with the syscall vector as its code");
        T.Status(Status.BadState, Sys.ThreadSetAbi(t.Thread, ThreadAbi.Vireo), "a dead thread's ABI cannot change");
        ThreadBuilder.Destroy(ref t);
    }

    private static void Statuses()
    {
        UserTests.Make(s_memory, ObjectType.Endpoint, 0, out CapHandle ep);
        var self = new CapHandle(BootstrapSlots.Thread, 0);
        T.Status(Status.InvalidArgument, Sys.ThreadSetAbi(self, (ThreadAbi)2), "no ABI 2");
        T.Status(Status.WrongType, Sys.ThreadSetAbi(ep, ThreadAbi.Vireo), "an endpoint is no thread");
        T.Status(Status.InvalidCapability, Sys.ThreadSetAbi(new CapHandle(0xFFFF, 0), ThreadAbi.Vireo), "an empty slot");
        CSpace.TryAlloc(out uint slot);
        Sys.Copy(self, CSpace.Self, slot, Rights.Read, out CapHandle weak);
        T.Status(Status.InsufficientRights, Sys.ThreadSetAbi(weak, ThreadAbi.Foreign), "Control is needed");
        T.Status(Status.Ok, Sys.ThreadSetAbi(self, ThreadAbi.Vireo), "a thread may set its own (Vireo) ABI");
        T.Status(Status.Ok, Sys.Null() == Status.UnknownSyscall ? Status.Ok : Status.BadState, "and keeps making Vireo calls");
        CSpace.Release(weak);
        CSpace.Release(ep);
    }
}
