// devd: the byte devices. Usage: devd null|zero|rand — one process per device, registering the
// scheme of that name. One process cannot serve all three: the root scheme hands every client the
// same badge (its pid) whichever name it looked up, so an Open could not say which device it
// wanted, and a thread waits on one endpoint only.
//   null:  reads give end of file, writes take everything.
//   zero:  reads give zeros, writes take everything.
//   rand:  reads give pseudo-random bytes (xorshift64*, seeded from the TSC), writes take everything.
// The only path is "" (or "/"); a file's state is its access (OpenFlags), it has no position. The
// library's FileTable does Dup, Close and Fstat.
using System;
using System.Runtime;
using Vireo.Abi;
using Vireo.User;
using Vireo.User.Schemes;

static unsafe class Program
{
    private enum Device { Null, Zero, Rand }

    private const int MaxFiles = 128;
    private static SchemeServer s_server;
    private static FileTable<OpenFlags, Scheme> s_files;
    private static Device s_device;
    private static ulong s_state;

    [RuntimeExport("vireo_main")]
    static int Main()
    {
        if (!Pick(out s_device, out string name))
        {
            Console.WriteLine("devd: usage: devd null|zero|rand");
            return 2;
        }
        s_state = Sys.ReadTsc() | 1;   // xorshift needs a non-zero state
        FileStats.UseBootTime();   // its files show the system's start (no times of their own)
        return SchemeDaemon.Run(name, MaxFiles, ref s_server, ref s_files);
    }

    private struct Scheme : IScheme<OpenFlags>
    {
        public void OnPath(ref Request r)
        {
            bool root = r.DataLength == 0 || r.DataLength == 1 && r.Data[0] == '/';
            if (r.Op == SchemeOp.Open)
            {
                var flags = (OpenFlags)r.W0;
                Status s = Status.Ok;
                if (!root) s = Status.NotFound;
                else if ((flags & (OpenFlags.Create | OpenFlags.Exclusive)) == (OpenFlags.Create | OpenFlags.Exclusive)) s = Status.Exists;
                else if ((flags & OpenFlags.Directory) != 0) s = Status.NotDirectory;
                OpenFlags access = flags & (OpenFlags.Read | OpenFlags.Write);
                if (s != Status.Ok) s_server.Answer(s);
                else s_files.Open(ref s_server, access == 0 ? OpenFlags.Read : access);
            }
            else if (r.Op == SchemeOp.Stat)
            {
                if (root) FileStats.Answer(ref s_server, FileKind.Device, 0);   // crw-rw-rw-, as Linux's /dev/null
                else s_server.Answer(Status.NotFound);
            }
        }

        public void OnFile(ref Request r, uint id, ref OpenFlags flags)
        {
            switch (r.Op)
            {
                case SchemeOp.Read:
                    if ((flags & OpenFlags.Read) == 0) s_server.Answer(Status.InsufficientRights);
                    else s_server.Answer(Status.Ok, dataLength: Fill(SchemeCall.Data, r.W0 > SchemeLimits.MaxData ? SchemeLimits.MaxData : (int)r.W0));
                    return;
                case SchemeOp.Write:
                    if ((flags & OpenFlags.Write) == 0) s_server.Answer(Status.InsufficientRights);
                    else s_server.Answer(Status.Ok, (ulong)r.DataLength);
                    return;
                case SchemeOp.Seek: s_server.Answer(Status.Ok, 0); return;   // no position: always 0
                case SchemeOp.Fsync: s_server.Answer(Status.Ok); return;
                case SchemeOp.Fcntl:
                    if ((FcntlCommand)r.W0 == FcntlCommand.GetFlags || (FcntlCommand)r.W0 == FcntlCommand.SetFlags) s_server.Answer(Status.Ok, (ulong)flags);
                    else s_server.Answer(Status.InvalidArgument);
                    return;
            }
        }

        public void Opened(uint id, ref OpenFlags flags) { }
        public void Closed(uint id, ref OpenFlags flags) { }

        public void Stat(ref OpenFlags flags, out FileStat st) =>
            st = FileStats.Of(FileKind.Device, 0, FileStats.DefaultPermissions(FileKind.Device));
    }

    // What a read of `count` bytes gives: nothing (null), zeros, or random bytes.
    private static int Fill(byte* into, int count)
    {
        if (s_device == Device.Null) return 0;
        for (int i = 0; i < count; i++)
        {
            if (s_device == Device.Zero)
            {
                into[i] = 0;
                continue;
            }
            s_state ^= s_state >> 12;
            s_state ^= s_state << 25;
            s_state ^= s_state >> 27;
            into[i] = (byte)((s_state * 0x2545F4914F6CDD1DUL) >> 56);
        }
        return count;
    }

    private static bool Pick(out Device device, out string name)
    {
        device = Device.Null;
        name = "null";
        if (Args.PositionalIs(0, "null")) return true;
        device = Device.Zero;
        name = "zero";
        if (Args.PositionalIs(0, "zero")) return true;
        device = Device.Rand;
        name = "rand";
        return Args.PositionalIs(0, "rand");
    }
}
