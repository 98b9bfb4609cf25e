// What the capability core asks of the rest of the kernel. Passed as `ref THooks` with a struct constraint
// so that ilc specialises every operation for the kernel's hooks: no interface dispatch, no boxing.
using Vireo.Abi;
using Vireo.Kernel.Memory;

namespace Vireo.Kernel.Caps;

public interface IObjectHooks
{
    /// <summary>A new object was carved and zeroed; sizeBits is the value stored in its capability. Retype
    /// makes memory objects only, so the object is an address.</summary>
    void Initialize(ObjectType type, PhysAddr phys, int sizeBits);

    /// <summary>The last capability to the object went; its memory has already been returned to its untyped
    /// and is not reused before the current operation ends and the list of dying CNodes is empty. For a
    /// CNode the slots have been emptied, and the hook must not write the CNode's memory: its empty slots
    /// may still hold dying-CNode entries (see CapDeletion) until that list is drained.</summary>
    /// The object is CapSlot.Object: an address but for an IrqHandler (its line), so a number here.
    void Destroy(ObjectType type, ulong phys, int sizeBits);

    /// <summary>The slot is about to be emptied by Delete or Revoke (e.g. unmap the frame it maps).</summary>
    void CapRemoved(ref CapSlot slot);

    /// <summary>A long operation finished one bounded unit of work (a capability deleted, a subtree lifted,
    /// an object made) and left every object consistent. True asks it to stop and return
    /// Preemption.Restart (an interrupt is pending); false lets it go on.</summary>
    bool PreemptionPoint();
}
