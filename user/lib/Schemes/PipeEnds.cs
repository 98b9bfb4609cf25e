// The pipe ends this process has attached (PipeRing.cs): Fs.Read and Fs.Write of such a descriptor
// move bytes through the shared page and never call the daemon, except to report a change while a
// watch is pending. A descriptor is attached the first time the daemon answers a request on it with
// SharedRing (a pipe end this process received from its parent is attached as lazily as one it made).
//
// Waiting: a reader that finds the ring empty counts itself in ReaderWaiters and waits on the data
// notification; whoever changes the ring signals it while the count is not 0, and a woken reader
// that leaves something (bytes, or end of file) for another waiter signals again. Notifications keep a
// signal that finds nobody waiting, so a wake-up between counting and waiting is not lost; a woken
// thread always looks again, so an extra signal costs one pass. Writers mirror this on the room one.
using Vireo.Abi;

namespace Vireo.User.Schemes;

public static unsafe class PipeEnds
{
    public const int Max = 16;
    /// <summary>Where attached pages are mapped: one page per table entry.</summary>
    public const ulong Base = 0x0000_0000_7000_0000;

    private struct Table
    {
        public fixed ulong Fd[Max];      // the descriptor's capability handle; 0 = free entry
        public fixed ulong Frame[Max];
        public fixed ulong Data[Max];
        public fixed ulong Room[Max];
        public fixed byte End[Max];
        public fixed int Token[Max];     // the lock token: the file's id in ipcd (Attach's w1)
    }
    private static Table s_t;
    private static int s_count;

    /// <summary>The entry of descriptor `fd`, or -1 (most descriptors: a loop over no entries).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]   // on every Read and Write: no call when no pipe is attached
    public static int Find(Fd fd)
    {
        if (s_count == 0) return -1;
        return Search(fd);
    }

    private static int Search(Fd fd)
    {
        for (int e = 0; e < Max; e++) if (s_t.Fd[e] == fd.Cap.Value) return e;
        return -1;
    }

    /// <summary>Asks the daemon for the pipe's page and notifications and maps the page.</summary>
    public static Status Attach(Fd fd, out int entry)
    {
        entry = -1;
        int e = 0;
        while (e < Max && s_t.Fd[e] != 0) e++;
        if (e == Max) return Status.NoSpace;
        Status s = SchemeCall.Call(fd.Cap, SchemeOp.Attach, 0, 0, 0, 0, 0, 3, out SchemeReply r);
        if (s != Status.Ok) return s;
        s = r.W0 != PipeRing.ReadEnd && r.W0 != PipeRing.WriteEnd || r.W1 == 0 || r.W1 > int.MaxValue ? Status.BadReply :
            Sys.Map(CSpace.SelfAddressSpace, r.Cap0, Base + (ulong)e * 4096, Rights.Read | Rights.Write);
        if (s != Status.Ok)
        {
            CSpace.Release(r.Cap0);
            CSpace.Release(r.Cap1);
            CSpace.Release(r.Cap2);
            return s == Status.WrongType || s == Status.InsufficientRights ? Status.BadReply : s;
        }
        s_t.Fd[e] = fd.Cap.Value;
        s_t.Frame[e] = r.Cap0.Value;
        s_t.Data[e] = r.Cap1.Value;
        s_t.Room[e] = r.Cap2.Value;
        s_t.End[e] = (byte)r.W0;
        s_t.Token[e] = (int)r.W1;
        s_count++;
        entry = e;
        return Status.Ok;
    }

    /// <summary>Forgets descriptor fd's page (it is being closed or handed away), if attached.</summary>
    public static void Detach(Fd fd)
    {
        int e = Find(fd);
        if (e < 0) return;
        CSpace.Release(new CapHandle(s_t.Frame[e]));   // deleting the capability unmaps the page
        CSpace.Release(new CapHandle(s_t.Data[e]));
        CSpace.Release(new CapHandle(s_t.Room[e]));
        s_t.Fd[e] = 0;
        s_count--;
    }

    /// <summary>Reads or writes through descriptor fd's page: entry `e`, or (e &lt; 0, the daemon having
    /// answered SharedRing) the page attached now.</summary>
    public static Status Transfer(int e, Fd fd, bool write, byte* buffer, int count, out int done)
    {
        done = 0;
        if (e < 0)
        {
            Status s = Attach(fd, out e);
            if (s != Status.Ok) return s;
        }
        return write ? Write(e, fd, buffer, count, out done) : Read(e, fd, buffer, count, out done);
    }

    // Wakes the waiters on one of the pipe's notifications. A signal fails only when ipcd has
    // revoked the notification (the pipe is gone), and then nobody waits on it any more.
    private static void Wake(ulong notification) => _ = Ipc.Signal(new CapHandle(notification), 1);

    private static PipeRingHeader* Page(int e) => (PipeRingHeader*)(Base + (ulong)e * 4096);

    /// <summary>Reads up to `count` bytes, waiting while the ring is empty and a writer is left;
    /// 0 bytes = end of file.</summary>
    private static Status Read(int e, Fd fd, byte* buffer, int count, out int read)
    {
        read = 0;
        if (s_t.End[e] != PipeRing.ReadEnd) return Status.BadDescriptor;
        if (count == 0) return Status.Ok;
        PipeRingHeader* h = Page(e);
        bool waited = false;
        while (true)
        {
            PipeRing.Acquire(h, s_t.Token[e]);
            if (waited) h->ReaderWaiters--;
            int n = PipeRing.Take(h, buffer, count);
            if (n > 0 || h->Writers <= 0)
            {
                // Room for a waiting writer; bytes or end of file for another waiting reader.
                bool room = n > 0 && h->WriterWaiters > 0;
                bool more = (PipeRing.Held(h) > 0 || h->Writers <= 0) && h->ReaderWaiters > 0;
                bool watched = h->Watched != 0;
                PipeRing.Release(h, s_t.Token[e]);
                if (room) Wake(s_t.Room[e]);
                if (more) Wake(s_t.Data[e]);
                if (watched && n > 0) Changed(fd);
                read = n;
                return Status.Ok;
            }
            h->ReaderWaiters++;
            PipeRing.Release(h, s_t.Token[e]);
            // The daemon revoked the notification: the pipe is gone (this end was closed elsewhere).
            if (Ipc.Wait(new CapHandle(s_t.Data[e]), out _) != Status.Ok) return Status.BadDescriptor;
            waited = true;
        }
    }

    /// <summary>Writes all `count` bytes, waiting for room as often as it takes; BrokenPipe once no
    /// reader is left (`written` says how many went before).</summary>
    private static Status Write(int e, Fd fd, byte* buffer, int count, out int written)
    {
        written = 0;
        if (s_t.End[e] != PipeRing.WriteEnd) return Status.BadDescriptor;
        PipeRingHeader* h = Page(e);
        bool waited = false;
        while (written < count)
        {
            PipeRing.Acquire(h, s_t.Token[e]);
            if (waited) h->WriterWaiters--;
            if (h->Readers <= 0)
            {
                bool others = h->WriterWaiters > 0;
                PipeRing.Release(h, s_t.Token[e]);
                if (others) Wake(s_t.Room[e]);
                return Status.BrokenPipe;
            }
            int n = PipeRing.Put(h, buffer + written, count - written);
            if (n > 0)
            {
                bool data = h->ReaderWaiters > 0;
                bool room = PipeRing.Held(h) < PipeRing.Capacity && h->WriterWaiters > 0;
                bool watched = h->Watched != 0;
                PipeRing.Release(h, s_t.Token[e]);
                if (data) Wake(s_t.Data[e]);
                if (room) Wake(s_t.Room[e]);
                if (watched) Changed(fd);
                written += n;
                continue;
            }
            h->WriterWaiters++;
            PipeRing.Release(h, s_t.Token[e]);
            if (Ipc.Wait(new CapHandle(s_t.Room[e]), out _) != Status.Ok) return Status.BadDescriptor;
            waited = true;
        }
        return Status.Ok;
    }

    // A watch on this pipe waits for the daemon to see a change it cannot see by itself. The read or
    // write it follows has succeeded whatever the daemon answers; a daemon that is gone cannot wake
    // anyone, and its watchers learn of its death from the kernel.
    private static void Changed(Fd fd) => _ = SchemeCall.Call(fd.Cap, SchemeOp.Changed, 0, 0, 0, 0, 0, 0, out _);
}
