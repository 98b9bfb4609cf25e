// A thread whose own copy of its CNode is that CNode's last capability revokes the untyped the CNode came
// from, which the CNode itself holds (in its last slot, after 4,094 copies of an endpoint, so the call
// stops and restarts while the CNode is emptied): the revoke reaches the thread's own copy, the thread is
// killed by losing it, and the CNode, the untyped and everything else made from it are gone, with the
// memory back and the kernel's counters as before, whether the thread object was made elsewhere or from
// that same untyped (then its destruction drops the copy itself, Threads.DropOwnCap, and leaves the CNode
// to the kernel's list of dying CNodes). The revoke must never answer the thread anything but Ok (a
// half-done restart once could); the thread runs a few instructions that store what it answered.
using Vireo.Abi;
using Vireo.User;
using T = Vireo.User.Testing.TestRunner;

namespace Vireo.Bootstrap.Tests;

static unsafe class OwnCNodeRevokeTests
{
    private const ulong CodePage = 0x0000_5D00_0000_0000;
    private const ulong StackPage = 0x0000_5D00_0010_0000;
    private const int CNodeBits = 12;
    private const uint UntypedSlot = (1u << CNodeBits) - 1;

    private static CapHandle s_memory;

    public static void Run(CapHandle memory)
    {
        s_memory = memory;
        T.Run("user.revoke_own_cnode_untyped_thread_elsewhere", &ThreadElsewhere);
        T.Run("user.revoke_own_cnode_untyped_thread_inside", &ThreadInside);
    }

    private static void ThreadElsewhere() => RevokeOwnUntyped(threadFromIt: false);
    private static void ThreadInside() => RevokeOwnUntyped(threadFromIt: true);

    // CapRevoke(rdi) and store its status and a flag at `results`; then spin.
    private static bool MakeCode(CapHandle from, ulong* results, out CapHandle frame)
    {
        if (CSpace.Make(from, ObjectType.Frame, 12, out frame) != Status.Ok) return false;
        if (Sys.Map(CSpace.SelfAddressSpace, frame, CodePage, Rights.Read | Rights.Write) != Status.Ok) return false;
        byte* p = (byte*)CodePage;
        p = RegisterTests.Imm(RegisterTests.Op(p, 0x48BB, 2), (ulong)results);   // mov rbx, results
        p = RegisterTests.Op(p, 0xB800000000 | ((ulong)Syscall.CapRevoke << 24), 5); // mov eax, CapRevoke
        p = RegisterTests.Op(p, 0x0F05, 2);                                      // syscall
        p = RegisterTests.Op(p, 0x488903, 3);                                    // mov [rbx], rax
        p = RegisterTests.Op(p, 0x48C7430801000000, 8);                          // mov qword [rbx+8], 1
        RegisterTests.Op(p, 0xEBFE, 2);                                          // jmp $
        return Sys.Protect(frame, Rights.Read | Rights.Execute) == Status.Ok;
    }

    private static void RevokeOwnUntyped(bool threadFromIt)
    {
        var control = new CapHandle(BootstrapSlots.IrqControl, 0);
        Sys.Identify(s_memory, out _, out _, out _, out ulong freeBefore);
        Sys.ReadKernelCounter(control, (KernelCounter)ObjectType.CNode, out ulong cnodesBefore);
        Sys.ReadKernelCounter(control, (KernelCounter)ObjectType.Thread, out ulong threadsBefore);
        if (!T.True(CSpace.Make(s_memory, ObjectType.Untyped, 16, out CapHandle v) == Status.Ok, "carve memory for code")) return;
        if (!T.True(CSpace.Make(s_memory, ObjectType.Untyped, 20, out CapHandle u) == Status.Ok, "carve the CNode's untyped")) return;
        ulong* results = stackalloc ulong[2];
        results[0] = results[1] = 0;
        T.True(MakeCode(v, results, out CapHandle code), "code page");
        T.Status(Status.Ok, CSpace.Make(u, ObjectType.CNode, CNodeBits, out CapHandle cnode), "a CNode of 4,096 slots from it");
        T.Status(Status.Ok, CSpace.Make(v, ObjectType.Endpoint, 0, out CapHandle ep), "an endpoint");
        uint made = 0;
        for (uint i = 1; i < UntypedSlot; i++)
            if (Sys.Copy(ep, cnode, i, Rights.All, out _) == Status.Ok) made++;
        T.Equal(UntypedSlot - 1, made, "its slots hold copies");
        if (!T.Status(Status.Ok, ThreadBuilder.Create(threadFromIt ? u : v, (delegate*<ulong, ulong>)CodePage, 0, StackPage, out LocalThread t), "thread"))
            return;
        T.Status(Status.Ok, Sys.Move(u, cnode, UntypedSlot, out CapHandle uThere), "the untyped goes into the CNode");
        CSpace.Free(u.Index);
        ThreadConfig c = default;
        c.CNode = cnode.Value;
        c.AddressSpace = CSpace.SelfAddressSpace.Value;
        c.Entry = CodePage;
        c.Stack = t.StackTop;
        c.Argument0 = uThere.Value;
        T.Status(Status.Ok, Sys.ThreadConfigure(t.Thread, &c), "the thread runs in that CNode");
        T.Status(Status.Ok, Sys.Delete(cnode), "its own copy is now the CNode's last capability");
        CSpace.Free(cnode.Index);

        T.Status(Status.Ok, Sys.ThreadStart(t.Thread), "start: it revokes the untyped");
        Status waited = Status.WouldBlock;
        ThreadExitKind kind = ThreadExitKind.Exited;
        for (int i = 0; i < 2000 && results[1] == 0 && waited == Status.WouldBlock; i++)
        {
            Sys.Sleep(1_000_000);
            waited = Sys.ThreadPoll(t.Thread, out kind, out _);
        }
        if (results[1] != 0)
            T.Status(Status.Ok, (Status)(long)results[0], "the revoke answered Ok");
        if (!threadFromIt)
        {
            T.Status(Status.Ok, waited, "the thread ended");
            T.True(kind == ThreadExitKind.Killed, "killed by losing its CNode");
        }
        ThreadBuilder.Destroy(ref t);
        Sys.ReadKernelCounter(control, (KernelCounter)ObjectType.CNode, out ulong cnodesAfter);
        Sys.ReadKernelCounter(control, (KernelCounter)ObjectType.Thread, out ulong threadsAfter);
        T.Equal((long)cnodesBefore, (long)cnodesAfter, "the CNode was destroyed");
        T.Equal((long)threadsBefore, (long)threadsAfter, "the thread was destroyed");
        CSpace.Release(ep);
        CSpace.Release(code);
        UserTests.Release(v);
        Sys.Identify(s_memory, out _, out _, out _, out ulong freeAfter);
        T.Equal((long)freeBefore, (long)freeAfter, "all memory is back");
    }
}
