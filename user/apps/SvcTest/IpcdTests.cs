// In-guest tests of ipcd: pipe:, chan: and shm: against the live daemons. A second party (a reader
// that must wait, an Accept with nobody connecting yet) is a helper thread in this process making
// one raw call through its own IPC buffer (the scheme library's buffer belongs to the main thread);
// the main thread checks it is still blocked, acts, then collects its answer.
// The shm: tests are in IpcdTests.Shm.cs.
using Vireo.Abi;
using Vireo.User;
using Vireo.User.Schemes;
using T = Vireo.User.Testing.TestRunner;

static unsafe partial class IpcdTests
{
    private const ulong HelperStack = 0x0000_5A00_0000_0000;
    private const ulong HelperBuffer = 0x0000_5A00_0001_0000;

    private struct Bytes { public fixed byte B[SchemeLimits.MaxData]; }

    // The helper's one call and what came back.
    private static CapHandle s_cap;
    private static SchemeOp s_op;
    private static ulong s_w0;
    private static int s_length;
    private static Bytes s_out, s_in;
    private static uint s_landing;
    private static Status s_status;
    private static ulong s_resultW0;
    private static int s_resultLength;
    private static CapHandle s_received;
    private static bool s_ready;
    private static ulong s_delay;   // nanoseconds the helper sleeps before its call

    public static void Run()
    {
        s_ready = MapHelperBuffer();
        T.Run("pipe.round_trip", &PipeRoundTrip);
        T.Run("pipe.reader_waits_for_writer", &PipeReaderWaits);
        T.Run("pipe.eof_after_last_writer_closes", &PipeEof);
        T.Run("pipe.broken_pipe", &PipeBroken);
        T.Run("pipe.full_pipe_holds_writer", &PipeFull);
        T.Run("pipe.bad_inputs", &PipeBadInputs);
        T.Run("pipe.shared_page_attach_and_revoke", &PipeSharedPage);
        T.Run("chan.listen_connect_accept_send_receive", &ChanRoundTrip);
        T.Run("chan.accept_waits_for_connect", &ChanAcceptWaits);
        T.Run("chan.peer_close_eof_and_broken_pipe", &ChanPeerClose);
        T.Run("chan.full_queue_holds_writer", &ChanFull);
        T.Run("chan.not_found_exists_bad_inputs", &ChanBadInputs);
        T.Run("shm.shared_between_two_mappings", &ShmShared);
        T.Run("shm.shared_with_another_process", &ShmOtherProcess);
        T.Run("shm.funmap_and_map_again", &ShmFunmap);
        T.Run("shm.unlink_and_bad_inputs", &ShmBadInputs);
        T.Run("shm.private_to_its_creator_by_default", &ShmPrivate);
        T.Run("shm.read_only_open_maps_read_only", &ShmReadOnly);
        T.Run("shm.shared_with_others_for_reading", &ShmOthersRead);
        T.Run("shm.family_share_refuses_an_outsider", &ShmFamilyOutsider);
    }

    // --- pipes -----------------------------------------------------------------------------------

    private static void PipeRoundTrip()
    {
        if (!T.Status(Status.Ok, Fs.Pipe(out Fd r, out Fd w), "Open(pipe:) gives two ends")) return;
        byte* buf = stackalloc byte[64];
        T.Status(Status.Ok, Write(w, "hello"), "write 5 bytes");
        T.Status(Status.Ok, Fs.Fstat(r, out ulong size, out FileKind kind), "fstat");
        T.Equal(5, (long)size, "fstat counts the buffered bytes");
        T.True(kind == FileKind.Pipe, "fstat says Pipe");
        T.Status(Status.Ok, Fs.Read(r, buf, 3, out int n), "read 3 of them");
        T.Equal(3, n, "a read takes at most what was asked");
        T.True(Is(buf, n, "hel"), "the first three bytes, in order");
        T.Status(Status.Ok, Fs.Read(r, buf, 64, out n), "read the rest");
        T.Equal(2, n, "a read returns what there is");
        T.True(Is(buf, n, "lo"), "the last two bytes");
        T.Status(Status.Ok, Fs.Close(r), "close r");
        T.Status(Status.Ok, Fs.Close(w), "close w");
    }

    private static void PipeReaderWaits()
    {
        if (!T.Status(Status.Ok, Fs.Pipe(out Fd r, out Fd w), "pipe")) return;
        T.True(Attached(r), "attach the read end");
        LocalThread t = Start(r.Cap, SchemeOp.Read, 16, null);
        T.True(StillWaiting(t), "a read of an empty pipe waits");
        T.Status(Status.Ok, Write(w, "abc"), "then a write");
        T.True(Finish(ref t), "lets the reader go");
        T.Status(Status.Ok, s_status, "reader's status");
        T.Equal(3, s_resultLength, "it got the bytes written");
        fixed (byte* got = s_in.B) T.True(Is(got, 3, "abc"), "the bytes themselves");
        T.Status(Status.Ok, Fs.Close(r), "close r");
        T.Status(Status.Ok, Fs.Close(w), "close w");
    }

    private static void PipeEof()
    {
        if (!T.Status(Status.Ok, Fs.Pipe(out Fd r, out Fd w), "pipe")) return;
        byte* buf = stackalloc byte[16];
        T.Status(Status.Ok, Fs.Dup(w, out Fd w2), "dup the write end");
        T.Status(Status.Ok, Write(w, "xy"), "write w");
        T.Status(Status.Ok, Fs.Close(w), "close one writer");
        T.Status(Status.Ok, Fs.Read(r, buf, 16, out int n), "buffered bytes still come");
        T.Equal(2, n, "both of them");
        LocalThread t = Start(r.Cap, SchemeOp.Read, 16, null);
        T.True(StillWaiting(t), "a writer (the dup) is left: the reader waits");
        T.Status(Status.Ok, Fs.Close(w2), "close the last writer");
        T.True(Finish(ref t), "the waiting reader is released");
        T.Status(Status.Ok, s_status, "with Ok");
        T.Equal(0, s_resultLength, "and 0 bytes: end of file");
        T.Status(Status.Ok, Fs.Read(r, buf, 16, out n), "a later read");
        T.Equal(0, n, "is end of file too");
        T.Status(Status.Ok, Fs.Close(r), "close r");
    }

    private static void PipeBroken()
    {
        if (!T.Status(Status.Ok, Fs.Pipe(out Fd r, out Fd w), "pipe")) return;
        T.Status(Status.Ok, Fs.Close(r), "close the only reader");
        T.Status(Status.BrokenPipe, Write(w, "lost"), "a write with no reader left");
        T.Status(Status.Ok, Fs.Close(w), "close w");
    }

    private static void PipeFull()
    {
        if (!T.Status(Status.Ok, Fs.Pipe(out Fd r, out Fd w), "pipe")) return;
        byte* buf = stackalloc byte[SchemeLimits.MaxData];
        for (int i = 0; i < SchemeLimits.MaxData; i++) buf[i] = (byte)i;
        int total = 0;
        while (total < PipeRing.Capacity)
        {
            int chunk = PipeRing.Capacity - total > SchemeLimits.MaxData ? SchemeLimits.MaxData : PipeRing.Capacity - total;
            if (Fs.Write(w, buf, chunk, out int n) != Status.Ok) break;
            total += n;
        }
        T.Equal(PipeRing.Capacity, total, "the pipe's capacity goes in without waiting");
        LocalThread t = Start(w.Cap, SchemeOp.Write, 0, "Z");
        T.True(StillWaiting(t), "a write to a full pipe waits (it is not answered with 0 taken)");
        T.Status(Status.Ok, Fs.Read(r, buf, 100, out int got), "a reader drains 100 bytes");
        T.True(Finish(ref t), "the writer is let in");
        T.Status(Status.Ok, s_status, "its status");
        T.Equal(1, (long)s_resultW0, "its byte was taken");
        T.Status(Status.Ok, Fs.Fstat(r, out ulong held, out _), "fstat r");
        T.Equal(PipeRing.Capacity - 100 + 1, (long)held, "what is left, plus the writer's byte");
        // Read exactly what is held: a read of an empty pipe with a writer open would wait.
        int last = 0;
        for (long left = (long)held; left > 0 && T.True(got > 0, "bytes keep coming"); left -= got)
        {
            T.Status(Status.Ok, Fs.Read(r, buf, left > SchemeLimits.MaxData ? SchemeLimits.MaxData : (int)left, out got), "read r");
            if (got > 0) last = buf[got - 1];
        }
        T.Equal('Z', last, "the waiting writer's byte comes last");
        T.Status(Status.Ok, Fs.Close(r), "close r");
        T.Status(Status.Ok, Fs.Close(w), "close w");
    }

    private static void PipeBadInputs()
    {
        if (!T.Status(Status.Ok, Fs.Pipe(out Fd r, out Fd w), "pipe")) return;
        byte* buf = stackalloc byte[8];
        T.Status(Status.BadDescriptor, Fs.Read(w, buf, 8, out _), "read on the write end");
        T.Status(Status.BadDescriptor, Write(r, "x"), "write on the read end");
        T.Status(Status.NotSupported, Fs.Seek(r, 0, SeekFrom.Start, out _), "seek on a pipe");
        T.Status(Status.NotFound, Fs.Open("pipe:named", OpenFlags.Read, out _), "pipe: has no names");
        CSpace.TryAlloc(out uint slot);
        T.Status(Status.Ok, Sys.Copy(r.Cap, CSpace.Self, slot, Rights.Read | Rights.Write | Rights.Grant, out CapHandle copy), "copy");
        T.Status(Status.Ok, Fs.Close(r), "close r");
        T.Status(Status.BadDescriptor, Fs.Read(new Fd(copy), buf, 8, out _), "a closed file stops working in every copy");
        CSpace.Free(slot);
        T.Status(Status.Ok, Fs.Close(w), "close w");
    }

    // Bytes go through a page shared with the daemon: a plain Read request is turned away with
    // SharedRing, Attach hands out the page and two notifications, and closing the pipe's last file
    // revokes every copy handed out (a former holder can neither see nor signal the next pipe).
    private static void PipeSharedPage()
    {
        if (!T.Status(Status.Ok, Fs.Pipe(out Fd r, out Fd w), "pipe")) return;
        T.Status(Status.SharedRing, SchemeCall.Call(r.Cap, SchemeOp.Read, 8, 0, 0, 0, 0, 0, out _), "a Read request is answered SharedRing");
        T.Status(Status.BadDescriptor, SchemeCall.Call(w.Cap, SchemeOp.Read, 8, 0, 0, 0, 0, 0, out _), "on the write end it is BadDescriptor");
        if (!T.Status(Status.Ok, SchemeCall.Call(r.Cap, SchemeOp.Attach, 0, 0, 0, 0, 0, 3, out SchemeReply a), "Attach")) return;
        T.Equal(3, a.Caps, "three capabilities");
        T.Equal(PipeRing.ReadEnd, (long)a.W0, "w0 says which end");
        T.True(Sys.Identify(a.Cap0, out ObjectType t0, out _, out _, out _) == Status.Ok && t0 == ObjectType.Frame, "the first is a frame");
        T.True(Sys.Identify(a.Cap1, out ObjectType t1, out _, out _, out _) == Status.Ok && t1 == ObjectType.Notification, "then the data notification");
        T.True(Sys.Identify(a.Cap2, out ObjectType t2, out _, out _, out _) == Status.Ok && t2 == ObjectType.Notification, "and the room notification");
        byte* buf = stackalloc byte[8];
        T.Status(Status.Ok, Write(w, "ring"), "write through the library (it attaches the write end)");
        T.True(PipeEnds.Find(w) >= 0, "the write end is attached now");
        T.Status(Status.Ok, Fs.Read(r, buf, 8, out int n), "read");
        T.True(n == 4 && Is(buf, 4, "ring"), "the bytes came through the page");
        T.Status(Status.Ok, Fs.Close(r), "close r");
        T.True(Sys.Identify(a.Cap0, out _, out _, out _, out _) == Status.Ok, "one end closed: the page is still the pipe's");
        T.Status(Status.BrokenPipe, Write(w, "x"), "no reader left: BrokenPipe from the page's header");
        T.Status(Status.Ok, Fs.Close(w), "close w");
        T.True(Sys.Identify(a.Cap0, out _, out _, out _, out _) != Status.Ok, "last file closed: the page copy is revoked");
        T.True(Sys.Identify(a.Cap1, out _, out _, out _, out _) != Status.Ok, "and the notifications'");
        T.True(Sys.Identify(a.Cap2, out _, out _, out _, out _) != Status.Ok, "both of them");
        CSpace.Free(a.Cap0.Index);
        CSpace.Free(a.Cap1.Index);
        CSpace.Free(a.Cap2.Index);
        if (!T.Status(Status.Ok, Fs.Open("chan:t.attach", OpenFlags.Create, out Fd listener), "a chan: listener")) return;
        T.Status(Status.NotSupported, SchemeCall.Call(listener.Cap, SchemeOp.Attach, 0, 0, 0, 0, 0, 3, out _), "Attach on a chan: file");
        T.Status(Status.Ok, Fs.Close(listener), "close listener");
    }

    // --- channels --------------------------------------------------------------------------------

    private static void ChanRoundTrip()
    {
        if (!T.Status(Status.Ok, Fs.Open("chan:t.round", OpenFlags.Create, out Fd listener), "listen")) return;
        T.Status(Status.Ok, Fs.Open("chan:t.round", OpenFlags.Read | OpenFlags.Write, out Fd client), "connect");
        T.Status(Status.Ok, Fs.Accept(listener, out Fd server), "accept the queued connection");
        byte* buf = stackalloc byte[SchemeLimits.MaxData];
        T.Status(Status.Ok, Write(client, "ping"), "client sends");
        T.Status(Status.Ok, Write(client, "a"), "and a second message");
        T.Status(Status.Ok, Fs.Fstat(server, out ulong queued, out FileKind kind), "fstat");
        T.Equal(2, (long)queued, "two messages wait for the server");
        T.True(kind == FileKind.Channel, "fstat says Channel");
        T.Status(Status.Ok, Fs.Read(server, buf, SchemeLimits.MaxData, out int n), "server receives");
        T.Equal(4, n, "one whole message, not more");
        T.True(Is(buf, n, "ping"), "the bytes sent");
        T.Status(Status.Ok, Fs.Read(server, buf, SchemeLimits.MaxData, out n), "then the next");
        T.Equal(1, n, "boundaries are kept");
        T.Status(Status.Ok, Write(server, "pong!"), "server answers");
        T.Status(Status.Ok, Fs.Read(client, buf, SchemeLimits.MaxData, out n), "client receives");
        T.True(Is(buf, n, "pong!"), "the answer");
        T.Status(Status.Ok, Fs.Close(client), "close client");
        T.Status(Status.Ok, Fs.Close(server), "close server");
        T.Status(Status.Ok, Fs.Close(listener), "close listener");
    }

    private static void ChanAcceptWaits()
    {
        if (!T.Status(Status.Ok, Fs.Open("chan:t.wait", OpenFlags.Create, out Fd listener), "listen")) return;
        LocalThread t = Start(listener.Cap, SchemeOp.Accept, 0, null);
        T.True(StillWaiting(t), "Accept with nobody connecting waits");
        T.Status(Status.Ok, Fs.Open("chan:t.wait", OpenFlags.Read, out Fd client), "connect");
        T.True(Finish(ref t), "the connection releases the Accept");
        T.Status(Status.Ok, s_status, "its status");
        var server = new Fd(s_received);
        T.True(server.IsValid, "it got the server end");
        byte* buf = stackalloc byte[16];
        T.Status(Status.Ok, Write(client, "hi"), "write client");
        T.Status(Status.Ok, Fs.Read(server, buf, 16, out int n), "the accepted end works");
        T.True(Is(buf, n, "hi"), "and carries the client's message");
        T.Status(Status.Ok, Fs.Close(client), "close client");
        if (server.IsValid) T.Status(Status.Ok, Fs.Close(server), "close server");
        T.Status(Status.Ok, Fs.Close(listener), "close listener");
    }

    private static void ChanPeerClose()
    {
        if (!T.Status(Status.Ok, Fs.Open("chan:t.close", OpenFlags.Create, out Fd listener), "listen")) return;
        T.Status(Status.Ok, Fs.Open("chan:t.close", OpenFlags.Read, out Fd client), "open chan:t.close");
        T.Status(Status.Ok, Fs.Accept(listener, out Fd server), "accept listener");
        LocalThread t = Start(client.Cap, SchemeOp.Read, SchemeLimits.MaxData, null);
        T.True(StillWaiting(t), "a read with nothing queued waits");
        T.Status(Status.Ok, Fs.Close(server), "the peer closes");
        T.True(Finish(ref t), "the reader is released");
        T.Status(Status.Ok, s_status, "with Ok");
        T.Equal(0, s_resultLength, "and 0 bytes: end of file");
        T.Status(Status.BrokenPipe, Write(client, "late"), "a write to a closed peer");
        T.Status(Status.Ok, Fs.Close(client), "close client");
        // A connection nobody accepted loses its server end when the listener goes.
        T.Status(Status.Ok, Fs.Open("chan:t.close", OpenFlags.Read, out client), "open chan:t.close");
        T.Status(Status.Ok, Fs.Close(listener), "close listener");
        T.Status(Status.BrokenPipe, Write(client, "x"), "listener closed before Accept");
        T.Status(Status.Ok, Fs.Close(client), "close client");
        T.Status(Status.NotFound, Fs.Open("chan:t.close", OpenFlags.Read, out _), "the name is free again");
    }

    private static void ChanFull()
    {
        if (!T.Status(Status.Ok, Fs.Open("chan:t.full", OpenFlags.Create, out Fd listener), "listen")) return;
        T.Status(Status.Ok, Fs.Open("chan:t.full", OpenFlags.Read, out Fd client), "open chan:t.full");
        T.Status(Status.Ok, Fs.Accept(listener, out Fd server), "accept listener");
        int sent = 0;
        for (int i = 0; i < 16; i++) if (Write(client, "m") == Status.Ok) sent++;
        T.Equal(16, sent, "16 messages queue without waiting");
        LocalThread t = Start(client.Cap, SchemeOp.Write, 0, "last");
        T.True(StillWaiting(t), "the 17th waits");
        byte* buf = stackalloc byte[16];
        T.Status(Status.Ok, Fs.Read(server, buf, 16, out _), "read server");
        T.True(Finish(ref t), "a receive makes room");
        T.Status(Status.Ok, s_status, "the writer's status");
        T.Status(Status.Ok, Fs.Fstat(server, out ulong queued, out _), "fstat server");
        T.Equal(16, (long)queued, "15 left and the one that waited");
        int n = 0;
        for (ulong i = 0; i < queued; i++) T.Status(Status.Ok, Fs.Read(server, buf, 16, out n), "read server");   // exactly what is queued: no waiting
        T.True(Is(buf, n, "last"), "the waiting one comes last");
        T.Status(Status.Ok, Fs.Close(client), "close client");
        T.Status(Status.Ok, Fs.Close(server), "close server");
        T.Status(Status.Ok, Fs.Close(listener), "close listener");
    }

    private static void ChanBadInputs()
    {
        T.Status(Status.NotFound, Fs.Open("chan:t.nobody", OpenFlags.Read, out _), "connect with nobody listening");
        if (!T.Status(Status.Ok, Fs.Open("chan:t.bad", OpenFlags.Create, out Fd listener), "listen")) return;
        T.Status(Status.Exists, Fs.Open("chan:t.bad", OpenFlags.Create, out _), "listen on a taken name");
        T.Status(Status.InvalidArgument, Fs.Open("chan:", OpenFlags.Create, out _), "an empty name");
        T.Status(Status.NameTooLong, Fs.Open("chan:0123456789012345678901234567890123456789012345678901234567890123", OpenFlags.Create, out _),
            "a 64-byte name");
        byte* buf = stackalloc byte[SchemeLimits.MaxData];
        T.Status(Status.NotSupported, Fs.Read(listener, buf, 8, out _), "read on a listener");
        T.Status(Status.Ok, Fs.Open("chan:t.bad", OpenFlags.Read, out Fd client), "open chan:t.bad");
        T.Status(Status.NotSupported, Fs.Accept(client, out _), "Accept on a connected end");
        T.Status(Status.InvalidArgument, Raw(client.Cap, SchemeOp.Write, 0), "an empty message (it would read as end of file)");
        T.Status(Status.Ok, Fs.Accept(listener, out Fd server), "accept listener");
        T.Status(Status.Ok, Write(client, "four"), "write client");
        T.Status(Status.OutOfRange, Fs.Read(server, buf, 2, out _), "a read too small for the message");
        T.Status(Status.Ok, Fs.Read(server, buf, 8, out int n), "the message stays for a big enough read");
        T.Equal(4, n, "whole");
        T.Status(Status.Ok, Fs.Close(client), "close client");
        T.Status(Status.Ok, Fs.Close(server), "close server");
        T.Status(Status.Ok, Fs.Close(listener), "close listener");
    }

    private static Status Raw(CapHandle cap, SchemeOp op, int length) =>
        SchemeCall.Call(cap, op, 0, 0, 0, length, 0, 0, out _);

    private static Status Write(Fd fd, string text) => Fs.Write(fd, text);

    private static bool Is(byte* bytes, int length, string text) => Ascii.Equals(new System.ReadOnlySpan<byte>(bytes, length), text);

    private static bool MapHelperBuffer()
    {
        return CSpace.Make(ObjectType.Frame, 12, out CapHandle frame) == Status.Ok && CSpace.TryAlloc(out s_landing) &&
               Sys.Map(CSpace.SelfAddressSpace, frame, HelperBuffer, Rights.Read | Rights.Write) == Status.Ok;
    }

    private static ulong HelperOnRing()
    {
        var fd = new Fd(s_cap);
        fixed (byte* input = s_in.B)
        fixed (byte* output = s_out.B)
        {
            if (s_op == SchemeOp.Read)
            {
                s_status = Fs.Read(fd, input, (int)s_w0, out int got);
                s_resultLength = got;
            }
            else
            {
                s_status = Fs.Write(fd, output, s_length, out int put);
                s_resultW0 = (ulong)put;
            }
        }
        return 0;
    }

    /// <summary>The bytes the last helper's read got (after Finish).</summary>
    internal static int HelperLength => s_resultLength;

    /// <summary>Attaches a pipe end to its shared page (as its first read or write would), so a
    /// helper thread can use it.</summary>
    internal static bool Attached(Fd end) => PipeEnds.Find(end) >= 0 || PipeEnds.Attach(end, out _) == Status.Ok;

    /// <summary>The status the last helper's call got.</summary>
    internal static Status HelperStatus => s_status;

    /// <summary>Starts a helper thread that sleeps `delay` nanoseconds, then makes one call on `cap`
    /// (data: `text`, if any): a second party that acts while this thread waits (EventTests).</summary>
    internal static LocalThread StartLater(ulong delay, CapHandle cap, SchemeOp op, ulong w0, string text)
    {
        s_delay = delay;
        s_cap = cap;
        s_op = op;
        s_w0 = w0;
        s_length = text == null ? 0 : text.Length;
        for (int i = 0; i < s_length; i++) s_out.B[i] = (byte)text[i];
        s_status = Status.BadState;
        s_resultW0 = 0;
        s_resultLength = -1;
        s_received = default;
        LocalThread t = default;
        if (!T.True(s_ready, "the helper thread's IPC buffer")) return t;
        if (T.Status(Status.Ok, ThreadBuilder.Create(new CapHandle(BootstrapSlots.Memory, 0), &Helper, 0, HelperStack, HelperBuffer,
                default, out t), "a helper thread"))
            T.Status(Status.Ok, Sys.ThreadStart(t.Thread), "thread start");
        return t;
    }

    // Starts a helper thread making one call on `cap` (data: `text`, if any).
    private static LocalThread Start(CapHandle cap, SchemeOp op, ulong w0, string text) => StartLater(0, cap, op, w0, text);

    // The helper has had time to make its call and has no answer yet.
    private static bool StillWaiting(LocalThread t)
    {
        Sys.Sleep(20_000_000);
        return t.Thread.Value != 0 && Sys.ThreadPoll(t.Thread, out _, out _) == Status.WouldBlock;
    }

    // Waits (up to a second) for the helper to end; a helper still blocked is destroyed, never waited
    // on forever.
    internal static bool Finish(ref LocalThread t)
    {
        bool done = false;
        for (int i = 0; i < 200 && t.Thread.Value != 0 && !done; i++)
        {
            done = Sys.ThreadPoll(t.Thread, out _, out _) == Status.Ok;
            if (!done) Sys.Sleep(5_000_000);
        }
        if (t.Thread.Value != 0) ThreadBuilder.Destroy(ref t);
        if (s_received.Value != 0) CSpace.TryAlloc(out s_landing);   // the old landing slot is taken now
        return done;
    }

    private static ulong Helper(ulong unused)
    {
        if (s_delay != 0) Sys.Sleep(s_delay);
        // An attached pipe end moves bytes through its shared page: no call, so no IPC buffer.
        if (PipeEnds.Find(new Fd(s_cap)) >= 0) return HelperOnRing();
        var b = (IpcBuffer*)HelperBuffer;
        byte* data = (byte*)&b->Words[SchemeLimits.DataWord];
        for (int i = 0; i < s_length; i++) data[i] = s_out.B[i];
        b->ReceiveCNode = CSpace.Self.Value;
        b->ReceiveSlots[0] = s_landing;
        var m = Message.Of(s_w0, 0, 0, (ulong)s_length);
        Status s = Ipc.Call(s_cap, new MessageInfo(SchemeLimits.DataWord + (s_length + 7) / 8, 0, (ulong)s_op), ref m);
        if (s == Status.Ok)
        {
            s = (Status)(long)m.Info.Label;
            s_resultW0 = m.W0;
            s_resultLength = (int)m.W3;
            for (int i = 0; i < s_resultLength && i < SchemeLimits.MaxData; i++) s_in.B[i] = data[i];
            if (m.Info.Caps > 0) s_received = new CapHandle(b->ReceivedHandles[0]);
        }
        s_status = s;
        return 0;
    }
}
