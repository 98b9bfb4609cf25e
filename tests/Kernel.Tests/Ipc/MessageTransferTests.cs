using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using Vireo.Abi;
using Vireo.Kernel.Caps;
using Vireo.Kernel.Memory;
using Vireo.Kernel.Nucleus;
using Vireo.Tests.Memory;
using Xunit;

namespace Vireo.Tests.Ipc;

// MessageTransfer over emulated physical memory with real CNodes and the real capability core.
public unsafe class MessageTransferTests : IDisposable
{
    private const ulong SenderCNode = 0x10000, ReceiverCNode = 0x20000;   // 64 slots each
    private const int SlotBits = 6;
    private readonly EmulatedPhysMemory _memory = new EmulatedPhysMemory(1 << 20);
    private readonly Tcb* _sender, _receiver;
    private readonly IpcBuffer* _senderBuffer, _receiverBuffer;
    private Env _env;

    private struct Env : IMessageCaps
    {
        public PhysMap Map;
        public Tcb* Sender, Receiver;
        public IpcBuffer* SenderBuffer, ReceiverBuffer;
        public bool SenderHasBuffer, ReceiverHasBuffer;

        public bool TryBuffer(Tcb* t, bool write, out IpcBuffer* buffer)
        {
            buffer = t == Sender ? (SenderHasBuffer ? SenderBuffer : null) : (ReceiverHasBuffer ? ReceiverBuffer : null);
            return buffer != null;
        }

        public Status Lookup(Tcb* t, ulong handle, out CapSlot* slot)
        {
            slot = null;
            Status s = CNode.Lookup(Map, t->CNode, t->CNodeSlotBits, new CapHandle(handle), out SlotAddr phys);
            if (s == Status.Ok) slot = phys.In(Map);
            return s;
        }

        public Status LookupCNode(Tcb* t, ulong handle, out CapSlot* cnode)
        {
            Status s = Lookup(t, handle, out cnode);
            if (s != Status.Ok) return s;
            if (cnode->Type != ObjectType.CNode) return Status.WrongType;
            return (cnode->Rights & Rights.Write) == 0 ? Status.InsufficientRights : Status.Ok;
        }

        public CapSlot* SlotAt(CapSlot* cnode, ulong index) => Map.As<CapSlot>(cnode->Object + index * CapSlot.Size);

        public ulong Copy(CapSlot* src, CapSlot* cnode, ulong index)
        {
            SlotAddr slot = CNode.SlotAddress(cnode->ObjectPhys, index);
            CapOps.Copy(Map, SlotAddr.Of(Map, src), slot, Rights.All);
            return CNode.HandleFor(Map, cnode->ObjectPhys, slot).Value;
        }
    }

    public MessageTransferTests()
    {
        _sender = (Tcb*)NativeMemory.AllocZeroed((nuint)sizeof(Tcb));
        _receiver = (Tcb*)NativeMemory.AllocZeroed((nuint)sizeof(Tcb));
        _senderBuffer = (IpcBuffer*)NativeMemory.AllocZeroed(4096);
        _receiverBuffer = (IpcBuffer*)NativeMemory.AllocZeroed(4096);
        _sender->CNode = new PhysAddr(SenderCNode);
        _sender->CNodeSlotBits = SlotBits;
        _receiver->CNode = new PhysAddr(ReceiverCNode);
        _receiver->CNodeSlotBits = SlotBits;
        var map = _memory.Map;
        // Each thread holds its own CNode at slot 1; the sender also holds endpoints at 10..12 and an untyped at 13.
        CapOps.InstallRoot(map, CNode.SlotAddress(new PhysAddr(SenderCNode), 1), ObjectType.CNode, Rights.All, SenderCNode, SlotBits, 0, 0);
        CapOps.InstallRoot(map, CNode.SlotAddress(new PhysAddr(ReceiverCNode), 1), ObjectType.CNode, Rights.All, ReceiverCNode, SlotBits, 0, 0);
        for (uint i = 0; i < 3; i++)
            CapOps.InstallRoot(map, CNode.SlotAddress(new PhysAddr(SenderCNode), (10 + i)), ObjectType.Endpoint, Rights.All, 0x30000 + i * 64, 6, 0, 0);
        CapOps.InstallRoot(map, CNode.SlotAddress(new PhysAddr(SenderCNode), 13), ObjectType.Untyped, Rights.All, 0x40000, 12, 0, 0);
        _receiverBuffer->ReceiveCNode = new CapHandle(1, 0).Value;
        _env = new Env
        {
            Map = map, Sender = _sender, Receiver = _receiver,
            SenderBuffer = _senderBuffer, ReceiverBuffer = _receiverBuffer,
            SenderHasBuffer = true, ReceiverHasBuffer = true,
        };
    }

    public void Dispose()
    {
        NativeMemory.Free(_sender);
        NativeMemory.Free(_receiver);
        NativeMemory.Free(_senderBuffer);
        NativeMemory.Free(_receiverBuffer);
        _memory.Dispose();
    }

    private Status Deliver(MessageInfo info, ulong badge = 0) => MessageTransfer.Deliver(ref _env, _sender, _receiver, badge, info);
    private CapSlot* ReceiverSlot(ulong i) => _memory.Map.As<CapSlot>(ReceiverCNode + i * CapSlot.Size);

    [Fact]
    public void RegisterWordsBadgeAndInfoArrive()
    {
        _sender->Frame.Rdx = 1; _sender->Frame.R10 = 2; _sender->Frame.R8 = 3; _sender->Frame.R9 = 4;
        Assert.Equal(Status.Ok, Deliver(new MessageInfo(4, 0, 77), badge: 0xBEEF));
        Assert.Equal(0xBEEFUL, _receiver->Frame.Rdi);
        Assert.Equal((ulong)Status.Ok, _receiver->Frame.Rax);
        var info = new MessageInfo(_receiver->Frame.Rsi);
        Assert.Equal(4, info.Words);
        Assert.Equal(77UL, info.Label);
        Assert.Equal(new ulong[] { 1, 2, 3, 4 }, new[] { _receiver->Frame.Rdx, _receiver->Frame.R10, _receiver->Frame.R8, _receiver->Frame.R9 });
    }

    // ADR 0014: a foreign-ABI thread's SYSCALL, made from its frame; the sender has no buffer of its own.
    [Fact]
    public void AForeignSyscallCarriesTheRegistersItWasMadeWith()
    {
        _env.SenderHasBuffer = false;
        _sender->IpcIsFault = true;
        ref var f = ref _sender->Frame;
        f.Rax = 39; f.Rdi = 1; f.Rsi = 2; f.Rdx = 3; f.R10 = 4; f.R8 = 5; f.R9 = 6; f.Rip = 0x401234; f.Rsp = 0x7000; f.Rflags = 0x202;
        var info = new MessageInfo(ForeignSyscallMessage.Words, 0, MessageInfo.ForeignSyscallLabel);
        Assert.Equal(Status.Ok, Deliver(info, badge: 9));
        var got = new MessageInfo(_receiver->Frame.Rsi);
        Assert.Equal(MessageInfo.ForeignSyscallLabel, got.Label);
        Assert.Equal(10, got.Words);
        Assert.Equal(9UL, _receiver->Frame.Rdi);
        Assert.Equal(new ulong[] { 39, 1, 2, 3 }, new[] { _receiver->Frame.Rdx, _receiver->Frame.R10, _receiver->Frame.R8, _receiver->Frame.R9 });
        Assert.Equal(new ulong[] { 4, 5, 6, 0x401234, 0x7000, 0x202 },
            new[] { _receiverBuffer->Words[4], _receiverBuffer->Words[5], _receiverBuffer->Words[6], _receiverBuffer->Words[7], _receiverBuffer->Words[8], _receiverBuffer->Words[9] });
        Assert.Equal(39UL, _sender->Frame.Rax);   // the thread's own registers are untouched
        _env.ReceiverHasBuffer = false;
        Assert.Equal(Status.Ok, Deliver(info));
        Assert.Equal(4, new MessageInfo(_receiver->Frame.Rsi).Words);   // without a buffer: the register words
    }

    [Fact]
    public void LongMessagesGoThroughTheBuffersAndAreCutWithoutOne()
    {
        for (int i = 0; i < 64; i++) _senderBuffer->Words[i] = (ulong)(i * 3);
        Assert.Equal(Status.Ok, Deliver(new MessageInfo(64, 0)));
        for (int i = 4; i < 64; i++) Assert.Equal((ulong)(i * 3), _receiverBuffer->Words[i]);
        _env.ReceiverHasBuffer = false;
        Assert.Equal(Status.Ok, Deliver(new MessageInfo(64, 0)));
        Assert.Equal(4, new MessageInfo(_receiver->Frame.Rsi).Words);
        _env.ReceiverHasBuffer = true;
        _env.SenderHasBuffer = false;
        Assert.Equal(Status.BadAddress, Deliver(new MessageInfo(5, 0)));
    }

    [Fact]
    public void CapabilitiesLandInTheNamedSlotsAsCopies()
    {
        _senderBuffer->SendCaps[0] = new CapHandle(10, 0).Value;
        _senderBuffer->SendCaps[1] = new CapHandle(12, 0).Value;
        _receiverBuffer->ReceiveSlots[0] = 20;
        _receiverBuffer->ReceiveSlots[1] = 21;
        Assert.Equal(Status.Ok, Deliver(new MessageInfo(0, 2)));
        Assert.Equal(2UL, _receiverBuffer->ReceivedCaps);
        Assert.Equal(ObjectType.Endpoint, ReceiverSlot(20)->Type);
        Assert.Equal(0x30000UL, ReceiverSlot(20)->Object);
        Assert.Equal(0x30080UL, ReceiverSlot(21)->Object);
        Assert.Equal(20u, new CapHandle(_receiverBuffer->ReceivedHandles[0]).Index);
        Assert.False(ReceiverSlot(20)->IsOriginal);
        Assert.Equal(2, new MessageInfo(_receiver->Frame.Rsi).Caps);
        // The next message carries none: its info says so (a short message never touches the buffer,
        // so the buffer's count is only meaningful when the info reports capabilities).
        Assert.Equal(Status.Ok, Deliver(new MessageInfo(1, 0)));
        Assert.Equal(0, new MessageInfo(_receiver->Frame.Rsi).Caps);
        Assert.Equal(Status.Ok, Deliver(new MessageInfo(5, 0)));
        Assert.Equal(0UL, _receiverBuffer->ReceivedCaps);
    }

    [Theory]
    [InlineData(21ul, 21ul, 10u, Status.InvalidArgument)]   // the same slot named twice
    [InlineData(0ul, 22ul, 10u, Status.OutOfRange)]         // slot 0 is never a capability
    [InlineData(64ul, 22ul, 10u, Status.OutOfRange)]        // beyond the CNode
    [InlineData(1ul, 22ul, 10u, Status.Occupied)]           // the receiver's own CNode capability is there
    [InlineData(21ul, 22ul, 13u, Status.NotCopyable)]       // untyped memory is not passed by copy
    [InlineData(21ul, 22ul, 40u, Status.InvalidCapability)] // an empty sender slot
    public void AFailedTransferChangesNothing(ulong slotA, ulong slotB, uint sendB, Status expected)
    {
        _senderBuffer->SendCaps[0] = new CapHandle(10, 0).Value;
        _senderBuffer->SendCaps[1] = new CapHandle(sendB, 0).Value;
        _receiverBuffer->ReceiveSlots[0] = slotA;
        _receiverBuffer->ReceiveSlots[1] = slotB;
        _receiver->Frame.Rax = 0x55;
        byte[] before = Snapshot();
        Assert.Equal(expected, Deliver(new MessageInfo(0, 2)));
        Assert.Equal(0x55UL, _receiver->Frame.Rax);
        Assert.Equal(before, Snapshot());
    }

    [Fact]
    public void CapabilitiesNeedAReceiverBufferAndAWritableCNode()
    {
        _senderBuffer->SendCaps[0] = new CapHandle(10, 0).Value;
        _receiverBuffer->ReceiveSlots[0] = 30;
        _env.ReceiverHasBuffer = false;
        Assert.Equal(Status.BadAddress, Deliver(new MessageInfo(0, 1)));
        _env.ReceiverHasBuffer = true;
        _receiverBuffer->ReceiveCNode = new CapHandle(5, 0).Value;   // empty
        Assert.Equal(Status.InvalidCapability, Deliver(new MessageInfo(0, 1)));
    }

    [Fact]
    public void RandomMessagesAreAllOrNothing()
    {
        var rng = new Random(7);
        for (int step = 0; step < 2000; step++)
        {
            int caps = rng.Next(0, 4);
            int words = rng.Next(0, 65);
            var sent = new List<uint>();
            for (int i = 0; i < caps; i++)
            {
                uint src = (uint)rng.Next(9, 15);   // 9 and 14 empty, 13 untyped
                _senderBuffer->SendCaps[i] = new CapHandle(src, 0).Value;
                _receiverBuffer->ReceiveSlots[i] = (ulong)rng.Next(0, 66);
                sent.Add(src);
            }
            byte[] before = Snapshot();
            Status s = Deliver(new MessageInfo(words, caps));
            bool valid = true;
            for (int i = 0; i < caps; i++)
            {
                ulong slot = _receiverBuffer->ReceiveSlots[i];
                bool duplicate = false;
                for (int j = 0; j < i; j++) duplicate |= _receiverBuffer->ReceiveSlots[j] == slot;
                valid &= sent[i] >= 10 && sent[i] <= 12 && slot != 0 && slot < 64 && !duplicate && before[slot * 64] == 0;
            }
            Assert.Equal(valid, s == Status.Ok);
            if (s != Status.Ok)
            {
                Assert.Equal(before, Snapshot());
                continue;
            }
            for (int i = 0; i < caps; i++)
                Assert.Equal(ObjectType.Endpoint, ReceiverSlot(_receiverBuffer->ReceiveSlots[i])->Type);
            // Empty the receiver's slots again (but its own CNode capability) for the next round.
            for (ulong i = 2; i < 64; i++)
            {
                if (ReceiverSlot(i)->IsEmpty) continue;
                var hooks = new NoHooks();
                CapOps.Delete(_memory.Map, CNode.SlotAddress(new PhysAddr(ReceiverCNode), i), ref hooks);
            }
        }
    }

    private struct NoHooks : IObjectHooks
    {
        public void Initialize(ObjectType type, PhysAddr phys, int sizeBits) { }
        public void Destroy(ObjectType type, ulong phys, int sizeBits) { }
        public void CapRemoved(ref CapSlot slot) { }
        public bool PreemptionPoint() => false;
    }

    // The receiver's CNode contents (type bytes of every slot, whole slots to be exact).
    private byte[] Snapshot()
    {
        var bytes = new byte[64 * CapSlot.Size];
        Marshal.Copy((IntPtr)_memory.Map.Ptr(ReceiverCNode), bytes, 0, bytes.Length);
        return bytes;
    }
}
