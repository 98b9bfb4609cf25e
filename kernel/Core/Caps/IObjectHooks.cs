// What the capability core asks of the rest of the kernel. Passed as `ref THooks` with a struct constraint
// so that ilc specialises every operation for the kernel's hooks: no interface dispatch, no boxing.
using Vireo.Abi;

namespace Vireo.Kernel.Caps;

public interface IObjectHooks
{
    /// <summary>A new object was carved and zeroed; sizeBits is the value stored in its capability.</summary>
    void Initialize(ObjectType type, ulong phys, int sizeBits);

    /// <summary>The last capability to the object went. For a CNode, its slots have already been emptied.
    /// Its memory has been returned to its untyped; it is not reused before the current operation ends.</summary>
    void Destroy(ObjectType type, ulong phys, int sizeBits);

    /// <summary>The slot is about to be emptied by Delete or Revoke (e.g. unmap the frame it maps).</summary>
    void CapRemoved(ref CapSlot slot);
}
