// The kernel creates exactly one process: the bootstrap, from bin/bootstrap in the initfs (the
// first boot module). Everything else is user-space policy. The kernel builds the bootstrap's
// objects from the boot frame allocator (this is still boot time), maps its ELF image, a stack,
// the initfs (read-only) and an information page, fills its CNode (itself, its address space,
// its thread, all I/O ports, one frame capability per initfs page), and finally turns every
// remaining free frame into untyped memory capabilities for it: after that the kernel has no
// memory of its own to allocate. Its untyped and device memory carry the Physical right, which it
// passes on to drivers only (ADR 0011).
using Vireo.Abi;
using Vireo.Formats;
using Vireo.Kernel.Acpi;
using Vireo.Kernel.Arch.X64;
using Vireo.Kernel.Multiboot;
using Vireo.Kernel.Caps;
using Vireo.Kernel.Log;
using Vireo.Kernel.Memory;
using Vireo.Kernel.Paging;

namespace Vireo.Kernel.Nucleus;

public static unsafe class BootstrapLoader
{
    private const uint FirstUntypedSlot = 8;
    private const uint FirstDeviceSlot = 64;   // after the untyped slots (8 + MaxUntyped)
    private const int MaxDevice = 16;
    private const uint InitfsFrameSlot = FirstDeviceSlot + MaxDevice;

    private static Tcb* s_bootstrap;

    public static Tcb* Bootstrap => s_bootstrap;

    /// <summary>Builds the bootstrap process; false (with a log line) when there is no usable initfs.</summary>
    public static bool TryCreate(ulong flags, ref BootInfo boot, FrameAllocator frames)
    {
        PhysMap map = NucleusContext.Current.Direct;
        if (boot.ModuleCount == 0) return Fail("no initfs module");
        BootModule initfs = boot.Module(0);
        if (CpioReader.TryCreate(map.Ptr(initfs.Start), initfs.End - initfs.Start, out CpioReader archive) != FormatStatus.Ok)
            return Fail("initfs is not a cpio archive");
        if (archive.Find("bin/bootstrap", out CpioEntry entry) != FormatStatus.Ok) return Fail("initfs has no bin/bootstrap");
        if (Elf64Image.TryParse(entry.Data, out Elf64Image image) != FormatStatus.Ok) return Fail("bin/bootstrap is not a valid ELF executable");

        // Objects: address space (1 MiB: PML4, bookkeeping and a pool of page tables), thread (one
        // frame), CNode (2^12 slots = 256 KiB).
        int cnodeBits = BootstrapLayout.CNodeSlotBits;
        ulong cnodeFrames = (1UL << (cnodeBits + ObjectSizes.SlotBits)) >> ObjectSizes.PageBits;
        const int asBits = 20;
        const ulong asFrames = (1UL << asBits) >> ObjectSizes.PageBits;
        if (!frames.TryAllocContiguous(asFrames, asFrames, out PhysAddr asPhys) ||
            !frames.TryAllocZeroed(out PhysAddr tcbPhys) ||
            !frames.TryAllocContiguous(cnodeFrames, cnodeFrames, out PhysAddr cnodePhys))
            return Fail("out of memory for the bootstrap's objects");
        Zero(map, asPhys, 2);
        Zero(map, cnodePhys, cnodeFrames);
        if (!AddressSpaces.Initialize(map, asPhys, asBits)) return Fail("no ASID for the bootstrap");
        PageTable table = AddressSpaces.TableOf(map, asPhys);
        var tables = new AddressSpaceTables(map, asPhys);

        // The image: every page gets its own frame (the bootstrap is loaded once; user-space loaders share initfs pages).
        for (int s = 0; s < image.SegmentCount; s++)
        {
            image.GetSegment(s, out Elf64Segment segment);
            PageFlags pageFlags = PageFlags.Present | PageFlags.User;
            if (segment.IsWritable) pageFlags |= PageFlags.Writable;
            if (!segment.IsExecutable) pageFlags |= PageFlags.NoExecute;
            for (ulong p = 0; p < segment.PageCount; p++)
            {
                segment.GetPage(p, out Elf64Page page);
                if (!frames.TryAllocZeroed(out PhysAddr frame)) return Fail("out of memory loading the bootstrap");
                if (page.Kind != Elf64PageKind.Zero)
                {
                    ulong destination = page.Kind == Elf64PageKind.Shared ? 0 : page.DestinationOffset;
                    ulong length = page.Kind == Elf64PageKind.Shared ? ObjectSizes.PageSize : page.Length;
                    byte* src = map.Ptr(initfs.Start + (ulong)entry.DataOffset + page.FileOffset);
                    byte* dst = map.Ptr(frame) + destination;
                    System.Buffer.MemoryCopy(src, dst, (long)length, (long)length);
                }
                if (table.Map4K(ref tables, page.VirtualAddress, frame, pageFlags) != MapStatus.Ok) return Fail("cannot map the bootstrap image");
            }
        }

        // Stack, with the page below it left unmapped as a guard.
        const PageFlags data = PageFlags.Present | PageFlags.User | PageFlags.Writable | PageFlags.NoExecute;
        for (ulong v = BootstrapLayout.StackTop - BootstrapLayout.StackSize; v < BootstrapLayout.StackTop; v += ObjectSizes.PageSize)
        {
            if (!frames.TryAllocZeroed(out PhysAddr frame) || table.Map4K(ref tables, v, frame, data) != MapStatus.Ok)
                return Fail("cannot map the bootstrap stack");
        }

        // The initfs, read-only, and a frame capability per page so the bootstrap can share them with children.
        var slots = map.As<CapSlot>(cnodePhys);
        ulong initfsPages = (initfs.End - initfs.Start + ObjectSizes.PageOffsetMask) >> ObjectSizes.PageBits;
        if (InitfsFrameSlot + initfsPages > (1UL << cnodeBits)) return Fail("initfs too large for the bootstrap's CNode");
        for (ulong i = 0; i < initfsPages; i++)
        {
            PhysAddr phys = new PhysAddr(initfs.Start).AlignDown(ObjectSizes.PageSize) + i * ObjectSizes.PageSize;
            if (table.Map4K(ref tables, BootstrapLayout.InitfsBase + i * ObjectSizes.PageSize, phys, PageFlags.Present | PageFlags.User | PageFlags.NoExecute) != MapStatus.Ok)
                return Fail("cannot map the initfs");
            Installed(CapOps.InstallRoot(map, CNode.SlotAddress(cnodePhys, InitfsFrameSlot + i), ObjectType.Frame, Rights.Read | Rights.Execute | Rights.Map, phys.Value, 12, 0, 0));
        }

        // Its IPC buffer.
        if (!frames.TryAllocZeroed(out PhysAddr bufferPhys) ||
            table.Map4K(ref tables, BootstrapLayout.IpcBuffer, bufferPhys, data) != MapStatus.Ok)
            return Fail("cannot map the bootstrap's IPC buffer");

        // The information page, read-only for the bootstrap.
        if (!frames.TryAllocZeroed(out PhysAddr infoPhys)) return Fail("out of memory for the bootstrap's information page");
        var info = map.As<BootstrapInfo>(infoPhys);
        info->Magic = BootstrapLayout.Magic;
        info->Flags = flags;
        info->InitfsBase = BootstrapLayout.InitfsBase + (initfs.Start & ObjectSizes.PageOffsetMask);
        info->InitfsSize = initfs.End - initfs.Start;
        info->InitfsFrameSlot = InitfsFrameSlot;
        info->InitfsFrameCount = initfsPages;
        info->FirstFreeSlot = InitfsFrameSlot + initfsPages;
        info->FirstUntypedSlot = FirstUntypedSlot;
        // The wall clock's base (docs/design/time.md): one reading, paired with the monotonic time.
        if (Rtc.TryRead(out long wall)) info->RtcUnixSeconds = wall;
        info->RtcNanos = Tsc.NanosSinceBoot();
        if (table.Map4K(ref tables, BootstrapLayout.InfoPage, infoPhys, PageFlags.Present | PageFlags.User | PageFlags.NoExecute) != MapStatus.Ok)
            return Fail("cannot map the bootstrap's information page");

        Installed(CapOps.InstallRoot(map, CNode.SlotAddress(cnodePhys, BootstrapSlots.CNode), ObjectType.CNode, Rights.All, cnodePhys.Value, cnodeBits, 0, 0));
        Installed(CapOps.InstallRoot(map, CNode.SlotAddress(cnodePhys, BootstrapSlots.AddressSpace), ObjectType.AddressSpace, Rights.All, asPhys.Value, asBits, 0, 0));
        Installed(CapOps.InstallRoot(map, CNode.SlotAddress(cnodePhys, BootstrapSlots.Thread), ObjectType.Thread, Rights.All, tcbPhys.Value, ObjectSizes.ThreadBits, 0, 0));
        Installed(CapOps.InstallRoot(map, CNode.SlotAddress(cnodePhys, BootstrapSlots.IoPorts), ObjectType.IoPorts, Rights.All, 0, 16, 0, 0));
        Installed(CapOps.InstallRoot(map, CNode.SlotAddress(cnodePhys, BootstrapSlots.IrqControl), ObjectType.IrqControl, Rights.All, 0, 0, 0, 0));

        var t = map.As<Tcb>(tcbPhys);
        Threads.InitializeObject(t);
        Threads.Bind(t, CNode.SlotAddress(cnodePhys, BootstrapSlots.CNode).In(map),
            CNode.SlotAddress(cnodePhys, BootstrapSlots.AddressSpace).In(map));
        t->Frame.Rip = image.Entry;
        t->Frame.Rsp = BootstrapLayout.StackTop;
        t->Frame.Rdi = BootstrapLayout.InfoPage;
        t->IpcBuffer = BootstrapLayout.IpcBuffer;
        t->Configured = true;
        s_bootstrap = t;

        // Device memory: the legacy VGA window and the PCI hole below the interrupt controllers, then
        // PCI Express's configuration space where it lies outside both (q35: 0xB0000000, below the hole).
        info->FirstDeviceSlot = FirstDeviceSlot;
        PhysAddr holeStart = PciHoleStart(ref boot), holeEnd = new PhysAddr(0xFEC00000);
        int vga = HandOverRange(map, cnodePhys, FirstDeviceSlot, MaxDevice, new PhysAddr(0xA0000), new PhysAddr(0xC0000));
        int pci = HandOverRange(map, cnodePhys, FirstDeviceSlot + (uint)vga, MaxDevice - vga, holeStart, holeEnd);
        int ecam = 0;
        McfgInfo mcfg = NucleusContext.Current.Mcfg;
        info->EcamBase = mcfg.BaseAddress;
        info->EcamSegment = mcfg.Segment;
        info->EcamStartBus = mcfg.StartBus;
        info->EcamEndBus = mcfg.EndBus;
        var ecamStart = new PhysAddr(mcfg.WindowStart);
        var ecamEnd = new PhysAddr(mcfg.WindowEnd);
        if (mcfg.BaseAddress != 0 && !(ecamStart >= holeStart && ecamEnd <= holeEnd) && !OverlapsRam(ref boot, ecamStart, ecamEnd))
        {
            info->EcamDeviceSlot = FirstDeviceSlot + (uint)(vga + pci);
            ecam = HandOverRange(map, cnodePhys, (uint)info->EcamDeviceSlot, MaxDevice - vga - pci, ecamStart, ecamEnd);
        }
        info->DeviceCount = (ulong)(vga + pci + ecam);

        // Last: all remaining free memory becomes untyped capabilities.
        HandOverUntyped(map, frames, cnodePhys, info);
        KernelLog.Begin(LogLevel.Info);
        KernelLog.Str("bootstrap: ");
        KernelLog.Dec((ulong)image.SegmentCount);
        KernelLog.Str(" segments, entry ");
        KernelLog.Hex(image.Entry);
        KernelLog.Str(", initfs ");
        KernelLog.Dec(initfsPages);
        KernelLog.Str(" pages, ");
        KernelLog.Dec(info->UntypedCount);
        KernelLog.Str(" untyped capabilities; kernel frame allocator now empty (");
        KernelLog.Dec(frames.FreeFrames);
        KernelLog.Str(" free)");
        KernelLog.End();
        Threads.MakeRunnable(t);
        return true;
    }

    // Splits each free run into naturally aligned power-of-two blocks, largest first.
    private static void HandOverUntyped(PhysMap map, FrameAllocator frames, PhysAddr cnodePhys, BootstrapInfo* info)
    {
        uint slot = FirstUntypedSlot;
        ulong total = 0;
        PhysAddr at = PhysAddr.Null;
        while (slot < FirstUntypedSlot + BootstrapInfo.MaxUntyped && frames.TryFindFree(at, out PhysAddr start))
        {
            PhysAddr end = start;
            while (frames.IsFree(end)) end += ObjectSizes.PageSize;
            while (start < end && slot < FirstUntypedSlot + BootstrapInfo.MaxUntyped)
            {
                int bits = BlockBits(start, end);
                ulong size = 1UL << bits;
                frames.TryAllocRange(start, size >> ObjectSizes.PageBits);
                Installed(CapOps.InstallRoot(map, CNode.SlotAddress(cnodePhys, slot), ObjectType.Untyped, Rights.Defined, start.Value, bits, 0, 0));
                info->UntypedPhys[info->UntypedCount] = start.Value;
                info->UntypedSizeBits[info->UntypedCount] = (byte)bits;
                info->UntypedCount++;
                slot++;
                total += size;
                start += size;
            }
            at = end;
        }
        KernelLog.Begin(LogLevel.Info);
        KernelLog.Str("bootstrap: ");
        KernelLog.Size(total);
        KernelLog.Str(" of untyped memory handed over");
        KernelLog.End();
    }

    // Boot fills empty slots of a CNode it just made: a failure is a broken invariant, not a condition.
    private static void Installed(Status s)
    {
        if (s != Status.Ok) Panic.Fail("bootstrap: a root capability could not be installed");
    }

    // The PCI hole starts above the last RAM below 4 GiB, at a 256 MiB boundary at least.
    private static PhysAddr PciHoleStart(ref BootInfo boot)
    {
        ulong top = 0;
        for (int i = 0; i < boot.RegionCount; i++)
        {
            MemoryRegion r = boot.Region(i);
            if (r.Type != MemoryRegionType.Reserved && r.End <= 0x1_0000_0000UL && r.End > top) top = r.End;
        }
        ulong start = (top + (256UL << 20) - 1) & ~((256UL << 20) - 1);
        return new PhysAddr(start < 0xC0000000UL ? 0xC0000000UL : start);
    }

    // Firmware tables are not trusted with RAM: device memory never covers a usable region.
    private static bool OverlapsRam(ref BootInfo boot, PhysAddr start, PhysAddr end)
    {
        for (int i = 0; i < boot.RegionCount; i++)
        {
            MemoryRegion r = boot.Region(i);
            if (r.Type != MemoryRegionType.Reserved && r.Base < end.Value && r.End > start.Value) return true;
        }
        return false;
    }

    // Installs DeviceMemory capabilities covering [start, end) in aligned power-of-two pieces;
    // returns how many (at most max).
    private static int HandOverRange(PhysMap map, PhysAddr cnodePhys, uint firstSlot, int max, PhysAddr start, PhysAddr end)
    {
        int n = 0;
        while (start < end && n < max)
        {
            int bits = BlockBits(start, end);
            Installed(CapOps.InstallRoot(map, CNode.SlotAddress(cnodePhys, firstSlot + (uint)n), ObjectType.DeviceMemory, Rights.Defined, start.Value, bits, 0, 0));
            start += 1UL << bits;
            n++;
        }
        return n;
    }

    /// <summary>log2 of the largest block at `start` that is aligned to its size and fits before `end`
    /// (capped at 2^40): the pieces untyped and device memory are handed over in.</summary>
    private static int BlockBits(PhysAddr start, PhysAddr end)
    {
        int bits = System.Numerics.BitOperations.TrailingZeroCount(start.Value);
        int fit = System.Numerics.BitOperations.Log2(end - start);
        if (bits > fit) bits = fit;
        return bits > 40 ? 40 : bits;
    }

    private static void Zero(PhysMap map, PhysAddr phys, ulong frames)
    {
        System.Runtime.InteropServices.NativeMemory.Clear(map.Ptr(phys), (nuint)(frames * ObjectSizes.PageSize));
    }

    private static bool Fail(string reason)
    {
        KernelLog.Begin(LogLevel.Error);
        KernelLog.Str("bootstrap: ");
        KernelLog.Str(reason);
        KernelLog.End();
        return false;
    }
}
