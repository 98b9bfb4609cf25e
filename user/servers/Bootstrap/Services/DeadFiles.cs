// A process's death closes its files (schemes.md, "A process's death"; ADR 0009). A file id belongs
// to one process (a file handed to another process is a Dup of its own: Children.Spawn, the shell,
// init), so closing every file a dead process held ends them only for the dead.
//
// 1. Before the process manager frees a process that ended (exited, faulted, killed), it moves
//    every file capability out of the process's CNode (CapTake: endpoint capabilities whose badge
//    has SchemeBadge.FileFlag) into the morgue, a CNode of the manager's own, then frees the
//    process. Capabilities to the dead process's own endpoints (a daemon's minted originals look like
//    files) die with it there; what is left are files of live daemons.
// 2. Each is closed with a one-way NBSend of Close, as the process would have closed it: the manager
//    never waits for a daemon, so a hostile or hung one cannot stall process management. The manager
//    tries each once at once (on one CPU daemons wait in their loops while it runs, so a file of
//    each daemon goes at once).
// 3. What a busy daemon did not take (WouldBlock: it has not run since the last Close reached it)
//    stays in the morgue, and the closer thread tries again. The closer runs at the lowest
//    time-sharing level, so a daemon its Close wakes runs at once and is back in its loop for the
//    next; a refusal is tried once more after a yield, and while only refusals are left the closer
//    passes again after a millisecond, backing off to a second while nothing goes. A capability whose endpoint died
//    meanwhile fails and is deleted. A daemon that never receives keeps only its own files there.
// Nothing is allocated per death. The morgue holds MorgueSlots; when it is full, a file is tried
// once and then dropped (it stays open in its daemon, as before this existed), counted in Dropped.
using Vireo.Abi;
using Vireo.User;

static unsafe class DeadFiles
{
    private const int MorgueBits = 10;
    private const ulong MorgueSlots = 1UL << MorgueBits;
    private const ulong CloserStack = 0x0000_5E00_0000_0000, CloserBuffer = 0x0000_5E00_0001_0000;
    private const ulong RetryNanoseconds = 1_000_000, MaxPauseNanoseconds = 1_000_000_000;
    private const int LowestLevel = 7;

    private static CapHandle s_morgue, s_work;
    private static uint s_scratch, s_closerScratch;
    private static ulong s_cursor = 1;   // where the next file goes in the morgue (slot 0 is never used)
    private static bool s_tookAny;       // the last TakeAll moved a file: CloseTaken has work
    private static LocalThread s_closer;

    /// <summary>Files taken from dead processes since start-up.</summary>
    public static ulong Taken;
    /// <summary>Files dropped unclosed because the morgue was full.</summary>
    public static ulong Dropped;

    /// <summary>Makes the morgue and starts the closer thread; false if that cannot be done (deaths then
    /// close nothing, as before).</summary>
    public static bool Init(CapHandle memory)
    {
        if (!CSpace.TryAlloc(out s_scratch) || !CSpace.TryAlloc(out s_closerScratch)) return false;
        if (CSpace.Make(memory, ObjectType.CNode, MorgueBits, out s_morgue) != Status.Ok ||
            CSpace.Make(memory, ObjectType.Notification, 0, out s_work) != Status.Ok ||
            CSpace.Make(memory, ObjectType.Frame, 12, out CapHandle buffer) != Status.Ok ||
            Sys.Map(CSpace.SelfAddressSpace, buffer, CloserBuffer, Rights.Read | Rights.Write) != Status.Ok ||
            ThreadBuilder.Create(memory, &Closer, 0, CloserStack, CloserBuffer, default, out s_closer) != Status.Ok)
        {
            s_morgue = default;
            return false;
        }
        // The lowest time-sharing level: a daemon woken by a Close outranks the closer and takes it
        // at once, before the closer sends the next (closing is never urgent for the system's sake).
        // On failure the closer runs at its default level: it competes with the daemons more, and
        // still closes everything.
        _ = Sys.ThreadSetPriority(s_closer.Thread, SchedClass.TimeSharing, LowestLevel);
        return Sys.ThreadStart(s_closer.Thread) == Status.Ok;
    }

    /// <summary>Step 1: moves every file of process p into the morgue. Call before p is destroyed; a
    /// killed process's thread is stopped first (it may be runnable) so that it opens no more.</summary>
    public static void TakeAll(ref Process p)
    {
        s_tookAny = false;
        if (s_morgue.Value == 0) return;
        // Fails only for a thread that has ended, which opens nothing more either.
        _ = Sys.ThreadSuspend(p.Thread);
        if (Sys.Identify(p.CNode, out _, out _, out int bits, out _) != Status.Ok) return;
        ulong size = 1UL << bits;
        ulong tries = 0;
        for (ulong from = 0; from < size;)
        {
            Status s = Sys.Take(p.CNode, from, SchemeBadge.FileFlag, s_morgue, (uint)s_cursor, out CapHandle moved, out ulong next);
            if (s == Status.Occupied)
            {
                if (++tries < MorgueSlots)
                {
                    Advance();
                    continue;
                }
                s = CloseNow(p.CNode, from, out next);   // the morgue is full
            }
            if (s != Status.Ok) return;
            from = next;
            if (moved.Value == 0) continue;
            Taken++;
            s_tookAny = true;
            tries = 0;
            Advance();
        }
    }

    /// <summary>Closes a file the manager itself holds (a program's file whose Spawn did not come,
    /// StagedImages) as a dead process's files are: into the morgue, one try now, the closer after.</summary>
    public static void Close(CapHandle file)
    {
        if (file.Value == 0) return;
        if (s_morgue.Value != 0 && PutBack(file, s_cursor))
        {
            CSpace.Free(file.Index);   // the move emptied the slot
            Advance();
            s_tookAny = true;
            CloseTaken();
            return;
        }
        // No morgue, or a full one: one try, and the file is dropped whatever the daemon did.
        _ = SendClose(file);
        CSpace.Release(file);
    }

    private static void Advance() => s_cursor = s_cursor + 1 == MorgueSlots ? 1 : s_cursor + 1;

    /// <summary>Step 2, after the process was destroyed: one try of every file in the morgue, then the
    /// closer thread takes over what is left. Nothing (not even a look) when the process held none.</summary>
    public static void CloseTaken()
    {
        if (!s_tookAny) return;
        // The process manager's own notification, held for good: signalling it cannot fail.
        if (Pass(s_scratch, yield: false, out _)) _ = Ipc.Signal(s_work, 1);
    }

    // The morgue is full: this one file is tried once and deleted whatever the daemon did.
    private static Status CloseNow(CapHandle cnode, ulong from, out ulong next)
    {
        Status s = Sys.Take(cnode, from, SchemeBadge.FileFlag, CSpace.Self, s_scratch, out CapHandle file, out next);
        if (s != Status.Ok || file.Value == 0) return s;
        if (SendClose(file) == Status.WouldBlock) Dropped++;
        // Take just filled the scratch slot: deleting it cannot fail.
        _ = Sys.Delete(file);
        return Status.Ok;
    }

    // One look at every file in the morgue through `scratch` (a slot of this thread's): each one
    // delivered, or whose endpoint is gone, is deleted; one the daemon did not take goes back. With
    // `yield`, a refused one is tried once more after a yield. True if any is left; `delivered` if
    // any went.
    private static bool Pass(uint scratch, bool yield, out bool delivered)
    {
        bool left = false;
        delivered = false;
        for (ulong from = 0; from < MorgueSlots;)
        {
            if (Sys.Take(s_morgue, from, SchemeBadge.FileFlag, CSpace.Self, scratch, out CapHandle file, out ulong next) != Status.Ok) break;
            from = next;
            if (file.Value == 0) continue;
            Status s = SendClose(file);
            if (s == Status.WouldBlock && yield)
            {
                Sys.Yield();
                s = SendClose(file);
            }
            delivered |= s == Status.Ok;
            // Take just filled the scratch slot: deleting it cannot fail.
            if (s != Status.WouldBlock || !PutBack(file, next - 1)) _ = Sys.Delete(file);
            else left = true;
        }
        return left;
    }

    // Back into the morgue: its old slot, or the next free one if the manager used that meanwhile.
    private static bool PutBack(CapHandle file, ulong slot)
    {
        for (ulong n = 0; n < MorgueSlots - 1; n++)
        {
            if (Sys.Move(file, s_morgue, (uint)slot, out _) == Status.Ok) return true;
            slot = slot + 1 == MorgueSlots ? 1 : slot + 1;
        }
        Dropped++;
        return false;
    }

    // The Close a process would send (SchemeCall's layout: w3 = no data), one way: nobody waits for
    // the answer (a daemon's reply to a Send is dropped by ReplyRecv).
    private static Status SendClose(CapHandle file)
    {
        Message m = default;
        return Ipc.TrySend(file, new MessageInfo(SchemeLimits.DataWord, 0, (ulong)SchemeOp.Close), ref m);
    }

    // Step 3, the closer thread: when told, passes over the morgue until it is empty. A pass that
    // left something waits a millisecond before the next, twice as long after each pass that
    // delivered nothing (up to a second: a daemon that never receives costs little). It allocates
    // nothing.
    private static ulong Closer(ulong arg)
    {
        while (true)
        {
            // The process manager's own notification, held for good: waiting on it cannot fail.
            _ = Ipc.Wait(s_work, out _);
            ulong pause = RetryNanoseconds;
            while (Pass(s_closerScratch, yield: true, out bool delivered))
            {
                // New deaths since (a signal while this thread was not waiting) start short again.
                bool fresh = delivered || Ipc.Poll(s_work, out _) == Status.Ok;
                pause = fresh ? RetryNanoseconds : pause * 2 > MaxPauseNanoseconds ? MaxPauseNanoseconds : pause * 2;
                Sys.Sleep(pause);
            }
        }
    }
}
