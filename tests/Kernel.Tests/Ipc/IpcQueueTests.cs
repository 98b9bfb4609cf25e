using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using Vireo.Abi;
using Vireo.Kernel.Memory;
using Vireo.Kernel.Nucleus;
using Xunit;

namespace Vireo.Tests.Ipc;

public unsafe class IpcQueueTests
{
    private sealed class Threads : IDisposable
    {
        public readonly Tcb* Base;
        public readonly int Count;
        public Threads(int count)
        {
            Count = count;
            Base = (Tcb*)NativeMemory.AllocZeroed((nuint)(count * sizeof(Tcb)));
        }
        public Tcb* this[int i] => Base + i;
        public void Dispose() => NativeMemory.Free(Base);
    }

    [Fact]
    public void QueueIsFifoAndRemovesFromAnyPosition()
    {
        using var t = new Threads(4);
        Endpoint ep = default;
        for (int i = 0; i < 4; i++) IpcQueue.Append(ref ep.Head, ref ep.Tail, t[i], (PhysAddr)0x1000UL);
        Assert.Equal((PhysAddr)0x1000UL, t[2]->IpcObject);
        IpcQueue.Remove(ref ep.Head, ref ep.Tail, t[1]);   // middle
        IpcQueue.Remove(ref ep.Head, ref ep.Tail, t[3]);   // tail
        Assert.True(t[1]->IpcObject.IsNull);
        Assert.True(t[0] == IpcQueue.PopFront(ref ep.Head, ref ep.Tail));
        Assert.True(t[2] == IpcQueue.PopFront(ref ep.Head, ref ep.Tail));
        Assert.True(IpcQueue.PopFront(ref ep.Head, ref ep.Tail) == null);
        Assert.True(ep.Head == null && ep.Tail == null);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void RandomOperationsMatchAListModel(int seed)
    {
        using var t = new Threads(64);
        var rng = new Random(seed);
        Endpoint ep = default;
        var model = new List<int>();
        for (int step = 0; step < 20000; step++)
        {
            int op = rng.Next(3);
            if (op == 0 && model.Count < 64)
            {
                int i;
                do i = rng.Next(64); while (model.Contains(i));
                IpcQueue.Append(ref ep.Head, ref ep.Tail, t[i], (PhysAddr)0x2000UL);
                model.Add(i);
            }
            else if (op == 1 && model.Count > 0)
            {
                int k = rng.Next(model.Count);
                IpcQueue.Remove(ref ep.Head, ref ep.Tail, t[model[k]]);
                model.RemoveAt(k);
            }
            else if (model.Count > 0)
            {
                Tcb* front = IpcQueue.PopFront(ref ep.Head, ref ep.Tail);
                Assert.True(front == t[model[0]]);
                model.RemoveAt(0);
            }
            // The list, walked both ways, is exactly the model.
            int n = 0;
            Tcb* prev = null;
            for (Tcb* p = ep.Head; p != null; prev = p, p = p->IpcNext)
            {
                Assert.True(p == t[model[n]]);
                Assert.True(p->IpcPrev == prev);
                n++;
            }
            Assert.Equal(model.Count, n);
            Assert.True(ep.Tail == prev);
        }
    }
}

public unsafe class MessageLayoutTests
{
    [Fact]
    public void MessageInfoPacksWordsCapsAndLabel()
    {
        var info = new MessageInfo(64, 3, 0xABCDE);
        Assert.Equal(64, info.Words);
        Assert.Equal(3, info.Caps);
        Assert.Equal(0xABCDEUL, info.Label);
        Assert.Equal(MessageInfo.FaultLabel, new MessageInfo(4, 0, MessageInfo.FaultLabel).Label);
    }

    [Fact]
    public void IpcBufferFitsItsPage()
    {
        Assert.True(sizeof(IpcBuffer) <= 4096);
        Assert.Equal(MessageInfo.MaxWords * 8, (int)Marshal.OffsetOf<IpcBuffer>(nameof(IpcBuffer.SendCaps)));
    }

    [Fact]
    public void KernelObjectsFitTheirRetypeSizes()
    {
        Assert.True(sizeof(Endpoint) <= 1 << ObjectSizes.EndpointBits);
        Assert.True(sizeof(Notification) <= 1 << ObjectSizes.NotificationBits);
    }
}
