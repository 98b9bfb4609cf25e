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

    public static class Cpu
    {
        public static PhysAddr Cr3;
        public static PhysAddr ReadCr3() => Cr3;
        public static void WriteCr3(PhysAddr root) => Cr3 = root;
        public static void DisableInterrupts() { }
        public static ulong ReadTsc() => Tsc.Now;   // the idle loop's halted time (KernelCounter.IdleTsc)

        /// <summary>The idle loop: on the host nothing can interrupt it, so a test that gets here has
        /// left no thread to run.</summary>
        public static void EnableInterruptsAndHalt() => throw new InvalidOperationException("idle: no runnable thread");
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
