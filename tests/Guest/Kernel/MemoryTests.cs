// The frame allocator as booted: real memory map, real reservations.
using Vireo.Kernel.Boot;
using Vireo.Kernel.Multiboot;
using Vireo.Kernel.Memory;

namespace Vireo.Kernel.Tests;

public static unsafe class MemoryTests
{
    public static void Register()
    {
        GuestTestRunner.Run("frames.alloc_free_restores_count", &AllocFreeRestoresCount);
        GuestTestRunner.Run("frames.distinct_and_zeroed", &DistinctAndZeroed);
        GuestTestRunner.Run("frames.contiguous_aligned_run", &ContiguousAlignedRun);
        GuestTestRunner.Run("frames.double_free_rejected", &DoubleFreeRejected);
        GuestTestRunner.Run("frames.kernel_image_reserved", &KernelImageReserved);
        GuestTestRunner.Run("frames.boot_info_reserved", &BootInfoReserved);
        GuestTestRunner.Run("frames.low_memory_unmanaged", &LowMemoryUnmanaged);
        GuestTestRunner.Run("frames.consistent_after_churn", &ConsistentAfterChurn);
        GuestTestRunner.Run("boot.memory_map_sane", &MemoryMapSane);
    }

    private static void AllocFreeRestoresCount()
    {
        FrameAllocator frames = KernelState.Frames;
        ulong before = frames.FreeFrames;
        PhysAddr* taken = stackalloc PhysAddr[64];
        for (int i = 0; i < 64; i++)
            if (!Check.True(frames.TryAlloc(out taken[i]), "allocation succeeds")) return;
        Check.Equal(before - 64, frames.FreeFrames, "free count drops by 64");
        for (int i = 0; i < 64; i++) Check.True(frames.Free(taken[i]), "free succeeds");
        Check.Equal(before, frames.FreeFrames, "free count restored");
    }

    private static void DistinctAndZeroed()
    {
        FrameAllocator frames = KernelState.Frames;
        PhysAddr* taken = stackalloc PhysAddr[32];
        for (int i = 0; i < 32; i++)
        {
            Check.True(frames.TryAlloc(out taken[i]), "allocation succeeds");
            // Dirty it so the zeroed allocation below has something to clear.
            *KernelState.Direct.As<ulong>(taken[i]) = 0xDEADBEEF;
        }
        for (int i = 0; i < 32; i++)
            for (int j = i + 1; j < 32; j++)
                Check.True(taken[i] != taken[j], "no frame handed out twice");
        for (int i = 0; i < 32; i++) frames.Free(taken[i]);

        Check.True(frames.TryAllocZeroed(out PhysAddr z), "zeroed allocation succeeds");
        ulong* p = KernelState.Direct.As<ulong>(z);
        bool zero = true;
        for (int i = 0; i < 512; i++) zero &= p[i] == 0;
        Check.True(zero, "zeroed frame reads as zero");
        Check.True(z.IsAligned(4096), "frame is page aligned");
        frames.Free(z);
    }

    private static void ContiguousAlignedRun()
    {
        FrameAllocator frames = KernelState.Frames;
        ulong before = frames.FreeFrames;
        if (!Check.True(frames.TryAllocContiguous(16, 16, out PhysAddr run), "contiguous run of 16 allocated")) return;
        Check.True(run.IsAligned(16 * 4096), "run aligned to 64 KiB");
        for (ulong i = 0; i < 16; i++) Check.True(!frames.IsFree(run + i * 4096), "every frame of the run is allocated");
        Check.Equal(before - 16, frames.FreeFrames, "16 frames accounted");
        Check.True(frames.FreeContiguous(run, 16), "run freed");
        Check.Equal(before, frames.FreeFrames, "count restored");
    }

    private static void DoubleFreeRejected()
    {
        FrameAllocator frames = KernelState.Frames;
        frames.TryAlloc(out PhysAddr f);
        Check.True(frames.Free(f), "first free accepted");
        ulong count = frames.FreeFrames;
        Check.True(!frames.Free(f), "second free rejected");
        Check.True(!frames.Free(f + 1), "misaligned free rejected");
        Check.Equal(count, frames.FreeFrames, "rejected frees change nothing");
    }

    private static void KernelImageReserved()
    {
        FrameAllocator frames = KernelState.Frames;
        var layout = KernelState.Layout;
        for (ulong p = layout.PhysStart; p < layout.PhysEnd; p += 4096)
            if (!Check.True(!frames.IsFree(new PhysAddr(p)), "no kernel image frame is free")) return;
    }

    private static void BootInfoReserved()
    {
        FrameAllocator frames = KernelState.Frames;
        PhysAddr info = new PhysAddr(KernelState.BootInfo.InfoPhys).AlignDown(4096);
        Check.True(!info.IsNull, "boot information address known");
        Check.True(!frames.IsFree(info), "boot information frame is not free");
    }

    private static void LowMemoryUnmanaged()
    {
        FrameAllocator frames = KernelState.Frames;
        for (ulong p = 0; p < 0x100000; p += 4096)
            if (!Check.True(!frames.IsManaged(new PhysAddr(p)), "nothing below 1 MiB is managed")) return;
    }

    private static void ConsistentAfterChurn()
    {
        FrameAllocator frames = KernelState.Frames;
        PhysAddr* taken = stackalloc PhysAddr[128];
        ulong seed = 12345;
        int held = 0;
        for (int step = 0; step < 2000; step++)
        {
            seed = seed * 6364136223846793005UL + 1442695040888963407UL;
            if (held < 128 && ((seed >> 33) & 1) == 0)
            {
                if (frames.TryAlloc(out taken[held])) held++;
            }
            else if (held > 0)
            {
                int k = (int)((seed >> 40) % (ulong)held);
                frames.Free(taken[k]);
                taken[k] = taken[--held];
            }
        }
        while (held > 0) frames.Free(taken[--held]);
        Check.True(frames.CheckConsistency(), "bitmaps and free list agree");
    }

    private static void MemoryMapSane()
    {
        ref BootInfo boot = ref KernelState.BootInfo;
        Check.True(boot.RegionCount > 0, "memory map has regions");
        ulong usable = 0;
        for (int i = 0; i < boot.RegionCount; i++)
            if (boot.Region(i).Type == MemoryRegionType.Usable) usable += boot.Region(i).Length;
        // The harness boots with -m 512M; firmware keeps a little for itself.
        Check.True(usable > 500UL << 20 && usable <= 512UL << 20, "about 512 MiB usable");
        Check.True(KernelState.Frames.TotalFrames * 4096 <= usable, "allocator manages no more than usable memory");
    }
}
