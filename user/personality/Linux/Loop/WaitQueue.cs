// What a parked call waits for (ADR 0015): a pipe's readers, a process's children, the watched
// descriptors. A handler that cannot finish adds its process with WaitOn and answers EventLoop.Parked;
// whoever changes the state wakes the queue, which makes its processes runnable, and the loop serves
// their calls again from the start. A process may be on several queues (poll); waking from one leaves
// stale entries on the others, which wake nothing: only a parked process is made runnable.
using System.Collections.Generic;

namespace Vireo.Linux.Loop;

public sealed class WaitQueue
{
    private readonly List<LinuxProcess> _waiters = new List<LinuxProcess>();

    public bool IsEmpty => _waiters.Count == 0;

    public void Add(LinuxProcess p)
    {
        if (!_waiters.Contains(p)) _waiters.Add(p);
    }

    public void Remove(LinuxProcess p) => _waiters.Remove(p);

    /// <summary>Every parked process on the queue becomes runnable; the queue empties.</summary>
    public void WakeAll()
    {
        if (_waiters.Count == 0) return;
        for (int i = 0; i < _waiters.Count; i++) EventLoop.MakeRunnable(_waiters[i]);
        _waiters.Clear();
    }
}
