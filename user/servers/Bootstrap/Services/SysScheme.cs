// sys: the system's state as small text files, served by the process manager on its own endpoint
// (registered under "sys"; requests through a looked-up capability carry SchemeBadge.ClientFlag, those
// on a Namespace capability do not). A file's text is made when it is opened:
//   sys:/uptime    seconds since boot          sys:/meminfo  total and free memory
//   sys:/ps        PID PARENT NAME per process sys:/schemes  registered scheme names
//   sys:/time      nanoseconds since boot      sys:/debug    writes go to the kernel log
//   sys:/kill      write a pid to kill it
using Vireo.Abi;
using Vireo.User;
using Vireo.User.Schemes;

static unsafe class SysScheme
{
    private const int MaxOpen = 16;
    private const int TextBytes = 4096;
    private static readonly string[] Names = { "uptime", "meminfo", "ps", "schemes", "time", "debug", "kill" };
    private const int Debug = 5, Kill = 6;

    private struct OpenFile
    {
        public int Kind;        // index into Names, -1 = the directory; Used below
        public bool Used;
        public int Length, Position;
    }
    private static OpenFile* s_files;
    private static byte* s_text;   // MaxOpen buffers of TextBytes

    public static void Init()
    {
        byte[] files = new byte[MaxOpen * sizeof(OpenFile)];   // once (bump heap)
        byte[] text = new byte[MaxOpen * TextBytes];
        fixed (byte* f = files) s_files = (OpenFile*)f;
        fixed (byte* t = text) s_text = t;
    }

    public static void Serve(ref SchemeServer server, ref Request r)
    {
        if (!r.IsFile)
        {
            if (r.Op == SchemeOp.Open) { Open(ref server, ref r); return; }
            if (r.Op == SchemeOp.Stat)
            {
                int kind = Find(r.Data, r.DataLength);
                server.Answer(kind < -1 ? Status.NotFound : Status.Ok, 0, (ulong)(kind == -1 ? FileKind.Directory : FileKind.Device));
                return;
            }
            server.Answer(r.Op == SchemeOp.Unlink || r.Op == SchemeOp.Mkdir || r.Op == SchemeOp.Rmdir || r.Op == SchemeOp.Rename
                ? Status.InsufficientRights : Status.NotSupported);
            return;
        }
        uint id = (uint)r.FileId;
        if (id == 0 || id >= MaxOpen || !s_files[id].Used) { server.Answer(Status.BadDescriptor); return; }
        OpenFile* f = &s_files[id];
        byte* text = s_text + id * TextBytes;
        switch (r.Op)
        {
            case SchemeOp.Read:
                int n = f->Length - f->Position;
                if (n > (int)r.W0) n = (int)r.W0;
                if (n > SchemeLimits.MaxData) n = SchemeLimits.MaxData;
                if (n < 0) n = 0;
                for (int i = 0; i < n; i++) SchemeCall.Data[i] = text[f->Position + i];
                f->Position += n;
                server.Answer(f->Kind == -1 ? Status.IsDirectory : Status.Ok, 0, 0, 0, f->Kind == -1 ? 0 : n);
                return;
            case SchemeOp.Getdents:
                if (f->Kind != -1) { server.Answer(Status.NotDirectory); return; }
                int at = 0;
                for (int k = f->Position; k < Names.Length && at + 2 + Names[k].Length <= (int)r.W0 && at + 2 + Names[k].Length <= SchemeLimits.MaxData; k++)
                {
                    SchemeCall.Data[at] = (byte)FileKind.Device;
                    SchemeCall.Data[at + 1] = (byte)Names[k].Length;
                    for (int c = 0; c < Names[k].Length; c++) SchemeCall.Data[at + 2 + c] = (byte)Names[k][c];
                    at += 2 + Names[k].Length;
                    f->Position = k + 1;
                }
                server.Answer(Status.Ok, 0, 0, 0, at);
                return;
            case SchemeOp.Write:
                server.Answer(Write(f->Kind, r.Data, r.DataLength), (ulong)r.DataLength);
                return;
            case SchemeOp.Fstat:
                server.Answer(Status.Ok, (ulong)f->Length, (ulong)(f->Kind == -1 ? FileKind.Directory : FileKind.Device));
                return;
            case SchemeOp.Seek:
                if (r.W1 != (ulong)SeekFrom.Start || r.W0 > (ulong)f->Length) { server.Answer(Status.InvalidArgument); return; }
                f->Position = (int)r.W0;
                server.Answer(Status.Ok, r.W0);
                return;
            case SchemeOp.Close:
                f->Used = false;
                server.Answer(Status.Ok);
                server.CloseFile(id);
                return;
            default:
                server.Answer(Status.NotSupported);
                return;
        }
    }

    private static void Open(ref SchemeServer server, ref Request r)
    {
        int kind = Find(r.Data, r.DataLength);
        if (kind < -1) { server.Answer(Status.NotFound); return; }
        uint id = 0;
        for (uint i = 1; i < MaxOpen && id == 0; i++) if (!s_files[i].Used) id = i;
        if (id == 0) { server.Answer(Status.NoSpace); return; }
        OpenFile* f = &s_files[id];
        *f = default;
        f->Used = true;
        f->Kind = kind;
        f->Length = kind >= 0 ? Render(kind, s_text + id * TextBytes) : 0;
        server.AnswerNewFile(id, (ulong)(kind == -1 ? FileKind.Directory : FileKind.Device), &Lost);
    }

    // The caller never got file id (it died, or named no slot, or no capability could be minted).
    private static void Lost(uint id) => s_files[id].Used = false;

    // -1 the directory, 0.. a file, -2 none.
    private static int Find(byte* path, int length)
    {
        while (length > 0 && path[0] == (byte)'/') { path++; length--; }
        if (length == 0) return -1;
        for (int k = 0; k < Names.Length; k++)
        {
            if (Names[k].Length != length) continue;
            bool same = true;
            for (int i = 0; i < length && same; i++) same = path[i] == (byte)Names[k][i];
            if (same) return k;
        }
        return -2;
    }

    private static Status Write(int kind, byte* data, int length)
    {
        if (kind == Debug)
        {
            Sys.DebugWrite(data, (ulong)length);
            return Status.Ok;
        }
        if (kind != Kill) return Status.InsufficientRights;
        ulong pid = 0;
        int i = 0;
        while (i < length && data[i] == (byte)' ') i++;
        int start = i;
        while (i < length && data[i] >= (byte)'0' && data[i] <= (byte)'9') pid = pid * 10 + (ulong)(data[i++] - '0');
        if (i == start) return Status.InvalidArgument;
        return ProcessManager.Kill(pid);
    }

    private static int Render(int kind, byte* into)
    {
        var t = new Text(into, TextBytes);
        switch (kind)
        {
            case 0:
                ulong ms = Sys.TimeNanos() / 1_000_000;
                t.Number(ms / 1000); t.Char('.'); t.Char((char)('0' + (int)(ms / 100 % 10))); t.Char((char)('0' + (int)(ms / 10 % 10))); t.Char((char)('0' + (int)(ms % 10))); t.Char('\n');
                break;
            case 1:
                t.Str("total "); t.Number(MemoryBlocks.TotalBytes / 1024); t.Str(" KiB\nfree "); t.Number(MemoryBlocks.FreeBytes / 1024); t.Str(" KiB\n");
                break;
            case 2:
                t.Str("PID PARENT NAME\n");
                ProcessManager.Describe(ref t);
                break;
            case 3:
                for (ulong i = 0; RootScheme.List(i, out int n, out ulong next) == Status.Ok; i = next)
                {
                    for (int c = 0; c < n; c++) t.Char((char)SchemeCall.Data[c]);
                    t.Char('\n');
                }
                break;
            case 4:
                t.Number(Sys.TimeNanos()); t.Char('\n');
                break;
        }
        return t.Length;
    }
}

/// <summary>Appends ASCII into a fixed buffer; what does not fit is dropped.</summary>
unsafe struct Text
{
    private readonly byte* _into;
    private readonly int _capacity;
    public int Length;

    public Text(byte* into, int capacity) { _into = into; _capacity = capacity; Length = 0; }

    public void Char(char c) { if (Length < _capacity) _into[Length++] = (byte)c; }

    public void Str(string s) { for (int i = 0; i < s.Length; i++) Char(s[i]); }

    public void Bytes(byte* b, int n) { for (int i = 0; i < n; i++) Char((char)b[i]); }

    public void Number(ulong v)
    {
        char* d = stackalloc char[20];
        int n = 0;
        do { d[n++] = (char)('0' + (int)(v % 10)); v /= 10; } while (v != 0);
        while (n > 0) Char(d[--n]);
    }
}
