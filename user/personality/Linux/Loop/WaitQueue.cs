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

    /// <summary>Puts `p` on the queue once. The scan is what bounds the queue: a call served again adds
    /// its process to every queue it waits on anew, and the queues that did not wake still hold it. It
    /// is over the processes parked here (at most Processes.Max; one or two in practice).</summary>
    public void Add(LinuxProcess p)
    {
        if (!_waiters.Contains(p)) _waiters.Add(p);
    }

    /// <summary>How many are queued, and each (Pipes.ReaderWakes arms their deadlines).</summary>
    public int Count => _waiters.Count;
    public LinuxProcess this[int i] => _waiters[i];

    /// <summary>Every parked process on the queue becomes runnable; the queue empties.</summary>
    public void WakeAll()
    {
        if (_waiters.Count == 0) return;
        for (int i = 0; i < _waiters.Count; i++) EventLoop.MakeRunnable(_waiters[i]);
        _waiters.Clear();
    }
}
