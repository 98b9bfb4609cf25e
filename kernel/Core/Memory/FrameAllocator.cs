// Physical frame allocator: hands out 4 KiB frames in O(1) and runs of frames for DMA.
//
// Design. All state lives in one metadata region carved from usable memory; the managed frames themselves
// are never read or written by the allocator. Laid out back to back, covering frames [0, frameLimit):
//   managed  bitmap, bit set = the frame belongs to this allocator (usable, not reserved, not metadata, >= 1 MiB);
//   free     bitmap, bit set = the frame is free;
//   stack    uint[frameLimit], stack[0..FreeFrames) are the free frame numbers;
//   pos      uint[frameLimit], pos[f] = index of free frame f in the stack (meaningless for other frames).
// Alloc pops the top, free validates against the bitmaps and pushes, both O(1); a contiguous allocation
// finds a run in the free bitmap and removes each frame from the middle of the stack in O(1) by moving the
// top entry into its slot and fixing that entry's pos. Metadata costs 8 bytes + 2 bits per frame (0.2%).
// Why not a list threaded through the free frames: building it writes to every frame of RAM, and under
// emulation each first touch of a page is an expensive TLB fill (1.7 s for 512 MiB under QEMU TCG). Building
// this one writes only the metadata, sequentially. It also means a free frame's contents do not matter:
// a stray write to a freed frame cannot corrupt the allocator.
// The bitmaps give O(1) validation on free: a frame that is not managed or already free is rejected before
// anything is written, so double free, stray addresses and misaligned addresses change nothing.
// The metadata lives in the first stretch of usable, unreserved memory large enough to hold it; those frames
// are not managed, so they count neither as free nor as total. Frame numbers are uint, so memory at or above
// 16 TiB (frame 2^32) is ignored.
// Frames are pushed in ascending order, so single-frame allocations come from the top of memory first and
// low memory stays available for devices with narrow DMA masks; contiguous searches go bottom-up.
//
// Invariants (checked by CheckConsistency): free ⊆ managed; stack[0..FreeFrames) holds exactly the frames
// whose free bit is set, each once, and pos[stack[i]] = i; FreeFrames = popcount(free);
// TotalFrames = popcount(managed) and never changes.
using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using Vireo.Abi;
using Vireo.Kernel.Multiboot;

namespace Vireo.Kernel.Memory;

public sealed unsafe class FrameAllocator
{
    public const ulong FrameSize = ObjectSizes.PageSize;
    public const int FrameShift = ObjectSizes.PageBits;

    /// <summary>Real-mode memory, BIOS data and legacy device windows: never handed out.</summary>
    public const ulong LowMemoryLimit = 1ul << 20;

    // Frame numbers and stack indices are uint.
    private const ulong MaxFrames = 1ul << 32;

    private readonly PhysMap _map;
    private readonly ulong* _managed;
    private readonly ulong* _free;
    private readonly uint* _stack;
    private readonly uint* _pos;
    private readonly ulong _frameLimit;
    private readonly ulong _words;

    public ulong TotalFrames { get; private set; }
    public ulong FreeFrames { get; private set; }

    /// <summary>Physical extent of the allocator's own metadata: bitmaps, stack and positions (frame aligned).</summary>
    public PhysAddr MetadataPhys { get; }
    public ulong MetadataLength { get; }

    private FrameAllocator(PhysMap map, ulong frameLimit, ulong words, PhysAddr metadataPhys, ulong metadataLength)
    {
        _map = map;
        _frameLimit = frameLimit;
        _words = words;
        _managed = map.As<ulong>(metadataPhys);
        _free = _managed + words;
        _stack = (uint*)(_free + words);
        _pos = _stack + frameLimit;
        MetadataPhys = metadataPhys;
        MetadataLength = metadataLength;
    }

    /// <summary>
    /// Builds an allocator over the Usable regions of <paramref name="memoryMap"/>, minus
    /// <paramref name="reserved"/>, minus any non-Usable region of the map, minus everything below 1 MiB and
    /// everything outside the direct map and everything from 16 TiB up. Usable regions are shrunk and reserved
    /// ones grown to whole frames, so an unnormalised map is safe too. Writes only the metadata region.
    /// Fails when there is no usable memory or no room for the metadata.
    /// </summary>
    public static bool TryCreate(PhysMap map, ReadOnlySpan<MemoryRegion> memoryMap, ReadOnlySpan<PhysRange> reserved,
        out FrameAllocator allocator)
    {
        allocator = null;
        ulong frameLimit = 0;
        for (int i = 0; i < memoryMap.Length; i++)
        {
            if (UsableFrames(map, memoryMap[i], out _, out ulong end) && end > frameLimit)
                frameLimit = end;
        }
        if (frameLimit == 0)
            return false;
        if (frameLimit > MaxFrames)
            frameLimit = MaxFrames;

        ulong words = (frameLimit + 63) / 64;
        ulong metadataBytes = words * 2 * sizeof(ulong) + frameLimit * 2 * sizeof(uint);
        ulong metadataFrames = (metadataBytes + FrameSize - 1) / FrameSize;
        if (!FindMetadataHome(map, memoryMap, reserved, metadataFrames, out ulong metadataFrame))
            return false;

        allocator = new FrameAllocator(map, frameLimit, words, AddressOf(metadataFrame),
            metadataFrames << FrameShift);
        allocator.Build(memoryMap, reserved);
        return true;
    }

    public bool TryAlloc(out PhysAddr phys)
    {
        phys = PhysAddr.Null;
        if (FreeFrames == 0)
            return false;
        ulong frame = _stack[FreeFrames - 1];
        FreeFrames--;
        ClearBit(_free, frame);
        phys = AddressOf(frame);
        return true;
    }

    /// <summary>TryAlloc, then zero the frame through the direct map.</summary>
    public bool TryAllocZeroed(out PhysAddr phys)
    {
        if (!TryAlloc(out phys))
            return false;
        ZeroFrames(phys, 1);
        return true;
    }

    /// <summary>Returns false, changing nothing, unless <paramref name="phys"/> is a managed frame that is allocated.</summary>
    public bool Free(PhysAddr phys)
    {
        if (!IsAllocatedFrame(phys))
            return false;
        Push(FrameOf(phys));
        return true;
    }

    /// <summary>
    /// Finds the lowest run of <paramref name="frameCount"/> free frames whose first frame number is a multiple
    /// of <paramref name="alignFrames"/> (0 means 1). Linear in the number of frames covered.
    /// </summary>
    public bool TryAllocContiguous(ulong frameCount, ulong alignFrames, out PhysAddr phys)
    {
        phys = PhysAddr.Null;
        if (frameCount == 0 || frameCount > FreeFrames)
            return false;
        if (alignFrames == 0)
            alignFrames = 1;
        // Only frame 0 would be aligned, and it is below 1 MiB; the check also keeps AlignUp from overflowing.
        if (alignFrames >= _frameLimit)
            return false;

        ulong start = 0;
        while (NextFree(start, out ulong candidate))
        {
            start = AlignUp(candidate, alignFrames);
            if (start >= _frameLimit || frameCount > _frameLimit - start)
                return false;
            ulong run = 0;
            while (run < frameCount && TestBit(_free, start + run))
                run++;
            if (run == frameCount)
            {
                for (ulong i = 0; i < frameCount; i++)
                    Remove(start + i);
                phys = AddressOf(start);
                return true;
            }
            // Every candidate start up to the blocking frame would include it.
            start += run + 1;
        }
        return false;
    }

    /// <summary>
    /// Takes the free run [phys, phys + frameCount frames) out of the allocator, all or nothing: used at the
    /// end of boot, when the kernel turns every remaining free run into untyped memory for user space.
    /// </summary>
    public bool TryAllocRange(PhysAddr phys, ulong frameCount)
    {
        if (!InRange(phys, frameCount, out ulong first))
            return false;
        for (ulong i = 0; i < frameCount; i++)
            if (!TestBit(_free, first + i))
                return false;
        for (ulong i = 0; i < frameCount; i++)
            Remove(first + i);
        return true;
    }

    /// <summary>The first free frame at or above phys, for walking free runs; false when none.</summary>
    public bool TryFindFree(PhysAddr phys, out PhysAddr found)
    {
        found = PhysAddr.Null;
        if (!NextFree(FrameOf(phys), out ulong frame))
            return false;
        found = AddressOf(frame);
        return true;
    }

    /// <summary>Frees a run; returns false, changing nothing, unless every frame in it is managed and allocated.</summary>
    public bool FreeContiguous(PhysAddr phys, ulong frameCount)
    {
        if (!InRange(phys, frameCount, out ulong first))
            return false;
        for (ulong i = 0; i < frameCount; i++)
        {
            if (!TestBit(_managed, first + i) || TestBit(_free, first + i))
                return false;
        }
        for (ulong i = 0; i < frameCount; i++)
            Push(first + i);
        return true;
    }

    // A non-empty, frame-aligned run that lies below the frame limit; its first frame number. Inlined, as
    // it was before addresses were typed: a call costs the run's loops a reload of `first` per frame.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool InRange(PhysAddr phys, ulong frameCount, out ulong first)
    {
        first = FrameOf(phys);
        return frameCount != 0 && phys.IsAligned(FrameSize) && first < _frameLimit && frameCount <= _frameLimit - first;
    }

    /// <summary>True for a frame this allocator manages, whether free or allocated.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool IsManaged(PhysAddr phys)
    {
        ulong frame = FrameOf(phys);
        return phys.IsAligned(FrameSize) && frame < _frameLimit && TestBit(_managed, frame);
    }

    public bool IsFree(PhysAddr phys) => IsManaged(phys) && TestBit(_free, FrameOf(phys));

    /// <summary>Verifies every invariant in the header; O(frames), for tests and debug builds.</summary>
    public bool CheckConsistency()
    {
        ulong managed = 0, free = 0;
        for (ulong w = 0; w < _words; w++)
        {
            if ((_free[w] & ~_managed[w]) != 0)
                return false;
            managed += (ulong)BitOperations.PopCount(_managed[w]);
            free += (ulong)BitOperations.PopCount(_free[w]);
        }
        if (managed != TotalFrames || free != FreeFrames)
            return false;

        // Every entry is a free frame whose pos points back at it, so the entries are distinct; there are
        // popcount(free) of them, so together they are exactly the free frames.
        for (ulong i = 0; i < free; i++)
        {
            ulong frame = _stack[i];
            if (frame >= _frameLimit || !TestBit(_free, frame) || _pos[frame] != i)
                return false;
        }
        return true;
    }

    private static bool UsableFrames(PhysMap map, MemoryRegion region, out ulong first, out ulong end)
    {
        first = 0;
        end = 0;
        if (region.Type != MemoryRegionType.Usable)
            return false;
        ulong top = region.End < map.Limit ? region.End : map.Limit;
        ulong start = region.Base > LowMemoryLimit ? region.Base : LowMemoryLimit;
        if (start >= top)
            return false;
        first = (start >> FrameShift) + ((start & (FrameSize - 1)) != 0 ? 1ul : 0ul);
        end = top >> FrameShift;
        return first < end;
    }

    private static void ExcludedFrames(PhysRange range, out ulong first, out ulong end)
    {
        first = range.Base >> FrameShift;
        ulong last = range.End;
        end = (last >> FrameShift) + ((last & (FrameSize - 1)) != 0 ? 1ul : 0ul);
    }

    private static bool Overlaps(ulong first, ulong end, ulong otherFirst, ulong otherEnd) =>
        otherFirst < end && first < otherEnd;

    // The first stretch of `count` frames, in map order, that lies in a usable region and clear of every
    // reserved range and non-usable region. Each conflict moves the candidate past it, so this terminates.
    private static bool FindMetadataHome(PhysMap map, ReadOnlySpan<MemoryRegion> memoryMap,
        ReadOnlySpan<PhysRange> reserved, ulong count, out ulong frame)
    {
        for (int i = 0; i < memoryMap.Length; i++)
        {
            if (!UsableFrames(map, memoryMap[i], out frame, out ulong end))
                continue;
            while (end - frame >= count)
            {
                if (!FirstConflict(memoryMap, reserved, frame, frame + count, out ulong conflictEnd))
                    return true;
                if (conflictEnd >= end)
                    break;
                frame = conflictEnd;
            }
        }
        frame = 0;
        return false;
    }

    private static bool FirstConflict(ReadOnlySpan<MemoryRegion> memoryMap, ReadOnlySpan<PhysRange> reserved,
        ulong first, ulong end, out ulong conflictEnd)
    {
        ulong otherFirst, otherEnd;
        for (int i = 0; i < reserved.Length; i++)
        {
            if (reserved[i].Length == 0)
                continue;
            ExcludedFrames(reserved[i], out otherFirst, out otherEnd);
            if (Overlaps(first, end, otherFirst, otherEnd))
            {
                conflictEnd = otherEnd;
                return true;
            }
        }
        for (int i = 0; i < memoryMap.Length; i++)
        {
            if (memoryMap[i].Type == MemoryRegionType.Usable || memoryMap[i].Length == 0)
                continue;
            ExcludedFrames(new PhysRange(memoryMap[i].Base, memoryMap[i].Length), out otherFirst, out otherEnd);
            if (Overlaps(first, end, otherFirst, otherEnd))
            {
                conflictEnd = otherEnd;
                return true;
            }
        }
        conflictEnd = 0;
        return false;
    }

    // Marks usable frames managed, takes back every reserved range, every non-usable region and the
    // metadata itself, then stacks what is left. Only the bitmaps need zeroing: stack entries above the
    // top and pos entries of non-free frames are never read.
    private void Build(ReadOnlySpan<MemoryRegion> memoryMap, ReadOnlySpan<PhysRange> reserved)
    {
        for (ulong w = 0; w < 2 * _words; w++)
            _managed[w] = 0;
        ulong first, end;
        for (int i = 0; i < memoryMap.Length; i++)
        {
            if (UsableFrames(_map, memoryMap[i], out first, out end))
                SetBits(_managed, first, end, true);
        }
        for (int i = 0; i < reserved.Length; i++)
        {
            if (reserved[i].Length == 0)
                continue;
            ExcludedFrames(reserved[i], out first, out end);
            SetBits(_managed, first, end, false);
        }
        for (int i = 0; i < memoryMap.Length; i++)
        {
            if (memoryMap[i].Type == MemoryRegionType.Usable || memoryMap[i].Length == 0)
                continue;
            ExcludedFrames(new PhysRange(memoryMap[i].Base, memoryMap[i].Length), out first, out end);
            SetBits(_managed, first, end, false);
        }
        ExcludedFrames(new PhysRange(MetadataPhys.Value, MetadataLength), out first, out end);
        SetBits(_managed, first, end, false);

        // Ascending, so the highest frame ends on top and is handed out first.
        ulong total = 0;
        for (ulong w = 0; w < _words; w++)
        {
            ulong managed = _managed[w];
            _free[w] = managed;
            for (ulong bits = managed; bits != 0; bits &= bits - 1)
            {
                ulong frame = (w << 6) + (ulong)BitOperations.TrailingZeroCount(bits);
                _stack[total] = (uint)frame;
                _pos[frame] = (uint)total;
                total++;
            }
        }
        TotalFrames = total;
        FreeFrames = total;
    }

    private bool IsAllocatedFrame(PhysAddr phys)
    {
        if (!phys.IsAligned(FrameSize))
            return false;
        ulong frame = FrameOf(phys);
        return frame < _frameLimit && TestBit(_managed, frame) && !TestBit(_free, frame);
    }

    /// <summary>Index of the first free frame at or after <paramref name="frame"/>, skipping empty words whole.</summary>
    private bool NextFree(ulong frame, out ulong found)
    {
        found = 0;
        if (frame >= _frameLimit)
            return false;
        ulong w = frame >> 6;
        ulong bits = _free[w] & (ulong.MaxValue << (int)(frame & 63));
        while (bits == 0)
        {
            w++;
            if (w >= _words)
                return false;
            bits = _free[w];
        }
        found = (w << 6) + (ulong)BitOperations.TrailingZeroCount(bits);
        return found < _frameLimit;
    }

    // Caller has checked that the frame is managed and allocated, so the stack has room for it.
    private void Push(ulong frame)
    {
        _stack[FreeFrames] = (uint)frame;
        _pos[frame] = (uint)FreeFrames;
        FreeFrames++;
        SetBit(_free, frame);
    }

    // Caller has checked that the frame is free; the top entry moves into its slot.
    private void Remove(ulong frame)
    {
        ulong index = _pos[frame];
        ulong top = FreeFrames - 1;
        uint moved = _stack[top];
        _stack[index] = moved;
        _pos[moved] = (uint)index;
        FreeFrames = top;
        ClearBit(_free, frame);
    }

    private void ZeroFrames(PhysAddr phys, ulong frames) =>
        System.Runtime.InteropServices.NativeMemory.Clear(_map.Ptr(phys), (nuint)(frames << FrameShift));

    // Frame numbers are the allocator's own currency (bitmap and stack indices); addresses are its interface.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong FrameOf(PhysAddr phys) => phys.Value >> FrameShift;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static PhysAddr AddressOf(ulong frame) => new(frame << FrameShift);

    private static ulong AlignUp(ulong value, ulong align) => (value + align - 1) / align * align;

    private static bool TestBit(ulong* bits, ulong index) => (bits[index >> 6] & (1ul << (int)(index & 63))) != 0;

    private static void SetBit(ulong* bits, ulong index) => bits[index >> 6] |= 1ul << (int)(index & 63);

    private static void ClearBit(ulong* bits, ulong index) => bits[index >> 6] &= ~(1ul << (int)(index & 63));

    // Sets or clears bits [first, end), clipped to the bitmap; whole words at a time in the middle.
    private void SetBits(ulong* bits, ulong first, ulong end, bool value)
    {
        if (end > _frameLimit)
            end = _frameLimit;
        while (first < end && (first & 63) != 0)
            WriteBit(bits, first++, value);
        for (; first < end && end - first >= 64; first += 64)
            bits[first >> 6] = value ? ulong.MaxValue : 0;
        while (first < end)
            WriteBit(bits, first++, value);
    }

    private static void WriteBit(ulong* bits, ulong index, bool value)
    {
        if (value)
            SetBit(bits, index);
        else
            ClearBit(bits, index);
    }
}
