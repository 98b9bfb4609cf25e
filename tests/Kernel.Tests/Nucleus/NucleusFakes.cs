// Stand-ins for what the thread and IPC state machines (Threads.cs, Ipc.cs) call outside themselves:
// the CPU, the timer and the user-mode switch, and the nucleus layers those tests leave out (devices,
// address spaces, mappings, the syscall layer's capability lookup). They record what the state
// machines asked for, so a test can see which thread was entered; the machines themselves are the
// kernel's own sources, compiled here against real .NET.
using System;
using Vireo.Abi;
using Vireo.Kernel.Caps;
using Vireo.Kernel.Memory;
using Vireo.Kernel.Nucleus;
using Vireo.Kernel.Paging;

namespace Vireo.Kernel.Arch.X64
{
    public static class Tsc
    {
        public static ulong Now;
        public static ulong NanosSinceBoot() => Now;
    }

    public static unsafe class Cpu
    {
        public static PhysAddr Cr3;
        public static PhysAddr ReadCr3() => Cr3;

        /// <summary>As arch_write_cr3: the root is recorded in the running CPU's block.</summary>
        public static void WriteCr3(PhysAddr root)
        {
            Cr3 = root;
            PerCpu.Current->ActiveRoot = root.Value;
        }
        public static void DisableInterrupts() { }
        public static ulong ReadTsc() => Tsc.Now;   // the idle loop's halted time (KernelCounter.IdleTsc)

        /// <summary>The idle loop: on the host nothing can interrupt it, so a test that gets here has
        /// left no thread to run.</summary>
        public static void EnableInterruptsAndHalt() => throw new InvalidOperationException("idle: no runnable thread");
    }

    /// <summary>The per-CPU blocks of a machine with Count CPUs; Index is the CPU the code "runs" on,
    /// which a test switches to act as another CPU.</summary>
    public static unsafe class PerCpu
    {
        public const int MaxCpus = PerCpuBlock.MaxCpus;
        private static PerCpuBlock* s_blocks = (PerCpuBlock*)System.Runtime.InteropServices.NativeMemory.AllocZeroed((nuint)(MaxCpus * sizeof(PerCpuBlock)));

        public static int Count = 1;
        public static uint Index;
        public static PerCpuBlock* Current => Block((int)Index);
        public static PerCpuBlock* Block(int index) => s_blocks + index;

        /// <summary>A machine of `count` CPUs, all online, running on CPU 0.</summary>
        public static void Reset(int count)
        {
            new System.Span<byte>(s_blocks, MaxCpus * sizeof(PerCpuBlock)).Clear();
            Count = count;
            Index = 0;
            for (int i = 0; i < count; i++)
            {
                s_blocks[i].Self = s_blocks + i;
                s_blocks[i].Index = (uint)i;
                s_blocks[i].Online = 1;
            }
        }
    }

    /// <summary>No lock on the host: the tests are one thread; On tells the code under test it is on.</summary>
    public static unsafe class BigKernelLock
    {
        public static bool On;
        public static void Enable() => On = true;
        public static void Acquire() { }
        public static void AcquireOn() { }
        public static void AcquireShared(PerCpuBlock* me) => me->SharedHeld = 1;
        public static void ReleaseShared(PerCpuBlock* me) => me->SharedHeld = 0;
        public static void Release() { }
    }

    /// <summary>Cross-CPU calls run at once "on" their target (Index switched to it); reschedule IPIs
    /// are counted per CPU.</summary>
    public static unsafe class CrossCall
    {
        public static int[] Reschedules = new int[PerCpuBlock.MaxCpus];
        public static int Calls;

        public static void Run(int cpu, delegate*<ulong, void> fn, ulong arg)
        {
            uint self = PerCpu.Index;
            PerCpu.Index = (uint)cpu;
            fn(arg);
            PerCpu.Index = self;
            Calls++;
        }

        public static void RunAt(int cpu, delegate*<ulong, void> fn, ulong arg)
        {
            if (cpu == (int)PerCpu.Index) fn(arg);
            else Run(cpu, fn, arg);
        }

        public static void Reschedule(int cpu) => Reschedules[cpu]++;
    }

    public static unsafe class Interrupts
    {
        public static delegate*<void> UserExitHook;
    }

    public static class Gdt
    {
        public const ushort UserData = 0x18 | 3, UserCode = 0x20 | 3;
    }

    public static class KernelSpace
    {
        public static PageTable Table;
    }

    public static unsafe class UserMode
    {
        public const ulong UserTop = 0x7400_0000_0000;

        /// <summary>The frame return_to_user would enter: the thread chosen last.</summary>
        public static InterruptFrame* Entered;
        public static ulong FsBase;

        public static void Activate(InterruptFrame* frame) => Entered = frame;
        public static void WriteFsBase(ulong fsBase) => FsBase = fsBase;
        public static void ReturnToUser() { }
    }
}

namespace Vireo.Kernel.Nucleus
{
    public static unsafe class Devices
    {
        public static void SwitchPorts(Tcb* from, Tcb* to) { }
        public static void ForgetNotification(PhysAddr phys) { }
    }

    public static unsafe class AddressSpaces
    {
        public static PageTable TableOf(PhysMap map, PhysAddr asPhys) => new PageTable(map, asPhys);
        public static void Bind(Tcb* t, PhysAddr asPhys) => t->AddressSpace = asPhys;
        public static void Unbind(Tcb* t) => t->AddressSpace = PhysAddr.Null;
    }

    public static class Mappings
    {
        public static ulong Epoch = 1;
    }

    /// <summary>No capability transfer in these tests (MessageTransferTests covers it): every handle
    /// is invalid.</summary>
    public static unsafe class Syscalls
    {
        public static Status Lookup(Tcb* t, ulong handle, out CapSlot* slot)
        {
            slot = null;
            return Status.InvalidCapability;
        }

        public static Status Lookup(Tcb* t, ulong handle, ObjectType type, Rights needed, out CapSlot* slot) => Lookup(t, handle, out slot);
    }

    /// <summary>The hooks the capability core calls when a thread drops its own capability copies:
    /// nothing to tear down in these tests.</summary>
    public struct ObjectHooks : IObjectHooks
    {
        public void Initialize(ObjectType type, PhysAddr phys, int sizeBits) { }
        public void Destroy(ObjectType type, ulong phys, int sizeBits) { }
        public void CapRemoved(ref CapSlot slot) { }
        public bool PreemptionPoint() => false;
    }
}
