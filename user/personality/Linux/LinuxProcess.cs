// One Linux process as the personality holds it: its memory (LinuxMemory), its one thread, the
// endpoint its syscalls and faults arrive on, and the Linux state the kernel knows nothing of (the
// program break, signal dispositions and mask, the open descriptors). Exec (LinuxProcess.Exec.cs)
// builds an image from an ELF file and starts the thread marked as running the foreign ABI
// (ADR 0014), so that each of its SYSCALLs comes here.
using Vireo.Abi;
using Vireo.User;

namespace Vireo.Linux;

public sealed unsafe partial class LinuxProcess
{
    public const ulong StackTop = 0x0000_7300_0000_0000;
    public const ulong StackSize = 8 << 20;   // reserved; pages are made as the stack reaches them
    public const ulong MmapBase = 0x0000_7100_0000_0000;
    public const ulong Pid = 100, ParentPid = 1;

    public LinuxMemory Memory;
    public CapHandle Thread, Endpoint, CNode;
    public byte[] ExePath;     // /proc/self/exe: the Linux path the program was started by
    public byte[] ImagePath;   // the Vireo path its image came from (what exec of /proc/self/exe opens)
    public ulong BreakStart, Break;   // the heap: [BreakStart, Break), its area to Break's page end
    public ulong SignalMask;
    public readonly ulong[] SignalHandlers = new ulong[65];
    public readonly LinuxFiles Files = new LinuxFiles();
    public byte[] Cwd = { (byte)'/' };
    public uint Umask = 0x12;   // 022
    public readonly bool[] Reported = new bool[512];   // unimplemented numbers already logged
    /// <summary>Set when the call just served replaced the thread (execve): there is no caller to answer.</summary>
    public bool NoReply;

    internal Status StartThread(ulong entry, ulong rsp)
    {
        Status s = Status.Ok;
        if (Endpoint.Value == 0) s = CSpace.Make(ObjectType.Endpoint, 0, out Endpoint);
        if (s == Status.Ok && CNode.Value == 0) s = CSpace.Make(ObjectType.CNode, 2, out CNode);
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

    /// <summary>exec's reset of signal state (signal(7)): caught signals go back to their default
    /// action; ignored ones stay ignored, and the mask stays.</summary>
    public void ResetSignalsForExec()
    {
        for (int i = 0; i < SignalHandlers.Length; i++)
            if (SignalHandlers[i] > 1) SignalHandlers[i] = 0;   // SIG_DFL 0, SIG_IGN 1
    }
}
