// Building a process from an ELF file with nothing but capability syscalls: the policy the
// kernel leaves to user space. All of a process's memory is carved from one child untyped the
// builder retypes from memory it holds, so destroying the process is one revoke of that untyped,
// and the memory returns exactly to where it came from.
//
// Steps: child untyped -> CNode, address space, thread (kept in the builder's CNode) -> for each
// ELF page: share the initfs frame (read-only, file-backed, page-aligned), or retype a fresh frame
// and copy into it through a scratch mapping -> map it in the child -> move the frame capability
// into the child's CNode (a frame capability records its one mapping, and dies with the CNode)
// -> stack -> configure and start the thread.
using System;
using Vireo.Abi;
using Vireo.Formats;

namespace Vireo.User;

public unsafe struct Process
{
    public CapHandle Memory;        // the child untyped everything was carved from
    public CapHandle CNode;
    public CapHandle AddressSpace;
    public CapHandle Thread;
    public uint MemorySlot, CNodeSlot, AddressSpaceSlot, ThreadSlot;
    public bool Live;

    public Status Wait(out ThreadExitKind kind, out ulong code) => Sys.ThreadWait(Thread, out kind, out code);

    /// <summary>Stops the process and returns all its memory: revoke the untyped, then delete it.</summary>
    public Status Destroy()
    {
        if (!Live) return Status.BadState;
        Status s = Sys.Revoke(Memory);
        if (s == Status.Ok) s = Sys.Delete(Memory);
        CSpace.Free(MemorySlot);
        CSpace.Free(CNodeSlot);
        CSpace.Free(AddressSpaceSlot);
        CSpace.Free(ThreadSlot);
        Live = false;
        return s;
    }
}

public static unsafe class ProcessBuilder
{
    public const ulong StackTop = 0x0000_7FFF_FFFF_0000;
    public const ulong StackPages = 4;
    public const int CNodeBits = 8;
    public const int AddressSpaceBits = 15;   // PML4, bookkeeping and 6 page tables
    public const uint FirstChildFrameSlot = 8;
    private const ulong ScratchAddress = 0x0000_6000_0000_0000;

    public static Status Spawn(ref InitfsImage initfs, string path, CapHandle memory, int memoryBits,
        ulong arg0, ulong arg1, out Process process)
    {
        process = default;
        if (initfs.Find(path, out byte* file, out ulong length) != FormatStatus.Ok) return Status.InvalidArgument;
        if (Elf64Image.TryParse(file, length, out Elf64Image image) != FormatStatus.Ok) return Status.InvalidArgument;

        Status s = Carve(memory, memoryBits, ref process);
        if (s != Status.Ok) return s;
        uint childSlot = FirstChildFrameSlot;
        for (int i = 0; i < image.SegmentCount && s == Status.Ok; i++)
        {
            image.GetSegment(i, out Elf64Segment segment);
            Rights rights = Rights.Read | (segment.IsWritable ? Rights.Write : 0) | (segment.IsExecutable ? Rights.Execute : 0);
            for (ulong p = 0; p < segment.PageCount && s == Status.Ok; p++)
            {
                segment.GetPage(p, out Elf64Page page);
                s = LoadPage(ref initfs, ref process, file, page, rights, ref childSlot);
            }
        }
        for (ulong v = StackTop - StackPages * 4096; v < StackTop && s == Status.Ok; v += 4096)
            s = FreshPage(ref process, v, Rights.Read | Rights.Write, null, 0, 0, ref childSlot);
        if (s == Status.Ok) s = Start(ref process, image.Entry, arg0, arg1);
        if (s != Status.Ok) process.Destroy();
        return s;
    }

    private static Status Carve(CapHandle memory, int memoryBits, ref Process p)
    {
        if (!CSpace.TryAlloc(out p.MemorySlot)) return Status.OutOfRange;
        Status s = Sys.Retype(memory, ObjectType.Untyped, memoryBits, CSpace.Self, p.MemorySlot, 1, out p.Memory);
        if (s != Status.Ok)
        {
            CSpace.Free(p.MemorySlot);
            return s;
        }
        p.Live = true;
        if (!CSpace.TryAlloc(out p.CNodeSlot) || !CSpace.TryAlloc(out p.AddressSpaceSlot) || !CSpace.TryAlloc(out p.ThreadSlot))
            return Status.OutOfRange;
        s = Sys.Retype(p.Memory, ObjectType.CNode, CNodeBits, CSpace.Self, p.CNodeSlot, 1, out p.CNode);
        if (s == Status.Ok) s = Sys.Retype(p.Memory, ObjectType.AddressSpace, AddressSpaceBits, CSpace.Self, p.AddressSpaceSlot, 1, out p.AddressSpace);
        if (s == Status.Ok) s = Sys.Retype(p.Memory, ObjectType.Thread, ObjectSizes.ThreadBits, CSpace.Self, p.ThreadSlot, 1, out p.Thread);
        // The child knows itself: its CNode, address space and thread at the well-known slots.
        if (s == Status.Ok) s = Sys.Copy(p.CNode, p.CNode, BootstrapSlots.CNode, Rights.All, out _);
        if (s == Status.Ok) s = Sys.Copy(p.AddressSpace, p.CNode, BootstrapSlots.AddressSpace, Rights.All, out _);
        if (s == Status.Ok) s = Sys.Copy(p.Thread, p.CNode, BootstrapSlots.Thread, Rights.All, out _);
        return s;
    }

    private static Status LoadPage(ref InitfsImage initfs, ref Process p, byte* file, in Elf64Page page, Rights rights, ref uint childSlot)
    {
        if (page.Kind == Elf64PageKind.Shared && initfs.TryFrameFor(file + page.FileOffset, out CapHandle shared) &&
            (((ulong)(file + page.FileOffset)) & 0xFFF) == 0)
        {
            if (!CSpace.TryAlloc(out uint scratch)) return Status.OutOfRange;
            Status s = Sys.Copy(shared, CSpace.Self, scratch, Rights.Read | Rights.Execute | Rights.Map, out CapHandle copy);
            if (s == Status.Ok) s = Sys.Map(p.AddressSpace, copy, page.VirtualAddress, rights & (Rights.Read | Rights.Execute));
            if (s == Status.Ok) s = Sys.Move(copy, p.CNode, childSlot++, out _);
            CSpace.Free(scratch);
            return s;
        }
        if (page.Kind == Elf64PageKind.Zero) return FreshPage(ref p, page.VirtualAddress, rights, null, 0, 0, ref childSlot);
        ulong offset = page.Kind == Elf64PageKind.Shared ? 0 : page.DestinationOffset;
        ulong count = page.Kind == Elf64PageKind.Shared ? 4096 : page.Length;
        return FreshPage(ref p, page.VirtualAddress, rights, file + page.FileOffset, offset, count, ref childSlot);
    }

    // A new zeroed frame from the child's memory, optionally filled through a scratch mapping here.
    private static Status FreshPage(ref Process p, ulong vaddr, Rights rights, byte* source, ulong offset, ulong count, ref uint childSlot)
    {
        if (!CSpace.TryAlloc(out uint scratch)) return Status.OutOfRange;
        Status s = Sys.Retype(p.Memory, ObjectType.Frame, 12, CSpace.Self, scratch, 1, out CapHandle frame);
        if (s == Status.Ok && count != 0)
        {
            s = Sys.Map(CSpace.SelfAddressSpace, frame, ScratchAddress, Rights.Read | Rights.Write);
            if (s == Status.Ok)
            {
                Buffer.MemoryCopy(source, (byte*)ScratchAddress + offset, (long)(4096 - offset), (long)count);
                s = Sys.Unmap(frame);
            }
        }
        if (s == Status.Ok) s = Sys.Map(p.AddressSpace, frame, vaddr, rights);
        if (s == Status.Ok) s = Sys.Move(frame, p.CNode, childSlot++, out _);
        CSpace.Free(scratch);
        return s;
    }

    private static Status Start(ref Process p, ulong entry, ulong arg0, ulong arg1)
    {
        ThreadConfig config;
        config.CNode = p.CNode.Value;
        config.AddressSpace = p.AddressSpace.Value;
        config.Entry = entry;
        config.Stack = StackTop;
        config.Argument0 = arg0;
        config.Argument1 = arg1;
        config.FsBase = 0;
        Status s = Sys.ThreadConfigure(p.Thread, &config);
        return s == Status.Ok ? Sys.ThreadStart(p.Thread) : s;
    }
}
