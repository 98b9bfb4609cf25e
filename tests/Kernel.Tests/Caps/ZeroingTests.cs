// Zeroing of one large object in chunks (ADR 0003, "Preemption points"): a Retype of a frame or CNode
// bigger than Untyped.ZeroChunk stops at a preemption point between chunks, keeps how far it got in the
// untyped's zeroing mark, and the restarted call goes on from there; whatever else commits from the
// untyped meanwhile invalidates the mark, so memory written in between is zeroed again.
using System;
using Vireo.Abi;
using Vireo.Kernel.Caps;
using Vireo.Kernel.Memory;
using Xunit;

namespace Vireo.Tests.Caps;

public unsafe class ZeroingTests
{
    private const int BigBits = 20;                                      // a 1 MiB frame: 16 chunks
    private const ulong Chunks = (1UL << BigBits) / Untyped.ZeroChunk;

    // The untyped's memory as a previous owner left it: not zero.
    private static void Dirty(CapsWorld w) =>
        new Span<byte>(w.Map.Ptr(CapsWorld.UntypedBase), 1 << CapsWorld.UntypedBits).Fill(0xA5);

    private static bool IsZero(CapsWorld w, ulong phys, ulong size) =>
        new Span<byte>(w.Map.Ptr(phys), (int)size).IndexOfAnyExcept((byte)0) < 0;

    private static Status RetypeBig(CapsWorld w, ulong index, out ulong made) =>
        Untyped.Retype(w.Map, w.RootUntyped, ObjectType.Frame, BigBits, CapsWorld.RootCNodeAddress, CapsWorld.RootSlotBits,
            index, 1, ref w.Hooks, out made);

    // A world whose untyped is dirty and whose retype of a big frame into slot 5 stopped after `chunks`.
    private static CapsWorld DirtyWorldWithABigFrameStopped(int chunks)
    {
        var w = new CapsWorld();
        Dirty(w);
        w.Hooks.PreemptEvery = chunks;
        Assert.Equal(Preemption.Restart, RetypeBig(w, 5, out _));
        Assert.Equal((ulong)chunks, Untyped.ZeroedChunks(w.Map, w.RootUntyped, out _));
        return w;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void ABigFrameIsZeroedInChunksAcrossRestarts(int every)
    {
        using var w = new CapsWorld();
        Dirty(w);
        w.Hooks.PreemptEvery = every;
        int restarts = 0;
        ulong lastChunks = 0;
        Status s;
        while ((s = RetypeBig(w, 5, out ulong made)) == Preemption.Restart)
        {
            restarts++;
            Assert.Equal(0UL, made);
            // Nothing is committed while the object is unfinished; the mark only grows.
            Assert.True(w.Cap(5).IsEmpty);
            Assert.Equal(0UL, w.Cap(CapsWorld.RootUntypedIndex).ChildCount);
            ulong chunks = Untyped.ZeroedChunks(w.Map, w.RootUntyped, out ulong offset);
            Assert.Equal(0UL, offset);
            Assert.True(chunks > lastChunks && chunks < Chunks);
            lastChunks = chunks;
        }
        Assert.Equal(Status.Ok, s);
        Assert.Equal((int)((Chunks - 1) / (ulong)every), restarts);
        // One chunk of work between points: every chunk was zeroed once.
        Assert.Equal((int)Chunks - 1, w.Hooks.Points);
        Assert.True(IsZero(w, w.Cap(5).Object, 1UL << BigBits));
        Assert.Equal(0UL, Untyped.ZeroedChunks(w.Map, w.RootUntyped, out _));
    }

    [Fact]
    public void AnotherRetypeInBetweenMakesTheRestartZeroAgain()
    {
        using var w = DirtyWorldWithABigFrameStopped(4);

        // Another caller carves a small frame where the big one is being zeroed, writes it, frees it.
        w.Hooks.PreemptEvery = 0;
        Assert.Equal(Status.Ok, w.Retype(w.RootUntyped, ObjectType.Frame, 0, 6));
        Assert.Equal(0UL, Untyped.ZeroedChunks(w.Map, w.RootUntyped, out _));
        ulong small = w.Cap(6).Object;
        new Span<byte>(w.Map.Ptr(small), 4096).Fill(0x77);
        Assert.Equal(Status.Ok, w.Delete(w.Slot(6)));

        Assert.Equal(Status.Ok, RetypeBig(w, 5, out _));
        Assert.Equal(small, w.Cap(5).Object);
        Assert.True(IsZero(w, w.Cap(5).Object, 1UL << BigBits));
    }

    [Fact]
    public void AMarkForAnotherPlaceIsNotFollowed()
    {
        using var w = DirtyWorldWithABigFrameStopped(2);
        // A 2 MiB frame starts at the same offset 0 (the watermark is 0): it resumes the mark there, and a
        // 1 MiB frame after an endpoint does not (another offset): both end zero.
        w.Hooks.PreemptEvery = 0;
        Assert.Equal(Status.Ok, w.Retype(w.RootUntyped, ObjectType.Frame, BigBits + 1, 7));
        Assert.True(IsZero(w, w.Cap(7).Object, 2UL << BigBits));
        Assert.Equal(Status.Ok, w.Retype(w.RootUntyped, ObjectType.Endpoint, 0, 8));
        w.Hooks.PreemptEvery = 3;
        Assert.Equal(Preemption.Restart, RetypeBig(w, 5, out _));
        Untyped.ZeroedChunks(w.Map, w.RootUntyped, out ulong offset);
        Assert.Equal(3UL << BigBits, offset);
        w.Hooks.PreemptEvery = 0;
        Assert.Equal(Status.Ok, RetypeBig(w, 5, out _));
        Assert.True(IsZero(w, w.Cap(5).Object, 1UL << BigBits));
    }

    [Fact]
    public void ABigCNodeIsZeroedInChunksToo()
    {
        using var w = new CapsWorld();
        Dirty(w);
        w.Hooks.PreemptEvery = 1;
        int restarts = 0;
        Status s;
        while ((s = Untyped.Retype(w.Map, w.RootUntyped, ObjectType.CNode, 12, CapsWorld.RootCNodeAddress,
            CapsWorld.RootSlotBits, 5, 1, ref w.Hooks, out _)) == Preemption.Restart)
            restarts++;
        Assert.Equal(Status.Ok, s);
        Assert.Equal(3, restarts);   // 256 KiB: 4 chunks
        Assert.True(IsZero(w, w.Cap(5).Object, 1UL << 18));
    }
}
