// sys: the system's state as small text files, served by the process manager on its own endpoint
// (registered under "sys"; requests through a looked-up capability carry SchemeBadge.ClientFlag, those
// on a Namespace capability do not). A file's text is made when it is opened:
//   sys:/uptime    seconds since boot          sys:/meminfo  total and free memory
//   sys:/ps        PID PARENT CPU NAME per     sys:/schemes  registered scheme names
//                  process (CPU: where its main thread runs or last ran)
//   sys:/time      nanoseconds since boot      sys:/debug    writes go to the kernel log
//   sys:/kill      write a pid to kill it      sys:/clock    the wall clock: Unix SECONDS.NANOSECONDS (UTC)
// Writes act with the authority of the process that opened the file (Authority.cs): sys:/kill kills
// what its opener may kill, and sys:/debug takes writes only from an opener given the kernel log.
// The library's FileTable keeps the open files (Dup, Close and Fstat too); each has a page of text.
using System;
using Vireo.Abi;
using Vireo.User;
using Vireo.User.Schemes;

static unsafe class SysScheme
{
    private const int MaxOpen = 16;
    private const int TextBytes = 4096;
    private static readonly string[] Names = { "uptime", "meminfo", "ps", "schemes", "time", "debug", "kill", "clock" };
    private const int Debug = 5, Kill = 6;

    private struct OpenFile
    {
        public int Kind;        // index into Names, -1 = the directory
        public int Length, Position;
        public byte* Text;      // its text (TextBytes), kept by file id
        public ulong Opener;    // pid of the process that opened it (a dup keeps it)
    }
    private static FileTable<OpenFile, Scheme> s_files;
    private static TextFiles s_texts;      // MaxOpen pages of TextBytes
    private static SchemeServer* s_server;   // the process manager's, for the request being served

    // The wall clock's base from the kernel (BootstrapInfo): Unix seconds read from the CMOS clock
    // and the monotonic time of that reading; 0 seconds when there was none (docs/design/time.md).
    private static long s_rtcSeconds;
    private static ulong s_rtcNanos;

    public static void Init(BootstrapInfo* info)
    {
        s_rtcSeconds = info->RtcUnixSeconds;
        s_rtcNanos = info->RtcNanos;
        // sys:'s files show the system's start (the CMOS reading less the time since boot it was taken at).
        if (s_rtcSeconds > 0) FileStats.SetTime(FileTime.FromNanoseconds(s_rtcSeconds * 1_000_000_000L - (long)s_rtcNanos));
        // Fails only for a capacity out of FileTable's range, and MaxOpen is a constant within it.
        _ = s_files.Init(MaxOpen);
        s_texts.Init(MaxOpen, TextBytes);
    }

    public static void Serve(ref SchemeServer server, ref Request r)
    {
        fixed (SchemeServer* p = &server)
        {
            s_server = p;
            s_files.Dispatch(ref server, ref r);
        }
    }

    private struct Scheme : IScheme<OpenFile>
    {
        public void OnPath(ref Request r)
        {
            if (r.Op == SchemeOp.Open) { Open(ref r); return; }
            if (r.Op == SchemeOp.Stat)
            {
                int kind = Find(r.Data, r.DataLength);
                if (kind < -1) s_server->Answer(Status.NotFound);
                else FileStats.Answer(ref *s_server, StatOf(kind, 0));
                return;
            }
            if (r.Op == SchemeOp.Unlink || r.Op == SchemeOp.Mkdir || r.Op == SchemeOp.Rmdir || r.Op == SchemeOp.Rename)
                s_server->Answer(Status.InsufficientRights);
        }

        public void OnFile(ref Request r, uint id, ref OpenFile f)
        {
            switch (r.Op)
            {
                case SchemeOp.Read:
                    if (f.Kind == -1) s_server->Answer(Status.IsDirectory);
                    else TextFiles.Read(ref *s_server, ref r, f.Text, f.Length, ref f.Position);
                    return;
                case SchemeOp.Getdents:
                    if (f.Kind != -1) { s_server->Answer(Status.NotDirectory); return; }
                    int at = 0;
                    for (int k = f.Position; k < Names.Length && at + 2 + Names[k].Length <= (int)r.W0 && at + 2 + Names[k].Length <= SchemeLimits.MaxData; k++)
                    {
                        SchemeCall.Data[at] = (byte)FileKind.Device;
                        SchemeCall.Data[at + 1] = (byte)Names[k].Length;
                        at += 2 + Ascii.Copy(Names[k], new Span<byte>(SchemeCall.Data + at + 2, Names[k].Length));
                        f.Position = k + 1;
                    }
                    s_server->Answer(Status.Ok, 0, 0, 0, at);
                    return;
                case SchemeOp.Write:
                    s_server->Answer(Write(f.Kind, f.Opener, r.Data, r.DataLength), (ulong)r.DataLength);
                    return;
                case SchemeOp.Seek:
                    TextFiles.Seek(ref *s_server, ref r, f.Length, ref f.Position);
                    return;
            }
        }

        // A new file's text is rendered now, into the buffer of its id; a dup's is the original's, copied.
        public void Opened(uint id, ref OpenFile f)
        {
            if (!s_texts.Own(id, ref f.Text, f.Length)) f.Length = f.Kind >= 0 ? Render(f.Kind, f.Text) : 0;
        }

        public void Closed(uint id, ref OpenFile f) { }

        public void Stat(ref OpenFile f, out FileStat st) => st = StatOf(f.Kind, (ulong)f.Length);
    }

    // The directory 0555; the files read-only (0444) but for debug and kill, which take writes (0644).
    private static FileStat StatOf(int kind, ulong size) =>
        kind == -1 ? FileStats.Of(FileKind.Directory, size, FileStats.DefaultPermissions(FileKind.Directory))
            : FileStats.Text(size, kind == Debug || kind == Kill);

    private static FileKind KindOf(int kind) => kind == -1 ? FileKind.Directory : FileKind.Device;

    private static void Open(ref Request r)
    {
        int kind = Find(r.Data, r.DataLength);
        if (kind < -1) { s_server->Answer(Status.NotFound); return; }
        OpenFile f = default;
        f.Kind = kind;
        f.Opener = SchemeBadge.Id(r.Badge);
        s_files.Open(ref *s_server, f);
    }

    // -1 the directory, 0.. a file, -2 none.
    private static int Find(byte* path, int length)
    {
        var name = new ReadOnlySpan<byte>(path, length);
        while (name.Length > 0 && name[0] == (byte)'/') name = name.Slice(1);
        if (name.Length == 0) return -1;
        for (int k = 0; k < Names.Length; k++) if (Ascii.Equals(name, Names[k])) return k;
        return -2;
    }

    private static Status Write(int kind, ulong opener, byte* data, int length)
    {
        if (kind == Debug)
        {
            if ((ProcessManager.RightsOf(opener) & (ulong)SpawnFlags.KernelLog) == 0) return Status.InsufficientRights;
            return Sys.DebugWrite(data, (ulong)length);
        }
        if (kind != Kill) return Status.InsufficientRights;
        var text = new ReadOnlySpan<byte>(data, length);
        int i = 0;
        while (i < text.Length && text[i] == (byte)' ') i++;
        if (Numbers.ParseDecimalPrefix(text.Slice(i), out ulong pid, out _) == 0) return Status.InvalidArgument;
        return ProcessManager.Kill(opener, pid);
    }

    private static int Render(int kind, byte* into)
    {
        var t = new Text(into, TextBytes);
        switch (kind)
        {
            case 0:
                ulong ms = Sys.TimeNanos() / 1_000_000;
                t.Number(ms / 1000); t.Char('.'); t.Padded(ms % 1000, 3); t.Char('\n');
                break;
            case 1:
                t.Str("total "); t.Number(MemoryBlocks.TotalBytes / 1024); t.Str(" KiB\nfree "); t.Number(MemoryBlocks.FreeBytes / 1024); t.Str(" KiB\n");
                break;
            case 2:
                t.Str("PID PARENT CPU NAME\n");
                ProcessManager.Describe(ref t);
                break;
            case 3:
                for (ulong i = 0; RootScheme.List(i, out int n, out ulong next) == Status.Ok; i = next)
                {
                    t.Bytes(SchemeCall.Data, n);
                    t.Char('\n');
                }
                break;
            case 4:
                t.Number(Sys.TimeNanos()); t.Char('\n');
                break;
            case 7:
                if (s_rtcSeconds == 0) break;   // no reading: empty, and WallClock says NotFound
                ulong wall = (ulong)s_rtcSeconds * 1_000_000_000UL + (Sys.TimeNanos() - s_rtcNanos);
                t.Number(wall / 1_000_000_000UL); t.Char('.'); t.Padded(wall % 1_000_000_000UL, 9); t.Char('\n');
                break;
        }
        return t.Length;
    }
}
