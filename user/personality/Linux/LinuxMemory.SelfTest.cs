// `linux --test-memory`: checks of fork's copy-on-write that need no fork syscall (there is none
// yet): two memories made by Fork, written through the personality and by a Linux thread whose
// write fault the pager serves, must never see each other's writes. Prints TEST lines and a
// LINUX SUMMARY line as the C test programs do (./vireo's linux session counts them). Also ObjectPool's
// reuse of freed frames: a frame still shared stays out of the pool, a freed one comes back zeroed.
using Vireo.Abi;
using Vireo.Linux.Abi;
using Vireo.Linux.Loop;
using Vireo.Linux.Syscalls;
using Vireo.User;

namespace Vireo.Linux;

public sealed unsafe partial class LinuxMemory
{
    private const ulong TestData = 0x1000_0000, TestCode = 0x2000_0000;
    private static int s_passed, s_failed;

    private static void Check(string name, bool ok)
    {
        if (ok) s_passed++;
        else s_failed++;
        SyscallTable.Say("TEST linux.cow." + name + (ok ? " ok\n" : " FAIL\n"));
    }

    private byte Byte(ulong address)
    {
        byte b = 0xEE;
        Read(address, &b, 1);
        return b;
    }

    private bool Put(ulong address, byte value) => Write(address, &value, 1);

    public static int SelfTest()
    {
        var m = new LinuxMemory();
        Check("create", m.Create() == Status.Ok);
        m.Reserve(new Area { Start = TestData, End = TestData + 16 * PageSize, Prot = Prot.Read | Prot.Write });
        for (ulong i = 0; i < 4; i++) m.Put(TestData + i * PageSize, (byte)(10 + i));
        // Code for the thread: mov byte [TestData], 1; syscall.
        m.Reserve(new Area { Start = TestCode, End = TestCode + PageSize, Prot = Prot.Read | Prot.Write });
        byte* code = stackalloc byte[] { 0xC6, 0x04, 0x25, 0x00, 0x00, 0x00, 0x10, 0x01, 0x0F, 0x05 };
        m.Write(TestCode, code, 10);
        Check("protect_code", m.Protect(TestCode, TestCode + PageSize, Prot.Read | Prot.Exec) == Status.Ok);
        int frames = m.FrameCount;

        Check("fork", m.Fork(out LinuxMemory c) == Status.Ok && c != null);
        if (c == null) return Summary();
        Check("child_sees_parent", c.Byte(TestData) == 10 && c.Byte(TestData + 3 * PageSize) == 13);
        Check("child_untouched_stays_untouched", c.FrameCount == frames && c.Byte(TestData + 8 * PageSize) == 0);
        Check("child_write_private", c.Put(TestData + PageSize, 21) && c.Byte(TestData + PageSize) == 21 && m.Byte(TestData + PageSize) == 11);
        Check("parent_write_private", m.Put(TestData + 2 * PageSize, 32) && m.Byte(TestData + 2 * PageSize) == 32 && c.Byte(TestData + 2 * PageSize) == 12);
        m.Discard(TestData + 3 * PageSize, TestData + 4 * PageSize);
        Check("discard_leaves_child", m.Byte(TestData + 3 * PageSize) == 0 && c.Byte(TestData + 3 * PageSize) == 13);
        Check("last_holder_writes", c.Put(TestData + 3 * PageSize, 43) && c.Byte(TestData + 3 * PageSize) == 43);

        // A grandchild: three holders of page 0.
        Check("fork_again", c.Fork(out LinuxMemory g) == Status.Ok);
        Check("grandchild_sees", g != null && g.Byte(TestData + PageSize) == 21);

        // The child's thread writes page 0: a write fault at a copy-on-write page, served here.
        Status s = EventLoop.Endpoint.Value == 0 ? CSpace.Make(ObjectType.Endpoint, 0, out EventLoop.Endpoint) : Status.Ok;
        var p = new LinuxProcess { Memory = c };
        if (s == Status.Ok) s = p.StartThread(TestCode, TestData + 15 * PageSize);
        Check("thread_started", s == Status.Ok);
        if (s == Status.Ok)
        {
            var msg = new Message();
            s = Ipc.Receive(EventLoop.Endpoint, ref msg);
            // The fork named the code page without mapping it (ADR 0023): its instruction fetch comes
            // first, taken here, then the write (a fetch not served leaves the write missing: a FAIL).
            if (s == Status.Ok && msg.Info.Label == MessageInfo.FaultLabel && msg.W0 == 14 && msg.W1 == TestCode && c.Fault(msg.W1, msg.W3) == FaultResult.Served)
                s = Ipc.ReplyReceive(EventLoop.Endpoint, new MessageInfo(0, 0), ref msg);
            bool fault = s == Status.Ok && msg.Info.Label == MessageInfo.FaultLabel && msg.W0 == 14 && msg.W1 == TestData && (msg.W3 & ErrorWrite) != 0;
            Check("write_fault_arrives", fault);
            if (fault) Check("write_fault_served", c.Fault(msg.W1, msg.W3) == FaultResult.Served);
            if (fault) s = Ipc.ReplyReceive(EventLoop.Endpoint, new MessageInfo(0, 0), ref msg);
            Check("thread_resumed_to_syscall", s == Status.Ok && msg.Info.Label == MessageInfo.ForeignSyscallLabel);
            CSpace.Release(p.Thread);
            Check("thread_write_private", c.Byte(TestData) == 1 && m.Byte(TestData) == 10 && g.Byte(TestData) == 10);
        }
        Check("fault_outside", c.Fault(0x3000_0000, 2) == FaultResult.MapError);
        Check("fault_against_protection", c.Fault(TestCode, 2) == FaultResult.AccessError);
        // The grandchild wrote nothing: every frame it holds is still the child's, so none is pooled.
        int pooled = ObjectPool.Frames.Pooled;
        g?.Release();
        Check("pool_keeps_shared_frames", ObjectPool.Frames.Pooled == pooled);
        c.Release();
        Check("parent_after_children", m.Byte(TestData) == 10 && m.Byte(TestData + PageSize) == 11 && m.Put(TestData, 5) && m.Byte(TestData) == 5);
        // A frame its only holder discards goes back to the pool, and the next page is made from a
        // freed block, zeroed (every freed frame had a byte written).
        Check("pool_fill", m.Put(TestData + 6 * PageSize, 7));
        pooled = ObjectPool.Frames.Pooled;
        m.Discard(TestData + 6 * PageSize, TestData + 7 * PageSize);
        Check("pool_takes_freed_frame", ObjectPool.Frames.Pooled == pooled + 1);
        ulong reused = ObjectPool.Frames.Reused;
        Check("pool_reuses_zeroed", m.Byte(TestData + 7 * PageSize) == 0 && m.Byte(TestData + 6 * PageSize) == 0 && ObjectPool.Frames.Reused == reused + 2);
        m.Release();
        return Summary();
    }

    private static int Summary()
    {
        SyscallTable.Say("LINUX SUMMARY cow passed=" + s_passed.ToString() + " failed=" + s_failed.ToString() + "\n");
        return s_failed == 0 ? 0 : 1;
    }
}
