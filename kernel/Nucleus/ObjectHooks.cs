// What the capability core calls when objects are born and die, bound to the thread and
// address-space layers. A struct, passed by ref: ilc specialises the core for it.
using Vireo.Abi;
using Vireo.Kernel.Arch.X64;
using Vireo.Kernel.Caps;
using Vireo.Kernel.Memory;

namespace Vireo.Kernel.Nucleus;

public unsafe struct ObjectHooks : IObjectHooks
{
    public bool Failed; // an Initialize that could not complete (no ASID left)

    public void Initialize(ObjectType type, PhysAddr phys, int sizeBits)
    {
        ObjectCounts.Made(type);
        var map = NucleusContext.Current.Direct;
        switch (type)
        {
            case ObjectType.Thread:
                Threads.InitializeObject(map.As<Tcb>(phys));
                break;
            case ObjectType.AddressSpace:
                if (!AddressSpaces.Initialize(map, phys, sizeBits)) Failed = true;
                break;
        }
    }

    public void Destroy(ObjectType type, ulong phys, int sizeBits)
    {
        ObjectCounts.Gone(type);
        var map = NucleusContext.Current.Direct;
        switch (type)
        {
            case ObjectType.Thread:
                Threads.Destroy(map.As<Tcb>(phys));
                break;
            case ObjectType.AddressSpace:
                AddressSpaces.Destroy(map, (PhysAddr)phys);
                break;
            case ObjectType.Endpoint:
            case ObjectType.Notification:
            case ObjectType.Reply:
                Ipc.DestroyObject(type, (PhysAddr)phys);
                break;
            case ObjectType.IrqHandler:
                Devices.ReleaseLine(phys);
                break;
        }
    }

    public void CapRemoved(ref CapSlot slot)
    {
        if (slot.Type == ObjectType.Frame && slot.Extra != 0) Mappings.Remove(ref slot);
        // A thread's own copy of its CNode or address space capability (Spare = the thread):
        // losing it means the thread can no longer run.
        if ((slot.Type == ObjectType.CNode || slot.Type == ObjectType.AddressSpace) && slot.Spare != 0)
        {
            var t = NucleusContext.Current.Direct.As<Tcb>(slot.Spare);
            slot.Spare = 0;
            Threads.Kill(t, ThreadExitKind.Killed, 0);
            if (slot.Type == ObjectType.AddressSpace) AddressSpaces.Unbind(t);
            else t->CNode = PhysAddr.Null;
        }
    }

    // A pending interrupt (read in the local APIC's request register, interrupts being off) stops the
    // operation; the syscall is restarted after the interrupt is taken on the way out (ADR 0003).
    public bool PreemptionPoint() => LocalApic.InterruptPending();
}
