// In-guest tests of shm: (part of IpcdTests, whose Run lists them): sharing between mappings and
// processes, Fmap's bad inputs, and who may open what (the creator's Share flags, read-only opens
// giving read-only frames). A second party is svctest started again with a peer argument (IsPeer).
using Vireo.Abi;
using Vireo.User;
using Vireo.User.Schemes;
using T = Vireo.User.Testing.TestRunner;

static unsafe partial class IpcdTests
{
    private const ulong MapA = 0x0000_5A00_0010_0000;
    private const ulong MapB = 0x0000_5A00_0020_0000;
    private const int ShmPages = 16;   // 64 KiB

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
        return MemoryTests.Spawn("initfs:/bin/svctest " + OutsiderArgument, 0, out _) == Status.Ok ? 0 : 1;
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
        Status s = MemoryTests.Spawn("initfs:/bin/svctest " + argument, 0, out ulong pid);
        if (s != Status.Ok) return s;
        s = SchemeCall.Call(Namespace.Root, SchemeOp.WaitChild, pid, 0, 0, 0, 0, 0, out SchemeReply r);
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
}
