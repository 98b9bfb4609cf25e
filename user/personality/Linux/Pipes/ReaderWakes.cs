// Deferred wake-ups of a pipe's readers while its writer streams small writes (docs/design/linux.md,
// "Pipes"). Every Linux call is two address-space switches, and a parked reader woken by each write
// runs, reads the one or two bytes there and parks again: two more switches and two more calls per
// write. BusyBox's bc writes each piece of a number with a write of its own (10 million writes of 1 to
// 3 bytes in `bc parsing of numbers`), so its reader paid that for every byte. Linux's scheduler lets
// the writer run on and the reader take what piled up; this does the same in the loop: a write that
// follows the same process's write to the same pipe (its previous call: a stream, not a request and
// its answer) does not wake the readers at once but arms their deadline Delay ahead (Timers), and
// the wake goes out as soon as the pipe holds PIPE_BUF, the writer must wait for room, any process
// makes a call other than the writer's next write, or the deadline passes. A reader thus waits at most
// Delay longer than it would have, and only while the writer runs without calling anything else.
// The calls the loop answers on its fast path (getpid and the other identity calls: EventLoop.Quick)
// are not seen here: they neither end a stream nor send a put-off wake, which the deadline still bounds.
using Vireo.Linux.Loop;
using Vireo.User;

namespace Vireo.Linux.Pipes;

public static class ReaderWakes
{
    public const ulong Delay = 2_000_000;   // 2 ms, a scheduler's tick as Linux would give the writer
    private const ulong ReadCall = 0, WriteCall = 1, WritevCall = 20;

    // The pipe whose readers' wake is put off, and its writer.
    private static Pipe s_deferredPipe;
    private static LinuxProcess s_deferredWriter;

    /// <summary>Whether BeforeCall has anything to do for `caller` (the loop's test on every call).</summary>
    public static bool Watching(LinuxProcess caller) => caller.StreamingTo != null || s_deferredPipe != null;

    /// <summary>The loop, before serving `caller`'s call `number`: a call other than a write ends the
    /// caller's stream, and a put-off wake goes out unless this is its writer's next write.</summary>
    public static void BeforeCall(LinuxProcess caller, ulong number)
    {
        bool write = number == WriteCall || number == WritevCall;
        if (!write) caller.StreamingTo = null;
        if (s_deferredPipe != null && !(write && caller == s_deferredWriter)) Flush();
    }

    /// <summary>After `writer` put bytes into `pipe`: its readers are woken now (false) or later (true).</summary>
    public static bool Defer(LinuxProcess writer, Pipe pipe)
    {
        bool stream = writer.StreamingTo == pipe;
        writer.StreamingTo = pipe;
        if (!stream || pipe.Ring.Count >= PipeBuffer.Atomic || pipe.ReadWaiters.Count == 0)
        {
            if (s_deferredPipe == pipe) s_deferredPipe = null;   // the caller wakes them now
            return false;
        }
        if (s_deferredPipe == pipe) return true;   // armed already
        // Only readers parked in a read of this pipe are put off (their deadline is the wake); a pipe
        // with any other waiter is woken now.
        WaitQueue readers = pipe.ReadWaiters;
        for (int i = 0; i < readers.Count; i++)
        {
            LinuxProcess r = readers[i];
            if (r.IsParked && !r.Runnable && !(r.Call.Number == ReadCall && r.Files.Get(r.Call.A0)?.ReadEnd == pipe)) return false;
        }
        Flush();
        s_deferredPipe = pipe;
        s_deferredWriter = writer;
        ulong deadline = Sys.TimeNanos() + Delay;
        for (int i = 0; i < readers.Count; i++)
        {
            LinuxProcess r = readers[i];
            if (r.IsParked && !r.Runnable) Timers.WakeAt(r, deadline);
        }
        return true;
    }

    /// <summary>A read took bytes from `pipe` (its deadline or another wake served it): nothing is put off.</summary>
    public static void Drained(Pipe pipe)
    {
        if (s_deferredPipe == pipe) s_deferredPipe = null;
    }

    /// <summary>The put-off wake goes out now (the writer waits for room, or another call came).</summary>
    public static void Flush()
    {
        Pipe pipe = s_deferredPipe;
        if (pipe == null) return;
        s_deferredPipe = null;
        s_deferredWriter = null;
        pipe.Filled();
    }
}
