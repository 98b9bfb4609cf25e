// A daemon killed while a client uses it: the client's descriptor fails with a status (no hang), init
// restarts the daemon (etc/test.rc starts file: as a daemon), and the client's next path call finds
// the new one through a fresh lookup. Runs last: the restarted file: is empty.
using Vireo.Abi;
using Vireo.User;
using Vireo.User.Schemes;
using T = Vireo.User.Testing.TestRunner;

static unsafe class RestartTests
{
    public static void Run()
    {
        T.Run("init.restarts_a_killed_daemon", &KillRamfs);
    }

    private static ulong FindPid(string name)
    {
        ulong index = 0;
        for (int n = 0; n < 300; n++)
        {
            if (SchemeCall.Call(Namespace.Root, SchemeOp.ProcList, index, 0, 0, 0, 0, 0, out SchemeReply r) != Status.Ok) return 0;
            if (r.DataLength >= 0 && Ascii.Equals(new System.ReadOnlySpan<byte>(SchemeCall.Data, r.DataLength), name)) return r.W0;
            index = r.W2;
        }
        return 0;
    }

    private static void KillRamfs()
    {
        T.Status(Status.Ok, Fs.Open("file:/before", OpenFlags.Write | OpenFlags.Create, out Fd fd), "a client opens a file");
        byte* x = stackalloc byte[1];
        x[0] = (byte)'x';
        T.Status(Status.Ok, Fs.Write(fd, x, 1, out _), "and writes");
        ulong pid = FindPid("ramfs");
        T.True(pid != 0, "ramfs is in the process list");
        T.Status(Status.Ok, SchemeCall.Call(Namespace.Root, SchemeOp.Kill, pid, 0, 0, 0, 0, 0, out _), "kill it");
        Status s = Fs.Write(fd, x, 1, out _);
        T.True(s == Status.BadDescriptor || s == Status.PeerDied, "the open descriptor fails with a status");
        Status open = Status.UnknownScheme;
        for (int i = 0; i < 200 && open != Status.Ok; i++)
        {
            open = Fs.Open("file:/after", OpenFlags.Write | OpenFlags.Create, out Fd again);
            if (open == Status.Ok) T.Status(Status.Ok, Fs.Close(again), "close again");
            else Sys.Sleep(10_000_000);
        }
        T.Status(Status.Ok, open, "init restarted file: and the next open reaches it");
        ulong newPid = FindPid("ramfs");
        T.True(newPid != 0 && newPid != pid, "a new ramfs process");
        T.Status(Status.NotFound, Fs.Open("file:/before", OpenFlags.Read, out _), "it starts empty (a RAM filesystem)");
        // Its ramfs was killed: the close fails, and frees the slot all the same.
        _ = Fs.Close(fd);
    }
}
