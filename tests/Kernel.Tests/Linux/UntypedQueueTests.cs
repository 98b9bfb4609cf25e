// ObjectPool's bookkeeping (user/personality/Linux/UntypedQueue.cs): the FIFO of freed blocks, which
// grows without losing or reordering any, and the holder count that keeps a frame fork shares out of
// the pool until its last holder lets go.
using Vireo.Linux;
using Xunit;

namespace Vireo.Tests.Linux;

public class UntypedQueueTests
{
    [Fact]
    public void EmptyQueueGivesNothing()
    {
        var q = new UntypedQueue();
        Assert.False(q.TryTake(out ulong u));
        Assert.Equal(0UL, u);
        Assert.Equal(0, q.Count);
    }

    [Fact]
    public void FirstInFirstOutAcrossGrowthAndWrap()
    {
        var q = new UntypedQueue();
        // Wrap the ring first (take some, push more), then grow it past its first size.
        for (ulong i = 1; i <= 40; i++) q.Push(i);
        for (ulong i = 1; i <= 30; i++)
        {
            Assert.True(q.TryTake(out ulong u));
            Assert.Equal(i, u);
        }
        for (ulong i = 41; i <= 300; i++) q.Push(i);
        Assert.Equal(270, q.Count);
        for (ulong i = 31; i <= 300; i++)
        {
            Assert.True(q.TryTake(out ulong u));
            Assert.Equal(i, u);
        }
        Assert.False(q.TryTake(out _));
    }

    [Fact]
    public void BusyBlockPushedBackComesAfterTheOthers()
    {
        var q = new UntypedQueue();
        q.Push(7);
        q.Push(8);
        Assert.True(q.TryTake(out ulong first));
        q.Push(first);   // ObjectPool: its object is still held, try it later
        Assert.True(q.TryTake(out ulong next));
        Assert.Equal(8UL, next);
        Assert.True(q.TryTake(out ulong again));
        Assert.Equal(7UL, again);
    }

    [Fact]
    public void OnlyTheLastHolderLetsTheBlockGo()
    {
        var h = new BlockHolders();   // the page that made the frame
        h.Hold();                     // fork: the child's page
        h.Hold();                     // a grandchild
        Assert.False(h.LetGo());
        Assert.False(h.LetGo());
        Assert.True(h.LetGo());
    }
}
