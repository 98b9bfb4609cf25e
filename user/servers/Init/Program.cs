// init: reads its rc file (argv[1], e.g. initfs:/etc/init.rc) and starts what it lists, in order;
// then restarts whatever it started that ends (logging it), until the system powers off.
//
// rc lines (words separated by spaces; '#' starts a comment):
//   daemon NAME [memory=BITS] [cnode=BITS] [limit=SIZE] [devices=console|pci] PROGRAM [ARGS...]
//       start PROGRAM, wait until scheme NAME is registered, restart it if it ends (unless it
//       exits with status 0: it had nothing to serve, e.g. diskfs without a disk)
//   service [memory=BITS] [limit=SIZE] PROGRAM [ARGS...]      start, restart if it ends (as daemon)
// grant=kill,poweroff,log: rights the program gets (SpawnFlags.KillAny, PowerOff, KernelLog; init may
// give them because the process manager gave them to init). Daemons and services get the kernel log
// anyway (they have no console; their diagnostics go there); other lines get what they are granted.
// memory=BITS: a first block of 2^BITS bytes (half of it heap) instead of one sized from the image;
// limit=SIZE: the most memory the process may hold, grown blocks included (bytes, or with K, M or G;
// default ProcessManager.DefaultLimit, 256 MiB).
//   console                                       later programs get tty: as stdin, stdout, stderr
//   run PROGRAM [ARGS...]                         start on the console and wait until it ends
//   shell PROGRAM [ARGS...]                       start on the console; start again when it ends
// Started again after a death (`init --adopt RCFILE`), init takes over what is still running instead of
// starting it twice (Adoption.cs).
using System.Runtime;
using Vireo.Abi;
using Vireo.User;
using Vireo.User.Schemes;

static unsafe partial class Program
{
    private const int MaxEntries = 24;
    private const int LineBytes = 120;
    private const int MaxRestarts = 5;

    private struct Entry
    {
        public ulong Pid;
        public int Kind;             // 0 daemon, 1 service, 2 shell
        public ulong Sizes;          // memory bits for the process manager
        public ulong Limit;          // bytes, 0 = the process manager's default
        public ulong Flags;          // SpawnFlags
        public int Restarts;
        public bool Console;         // started with the console as stdio
        public int NameLength;
        public fixed byte Name[SchemeLimits.MaxName];
        public int ArgvLength;
        public fixed byte Argv[LineBytes];
    }

    private static Entry* s_entries;
    private static byte[] s_table;
    private static int s_count;
    private static Fd s_console;

    [RuntimeExport("vireo_main")]
    static int Main()
    {
        // The array stays referenced from a static: the collector frees what nothing references, and
        // it never moves objects, so the pointer into it stays valid.
        s_table = new byte[MaxEntries * sizeof(Entry)];
        fixed (byte* p = s_table) s_entries = (Entry*)p;
        if (Args.PositionalCount < 1) return Log("init: usage: init [--adopt] RCFILE", 1);
        if (Args.Has("--adopt")) BeginAdoption();
        byte* rc = stackalloc byte[4096];
        if (File.ReadAll(Args.Positional(0), new System.Span<byte>(rc, 4096), out int length) != Status.Ok) return Log("init: cannot read the rc file", 2);
        int at = 0;
        while (at < length)
        {
            int end = at;
            while (end < length && rc[end] != (byte)'\n') end++;
            Line(rc + at, end - at);
            at = end + 1;
        }
        WaitFor(0);   // supervise: whatever ends is started again
        return 0;
    }

    // --- the rc file ---------------------------------------------------------------------------

    private static void Line(byte* line, int length)
    {
        for (int i = 0; i < length; i++) if (line[i] == (byte)'#') { length = i; break; }
        while (length > 0 && (line[length - 1] == (byte)' ' || line[length - 1] == (byte)'\r')) length--;
        int at = 0;
        if (!Word(line, length, ref at, out byte* word, out int wordLength)) return;
        if (Ascii.Equals(Span(word, wordLength), "console")) { OpenConsole(); return; }
        bool daemon = Ascii.Equals(Span(word, wordLength), "daemon"), service = Ascii.Equals(Span(word, wordLength), "service");
        bool run = Ascii.Equals(Span(word, wordLength), "run"), shell = Ascii.Equals(Span(word, wordLength), "shell");
        if (!daemon && !service && !run && !shell)
        {
            System.Console.WriteLine("init: unknown rc line ignored");
            return;
        }
        if (s_count == MaxEntries) return;
        Entry* e = &s_entries[s_count];
        *e = default;
        e->Kind = daemon ? 0 : service ? 1 : 2;
        e->Console = run || shell;
        if (daemon || service) e->Flags = (ulong)SpawnFlags.KernelLog;
        if (daemon)
        {
            if (!Word(line, length, ref at, out word, out wordLength) || wordLength > SchemeLimits.MaxName) return;
            e->NameLength = wordLength;
            for (int i = 0; i < wordLength; i++) e->Name[i] = word[i];
        }
        // Options, then the program and its arguments (NUL-separated for the process manager).
        while (Word(line, length, ref at, out word, out wordLength))
        {
            if (e->ArgvLength == 0 && Ascii.StartsWith(Span(word, wordLength), "memory="))
            {
                e->Sizes = (e->Sizes & ~0xFFUL) | (Numbers.ParseDecimalPrefix(Span(word + 7, wordLength - 7)) & 0xFF);
                continue;
            }
            if (e->ArgvLength == 0 && Ascii.StartsWith(Span(word, wordLength), "cnode="))
            {
                e->Sizes = (e->Sizes & 0xFFUL) | ((Numbers.ParseDecimalPrefix(Span(word + 6, wordLength - 6)) & 0xFF) << 8);
                continue;
            }
            if (e->ArgvLength == 0 && Ascii.StartsWith(Span(word, wordLength), "limit="))
            {
                e->Limit = Size(word + 6, wordLength - 6);
                continue;
            }
            if (e->ArgvLength == 0 && Ascii.StartsWith(Span(word, wordLength), "grant="))
            {
                e->Flags |= Grants(Span(word + 6, wordLength - 6));
                continue;
            }
            if (e->ArgvLength == 0 && Ascii.Equals(Span(word, wordLength), "devices=console"))
            {
                e->Flags |= (ulong)SpawnFlags.ConsoleDevices;
                continue;
            }
            if (e->ArgvLength == 0 && Ascii.Equals(Span(word, wordLength), "devices=pci"))
            {
                e->Flags |= (ulong)SpawnFlags.PciPorts;
                continue;
            }
            if (e->ArgvLength + wordLength + 1 > LineBytes) return;
            for (int i = 0; i < wordLength; i++) e->Argv[e->ArgvLength++] = word[i];
            e->Argv[e->ArgvLength++] = 0;
        }
        if (e->ArgvLength == 0) return;
        if (run && s_adopting) return;   // it ran (or runs) under the init before
        if (run)
        {
            if (Start(e) == Status.Ok) WaitFor(e->Pid);
            return;
        }
        s_count++;
        if (s_adopting && Adopt(e)) return;
        if (Start(e) == Status.Ok && daemon) AwaitScheme(e);
    }

    private static void OpenConsole()
    {
        for (int tries = 0; tries < 200; tries++)
        {
            if (Fs.Open("tty:", OpenFlags.Read | OpenFlags.Write, out s_console) == Status.Ok) return;
            Sys.Sleep(10_000_000);
        }
        System.Console.WriteLine("init: no console (tty:); programs start without one");
    }

    // The console daemon restarted: init's descriptor of the old one is dead, and a shell started
    // from now on gets the new console. Shells still running reopen it themselves (the shell's
    // Terminal; docs/design/tty.md, "When ttyd restarts").
    private static void ReopenConsole()
    {
        if (!s_console.IsValid) return;
        CSpace.Release(s_console.Cap);
        s_console = default;
        OpenConsole();
    }

    // --- processes ---------------------------------------------------------------------------

    private static Status Start(Entry* e)
    {
        int caps = 0;
        Fd console = default;
        // The child gets a console descriptor of its own (it closes it when it exits).
        if (e->Console && s_console.IsValid && Fs.Dup(s_console, out console) == Status.Ok) caps = 3;
        for (int i = 0; i < e->ArgvLength; i++) SchemeCall.Data[i] = e->Argv[i];
        IpcBuffer* b = SchemeCall.Buffer;
        b->SendCaps[0] = b->SendCaps[1] = b->SendCaps[2] = console.Cap.Value;
        Status s = SchemeCall.Call(Namespace.Root, SchemeOp.Spawn, e->Flags, e->Sizes, e->Limit, e->ArgvLength, caps, 0, out SchemeReply r);
        if (caps > 0) Fs.Forget(console);
        if (s != Status.Ok)
        {
            System.Console.Write("init: cannot start ");
            Name(e);
            System.Console.Write(": status ");
            System.Console.Write((long)s);
            System.Console.WriteLine();
            return s;
        }
        e->Pid = r.W0;
        return Status.Ok;
    }

    // A daemon is up when its scheme is registered: later lines may use it. The root scheme answers
    // once it is, or once the daemon has ended without registering it.
    private static void AwaitScheme(Entry* e)
    {
        byte* name = stackalloc byte[SchemeLimits.MaxName];
        for (int i = 0; i < e->NameLength; i++) name[i] = e->Name[i];
        Status s = Namespace.AwaitName(name, e->NameLength, e->Pid, out _);
        // PeerDied: it ended first; Ended says how (and nothing for a daemon with nothing to serve).
        if (s == Status.Ok || s == Status.PeerDied) return;
        System.Console.Write("init: scheme not registered by ");
        Name(e);
        System.Console.Write(": status ");
        System.Console.Write((long)s);
        System.Console.WriteLine();
    }

    // Waits for one program to end while still restarting whatever else ends meanwhile (a few times
    // at most: a daemon that cannot stay up is left down). Returns when nothing is left to watch.
    // WaitFor(0) supervises until then: pids start at 1, so no child ever matches 0.
    private static void WaitFor(ulong pid)
    {
        while (true)
        {
            Status s = SchemeCall.Call(Namespace.Root, SchemeOp.WaitChild, 0, 0, 0, 0, 0, 0, out SchemeReply r);
            if (s == Status.NotFound || (s == Status.Ok && r.W0 == pid)) return;
            if (s != Status.Ok) { Sys.Sleep(100_000_000); continue; }
            Ended(r.W0, r.W1, r.W2);
        }
    }

    private static void Ended(ulong pid, ulong kind, ulong code)
    {
        for (int i = 0; i < s_count; i++)
        {
            Entry* e = &s_entries[i];
            if (e->Pid != pid) continue;
            e->Pid = 0;
            // A daemon or service that exits with status 0 is done on purpose (diskfs without a
            // disk: it said why): it is not restarted.
            if (e->Kind != 2 && kind == (ulong)ThreadExitKind.Exited && code == 0) return;
            if (e->Kind != 2)
            {
                System.Console.Write("init: ");
                Name(e);
                System.Console.Write(" (pid ");
                System.Console.Write(pid);
                System.Console.Write(kind == (ulong)ThreadExitKind.Exited ? ") exited with status " : kind == (ulong)ThreadExitKind.Killed ? ") was killed" : ") faulted, vector ");
                if (kind != (ulong)ThreadExitKind.Killed) System.Console.Write(code);
                System.Console.WriteLine(e->Restarts < MaxRestarts ? "; restarting" : "; giving up");
                if (e->Restarts++ >= MaxRestarts) return;
            }
            if (Start(e) != Status.Ok || e->Kind != 0) return;
            AwaitScheme(e);
            if ((e->Flags & (ulong)SpawnFlags.ConsoleDevices) != 0) ReopenConsole();
            // A new daemon knows nothing of the old one's files (file: starts empty): say so, naming the scheme.
            System.Console.Write("init: ");
            for (int k = 0; k < e->NameLength; k++) System.Console.Write((char)e->Name[k]);
            System.Console.Write(": (");
            Name(e);
            System.Console.WriteLine(") ended; started again, its files are gone");
            return;
        }
    }

    // --- text ----------------------------------------------------------------------------------

    private static void Name(Entry* e)
    {
        for (int i = 0; i < e->ArgvLength && e->Argv[i] != 0; i++) System.Console.Write((char)e->Argv[i]);
    }

    private static bool Word(byte* line, int length, ref int at, out byte* word, out int wordLength)
    {
        bool found = Ascii.NextWord(Span(line, length), ref at, out System.ReadOnlySpan<byte> w);
        word = line + at - w.Length;
        wordLength = w.Length;
        return found;
    }

    private static System.ReadOnlySpan<byte> Span(byte* bytes, int length) => new System.ReadOnlySpan<byte>(bytes, length);

    // A size: digits, then K, M or G (powers of 1024) or nothing (bytes).
    private static ulong Size(byte* text, int length)
    {
        int digits = 0;
        while (digits < length && text[digits] >= (byte)'0' && text[digits] <= (byte)'9') digits++;
        ulong n = Numbers.ParseDecimalPrefix(Span(text, digits));
        byte unit = digits < length ? text[digits] : (byte)0;
        return unit == (byte)'K' ? n << 10 : unit == (byte)'M' ? n << 20 : unit == (byte)'G' ? n << 30 : n;
    }

    // grant=: comma-separated kill, poweroff, log; other words grant nothing.
    private static ulong Grants(System.ReadOnlySpan<byte> list)
    {
        ulong flags = 0;
        while (list.Length > 0)
        {
            int comma = 0;
            while (comma < list.Length && list[comma] != (byte)',') comma++;
            if (comma == list.Length) comma = -1;
            var word = comma < 0 ? list : list.Slice(0, comma);
            if (Ascii.Equals(word, "kill")) flags |= (ulong)SpawnFlags.KillAny;
            else if (Ascii.Equals(word, "poweroff")) flags |= (ulong)SpawnFlags.PowerOff;
            else if (Ascii.Equals(word, "log")) flags |= (ulong)SpawnFlags.KernelLog;
            else System.Console.WriteLine("init: unknown grant= word ignored");
            list = comma < 0 ? default : list.Slice(comma + 1);
        }
        return flags;
    }

    private static int Log(string text, int code)
    {
        System.Console.WriteLine(text);
        return code;
    }
}
