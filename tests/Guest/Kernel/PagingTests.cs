// The kernel's live page tables: W^X image sections, unmapped page 0 and guard pages, the
// direct map, and mapping/unmapping through the same code user address spaces will use.
using Vireo.Kernel.Arch.X64;
using Vireo.Kernel.Boot;
using Vireo.Kernel.Memory;
using Vireo.Kernel.Paging;

namespace Vireo.Kernel.Tests;

public static unsafe class PagingTests
{
    private const ulong ScratchVirt = 0xFFFFFE8000000000; // unused kernel-half slot for tests

    public static void Register()
    {
        GuestTestRunner.Run("paging.text_read_execute", &TextReadExecute);
        GuestTestRunner.Run("paging.rodata_read_only_nx", &RodataReadOnly);
        GuestTestRunner.Run("paging.data_read_write_nx", &DataReadWrite);
        GuestTestRunner.Run("paging.page0_and_lower_half_unmapped", &LowerHalfUnmapped);
        GuestTestRunner.Run("paging.stack_guard_pages_unmapped", &GuardPagesUnmapped);
        GuestTestRunner.Run("paging.direct_map_translates", &DirectMapTranslates);
        GuestTestRunner.Run("paging.map_write_unmap_reclaims", &MapWriteUnmap);
        GuestTestRunner.Run("paging.write_execute_refused", &WriteExecuteRefused);
        GuestTestRunner.Run("paging.nx_and_write_protect_enabled", &NxAndWriteProtect);
    }

    private static PageTable Table => KernelSpace.Table;

    private static void TextReadExecute()
    {
        ulong text = KernelState.Layout.TextStart;
        if (!Check.True(Table.TryTranslate(text, out PhysAddr phys, out PageFlags flags), "text is mapped")) return;
        Check.Equal(KernelState.Layout.ToPhys(text).Value, phys.Value, "text maps to its load address");
        Check.True((flags & PageFlags.Writable) == 0, "text is not writable");
        Check.True((flags & PageFlags.NoExecute) == 0, "text is executable");
    }

    private static void RodataReadOnly()
    {
        Check.True(Table.TryTranslate(KernelState.Layout.RodataStart, out _, out PageFlags flags), "rodata is mapped");
        Check.True((flags & PageFlags.Writable) == 0, "rodata is not writable");
        Check.True((flags & PageFlags.NoExecute) != 0, "rodata is not executable");
    }

    private static void DataReadWrite()
    {
        Check.True(Table.TryTranslate(KernelState.Layout.DataStart, out _, out PageFlags d), "data is mapped");
        Check.True((d & PageFlags.Writable) != 0 && (d & PageFlags.NoExecute) != 0, "data is RW and NX");
        Check.True(Table.TryTranslate(KernelState.Layout.BssEnd - 4096, out _, out PageFlags b), "bss is mapped");
        Check.True((b & PageFlags.Writable) != 0 && (b & PageFlags.NoExecute) != 0, "bss is RW and NX");
    }

    private static void LowerHalfUnmapped()
    {
        Check.True(!Table.TryTranslate(0, out _, out _), "page 0 unmapped");
        Check.True(!Table.TryTranslate(0x100000, out _, out _), "the boot identity map is gone");
        Check.True(!Table.TryTranslate(0x00007FFFFFFFF000, out _, out _), "top of the lower half unmapped");
    }

    private static void GuardPagesUnmapped()
    {
        var l = KernelState.Layout;
        Check.True(!Table.TryTranslate(l.BootStackGuard, out _, out _), "boot stack guard unmapped");
        Check.True(!Table.TryTranslate(l.DoubleFaultGuard, out _, out _), "double-fault stack guard unmapped");
        Check.True(!Table.TryTranslate(l.NmiGuard, out _, out _), "NMI stack guard unmapped");
        Check.True(!Table.TryTranslate(l.MachineCheckGuard, out _, out _), "machine-check stack guard unmapped");
        Check.True(Table.TryTranslate(l.BootStackGuard + 4096, out _, out _), "the stack above its guard is mapped");
    }

    private static void DirectMapTranslates()
    {
        KernelState.Frames.TryAlloc(out PhysAddr frame);
        ulong virt = KernelSpace.DirectMapBase + frame.Value;
        Check.True(Table.TryTranslate(virt, out PhysAddr phys, out PageFlags flags), "direct map covers RAM");
        Check.Equal(frame.Value, phys.Value, "direct map is phys + base");
        Check.True((flags & PageFlags.NoExecute) != 0, "direct map is not executable");
        KernelState.Frames.Free(frame);
    }

    private static void MapWriteUnmap()
    {
        ref FrameAllocatorFrameSource frames = ref KernelState.FrameSource;
        KernelState.Frames.TryAllocZeroed(out PhysAddr frame);
        var flags = PageFlags.Present | PageFlags.Writable | PageFlags.NoExecute;
        // The first mapping in a kernel-half PML4 slot creates a PDPT that stays for good (the
        // slot is shared by every address space); after that, map+unmap must return every table.
        Table.Map4K(ref frames, ScratchVirt, frame, flags);
        Table.Unmap4K(ref frames, ScratchVirt, out _);
        Cpu.InvalidatePage(ScratchVirt);
        ulong before = KernelState.Frames.FreeFrames;
        Check.Equal((ulong)MapStatus.Ok, (ulong)Table.Map4K(ref frames, ScratchVirt, frame, flags), "map succeeds");
        Check.Equal(before - 2, KernelState.Frames.FreeFrames, "the first unmap had returned its tables: mapping again takes a PD and a PT");
        Check.Equal((ulong)MapStatus.AlreadyMapped, (ulong)Table.Map4K(ref frames, ScratchVirt, frame, flags), "mapping twice refused");
        *(ulong*)ScratchVirt = 0x1122334455667788;
        Check.Equal(0x1122334455667788, *KernelState.Direct.As<ulong>(frame), "write through the new mapping reaches the frame");
        Check.Equal((ulong)MapStatus.Ok, (ulong)Table.Unmap4K(ref frames, ScratchVirt, out PhysAddr unmapped), "unmap succeeds");
        Cpu.InvalidatePage(ScratchVirt);
        Check.Equal(frame.Value, unmapped.Value, "unmap returns the frame");
        Check.True(!Table.TryTranslate(ScratchVirt, out _, out _), "gone after unmap");
        Check.Equal(before, KernelState.Frames.FreeFrames, "intermediate tables reclaimed");
        KernelState.Frames.Free(frame);
    }

    private static void WriteExecuteRefused()
    {
        ref FrameAllocatorFrameSource frames = ref KernelState.FrameSource;
        KernelState.Frames.TryAlloc(out PhysAddr frame);
        MapStatus s = Table.Map4K(ref frames, ScratchVirt, frame, PageFlags.Present | PageFlags.Writable);
        Check.Equal((ulong)MapStatus.WriteExecuteDenied, (ulong)s, "writable+executable refused");
        Check.True(!Table.TryTranslate(ScratchVirt, out _, out _), "nothing mapped");
        KernelState.Frames.Free(frame);
    }

    private static void NxAndWriteProtect()
    {
        Check.True((Cpu.ReadMsr(0xC0000080) & (1UL << 11)) != 0, "EFER.NXE set");
        Check.True((Cpu.ReadCr0() & (1UL << 16)) != 0, "CR0.WP set: the kernel honours read-only pages");
        Check.True((Cpu.ReadCr4() & (1UL << 7)) != 0, "CR4.PGE set");
    }
}
