// A zeroed native array of SchedEntity standing in for thread objects in physical memory: entities must
// not move, because the scheduler links them by pointer.
using System;
using System.Runtime.InteropServices;
using Vireo.Abi;
using Vireo.Kernel.Sched;

namespace Vireo.Tests.Sched;

public sealed unsafe class EntityPool : IDisposable
{
    private SchedEntity* _entities;

    public EntityPool(Scheduler scheduler, int count)
    {
        Count = count;
        _entities = (SchedEntity*)NativeMemory.AllocZeroed((nuint)count, (nuint)sizeof(SchedEntity));
        for (int i = 0; i < count; i++)
            scheduler.InitEntity(&_entities[i], (ulong)i);
    }

    public int Count { get; }

    public SchedEntity* this[int index]
    {
        get
        {
            if ((uint)index >= (uint)Count)
                throw new ArgumentOutOfRangeException(nameof(index));
            return &_entities[index];
        }
    }

    /// <summary>Makes entity index a member of the class at the priority, failing the test if refused.</summary>
    public SchedEntity* Make(Scheduler scheduler, int index, SchedClass schedClass, int priority)
    {
        SchedEntity* e = this[index];
        if (!scheduler.SetClass(e, schedClass, priority))
            throw new InvalidOperationException("SetClass refused");
        return e;
    }

    public void Dispose()
    {
        if (_entities != null)
        {
            NativeMemory.Free(_entities);
            _entities = null;
        }
    }
}
