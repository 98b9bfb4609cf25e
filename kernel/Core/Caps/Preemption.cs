// The preemption status of long capability operations (ADR 0003, "Preemption points"). Revoke, Delete
// of an untyped with children and Retype of many objects do a bounded unit of work, then ask the hooks'
// PreemptionPoint whether an interrupt is pending; if so they stop with every object consistent and
// return Restart. The syscall layer turns Restart into a restart of the same call (rip backed up over
// SYSCALL), so user space never sees it; the interrupt is taken on the way out.
using Vireo.Abi;

namespace Vireo.Kernel.Caps;

public static class Preemption
{
    /// <summary>Not a user-visible status: the operation stopped at a preemption point and must be
    /// issued again with the same arguments (Retype's progress is carried in its count, see Untyped).</summary>
    public const Status Restart = (Status)(-1);
}
