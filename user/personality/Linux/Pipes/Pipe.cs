// A Linux pipe inside the personality (pipe, pipe2, socketpair): both ends belong to its own
// processes, so the bytes stay in a ring here (PipeBuffer, 64 KiB) and never pass through ipcd: no IPC
// per read or write. Readers and writers are counted by open file description (LinuxFile: dup and
// fork share one, and its last close releases its end), so end of file and EPIPE come as on Linux.
// A read that finds the ring empty and a write that finds it full park on the pipe's WaitQueues
// (ADR 0015); the other side's call, or the last close of an end, wakes them.
using Vireo.Linux.Loop;

namespace Vireo.Linux.Pipes;

public sealed class Pipe
{
    public readonly PipeBuffer Ring = new PipeBuffer();
    public int Readers = 1, Writers = 1;
    /// <summary>Waiting to read: woken by a write and by the last writer's close.</summary>
    public readonly WaitQueue ReadWaiters = new WaitQueue();
    /// <summary>Waiting to write: woken by a read and by the last reader's close.</summary>
    public readonly WaitQueue WriteWaiters = new WaitQueue();
    /// <summary>poll and select on either end: woken by any change.</summary>
    public readonly WaitQueue Pollers = new WaitQueue();

    public void CloseReader()
    {
        if (--Readers > 0) return;
        WriteWaiters.WakeAll();   // their writes fail with EPIPE now
        Pollers.WakeAll();
    }

    public void CloseWriter()
    {
        if (--Writers > 0) return;
        ReadWaiters.WakeAll();    // end of file
        Pollers.WakeAll();
    }

    /// <summary>After bytes went in: readers and pollers look again.</summary>
    public void Filled()
    {
        ReadWaiters.WakeAll();
        Pollers.WakeAll();
    }

    /// <summary>After bytes came out: writers and pollers look again.</summary>
    public void Drained()
    {
        WriteWaiters.WakeAll();
        Pollers.WakeAll();
    }
}
