// In-guest tests of ipcd: pipe:, chan: and shm: against the live daemons. A second party (a reader
// that must wait, an Accept with nobody connecting yet) is a helper thread in this process making
// one raw call through its own IPC buffer (the scheme library's buffer belongs to the main thread);
// the main thread checks it is still blocked, acts, then collects its answer.
using Vireo.Abi;
using Vireo.User;
using Vireo.User.Schemes;
using T = Vireo.User.Testing.TestRunner;

static unsafe class IpcdTests
{
    private const ulong HelperStack = 0x0000_5A00_0000_0000;
    private const ulong HelperBuffer = 0x0000_5A00_0001_0000;
    private const ulong MapA = 0x0000_5A00_0010_0000;
    private const ulong MapB = 0x0000_5A00_0020_0000;
    private const int ShmPages = 16;   // 64 KiB

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

    // --- shared memory ---------------------------------------------------------------------------

    private static void ShmShared()
    {
        if (!T.Status(Status.Ok, Fs.Open("shm:t.shared", OpenFlags.Create | OpenFlags.Read | OpenFlags.Write, out Fd a), "create")) return;
        T.Status(Status.Ok, Fs.Ftruncate(a, ShmPages * 4096), "size it to 64 KiB");
        T.Status(Status.Ok, Fs.Fstat(a, out ulong size, out FileKind kind), "fstat");
        T.Equal(ShmPages * 4096, (long)size, "its size");
        T.True(kind == FileKind.Memory, "fstat says Memory");
        T.Status(Status.Ok, Fs.Open("shm:t.shared", OpenFlags.Read | OpenFlags.Write, out Fd b), "open it again by name");
        CapHandle* framesA = stackalloc CapHandle[ShmPages];
        CapHandle* framesB = stackalloc CapHandle[ShmPages];
        T.Status(Status.Ok, MapAll(a, MapA, framesA), "map all of it through one file");
        T.Status(Status.Ok, MapAll(b, MapB, framesB), "and through the other, elsewhere");
        var pa = (ulong*)MapA;
        var pb = (ulong*)MapB;
        T.Equal(0, (long)pb[100], "new memory reads zero");
        for (int i = 0; i < ShmPages * 512; i += 97) pa[i] = 0x5EED0000UL + (ulong)i;
        bool same = true;
        for (int i = 0; i < ShmPages * 512; i += 97) same &= pb[i] == 0x5EED0000UL + (ulong)i;
        T.True(same, "writes through one mapping are seen through the other (every page)");
        pb[ShmPages * 512 - 1] = 0xB0B;
        T.Equal(0xB0B, (long)pa[ShmPages * 512 - 1], "and the other way round");
        UnmapAll(a, framesA);
        UnmapAll(b, framesB);
        T.Status(Status.Ok, Fs.Close(a), "close a");
        T.Status(Status.Ok, Fs.Close(b), "close b");
        T.Status(Status.Ok, Fs.Unlink("shm:t.shared"), "unlink shm:t.shared");
    }

    private const string PeerArgument = "ipcd-shm-peer";

    // A child svctest (argv[1] = PeerArgument) maps the first and last page of shm:t.peer, checks
    // what the parent wrote and writes an answer beside it.
    private static void ShmOtherProcess()
    {
        if (!T.Status(Status.Ok, Fs.Open("shm:t.peer", ReadWrite | OpenFlags.Create | OpenFlags.ShareFamilyWrite, out Fd a), "create")) return;
        T.Status(Status.Ok, Fs.Ftruncate(a, ShmPages * 4096), "ftruncate a");
        CapHandle* frames = stackalloc CapHandle[ShmPages];
        if (!T.Status(Status.Ok, MapAll(a, MapA, frames), "map 64 KiB")) return;
        var p = (ulong*)MapA;
        p[0] = 0x1234;
        p[ShmPages * 512 - 1] = 0x5678;
        if (T.Status(Status.Ok, RunPeer(PeerArgument, out ThreadExitKind kind, out ulong code), "run a second process"))
        {
            T.True(kind == ThreadExitKind.Exited, "it exited");
            T.Equal(0, (long)code, "it saw both words this process wrote (first and last page)");
            T.Equal(0x1235, (long)p[1], "this process sees what it wrote");
            T.Equal(0x5679, (long)p[ShmPages * 512 - 2], "on the last page too");
        }
        UnmapAll(a, frames);
        T.Status(Status.Ok, Fs.Close(a), "close a");
        T.Status(Status.Ok, Fs.Unlink("shm:t.peer"), "unlink shm:t.peer");
    }

    /// <summary>True when this svctest was spawned as a peer of a shm: test; `code` is its exit code.</summary>
    public static bool IsPeer(out int code)
    {
        code = 0;
        if (Args.PositionalIs(0, PrivatePeerArgument)) code = PrivatePeer();
        else if (Args.PositionalIs(0, ReadOnlyPeerArgument)) code = ReadOnlyPeer();
        else if (Args.PositionalIs(0, OthersPeerArgument)) code = OthersPeer();
        else if (Args.PositionalIs(0, OrphanerArgument)) code = Orphaner();
        else if (Args.PositionalIs(0, OutsiderArgument)) code = Outsider();
        else if (!Args.PositionalIs(0, PeerArgument)) return false;
        else code = SharedPeer();
        return true;
    }

    // ShmOtherProcess's peer: 0 when it saw both words and answered them.
    private static int SharedPeer()
    {
        int code = 1;
        code = 1;
        if (Fs.Open("shm:t.peer", OpenFlags.Read | OpenFlags.Write, out Fd fd) != Status.Ok) return code;
        CapHandle* frames = stackalloc CapHandle[2];
        ulong last = (ShmPages - 1) * 4096;
        if (Fs.Fmap(fd, 0, 1, MapB, Rights.Read | Rights.Write, frames) == Status.Ok &&
            Fs.Fmap(fd, last, 1, MapB + 4096, Rights.Read | Rights.Write, frames + 1) == Status.Ok)
        {
            var first = (ulong*)MapB;
            var end = (ulong*)(MapB + 4096);
            code = first[0] == 0x1234 && end[511] == 0x5678 ? 0 : 2;
            first[1] = first[0] + 1;
            end[510] = end[511] + 1;
            T.Status(Status.Ok, Fs.Funmap(fd, 0, 1, frames), "funmap fd");
            T.Status(Status.Ok, Fs.Funmap(fd, last, 1, frames + 1), "funmap fd");
        }
        // The peer's exit code is its verdict; a file it fails to close the process manager closes.
        _ = Fs.Close(fd);
        return code;
    }

    private static void ShmFunmap()
    {
        if (!T.Status(Status.Ok, Fs.Open("shm:t.funmap", ReadWrite | OpenFlags.Create, out Fd a), "create")) return;
        T.Status(Status.Ok, Fs.Ftruncate(a, 3 * 4096), "ftruncate a");
        CapHandle* frames = stackalloc CapHandle[3];
        T.Status(Status.Ok, Fs.Fmap(a, 0, 3, MapA, Rights.Read | Rights.Write, frames), "map 3 pages");
        ((ulong*)MapA)[512 * 2 + 7] = 0xFACE;
        T.Status(Status.Ok, Fs.Funmap(a, 0, 3, frames), "funmap");
        T.Status(Status.Ok, Fs.Fmap(a, 8192, 1, MapB, Rights.Read, frames), "map the third page alone, read-only");
        T.Equal(0xFACE, (long)((ulong*)MapB)[7], "the object kept what was written");
        T.Status(Status.Ok, Fs.Funmap(a, 8192, 1, frames), "funmap again");
        T.Status(Status.Ok, Fs.Close(a), "close a");
        T.Status(Status.Ok, Fs.Unlink("shm:t.funmap"), "unlink shm:t.funmap");
    }

    private static void ShmBadInputs()
    {
        T.Status(Status.NotFound, Fs.Open("shm:t.none", OpenFlags.Read, out _), "open a missing object");
        if (!T.Status(Status.Ok, Fs.Open("shm:t.bad", ReadWrite | OpenFlags.Create, out Fd a), "create")) return;
        T.Status(Status.Exists, Fs.Open("shm:t.bad", OpenFlags.Create | OpenFlags.Exclusive, out _), "exclusive create of an existing one");
        T.Status(Status.Ok, Fs.Ftruncate(a, 2 * 4096), "ftruncate a");
        T.Status(Status.OutOfRange, Fs.Ftruncate(a, 257 * 4096), "bigger than 256 pages");
        T.Status(Status.InvalidArgument, RawMap(a, 100, 1), "an offset that is not page-aligned");
        T.Status(Status.InvalidArgument, RawMap(a, 0, 4), "more than 3 pages at once");
        T.Status(Status.InvalidArgument, RawMap(a, 0, 0), "no pages");
        T.Status(Status.OutOfRange, RawMap(a, 4096, 2), "past the end");
        byte* buf = stackalloc byte[8];
        T.Status(Status.NotSupported, Fs.Read(a, buf, 8, out _), "read on shared memory");
        T.Status(Status.Ok, Fs.Unlink("shm:t.bad"), "unlink");
        T.Status(Status.NotFound, Fs.Open("shm:t.bad", OpenFlags.Read, out _), "the name is gone");
        T.Status(Status.Ok, Fs.Fstat(a, out ulong size, out _), "an open file still works");
        T.Equal(2 * 4096, (long)size, "with its size");
        T.Status(Status.NotFound, Fs.Unlink("shm:t.bad"), "unlink twice");
        T.Status(Status.Ok, Fs.Close(a), "close a");
    }

    // --- who may open a shm: object (docs/design/ipcd.md, "Who may open") ---------------------------

    private const OpenFlags ReadWrite = OpenFlags.Read | OpenFlags.Write;
    private const string PrivatePeerArgument = "ipcd-shm-private";
    private const string ReadOnlyPeerArgument = "ipcd-shm-readonly";
    private const string OthersPeerArgument = "ipcd-shm-others";
    private const string Secret = "SECRET";

    // Made without Share flags, an object is the creator's alone: its own child is refused.
    private static void ShmPrivate()
    {
        if (!T.Status(Status.Ok, Fs.Open("shm:t.private", ReadWrite | OpenFlags.Create | OpenFlags.Exclusive, out Fd a), "create")) return;
        T.Status(Status.Ok, Fs.Ftruncate(a, 4096), "ftruncate a");
        if (T.Status(Status.Ok, RunPeer(PrivatePeerArgument, out ThreadExitKind kind, out ulong code), "run a child"))
        {
            T.True(kind == ThreadExitKind.Exited, "it exited");
            T.Equal(0, (long)code, "Open, Stat, Unlink and a Create of the name were refused (InsufficientRights), Create|Exclusive said Exists");
        }
        T.Status(Status.Ok, Fs.Open("shm:t.private", ReadWrite, out Fd again), "the creator opens it again, for writing");
        T.Status(Status.Ok, Fs.Stat("shm:t.private", out ulong size, out _), "and stats it");
        T.Equal(4096, (long)size, "its size is what the creator set");
        T.Status(Status.Ok, Fs.Close(again), "close again");
        T.Status(Status.Ok, Fs.Close(a), "close a");
        T.Status(Status.Ok, Fs.Unlink("shm:t.private"), "the creator unlinks it");
    }

    // Exit code: the first check that went wrong (1..), or 0.
    private static int PrivatePeer()
    {
        if (Fs.Open("shm:t.private", OpenFlags.Read, out _) != Status.InsufficientRights) return 1;
        if (Fs.Open("shm:t.private", ReadWrite | OpenFlags.Create, out _) != Status.InsufficientRights) return 2;
        if (Fs.Open("shm:t.private", ReadWrite | OpenFlags.Create | OpenFlags.Exclusive, out _) != Status.Exists) return 3;
        if (Fs.Stat("shm:t.private", out _, out _) != Status.InsufficientRights) return 4;
        if (Fs.Unlink("shm:t.private") != Status.InsufficientRights) return 5;
        return 0;
    }

    // ShareFamilyRead: the creator's child opens it for reading only. A writable mapping is refused,
    // it reads the secret through a read-only one, and its write there kills it with a page fault;
    // the creator's memory is unchanged.
    private static void ShmReadOnly()
    {
        if (!T.Status(Status.Ok, Fs.Open("shm:t.ro", ReadWrite | OpenFlags.Create | OpenFlags.Exclusive | OpenFlags.ShareFamilyRead, out Fd a), "create, family may read")) return;
        T.Status(Status.Ok, Fs.Ftruncate(a, 4096), "ftruncate a");
        CapHandle* frame = stackalloc CapHandle[1];
        if (!T.Status(Status.Ok, Fs.Fmap(a, 0, 1, MapA, Rights.Read | Rights.Write, frame), "the creator maps it writable")) return;
        var p = (byte*)MapA;
        for (int i = 0; i < Secret.Length; i++) p[i] = (byte)Secret[i];
        if (T.Status(Status.Ok, RunPeer(ReadOnlyPeerArgument, out ThreadExitKind kind, out ulong code), "run a child"))
        {
            T.True(kind == ThreadExitKind.Faulted, "the child was stopped by a fault (its write to the read-only mapping)");
            T.Equal(14, (long)code, "a page fault (vector 14); an exit code 1..6 names the check that failed");
        }
        bool same = true;
        for (int i = 0; i < Secret.Length; i++) same &= p[i] == (byte)Secret[i];
        T.True(same, "the creator's memory still holds SECRET");
        T.Status(Status.Ok, Fs.Funmap(a, 0, 1, frame), "funmap a");
        T.Status(Status.Ok, Fs.Close(a), "close a");
        T.Status(Status.Ok, Fs.Unlink("shm:t.ro"), "unlink shm:t.ro");
    }

    private static int ReadOnlyPeer()
    {
        if (Fs.Open("shm:t.ro", ReadWrite, out _) != Status.InsufficientRights) return 1;
        if (Fs.Open("shm:t.ro", OpenFlags.Read | OpenFlags.Truncate, out _) != Status.InsufficientRights) return 2;
        if (Fs.Open("shm:t.ro", OpenFlags.Read, out Fd fd) != Status.Ok) return 3;
        if (Fs.Ftruncate(fd, 0) != Status.InsufficientRights) return 4;
        CapHandle* frame = stackalloc CapHandle[1];
        if (Fs.Fmap(fd, 0, 1, MapB, Rights.Read | Rights.Write, frame) != Status.InsufficientRights) return 5;
        CSpace.Release(frame[0]);
        if (Fs.Fmap(fd, 0, 1, MapB, Rights.Read, frame) != Status.Ok) return 6;
        var p = (byte*)MapB;
        for (int i = 0; i < Secret.Length; i++) if (p[i] != (byte)Secret[i]) return 7;
        p[0] = (byte)'P';   // faults: this process ends here
        return 8;
    }

    // ShareOthersRead: any process may read, nobody but the creator write.
    private static void ShmOthersRead()
    {
        if (!T.Status(Status.Ok, Fs.Open("shm:t.others", ReadWrite | OpenFlags.Create | OpenFlags.Exclusive | OpenFlags.ShareOthersRead, out Fd a), "create, others may read")) return;
        T.Status(Status.Ok, Fs.Ftruncate(a, 4096), "ftruncate a");
        if (T.Status(Status.Ok, RunPeer(OthersPeerArgument, out ThreadExitKind kind, out ulong code), "run a child"))
        {
            T.True(kind == ThreadExitKind.Exited, "it exited");
            T.Equal(0, (long)code, "it opened and stat'ed it for reading, was refused writing and unlinking");
        }
        T.Status(Status.Ok, Fs.Close(a), "close a");
        T.Status(Status.Ok, Fs.Unlink("shm:t.others"), "the creator unlinks it");
    }

    private static int OthersPeer()
    {
        if (Fs.Open("shm:t.others", ReadWrite, out _) != Status.InsufficientRights) return 1;
        if (Fs.Open("shm:t.others", OpenFlags.Read, out Fd fd) != Status.Ok) return 2;
        if (Fs.Stat("shm:t.others", out ulong size, out _) != Status.Ok || size != 4096) return 3;
        if (Fs.Unlink("shm:t.others") != Status.InsufficientRights) return 4;
        // The peer's exit code is its verdict; a file it fails to close the process manager closes.
        _ = Fs.Close(fd);
        return 0;
    }

    private const string OrphanerArgument = "ipcd-shm-orphaner", OutsiderArgument = "ipcd-shm-outsider";
    private const string OutsiderVerdict = "file:/t.outsider";

    // ShareFamilyRead reaches the creator's descendants only. A process that was one and is no longer
    // (its parent, the creator's child, ended, so the process manager made it an orphan) is outside
    // the family: its Open is refused. It writes the status it got to OutsiderVerdict.
    private static void ShmFamilyOutsider()
    {
        _ = Fs.Unlink(OutsiderVerdict);   // left from an earlier run, if any; NotFound otherwise
        if (!T.Status(Status.Ok, Fs.Open("shm:t.family", ReadWrite | OpenFlags.Create | OpenFlags.Exclusive | OpenFlags.ShareFamilyRead, out Fd a), "create, family may read")) return;
        if (T.Status(Status.Ok, RunPeer(OrphanerArgument, out ThreadExitKind kind, out ulong code), "run a child that starts the outsider and ends"))
            T.True(kind == ThreadExitKind.Exited && code == 0, "it started the outsider");
        bool answered = false;
        for (int i = 0; i < 300 && !answered; i++)
        {
            answered = Fs.Stat(OutsiderVerdict, out ulong size, out _) == Status.Ok && size > 0;
            if (!answered) Sys.Sleep(10_000_000);
        }
        T.True(answered, "the outsider answered within 3 s");
        T.True(FsTests.Holds(OutsiderVerdict, ((int)Status.InsufficientRights).ToString()), "its Open was refused with InsufficientRights (the file holds the status it got)");
        T.Status(Status.Ok, Fs.Unlink(OutsiderVerdict), "unlink the verdict");
        T.Status(Status.Ok, Fs.Close(a), "close a");
        T.Status(Status.Ok, Fs.Unlink("shm:t.family"), "unlink shm:t.family");
    }

    // Starts the outsider and ends at once, without waiting for it.
    private static int Orphaner()
    {
        string argv = "initfs:/bin/svctest " + OutsiderArgument;
        SchemeCall.Put(argv);
        for (int i = 0; i < argv.Length; i++) if (SchemeCall.Data[i] == (byte)' ') SchemeCall.Data[i] = 0;
        return SchemeCall.Call(Namespace.Root, SchemeOp.Spawn, 0, 0, 0, argv.Length, 0, 0, out _) == Status.Ok ? 0 : 1;
    }

    // Waits (up to 2 s) until its parent has ended and it has none, then tries the family-only object.
    private static int Outsider()
    {
        for (int i = 0; i < 200; i++)
        {
            if (SchemeCall.Call(Namespace.Root, SchemeOp.Whois, 0, 0, 0, 0, 0, 0, out SchemeReply r) == Status.Ok && r.W1 == 0) break;
            Sys.Sleep(10_000_000);
        }
        Status s = Fs.Open("shm:t.family", OpenFlags.Read, out Fd fd);
        if (s == Status.Ok) _ = Fs.Close(fd);   // the verdict is the Open's status; a close failing changes nothing
        return FsTests.Put(OutsiderVerdict, ((int)s).ToString()) == Status.Ok ? 0 : 1;
    }

    // Spawns `initfs:/bin/svctest argument` and waits for it.
    private static Status RunPeer(string argument, out ThreadExitKind kind, out ulong code)
    {
        kind = ThreadExitKind.Exited;
        code = 0;
        string argv = "initfs:/bin/svctest " + argument;   // words split at spaces below
        SchemeCall.Put(argv);
        for (int i = 0; i < argv.Length; i++) if (SchemeCall.Data[i] == (byte)' ') SchemeCall.Data[i] = 0;
        Status s = SchemeCall.Call(Namespace.Root, SchemeOp.Spawn, 0, 0, 0, argv.Length, 0, 0, out SchemeReply r);
        if (s != Status.Ok) return s;
        s = SchemeCall.Call(Namespace.Root, SchemeOp.WaitChild, r.W0, 0, 0, 0, 0, 0, out r);
        kind = (ThreadExitKind)r.W1;
        code = r.W2;
        return s;
    }

    // --- helpers -------------------------------------------------------------------------------

    private static Status MapAll(Fd fd, ulong address, CapHandle* frames)
    {
        for (int p = 0; p < ShmPages; p += 3)
        {
            int n = ShmPages - p > 3 ? 3 : ShmPages - p;
            Status s = Fs.Fmap(fd, (ulong)p * 4096, n, address + (ulong)p * 4096, Rights.Read | Rights.Write, frames + p);
            if (s != Status.Ok) return s;
        }
        return Status.Ok;
    }

    private static void UnmapAll(Fd fd, CapHandle* frames)
    {
        for (int p = 0; p < ShmPages; p += 3) T.Status(Status.Ok, Fs.Funmap(fd, (ulong)p * 4096, ShmPages - p > 3 ? 3 : ShmPages - p, frames + p), "funmap fd");
    }

    // Fmap as the daemon sees it (Fs.Fmap refuses bad arguments before asking).
    private static Status RawMap(Fd fd, ulong offset, ulong pages) =>
        SchemeCall.Call(fd.Cap, SchemeOp.Fmap, offset, pages, 0, 0, 0, 3, out _);

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
