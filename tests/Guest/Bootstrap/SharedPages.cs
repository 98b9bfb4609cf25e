// Pages of memory mapped here at one address and handed to a child process as its shared frames
// (ProcessOptions.SharedFrames): the shared-memory test and the shm benchmark make and drop them alike.
using Vireo.Abi;
using Vireo.User;

namespace Vireo.Bootstrap.Tests;

static unsafe class SharedPages
{
    /// <summary>Makes `pages` frames from `memory` into `frames` and maps them, read-write, from
    /// `region` on.</summary>
    public static void Map(CapHandle memory, uint pages, ulong region, CapHandle* frames)
    {
        for (uint i = 0; i < pages; i++)
        {
            CSpace.Make(memory, ObjectType.Frame, 12, out frames[i]);
            Sys.Map(CSpace.SelfAddressSpace, frames[i], region + i * 4096UL, Rights.Read | Rights.Write);
        }
    }

    /// <summary>Deletes the frames (which unmaps them) and frees their slots.</summary>
    public static void Release(uint pages, CapHandle* frames)
    {
        for (uint i = 0; i < pages; i++) CSpace.Release(frames[i]);
    }
}
