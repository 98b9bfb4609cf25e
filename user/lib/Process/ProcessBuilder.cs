// Building a process from an ELF file with nothing but capability syscalls: the policy the
// kernel leaves to user space. All of a process's memory is carved from one child untyped the
// builder retypes from memory it holds, so destroying the process is one revoke of that untyped,
// and the memory returns exactly to where it came from.
//
// Steps: child untyped -> CNode, address space, thread (kept in the builder's CNode) -> for each
// ELF page: share the source's frame (read-only, file-backed, page-aligned: ProgramFile), or retype a fresh frame
// and copy into it through a scratch mapping -> map it in the child -> move the frame capability
// into the child's CNode (a frame capability records its one mapping, and dies with the CNode)
// -> stack -> configure and start the thread.
using System;
using Vireo.Abi;
using Vireo.Formats;

namespace Vireo.User;

/// <summary>Sizes of what a process is built with.</summary>
public unsafe struct ProcessOptions
{
    public int MemoryBits;        // the child untyped; 0 = carve objects straight from the given memory
    public int CNodeBits;
    public int AddressSpaceBits;  // 12..22: the PML4 (with its bookkeeping), then page-table pool pages
    public ulong StackPages;
    public ulong StackTop;        // 0: the default, high in the user half
    public bool KeepHandles;      // false: after the start the builder keeps no capability to the process
    public int HeapBits;          // untyped memory the process gets for its own heap (slot Memory); 0 = none
    public CapHandle Grant0, Grant1, Grant2, Grant3;  // copied into the process's slots FirstGrant .. FirstGrant + 3
    public ulong Grant0Badge;         // non-zero: Grant0 is minted with this badge (to call it: no Read, so the child cannot receive another's requests) instead of copied
    public CapHandle* SharedFrames;   // SharedCount frame capabilities (handles in the builder's CNode)
    public uint SharedCount;          // mapped read-write, in order, from SharedAddress in the child
    public ulong SharedAddress;
    public ulong IpcBuffer;           // address of a fresh IPC buffer page for the thread, or 0
    public CapHandle ExitNotification; // signalled (its badge) when the process's thread ends, or none
    public CapHandle FaultEndpoint;    // the thread's faults go here as messages, or none
    public bool SharedReadOnly;       // map SharedFrames read-only (an archive), not read-write
    public CapHandle* ExtraCaps;      // ExtraCount more capabilities copied to slots ExtraFirstSlot.. before the start
    public uint ExtraCount;
    public uint ExtraFirstSlot;
    public CapHandle KernelLog;       // copied with only the Write right to ProcessSlots.KernelLog (DebugWrite), or none
    public CapHandle BindPorts;       // when BindPortsCount is not 0: ports [BindPortsFirst, +BindPortsCount) of this
    public uint BindPortsFirst, BindPortsCount;   // I/O-ports capability are opened to the thread before it starts
    public byte* RawArguments;        // argv as NUL-separated bytes (argv[0] first): used instead of path + arguments
    public int RawArgumentsLength;
    public Rights Withheld;           // rights the process's memory does not get: its heap and image frames (Rights.Physical but for drivers)
    public CapHandle ProgramFile;     // moved into the child's CNode once it runs (the open file its image maps: its death closes it), or none

    public static ProcessOptions Default(int memoryBits) => new ProcessOptions
    {
        MemoryBits = memoryBits,
        CNodeBits = 8,
        AddressSpaceBits = 16,
        StackPages = 4,
        KeepHandles = true,
        HeapBits = memoryBits >= 20 ? memoryBits - 2 : 0,
    };
}

public unsafe struct Process
{
    public CapHandle Memory;        // the child untyped everything was carved from
    public CapHandle CNode;
    public CapHandle AddressSpace;
    public CapHandle Thread;
    public uint MemorySlot, CNodeSlot, AddressSpaceSlot, ThreadSlot;
    public bool Live;
    public bool OwnsMemory;
    public bool SlotsTaken;
    public Rights Withheld;         // ProcessOptions.Withheld: kept from the frames made for it

    public Status Wait(out ThreadExitKind kind, out ulong code) => Sys.ThreadWait(Thread, out kind, out code);

    /// <summary>Stops the process and returns all its memory: revoke the untyped, then delete it.</summary>
    public Status Destroy()
    {
        if (!Live) return Status.BadState;
        Status s;
        if (OwnsMemory)
        {
            s = Sys.Revoke(Memory);
            if (s == Status.Ok) s = Sys.Delete(Memory);
            CSpace.Free(MemorySlot);
        }
        else
        {
            // Objects came straight from shared memory: delete them; their frames die with the CNode.
            // The thread's status is the one reported: the address space and the CNode were made
            // with it and go the same way.
            s = Sys.Delete(Thread);
            if (AddressSpace.Value != 0) _ = Sys.Delete(AddressSpace);   // see above
            _ = Sys.Delete(CNode);   // see above
        }
        if (SlotsTaken)
        {
            CSpace.Free(CNodeSlot);
            if (AddressSpaceSlot != 0) CSpace.Free(AddressSpaceSlot);
            CSpace.Free(ThreadSlot);
        }
        Live = false;
        return s;
    }

    /// <summary>Deletes the builder's capability to the running process's address space (the
    /// process holds its own) and frees its slot: a manager of many processes keeps one slot less
    /// for each. Destroy still works (the address space dies with the CNode or the memory).</summary>
    public void DropAddressSpace()
    {
        if (!SlotsTaken || AddressSpaceSlot == 0) return;
        // The process holds its own capability: this copy is only the builder's.
        _ = Sys.Delete(AddressSpace);
        CSpace.Free(AddressSpaceSlot);
        AddressSpace = default;
        AddressSpaceSlot = 0;
    }
}

public static unsafe class ProcessBuilder
{
    public const ulong StackTop = BootstrapLayout.StackTop;
    public const uint FirstChildFrameSlot = 16;   // after the well-known slots and four grants
    private const ulong ScratchAddress = 0x0000_6000_0000_0000;

    public static Status Spawn(ref InitfsImage initfs, string path, CapHandle memory, int memoryBits,
        ulong arg0, ulong arg1, out Process process) =>
        Spawn(ref initfs, path, memory, ProcessOptions.Default(memoryBits), arg0, arg1, out process);

    public static Status Spawn(ref InitfsImage initfs, string path, CapHandle memory, in ProcessOptions options,
        ulong arg0, ulong arg1, out Process process) =>
        Spawn(ref initfs, path, null, memory, options, arg0, arg1, out process);

    /// <summary>Builds and starts `path` from the initfs. The process gets `arguments` (argv[0] is the
    /// path) and two raw words; see ProcessStartInfo.</summary>
    public static Status Spawn(ref InitfsImage initfs, string path, string[] arguments, CapHandle memory, in ProcessOptions options,
        ulong arg0, ulong arg1, out Process process)
    {
        process = default;
        if (initfs.Find(path, out byte* file, out ulong length) != FormatStatus.Ok) return Status.NotFound;
        ProgramFile program = ProgramFile.FromInitfs(ref initfs, file, length);
        return SpawnElf(ref program, path, arguments, memory, options, arg0, arg1, out process);
    }

    /// <summary>Builds and starts the initfs file `path` (bytes) with options.RawArguments as its
    /// arguments: no strings are made (a process manager spawning on request).</summary>
    public static Status Spawn(ref InitfsImage initfs, System.ReadOnlySpan<byte> path, CapHandle memory, in ProcessOptions options,
        ulong arg0, ulong arg1, out Process process)
    {
        process = default;
        if (options.RawArguments == null) return Status.InvalidArgument;
        if (initfs.Find(path, out byte* file, out ulong length) != FormatStatus.Ok) return Status.NotFound;
        ProgramFile program = ProgramFile.FromInitfs(ref initfs, file, length);
        return SpawnElf(ref program, null, null, memory, options, arg0, arg1, out process);
    }

    /// <summary>Builds and starts `program` (a file of frames: ProgramFile.FromFrames) with
    /// options.RawArguments as its arguments. Read-only pages map the file's frames; the caller
    /// keeps its frame capabilities (the child's are copies).</summary>
    public static Status Spawn(ref ProgramFile program, CapHandle memory, in ProcessOptions options,
        ulong arg0, ulong arg1, out Process process)
    {
        process = default;
        if (options.RawArguments == null) return Status.InvalidArgument;
        return SpawnElf(ref program, null, null, memory, options, arg0, arg1, out process);
    }

    private static Status SpawnElf(ref ProgramFile program, string path, string[] arguments,
        CapHandle memory, in ProcessOptions options, ulong arg0, ulong arg1, out Process process)
    {
        process = default;
        byte* header = stackalloc byte[4096];
        if (program.Parse(header, out Elf64Image image) != FormatStatus.Ok) return Status.InvalidArgument;

        Status s = Carve(memory, options, ref process);
        if (s != Status.Ok)
        {
            if (process.Live) _ = process.Destroy();   // what Carve made before it failed
            return s;
        }
        uint childSlot = FirstChildFrameSlot;
        for (int i = 0; i < image.SegmentCount && s == Status.Ok; i++)
        {
            image.GetSegment(i, out Elf64Segment segment);
            Rights rights = Rights.Read | (segment.IsWritable ? Rights.Write : 0) | (segment.IsExecutable ? Rights.Execute : 0);
            for (ulong p = 0; p < segment.PageCount && s == Status.Ok; p++)
            {
                segment.GetPage(p, out Elf64Page page);
                s = LoadPage(ref program, ref process, page, rights, !ZeroTail(segment, page), ref childSlot);
            }
        }
        if (s == Status.Ok && options.Grant0.Value != 0)
            s = options.Grant0Badge != 0
                ? Sys.Mint(options.Grant0, process.CNode, BootstrapSlots.FirstGrant, Rights.Write | Rights.Grant, options.Grant0Badge, out _)
                : Sys.Copy(options.Grant0, process.CNode, BootstrapSlots.FirstGrant, Rights.All, out _);
        if (s == Status.Ok && options.Grant1.Value != 0) s = Sys.Copy(options.Grant1, process.CNode, BootstrapSlots.FirstGrant + 1, Rights.All, out _);
        if (s == Status.Ok && options.Grant2.Value != 0) s = Sys.Copy(options.Grant2, process.CNode, BootstrapSlots.FirstGrant + 2, Rights.All, out _);
        if (s == Status.Ok && options.Grant3.Value != 0) s = Sys.Copy(options.Grant3, process.CNode, BootstrapSlots.FirstGrant + 3, Rights.All, out _);
        for (uint i = 0; i < options.ExtraCount && s == Status.Ok; i++)
            s = Sys.Copy(options.ExtraCaps[i], process.CNode, options.ExtraFirstSlot + i, Rights.All, out _);
        if (s == Status.Ok && options.KernelLog.Value != 0) s = Sys.Copy(options.KernelLog, process.CNode, ProcessSlots.KernelLog, Rights.Write, out _);
        // Shared memory: copies of the builder's frame capabilities, mapped in the child (zero copy).
        for (uint i = 0; i < options.SharedCount && s == Status.Ok; i++)
        {
            if (!CSpace.TryAlloc(out uint scratch)) { s = Status.NoSpace; break; }
            Rights mapRights = options.SharedReadOnly ? Rights.Read : Rights.Read | Rights.Write;
            s = Sys.Copy(options.SharedFrames[i], CSpace.Self, scratch, mapRights | Rights.Map, out CapHandle copy);
            s = Place(ref process, s, copy, scratch, options.SharedAddress + i * 4096UL, mapRights, ref childSlot);
        }
        if (s == Status.Ok && options.IpcBuffer != 0)
            s = FreshPage(ref process, options.IpcBuffer, Rights.Read | Rights.Write, null, 0, 0, ref childSlot);
        ulong stackTop = options.StackTop != 0 ? options.StackTop : StackTop;
        for (ulong v = stackTop - options.StackPages * 4096; v < stackTop - 4096 && s == Status.Ok; v += 4096)
            s = FreshPage(ref process, v, Rights.Read | Rights.Write, null, 0, 0, ref childSlot);
        // A slot for the program's file, which moves in once the process runs (a failed start leaves
        // it with the caller), before the first slot the process may use.
        uint fileSlot = options.ProgramFile.Value != 0 ? childSlot++ : 0;
        // The top stack page carries the start information block.
        byte* block = stackalloc byte[1024];
        int blockSize = options.RawArguments != null
            ? StartInfo(block, options.RawArguments, options.RawArgumentsLength, childSlot + 1, options.CNodeBits, arg0, arg1)
            : StartInfo(block, path, arguments, childSlot + 1, options.CNodeBits, arg0, arg1);
        if (blockSize < 0 && s == Status.Ok) s = Status.InvalidArgument;
        if (s == Status.Ok)
            s = FreshPage(ref process, stackTop - 4096, Rights.Read | Rights.Write, block, (ulong)(4096 - blockSize), (ulong)blockSize, ref childSlot);
        ulong blockAddress = stackTop - (ulong)blockSize;
        if (s == Status.Ok) s = Start(ref process, image.Entry, blockAddress & ~15UL, blockAddress, 0, options);
        if (s != Status.Ok)
        {
            // Already failing with s: clean-up on the way out.
            _ = process.Destroy();
            return s;
        }
        // Into a slot the running process does not use (it was reserved above): this cannot fail.
        if (fileSlot != 0) _ = Sys.Move(options.ProgramFile, process.CNode, fileSlot, out _);
        if (!options.KeepHandles)
        {
            // The process holds copies of its own capabilities (and its thread holds its bindings),
            // so dropping the builder's leaves it running; its memory is reclaimed with `memory`.
            // The builder's copies: the running process holds its own.
            _ = Sys.Delete(process.Thread);
            _ = Sys.Delete(process.AddressSpace);
            _ = Sys.Delete(process.CNode);
            CSpace.Free(process.CNodeSlot);
            CSpace.Free(process.AddressSpaceSlot);
            CSpace.Free(process.ThreadSlot);
            process.SlotsTaken = false;
            process.Live = false;
        }
        return s;
    }

    // A page may be shared only if nothing in it should read as zero: a read-only segment whose
    // memory runs past its file bytes (memsz > filesz) keeps its tail page private.
    private static bool ZeroTail(in Elf64Segment segment, in Elf64Page page) =>
        segment.MemorySize > segment.FileSize && page.VirtualAddress + 4096 > segment.VirtualAddress + segment.FileSize;

    /// <summary>The memory block (log2 bytes) a process built from the initfs file `path` with
    /// `options` needs: its heap untyped, address space, CNode and thread laid out as Carve makes them,
    /// then one frame per private page (writable and zero-filled image pages, the IPC buffer, the
    /// stack), rounded up to a power of two. The result is for options.MemoryBits; 0 if `path` is not
    /// in the archive, -1 if it is not an ELF file.</summary>
    public static int MemoryBitsFor(ref InitfsImage initfs, System.ReadOnlySpan<byte> path, in ProcessOptions options)
    {
        if (initfs.Find(path, out byte* file, out ulong length) != FormatStatus.Ok) return 0;
        ProgramFile program = ProgramFile.FromInitfs(ref initfs, file, length);
        return MemoryBitsFor(ref program, options);
    }

    /// <summary>The same for a program of any source; -1 if it is not an ELF file we run.</summary>
    public static int MemoryBitsFor(ref ProgramFile program, in ProcessOptions options)
    {
        byte* header = stackalloc byte[4096];
        if (program.Parse(header, out Elf64Image image) != FormatStatus.Ok) return -1;
        ulong at = 0;
        if (options.HeapBits != 0) at = Place(at, options.HeapBits);
        at = Place(at, options.AddressSpaceBits);
        at = Place(at, options.CNodeBits + ObjectSizes.SlotBits);
        at = Place(at, ObjectSizes.ThreadBits);
        ulong pages = options.StackPages + (options.IpcBuffer != 0 ? 1UL : 0);
        for (int i = 0; i < image.SegmentCount; i++)
        {
            image.GetSegment(i, out Elf64Segment segment);
            for (ulong p = 0; p < segment.PageCount; p++)
            {
                segment.GetPage(p, out Elf64Page page);
                if (segment.IsWritable || page.Kind == Elf64PageKind.Zero || ZeroTail(segment, page)) pages++;
            }
        }
        at = Place(at, 12) + (pages - 1) * 4096;
        int bits = 12;
        while ((1UL << bits) < at) bits++;
        return bits;
    }

    // Where an object of 2^bits bytes placed after `at` ends (retype aligns each object to its size).
    private static ulong Place(ulong at, int bits) => ((at + (1UL << bits) - 1) & ~((1UL << bits) - 1)) + (1UL << bits);

    // Lays out a ProcessStartInfo and the argument strings; returns its size (a multiple of 16) or -1.
    private static int StartInfo(byte* block, string path, string[] arguments, uint firstFree, int cnodeBits, ulong word0, ulong word1)
    {
        var info = Header(block, firstFree, cnodeBits, word0, word1);
        int at = sizeof(ProcessStartInfo);
        int count = 1 + (arguments == null ? 0 : arguments.Length);
        if (count > ProcessStartInfo.MaxArguments) return -1;
        for (int i = 0; i < count; i++)
        {
            string text = i == 0 ? path : arguments[i - 1];
            if (at + text.Length + 1 > 1024) return -1;
            info->ArgumentOffsets[i] = (ulong)at;
            at += Ascii.Copy(text, new System.Span<byte>(block + at, text.Length));
            block[at++] = 0;
        }
        info->ArgumentCount = (ulong)count;
        return (at + 15) & ~15;
    }

    // The same from NUL-separated argument bytes (a spawn request's data): no strings are made.
    private static int StartInfo(byte* block, byte* argv, int length, uint firstFree, int cnodeBits, ulong word0, ulong word1)
    {
        var info = Header(block, firstFree, cnodeBits, word0, word1);
        int at = sizeof(ProcessStartInfo);
        if (at + length + 1 > 1024) return -1;
        int count = 0;
        for (int i = 0; i < length; i++)
        {
            if (i == 0 || argv[i - 1] == 0)
            {
                if (argv[i] == 0) continue;   // empty argument (a trailing separator)
                if (count == ProcessStartInfo.MaxArguments) return -1;
                info->ArgumentOffsets[count++] = (ulong)at;
            }
            block[at++] = argv[i];
        }
        block[at++] = 0;
        if (count == 0) return -1;
        info->ArgumentCount = (ulong)count;
        return (at + 15) & ~15;
    }

    private static ProcessStartInfo* Header(byte* block, uint firstFree, int cnodeBits, ulong word0, ulong word1)
    {
        var info = (ProcessStartInfo*)block;
        *info = default;
        info->Magic = ProcessStartInfo.MagicValue;
        info->FirstFreeSlot = firstFree;
        info->CNodeSlotBits = (ulong)cnodeBits;
        info->Word0 = word0;
        info->Word1 = word1;
        return info;
    }

    private static Status Carve(CapHandle memory, in ProcessOptions options, ref Process p)
    {
        Status s;
        if (options.MemoryBits != 0)
        {
            if (!CSpace.TryAlloc(out p.MemorySlot)) return Status.NoSpace;
            s = Sys.Retype(memory, ObjectType.Untyped, options.MemoryBits, CSpace.Self, p.MemorySlot, 1, out p.Memory);
            if (s != Status.Ok)
            {
                CSpace.Free(p.MemorySlot);
                return s;
            }
            p.OwnsMemory = true;
        }
        else
        {
            p.Memory = memory;
        }
        p.Live = true;
        p.Withheld = options.Withheld;
        if (!CSpace.TryAlloc(out p.CNodeSlot) || !CSpace.TryAlloc(out p.AddressSpaceSlot) || !CSpace.TryAlloc(out p.ThreadSlot))
            return Status.NoSpace;
        p.SlotsTaken = true;
        // Largest first, so that objects aligned to their size leave no padding between them. The
        // heap memory is carved before the CNode exists, so it waits in a scratch slot.
        uint heapSlot = 0;
        CapHandle heap = default;
        s = Status.Ok;
        if (options.HeapBits != 0)
        {
            if (!CSpace.TryAlloc(out heapSlot)) return Status.NoSpace;
            s = Sys.Retype(p.Memory, ObjectType.Untyped, options.HeapBits, CSpace.Self, heapSlot, 1, out heap, options.Withheld);
        }
        if (s == Status.Ok) s = Sys.Retype(p.Memory, ObjectType.AddressSpace, options.AddressSpaceBits, CSpace.Self, p.AddressSpaceSlot, 1, out p.AddressSpace);
        if (s == Status.Ok) s = Sys.Retype(p.Memory, ObjectType.CNode, options.CNodeBits, CSpace.Self, p.CNodeSlot, 1, out p.CNode);
        if (s == Status.Ok) s = Sys.Retype(p.Memory, ObjectType.Thread, ObjectSizes.ThreadBits, CSpace.Self, p.ThreadSlot, 1, out p.Thread);
        if (s == Status.Ok && options.HeapBits != 0) s = Sys.Move(heap, p.CNode, BootstrapSlots.Memory, out _);
        if (heapSlot != 0) CSpace.Free(heapSlot);
        // The child knows itself: its CNode, address space and thread at the well-known slots.
        if (s == Status.Ok) s = Sys.Copy(p.CNode, p.CNode, BootstrapSlots.CNode, Rights.All, out _);
        if (s == Status.Ok) s = Sys.Copy(p.AddressSpace, p.CNode, BootstrapSlots.AddressSpace, Rights.All, out _);
        if (s == Status.Ok) s = Sys.Copy(p.Thread, p.CNode, BootstrapSlots.Thread, Rights.All, out _);
        return s;
    }

    private static Status LoadPage(ref ProgramFile program, ref Process p, in Elf64Page page,
        Rights rights, bool mayShare, ref uint childSlot)
    {
        // A read-only page whose file page lies wholly inside the file is mapped straight from the
        // source's frame, even if the segment covers only part of it: the rest is the file's own
        // bytes (linker padding), which the process may read anyway.
        ulong filePage = page.FileOffset & ~0xFFFUL;
        if (mayShare && page.Kind != Elf64PageKind.Zero && (rights & Rights.Write) == 0 && filePage + 4096 <= program.Length &&
            page.DestinationOffset == (uint)(page.FileOffset & 0xFFF) && program.FrameFor(filePage, out CapHandle shared))
        {
            if (!CSpace.TryAlloc(out uint scratch)) return Status.NoSpace;
            Status s = Sys.Copy(shared, CSpace.Self, scratch, Rights.Read | Rights.Execute | Rights.Map, out CapHandle copy);
            return Place(ref p, s, copy, scratch, page.VirtualAddress, rights & (Rights.Read | Rights.Execute), ref childSlot);
        }
        if (page.Kind == Elf64PageKind.Zero) return FreshPage(ref p, page.VirtualAddress, rights, null, 0, 0, ref childSlot);
        ulong offset = page.Kind == Elf64PageKind.Shared ? 0 : page.DestinationOffset;
        ulong count = page.Kind == Elf64PageKind.Shared ? 4096 : page.Length;
        if (program.Bytes != null)
            return FreshPage(ref p, page.VirtualAddress, rights, program.Bytes + page.FileOffset, offset, count, ref childSlot);
        // A file of frames: its bytes come through a scratch mapping, a page at a time.
        byte* bytes = stackalloc byte[4096];
        Status read = program.Copy(page.FileOffset, bytes, count);
        return read != Status.Ok ? read : FreshPage(ref p, page.VirtualAddress, rights, bytes, offset, count, ref childSlot);
    }

    // A new zeroed frame from the child's memory, optionally filled through a scratch mapping here.
    private static Status FreshPage(ref Process p, ulong vaddr, Rights rights, byte* source, ulong offset, ulong count, ref uint childSlot)
    {
        if (!CSpace.TryAlloc(out uint scratch)) return Status.NoSpace;
        Status s = Sys.Retype(p.Memory, ObjectType.Frame, 12, CSpace.Self, scratch, 1, out CapHandle frame, p.Withheld);
        if (s == Status.Ok && count != 0)
        {
            s = Sys.Map(CSpace.SelfAddressSpace, frame, ScratchAddress, Rights.Read | Rights.Write);
            if (s == Status.Ok)
            {
                Buffer.MemoryCopy(source, (byte*)ScratchAddress + offset, (long)(4096 - offset), (long)count);
                s = Sys.Unmap(frame);
            }
        }
        return Place(ref p, s, frame, scratch, vaddr, rights, ref childSlot);
    }

    // A frame capability the caller just made in `scratch` (with status s) is mapped in the child and
    // moved into the child's CNode (a frame records its one mapping and dies with that CNode). On any
    // failure it is deleted here, so the scratch slot goes back empty either way.
    private static Status Place(ref Process p, Status s, CapHandle frame, uint scratch, ulong vaddr, Rights rights, ref uint childSlot)
    {
        if (s == Status.Ok) s = Sys.Map(p.AddressSpace, frame, vaddr, rights);
        if (s == Status.Ok) s = Sys.Move(frame, p.CNode, childSlot++, out _);
        // Already failing with s: the scratch slot goes back either way.
        if (s != Status.Ok && frame.Value != 0) _ = Sys.Delete(frame);
        CSpace.Free(scratch);
        return s;
    }

    private static Status Start(ref Process p, ulong entry, ulong stackTop, ulong arg0, ulong arg1, in ProcessOptions options)
    {
        ThreadConfig config = default;
        config.IpcBuffer = options.IpcBuffer;
        config.ExitNotification = options.ExitNotification.Value;
        config.FaultEndpoint = options.FaultEndpoint.Value;
        config.CNode = p.CNode.Value;
        config.AddressSpace = p.AddressSpace.Value;
        config.Entry = entry;
        config.Stack = stackTop;
        config.Argument0 = arg0;
        config.Argument1 = arg1;
        config.FsBase = 0;
        Status s = Sys.ThreadConfigure(p.Thread, &config);
        if (s == Status.Ok && options.BindPortsCount != 0) s = Devices.IoPortsBind(options.BindPorts, p.Thread, options.BindPortsFirst, options.BindPortsCount);
        return s == Status.Ok ? Sys.ThreadStart(p.Thread) : s;
    }
}
