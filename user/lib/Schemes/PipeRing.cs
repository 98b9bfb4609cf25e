// The page a pipe's holders share (docs/design/ipcd.md, "Pipes: the shared ring"): its lock. The
// header and the ring's arithmetic are in PipeRingBytes.cs (portable, host-tested). ipcd makes one
// page and two notifications per pipe and hands copies to every process that attaches an end; reads
// and writes then move bytes through the page and wake each other through the notifications without
// a request to the daemon. The daemon keeps what only it may decide (how many ends are open) and
// writes it here for the holders to read.
//
// Everything in the page can be spoiled by any holder of either end, so nothing read from it is
// trusted further than this process's own safety: positions and counts are clamped before use. A
// holder can garble the pipe for the other holders, as it could by writing garbage into it; it cannot
// reach anything else.
using System.Runtime;
using System.Runtime.CompilerServices;
using Vireo.Abi;

namespace Vireo.User.Schemes;

public static unsafe partial class PipeRing
{
    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "vireo_cmpxchg32")]
    private static extern int CompareExchange(int* location, int expected, int value);

    /// <summary>Takes the ring's lock for `token` (not 0: the id of the holder's file, which ipcd
    /// answered Attach with). The holder keeps it for a few hundred instructions. On several CPUs it
    /// usually runs on another one, so the waiter first watches the lock word for a while (without
    /// writing it: the holder's cache line stays put); a holder that was preempted needs the CPU
    /// instead: yield, then sleep a tick, as a yield goes back to this thread when the holder sits at a
    /// lower level. On one CPU the watch costs a few microseconds once per contention. A holder that
    /// dies inside never comes back: the closing of its file (which its death brings) breaks the lock
    /// (Break), so a waiter here is not stuck for ever.</summary>
    public static void Acquire(PipeRingHeader* h, int token)
    {
        // Compare-and-exchange: a waiter must not overwrite the holder's token.
        for (int spins = 0; CompareExchange(&h->Lock, 0, token) != 0; spins++)
        {
            if (spins < 2) SpinUntil(&h->Lock, 0, WatchRounds);
            else if (spins < 6) Sys.Yield();
            else Sys.Sleep(1_000_000);
        }
    }

    private const int WatchRounds = 256;

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "vireo_spin_until")]
    private static extern int SpinUntil(int* location, int value, int rounds);

    /// <summary>ipcd, as file `token` closes: frees the lock if that file's holder holds it. The ring
    /// is consistent whenever a holder stops: Put commits with one store of Count, Take with one
    /// store of Head and Count. Breaking a lock a live holder still uses (it closed its own file
    /// while another of its threads wrote) can garble only that pipe, as any holder can.</summary>
    public static bool Break(PipeRingHeader* h, int token) => CompareExchange(&h->Lock, token, 0) == token;

    // The locked compare-exchange is also the barrier that keeps the ring's stores before the
    // release. Only the holder's token is cleared: a lock ipcd broke and another took stays taken.
    public static void Release(PipeRingHeader* h, int token) => CompareExchange(&h->Lock, token, 0);
}
