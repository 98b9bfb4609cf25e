// One memory used by two processes: a vfork child (clone with CLONE_VM|CLONE_VFORK) runs in its
// parent's address space until it execs or exits. Users counts them; each process drops its use when
// it ends or execs, and the last Drop releases the memory.
namespace Vireo.Linux;

public sealed partial class LinuxMemory
{
    /// <summary>Processes using this memory: 1, or 2 while a vfork child shares its parent's.</summary>
    public int Users = 1;

    /// <summary>Another process uses this memory (CLONE_VM): it is released at the last Drop.</summary>
    public LinuxMemory Share()
    {
        Users++;
        return this;
    }

    /// <summary>A process stops using this memory (it ended, or exec gave it a new one).</summary>
    public void Drop()
    {
        if (--Users == 0) Release();
    }
}
