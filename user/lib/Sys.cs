// Syscall wrappers: typed, one per call in Vireo.Abi.Syscall. The stubs are in Asm/syscall.S.
using System;
using System.Runtime;
using System.Runtime.CompilerServices;
using Vireo.Abi;

namespace Vireo.User;

public static unsafe class Sys
{
    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "vireo_syscall")]
    private static extern Status Raw(ulong number, ulong a0, ulong a1, ulong a2, ulong a3, ulong a4, ulong a5, ulong* results);

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "vireo_syscall0")]
    private static extern Status Raw0(ulong number);

    // Short stubs for the hottest shapes: the general one spills seven arguments and a result pointer.
    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "vireo_syscall2")]
    internal static extern Status Raw2(ulong number, ulong a0, ulong a1);

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "vireo_syscall1r")]
    internal static extern Status Raw1R(ulong number, ulong a0, ulong* result);

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "vireo_rdtsc")]
    public static extern ulong ReadTsc();

    /// <summary>A syscall that does no work: the kernel entry and exit alone (an unknown number).</summary>
    public static Status Null() => Raw0(0xFFFF);

    public static Status Call(Syscall n, ulong a0 = 0, ulong a1 = 0, ulong a2 = 0, ulong a3 = 0, ulong a4 = 0, ulong a5 = 0) =>
        Raw((ulong)n, a0, a1, a2, a3, a4, a5, null);

    public static Status Call(Syscall n, out ulong r0, ulong a0 = 0, ulong a1 = 0, ulong a2 = 0, ulong a3 = 0, ulong a4 = 0, ulong a5 = 0)
    {
        ulong* r = stackalloc ulong[2];
        Status s = Raw((ulong)n, a0, a1, a2, a3, a4, a5, r);
        r0 = r[0];
        return s;
    }

    public static Status Call(Syscall n, out ulong r0, out ulong r1, ulong a0 = 0, ulong a1 = 0, ulong a2 = 0, ulong a3 = 0, ulong a4 = 0, ulong a5 = 0)
    {
        ulong* r = stackalloc ulong[2];
        Status s = Raw((ulong)n, a0, a1, a2, a3, a4, a5, r);
        r0 = r[0];
        r1 = r[1];
        return s;
    }

    /// <summary>Writes to the kernel's log (COM1) with the capability in ProcessSlots.KernelLog: only a
    /// process given one (SpawnFlags.KernelLog; the bootstrap) may; others get InvalidCapability.</summary>
    public static Status DebugWrite(byte* text, ulong length) => DebugWrite(new CapHandle(ProcessSlots.KernelLog, 0), text, length);
    public static Status DebugWrite(CapHandle log, byte* text, ulong length) => Call(Syscall.DebugWrite, log.Value, (ulong)text, length);
    public static Status Yield() => Raw0((ulong)Syscall.Yield);
    public static Status Sleep(ulong nanoseconds) => Call(Syscall.Sleep, nanoseconds);

    public static ulong TimeNanos()
    {
        // Time's only status is Ok (syscalls.md).
        _ = Call(Syscall.Time, out ulong now);
        return now;
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    public static void Exit(int code)
    {
        // Exit does not return.
        _ = Call(Syscall.Exit, (ulong)(uint)code);
        while (true) { }
    }

    /// <summary>One of the kernel's counters (KernelCounter); needs the IrqControl capability.</summary>
    public static Status ReadKernelCounter(CapHandle irqControl, KernelCounter counter, out ulong value) =>
        Call(Syscall.KernelCounters, out value, irqControl.Value, (ulong)counter);

    public static Status Identify(CapHandle cap, out ObjectType type, out Rights rights, out int sizeBits, out ulong badge)
    {
        Status s = Call(Syscall.CapIdentify, out ulong info, out badge, cap.Value);
        type = (ObjectType)(byte)info;
        rights = (Rights)(byte)(info >> 8);
        sizeBits = (int)(byte)(info >> 16);
        return s;
    }

    public static Status Copy(CapHandle cap, CapHandle dstCNode, uint dstIndex, Rights rights, out CapHandle created)
    {
        Status s = Call(Syscall.CapCopy, out ulong h, cap.Value, dstCNode.Value, dstIndex, (ulong)rights);
        created = new CapHandle(h);
        return s;
    }

    public static Status Mint(CapHandle cap, CapHandle dstCNode, uint dstIndex, Rights rights, ulong badge, out CapHandle created)
    {
        Status s = Call(Syscall.CapMint, out ulong h, cap.Value, dstCNode.Value, dstIndex, (ulong)rights, badge);
        created = new CapHandle(h);
        return s;
    }

    public static Status Move(CapHandle cap, CapHandle dstCNode, uint dstIndex, out CapHandle moved)
    {
        Status s = Call(Syscall.CapMove, out ulong h, cap.Value, dstCNode.Value, dstIndex);
        moved = new CapHandle(h);
        return s;
    }

    /// <summary>Moves the first endpoint capability at or after slot `from` of `cnode` whose badge has a
    /// bit of `badgeMask` into dstIndex (`moved` 0: none in the slots looked at); `next` is where to
    /// look on (the CNode's size once it was looked through). Syscall 38.</summary>
    public static Status Take(CapHandle cnode, ulong from, ulong badgeMask, CapHandle dstCNode, uint dstIndex, out CapHandle moved, out ulong next)
    {
        Status s = Call(Syscall.CapTake, out ulong h, out next, cnode.Value, from, badgeMask, dstCNode.Value, dstIndex);
        moved = new CapHandle(h);
        return s;
    }

    public static Status Delete(CapHandle cap) => Call(Syscall.CapDelete, cap.Value);
    public static Status Revoke(CapHandle cap) => Call(Syscall.CapRevoke, cap.Value);

    /// <summary>Makes `count` objects from an untyped. The new capabilities get every right but `withheld`
    /// (frames and untyped also the untyped's Physical right, unless withheld).</summary>
    public static Status Retype(CapHandle untyped, ObjectType type, int sizeBits, CapHandle dstCNode, uint dstIndex, uint count, out CapHandle first,
        Rights withheld = Rights.None)
    {
        Status s = Call(Syscall.Retype, out ulong h, untyped.Value, (ulong)type | (ulong)withheld << 8, (ulong)sizeBits, dstCNode.Value, dstIndex, count);
        first = new CapHandle(h);
        return s;
    }

    public static Status Map(CapHandle addressSpace, CapHandle frame, ulong vaddr, Rights rights) =>
        Call(Syscall.Map, addressSpace.Value, frame.Value, vaddr, (ulong)rights);

    public static Status Unmap(CapHandle frame) => Call(Syscall.Unmap, frame.Value);
    public static Status Protect(CapHandle frame, Rights rights) => Call(Syscall.Protect, frame.Value, (ulong)rights);

    public static Status ThreadConfigure(CapHandle thread, ThreadConfig* config) => Call(Syscall.ThreadConfigure, thread.Value, (ulong)config);
    public static Status ThreadStart(CapHandle thread) => Call(Syscall.ThreadStart, thread.Value);
    public static Status ThreadSuspend(CapHandle thread) => Call(Syscall.ThreadSuspend, thread.Value);
    public static Status ThreadResume(CapHandle thread) => Call(Syscall.ThreadResume, thread.Value);

    /// <summary>Reads or writes the whole user register state of a stopped thread (Control right).</summary>
    public static Status ThreadRegisters(CapHandle thread, ThreadRegistersOp op, ThreadRegisterState* state) =>
        Call(Syscall.ThreadRegisters, thread.Value, (ulong)op, (ulong)state);

    public static Status ThreadWait(CapHandle thread, out ThreadExitKind kind, out ulong code)
    {
        Status s = Call(Syscall.ThreadWait, out code, out ulong k, thread.Value);
        kind = (ThreadExitKind)k;
        return s;
    }

    /// <summary>ThreadWait without waiting: WouldBlock while the thread still runs.</summary>
    public static Status ThreadPoll(CapHandle thread, out ThreadExitKind kind, out ulong code)
    {
        Status s = Call(Syscall.ThreadWait, out code, out ulong k, thread.Value, ThreadWaitFlags.NoBlock);
        kind = (ThreadExitKind)k;
        return s;
    }

    /// <summary>Marks a thread as running a foreign ABI (its SYSCALLs go to its fault endpoint) or Vireo's (ADR 0014).</summary>
    public static Status ThreadSetAbi(CapHandle thread, ThreadAbi abi) => Call(Syscall.ThreadSetAbi, thread.Value, (ulong)abi);

    /// <summary>The CPUs the thread may run on (bit i = CPU i; 0 = any); `previous` gets the mask it had (ADR 0020).</summary>
    public static Status ThreadSetAffinity(CapHandle thread, ulong cpuMask, out ulong previous) =>
        Call(Syscall.ThreadSetAffinity, out previous, out _, thread.Value, cpuMask);

    public static Status ThreadSetAffinity(CapHandle thread, ulong cpuMask) => ThreadSetAffinity(thread, cpuMask, out _);

    /// <summary>The CPU the thread runs on or last ran on, and how many CPUs run threads.</summary>
    public static Status ThreadCpu(CapHandle thread, out int cpu, out int cpus)
    {
        Status s = Call(Syscall.ThreadCpu, out ulong c, out ulong n, thread.Value);
        cpu = (int)c;
        cpus = (int)n;
        return s;
    }

    public static Status ThreadSetPriority(CapHandle thread, SchedClass cls, int priority) =>
        Call(Syscall.ThreadSetPriority, thread.Value, (ulong)cls, (ulong)priority);
}
