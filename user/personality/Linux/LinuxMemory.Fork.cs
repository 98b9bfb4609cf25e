// The copy of a Linux address space for fork, and sharing it for vfork. This copy is eager: every
// frame of the parent gets a new frame of the same size and rights in a new address space, filled
// through a bounce buffer (the personality's window holds one frame at a time). Copy-on-write (the
// personality as pager) replaces it on branch exec; the interface stays: Fork gives the child's memory,
// Share and Drop count the processes using one memory (a vfork child and its parent), and the last
// Drop releases it.
using Vireo.Abi;

namespace Vireo.Linux;

public sealed unsafe partial class LinuxMemory
{
    private const int BounceSize = 256 * 1024;
    private static byte[] s_bounce;

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

    /// <summary>A copy of this memory in a new address space (fork); on failure nothing is left and
    /// `copy` is null (OutOfMemory and the like: fork's ENOMEM).</summary>
    public Status Fork(out LinuxMemory copy)
    {
        copy = new LinuxMemory();
        Status s = copy.Create();
        s_bounce ??= new byte[BounceSize];
        for (int i = 0; i < _regions.Count && s == Status.Ok; i++)
        {
            Region r = _regions[i];
            s = copy.Map(r.Start, r.Size, r.Rights);
            for (ulong done = 0; done < r.Size && s == Status.Ok; done += BounceSize)
            {
                ulong n = r.Size - done < BounceSize ? r.Size - done : BounceSize;
                fixed (byte* b = s_bounce)
                    if (!Read(r.Start + done, b, n) || !copy.Write(r.Start + done, b, n)) s = Status.BadAddress;
            }
        }
        if (s != Status.Ok)
        {
            copy.Release();
            copy = null;
        }
        return s;
    }
}
