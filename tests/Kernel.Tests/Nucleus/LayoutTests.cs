using System.Runtime.InteropServices;
using Vireo.Abi;
using Vireo.Kernel.Arch.X64;
using Vireo.Kernel.Memory;
using Vireo.Kernel.Nucleus;
using Vireo.Tests.Memory;
using Xunit;

namespace Vireo.Tests.Nucleus;

public unsafe class LayoutTests
{
    [Fact]
    public void ThreadControlBlockMatchesWhatTheEntryStubsAssume()
    {
        // interrupts.S saves the FPU state at frame - 512 and the frame at the thread's rsp0.
        Assert.Equal(0, (int)Marshal.OffsetOf<Tcb>(nameof(Tcb.Fx)));
        Assert.Equal(Tcb.FrameOffset, (int)Marshal.OffsetOf<Tcb>(nameof(Tcb.Frame)));
        Assert.Equal(512, Tcb.FrameOffset);
        Assert.Equal(0, Tcb.FrameOffset % 16);
        Assert.True(sizeof(Tcb) <= 1 << ObjectSizes.ThreadBits, "the TCB fits its 2 KiB object");
        // syscall_entry reads Tcb.Abi at frame + 176 before any C# runs (ADR 0014).
        Assert.Equal(688, (int)Marshal.OffsetOf<Tcb>(nameof(Tcb.Abi)));
        Assert.Equal(688, Tcb.AbiOffset);
        Assert.Equal(Tcb.FrameOffset + sizeof(InterruptFrame), Tcb.AbiOffset);
        Assert.Equal(176, Tcb.AbiOffset - Tcb.FrameOffset);
        Assert.Equal(704, (int)Marshal.OffsetOf<Tcb>(nameof(Tcb.Sched)));
        Assert.Equal(704, Tcb.SchedOffset);
    }

    [Fact]
    public void ThreadRegisterStateIsTheDocumentedAbi()
    {
        // docs/design/syscalls.md, ThreadRegisters: 20 words, then the FXSAVE image at 160.
        Assert.Equal(ThreadRegisterState.Size, sizeof(ThreadRegisterState));
        Assert.Equal(672, ThreadRegisterState.Size);
        Assert.Equal(16 * 8, (int)Marshal.OffsetOf<ThreadRegisterState>(nameof(ThreadRegisterState.Rip)));
        Assert.Equal(18 * 8, (int)Marshal.OffsetOf<ThreadRegisterState>(nameof(ThreadRegisterState.FsBase)));
        Assert.Equal(160, (int)Marshal.OffsetOf<ThreadRegisterState>(nameof(ThreadRegisterState.Fx)));
    }

    [Fact]
    public void SchedulerEntityMapsBackToItsThread()
    {
        var t = (Tcb*)NativeMemory.AllocZeroed((nuint)sizeof(Tcb));
        Assert.Equal((nint)t, (nint)Tcb.FromSched(&t->Sched));
        NativeMemory.Free(t);
    }

    [Fact]
    public void BookkeepingFitsTheReservedPml4Entries()
    {
        Assert.True(AddressSpaceInfo.InfoFirstEntry * 8 + sizeof(AddressSpaceInfo) <= 256 * 8);
        Assert.True(AddressSpaceInfo.BitmapWords * AddressSpaceInfo.BitsPerWord >= AddressSpaceInfo.MaxPoolPages);
    }

    [Fact]
    public void NoBookkeepingWordEverLooksLikeAPresentEntry()
    {
        using var memory = new EmulatedPhysMemory(8 << 20);
        var asPhys = new PhysAddr(1 << 20);
        const uint pool = 1023;
        var info = memory.Map.As<AddressSpaceInfo>(asPhys + AddressSpaceInfo.InfoFirstEntry * 8);
        info->Asid = 0x7FFF;
        info->PoolPages = pool;
        var tables = new AddressSpaceTables(memory.Map, asPhys);
        for (uint i = 0; i < pool; i++)
        {
            Assert.True(tables.TryAllocZeroedFrame(out PhysAddr phys));
            Assert.Equal(asPhys + (1 + (ulong)i) * 4096, phys);
        }
        Assert.False(tables.TryAllocZeroedFrame(out _), "the pool is exhausted");
        Assert.Equal(pool, info->PoolUsed);
        var pml4 = memory.Map.As<ulong>(asPhys);
        for (int e = AddressSpaceInfo.InfoFirstEntry; e < 256; e++)
            Assert.Equal(0UL, pml4[e] & 1);
        tables.FreeFrame(asPhys + 5 * 4096);
        Assert.Equal(pool - 1, info->PoolUsed);
        Assert.True(tables.TryAllocZeroedFrame(out PhysAddr again));
        Assert.Equal(asPhys + 5 * 4096, again);
        Assert.Equal(0x7FFFu, info->Asid);
    }
}
