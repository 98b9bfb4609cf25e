// One Linux process as the personality holds it: its memory (LinuxMemory), its one thread, the
// endpoint its syscalls and faults arrive on, and the Linux state the kernel knows nothing of (the
// program break, the mmap area, signal dispositions and mask, the open descriptors). Load builds
// the address space from an ELF file and the start-up stack (InitialStack) and starts the thread
// marked as running the foreign ABI (ADR 0014), so that each of its SYSCALLs comes here.
using System;
using Vireo.Abi;
using Vireo.Formats;
using Vireo.Linux.Abi;
using Vireo.User;

namespace Vireo.Linux;

public sealed unsafe class LinuxProcess
{
    public const ulong StackTop = 0x0000_7300_0000_0000;
    public const ulong StackSize = 256 * 1024;
    public const ulong MmapBase = 0x0000_7100_0000_0000;
    public const ulong Pid = 100, ParentPid = 1;

    public readonly LinuxMemory Memory = new LinuxMemory();
    public CapHandle Thread, Endpoint, CNode;
    public byte[] ExePath;
    public byte[][] Argv;   // as the program was started (/proc/PID/cmdline)
    public ulong BreakStart, Break, BreakMapped;   // the heap: [BreakStart, Break), pages to BreakMapped
    public ulong MmapNext = MmapBase;
    public ulong SignalMask;
    public readonly ulong[] SignalHandlers = new ulong[65];
    public readonly LinuxFiles Files = new LinuxFiles();
    public byte[] Cwd = { (byte)'/' };
    public uint Umask = 0x12;   // 022
    public readonly bool[] Reported = new bool[512];   // unimplemented numbers already logged

    /// <summary>Builds the process from the ELF bytes and starts it; `why` explains a refusal.</summary>
    public Status Load(byte[] file, byte[][] argv, byte[][] envp, out string why)
    {
        if (LinuxExecutable.TryParse(file, out LinuxExecutable exe, out why) != FormatStatus.Ok) return Status.InvalidArgument;
        Argv = argv;
        Elf64Image.TryParse(file, out Elf64Image image);   // Ok: LinuxExecutable checked it
        Status s = Memory.Create();
        for (int i = 0; i < image.SegmentCount && s == Status.Ok; i++)
        {
            image.GetSegment(i, out Elf64Segment seg);
            Rights rights = Rights.Read | (seg.IsWritable ? Rights.Write : 0) | (seg.IsExecutable ? Rights.Execute : 0);
            s = Memory.Map(seg.FirstPage, seg.EndPage - seg.FirstPage, rights);
            if (s == Status.Ok && seg.FileSize != 0)
                fixed (byte* bytes = &file[(int)seg.FileOffset])
                    if (!Memory.Write(seg.VirtualAddress, bytes, seg.FileSize)) s = Status.BadAddress;
        }
        BreakStart = Break = BreakMapped = exe.BreakStart;
        if (s == Status.Ok) s = Memory.Map(StackTop - StackSize, StackSize, Rights.Read | Rights.Write);
        ulong rsp = 0;
        if (s == Status.Ok) s = BuildStack(exe, argv, envp, out rsp);
        if (s == Status.Ok) s = StartThread(exe.Entry, rsp);
        if (s != Status.Ok && why == null) why = "could not build its process (status " + ((ulong)s).ToString() + ")";
        return s;
    }

    private Status BuildStack(in LinuxExecutable exe, byte[][] argv, byte[][] envp, out ulong rsp)
    {
        const int BlockSize = 16 * 1024;
        var block = new byte[BlockSize];
        var random = new byte[InitialStack.RandomBytes];
        Random.Fill(random);
        ReadOnlySpan<ulong> aux = stackalloc ulong[]
        {
            AuxType.Phdr, exe.ProgramHeaders, AuxType.Phent, Elf64Image.ProgramHeaderSize, AuxType.Phnum, exe.ProgramHeaderCount,
            AuxType.Pagesz, 4096, AuxType.Base, 0, AuxType.Flags, 0, AuxType.Entry, exe.Entry,
            AuxType.Uid, 0, AuxType.Euid, 0, AuxType.Gid, 0, AuxType.Egid, 0, AuxType.Hwcap, 0, AuxType.Hwcap2, 0,
            AuxType.Clktck, 100, AuxType.Secure, 0,
        };
        rsp = InitialStack.Build(block, StackTop, argv, envp, aux, random, ExePath);
        if (rsp == 0) return Status.OutOfRange;
        fixed (byte* b = block)
            return Memory.Write(StackTop - BlockSize, b, BlockSize) ? Status.Ok : Status.BadAddress;
    }

    private Status StartThread(ulong entry, ulong rsp)
    {
        Status s = CSpace.Make(ObjectType.Endpoint, 0, out Endpoint);
        if (s == Status.Ok) s = CSpace.Make(ObjectType.CNode, 2, out CNode);
        if (s == Status.Ok) s = CSpace.Make(ObjectType.Thread, ObjectSizes.ThreadBits, out Thread);
        if (s != Status.Ok) return s;
        // The Linux thread makes no Vireo call (its SYSCALLs come here), so its CNode stays empty.
        ThreadConfig config = default;
        config.CNode = CNode.Value;
        config.AddressSpace = Memory.AddressSpace.Value;
        config.Entry = entry;
        config.Stack = rsp;
        config.FaultEndpoint = Endpoint.Value;
        s = Sys.ThreadConfigure(Thread, &config);
        if (s == Status.Ok) s = Sys.ThreadSetAbi(Thread, ThreadAbi.Foreign);
        if (s == Status.Ok) s = Sys.ThreadStart(Thread);
        return s;
    }

    /// <summary>Ends the Linux thread (it is stopped in a call or a fault, waiting for us).</summary>
    public void Stop()
    {
        CSpace.Release(Thread);
        Thread = default;
    }
}
