// ttyd, the console daemon: registers `tty` and serves it over COM1 (output and input) and the
// PS/2 keyboard (input), with a line discipline (LineDiscipline) between the keys and the readers.
//
// What it needs from whoever starts it (the process manager, for SpawnFlags.ConsoleDevices; init's
// rc line `daemon tty devices=console initfs:/bin/ttyd`):
//   slot 10 (ProcessSlots.ConsolePorts)        an IoPorts capability: 0x3F8..0x3FF and 0x60..0x64 are bound
//   slot 11 (ProcessSlots.ConsoleSerialIrq)    the IrqHandler of line 4 (COM1), as IrqHandlerGet makes it
//   slot 12 (ProcessSlots.ConsoleKeyboardIrq)  the IrqHandler of line 1 (PS/2 keyboard)
//   plus the usual: Namespace with the register right, untyped memory in BootstrapSlots.Memory.
// Without them (slot 10 holds no IoPorts capability) it serves a tty with no hardware: writes go
// to the kernel log, reads wait for ever (a console for a machine whose UART someone else drives).
//
// One thread does everything. Interrupts arrive as notification signals bound to that thread, so
// the scheme receive loop also wakes for them (label NotificationLabel, the signalled bits in the
// badge): no second thread, no locking. A read with no completed line is deferred (a Reply object
// keeps the caller waiting) and answered when Enter completes one, oldest reader first.
//
// `tty:interrupt` is the console's interrupt event: a read of it waits for the next Ctrl-C (or a
// write to any `tty:interrupt` file, for a program that raises it) and answers one byte, 0x03; the
// quit and suspend bytes, when the mode names them (the Linux personality's ^\ and ^Z), are events
// of the same files answering 0x1C and 0x1A (TtySignals). Only
// the foreground hears it (TtySetForeground, like tcsetpgrp): the interrupt files of the foreground
// pid, or, when that process listens to none (a program the shell runs), those of the process that
// made it the foreground, which stops it. Nobody named yet: every interrupt file hears it. The
// mode (raw, echo, interrupt byte) is the line discipline's. docs/design/tty.md.
using System.Runtime;
using Vireo.Abi;
using Vireo.Ttyd;
using Vireo.User;
using Vireo.User.Schemes;

static unsafe class Program
{
    private const ulong SerialBit = 1, KeyboardBit = 2;
    private const ushort KeyboardData = 0x60, KeyboardStatus = 0x64;

    private const int MaxFiles = SchemeServer.MaxFiles;
    private static SchemeServer s_server;
    private static FileTable<TtyFile, Scheme> s_files;
    private static LineDiscipline s_line;
    private static KeyboardDecoder s_keys;
    private static Readers s_readers;
    private static Readers s_interruptReaders;
    private static WatchTable s_watches;
    private static bool s_hardware;
    private static ulong s_foreground, s_controller;   // pids: TtySetForeground's

    [RuntimeExport("vireo_main")]
    static int Main()
    {
        var memory = new CapHandle(BootstrapSlots.Memory, 0);
        if (HasDevices())
        {
            Status h = StartHardware(memory);
            if (h != Status.Ok) return Fail("ttyd: cannot use the console hardware: status ", h);
        }
        FileStats.UseBootTime();   // the console shows the system's start as its times
        if (s_files.Init(MaxFiles) != Status.Ok || SchemeDaemon.Start("tty", out s_server) != Status.Ok) return 1;
        if (s_hardware) TakeInput(SerialBit | KeyboardBit);   // whatever came before we listened
        while (true)
        {
            s_server.Receive(out Request r);
            if ((ulong)r.Op == MessageInfo.NotificationLabel)
            {
                TakeInput(r.Badge);
                // The readers waiting are those of before the batch: TakeInput serves none.
                bool behind = s_line.InterruptBehindInput;
                TtySignals raised = s_line.TakeSignals();
                if (raised != 0) Interrupt(raised, Context(behind));
                ServeReaders();
                s_watches.Check(&Ready);   // a line left over for nobody waiting: Readable
                continue;
            }
            s_files.Dispatch(ref s_server, ref r);
        }
    }

    private static int Fail(string why, Status s)
    {
        System.Console.Write(why);
        System.Console.Write((long)s);
        System.Console.WriteLine();
        return 1;
    }

    private static bool HasDevices() =>
        Sys.Identify(new CapHandle(ProcessSlots.ConsolePorts, 0), out ObjectType type, out _, out _, out _) == Status.Ok &&
        type == ObjectType.IoPorts;

    // The ports are opened to this thread; both interrupt lines signal one notification (a bit
    // each) bound to this thread, so they come in through the scheme endpoint's receive.
    private static Status StartHardware(CapHandle memory)
    {
        var ports = new CapHandle(ProcessSlots.ConsolePorts, 0);
        var self = new CapHandle(BootstrapSlots.Thread, 0);
        Status s = CSpace.Make(memory, ObjectType.Notification, 0, out CapHandle n);
        if (s == Status.Ok) s = Devices.IoPortsBind(ports, self, Uart.Base, Uart.PortCount);
        // A thread holds two port ranges at most: COM1's eight, and 0x60..0x64 for the keyboard.
        if (s == Status.Ok) s = Devices.IoPortsBind(ports, self, KeyboardData, KeyboardStatus - KeyboardData + 1u);
        if (s == Status.Ok) s = Devices.IrqHandlerBind(new CapHandle(ProcessSlots.ConsoleSerialIrq, 0), n, SerialBit);
        if (s == Status.Ok) s = Devices.IrqHandlerBind(new CapHandle(ProcessSlots.ConsoleKeyboardIrq, 0), n, KeyboardBit);
        if (s == Status.Ok) s = Ipc.Bind(self, n);
        if (s != Status.Ok)
        {
            CSpace.Release(n);   // nothing if Make failed (n is 0 then)
            return s;
        }
        Uart.Start();
        s_hardware = true;
        return Status.Ok;
    }

    // --- input -----------------------------------------------------------------------------------

    private static void TakeInput(ulong bits)
    {
        if ((bits & SerialBit) != 0)
        {
            while (Uart.HasInput) Feed(Uart.Read());
            // The handler is ttyd's own, held for good: acknowledging cannot fail.
            _ = Devices.IrqAck(new CapHandle(ProcessSlots.ConsoleSerialIrq, 0));
            Uart.Rearm();
        }
        if ((bits & KeyboardBit) != 0)
        {
            // IRQ 1 is edge-triggered too: a scancode that came while the line was masked raised
            // no edge, so look again once it is acknowledged.
            do
            {
                while ((Devices.InB(KeyboardStatus) & 1) != 0)
                {
                    byte c = s_keys.Decode(Devices.InB(KeyboardData));
                    if (c != 0) Feed(c);
                }
                // The handler is ttyd's own, held for good: acknowledging cannot fail.
                _ = Devices.IrqAck(new CapHandle(ProcessSlots.ConsoleKeyboardIrq, 0));
            } while ((Devices.InB(KeyboardStatus) & 1) != 0);
        }
    }

    private static void Feed(byte c)
    {
        byte* echo = stackalloc byte[LineDiscipline.MaxEcho];
        int n = s_line.Feed(c, echo);
        Uart.Write(echo, n);
    }

    // Completed lines go to waiting readers, oldest first. A reader that died meanwhile gets
    // nothing and its line goes to the next one.
    private static void ServeReaders()
    {
        while (s_line.HasLine && s_readers.Count > 0)
        {
            s_readers.Take(out int token, out int max);
            int n = s_line.Peek(SchemeCall.Data, max);
            if (s_server.AnswerLater(token, Status.Ok, 0, 0, n) == Status.Ok) s_line.Consume(n);
        }
    }

    // The foreground's interrupt files are told: a waiting reader is answered, a file without one
    // keeps it pending for its next read (or Watch). A reader that died meanwhile is skipped.
    private static void Interrupt(TtySignals kinds, TtyInterruptContext where)
    {
        ulong to = InterruptTarget(out bool anyone);
        if (anyone)
            for (uint id = 1; id < MaxFiles; id++)
                if (s_files.IsOpen(id) && s_files[id].Interrupt && (to == 0 || s_files[id].Opener == to))
                {
                    s_files[id].Pending |= kinds;
                    s_files[id].PendingContext = where;
                }
        for (int n = s_interruptReaders.Count; n > 0; n--)
        {
            s_interruptReaders.Take(out int token, out int file);
            if (s_files[(uint)file].Pending == 0)
            {
                s_interruptReaders.Add(token, file);
                continue;
            }
            SchemeCall.Data[0] = TakePending(ref s_files[(uint)file]);
            // A reader that died meanwhile needs no answer.
            _ = s_server.AnswerLater(token, Status.Ok, (ulong)s_files[(uint)file].PendingContext, 0, 1);
        }
        s_watches.Check(&Ready);
    }

    // One pending event of the file, interrupt first: the byte its read answers.
    private static byte TakePending(ref TtyFile file)
    {
        TtySignals kind = (file.Pending & TtySignals.Interrupt) != 0 ? TtySignals.Interrupt :
            (file.Pending & TtySignals.Quit) != 0 ? TtySignals.Quit : TtySignals.Suspend;
        file.Pending &= ~kind;
        return kind == TtySignals.Interrupt ? LineDiscipline.EndOfText :
            kind == TtySignals.Quit ? LineDiscipline.FileSeparator : LineDiscipline.Substitute;
    }

    // The event a write to `tty:interrupt` raises: its first byte's (0x1C quit, 0x1A suspend), else an interrupt.
    private static TtySignals KindOf(byte first) =>
        first == LineDiscipline.FileSeparator ? TtySignals.Quit : first == LineDiscipline.Substitute ? TtySignals.Suspend : TtySignals.Interrupt;

    // Where an interrupt came, told to its hearer (TtyInterruptContext): behind input nobody read yet
    // (`behindInput`: a line was queued when it came), or at a prompt (a reader waiting, nothing queued).
    private static TtyInterruptContext Context(bool behindInput) =>
        behindInput ? TtyInterruptContext.BehindInput :
        s_readers.Count > 0 ? TtyInterruptContext.WhileReading : TtyInterruptContext.None;

    // Whose interrupt files hear it: the foreground pid's, else its controller's (0 = everyone's
    // while nobody was named). `anyone` false: neither listens, the interrupt goes nowhere (as a
    // signal to an empty process group).
    private static ulong InterruptTarget(out bool anyone)
    {
        anyone = true;
        if (s_foreground == 0 || Listens(s_foreground)) return s_foreground;
        if (Listens(s_controller)) return s_controller;
        anyone = false;
        return 0;
    }

    private static bool Listens(ulong pid)
    {
        for (uint id = 1; id < MaxFiles; id++)
            if (s_files.IsOpen(id) && s_files[id].Interrupt && s_files[id].Opener == pid) return true;
        return false;
    }

    // --- requests --------------------------------------------------------------------------------

    // Every open (and dup) is its own file id, so closing one leaves the others working; a tty file
    // is the console, or its interrupt event. Opener: the pid that opened it (a dup keeps it), which
    // is how the foreground (a pid) finds its interrupt files.
    private struct TtyFile
    {
        public bool Interrupt;
        public TtySignals Pending;   // events that came for this file while nobody read it
        public TtyInterruptContext PendingContext;   // where the last such interrupt came (its answer's w0)
        public ulong Opener;
    }

    private static bool IsInterruptPath(ref Request r) =>
        Ascii.Equals(new System.ReadOnlySpan<byte>(r.Data, r.DataLength), "interrupt") ||
        Ascii.Equals(new System.ReadOnlySpan<byte>(r.Data, r.DataLength), "/interrupt");

    private struct Scheme : IScheme<TtyFile>
    {
        public void OnPath(ref Request r)
        {
            if (r.Op == SchemeOp.Open) s_files.Open(ref s_server, new TtyFile { Interrupt = r.DataLength > 0 && IsInterruptPath(ref r), Opener = r.Client });
            else if (r.Op == SchemeOp.Stat) FileStats.Answer(ref s_server, ConsoleStat);
        }

        public void OnFile(ref Request r, uint id, ref TtyFile file)
        {
            if (r.Op == SchemeOp.TtyGetMode || r.Op == SchemeOp.TtySetMode || r.Op == SchemeOp.TtyGetForeground)
            {
                OnTerminal(ref r);
                return;
            }
            if (file.Interrupt)
            {
                OnInterruptFile(ref r, id);
                return;
            }
            switch (r.Op)
            {
                case SchemeOp.Read:
                    Read(ref r);
                    break;
                case SchemeOp.Write:
                    // Without the console's devices the kernel's log stands in; its refusal is the writer's.
                    Status written = s_hardware ? Status.Ok : Sys.DebugWrite(r.Data, (ulong)r.DataLength);
                    if (s_hardware) Uart.Write(r.Data, r.DataLength);
                    s_server.Answer(written, written == Status.Ok ? (ulong)r.DataLength : 0);
                    break;
                case SchemeOp.Watch:
                    s_watches.Handle(ref s_server, ref r, id, Ready(id));
                    break;
                case SchemeOp.Fsync:
                    s_server.Answer(Status.Ok);
                    break;
                default:
                    s_server.Answer(Status.NotSupported);
                    break;
            }
        }

        public void Opened(uint id, ref TtyFile file) { }
        public void Closed(uint id, ref TtyFile file)
        {
            s_watches.Forget(id);
            if (!file.Interrupt) return;
            s_interruptReaders.Cancel(ref s_server, id);   // its reader waits no more
            // Neither the foreground nor the process that named it listens any more (it died: a Linux
            // personality that init starts again): nobody is named, so every listener hears again and
            // the next program on the console can claim it.
            file.Interrupt = false;   // Listens must not count the file being closed
            if (s_foreground != 0 && !Listens(s_foreground) && !Listens(s_controller)) s_foreground = s_controller = 0;
        }

        public void Stat(ref TtyFile file, out FileStat st) => st = ConsoleStat;

        // crw--w----, as Linux's terminals: the owner reads and writes, the group may write.
        private static FileStat ConsoleStat => FileStats.Of(FileKind.Device, 0, 0x190);
    }

    // Every console file reads the one line queue: Readable when a completed line (or an end of
    // file, or raw bytes) waits that no waiting reader took; a write never waits. An interrupt file
    // is Readable while an interrupt is pending for it.
    private static Readiness Ready(uint id)
    {
        if (s_files.IsOpen(id) && s_files[id].Interrupt)
            return (s_files[id].Pending != 0 ? Readiness.Readable : Readiness.None) | Readiness.Writable;
        return (s_line.HasLine && s_readers.Count == 0 ? Readiness.Readable : Readiness.None) | Readiness.Writable;
    }

    // A read waits for the next interrupt (or takes a pending one); a write raises one;
    // TtySetForeground names the foreground.
    private static void OnInterruptFile(ref Request r, uint id)
    {
        ref TtyFile file = ref s_files[id];
        if (r.Op == SchemeOp.Write)
        {
            ulong length = (ulong)r.DataLength;
            // Its answers use the data area: before this request's own answer.
            Interrupt(KindOf(r.DataLength > 0 ? r.Data[0] : (byte)0), Context(s_line.HasLine));
            s_server.Answer(Status.Ok, length);
        }
        else if (r.Op == SchemeOp.Read && r.W0 > 0 && file.Pending != 0)
        {
            SchemeCall.Data[0] = TakePending(ref file);
            s_server.Answer(Status.Ok, (ulong)file.PendingContext, 0, 0, 1);
        }
        else if (r.Op == SchemeOp.Read && r.W0 > 0)
        {
            if (s_interruptReaders.Full || !s_server.Defer(out int token)) s_server.Answer(Status.WouldBlock);
            else s_interruptReaders.Add(token, (int)id);   // the file id in place of a length: see Closed
        }
        else if (r.Op == SchemeOp.TtySetForeground)
        {
            s_foreground = r.W0 != 0 ? r.W0 : file.Opener;
            s_controller = file.Opener;
            s_server.Answer(Status.Ok);
        }
        else if (r.Op == SchemeOp.Watch) s_watches.Handle(ref s_server, ref r, id, Ready(id));
        else if (r.Op == SchemeOp.Read || r.Op == SchemeOp.Fsync) s_server.Answer(Status.Ok);
        else s_server.Answer(Status.NotSupported);
    }

    // The mode and the foreground, on any tty file: the terminal's, not the file's.
    private static void OnTerminal(ref Request r)
    {
        if (r.Op == SchemeOp.TtyGetForeground)
        {
            s_server.Answer(Status.Ok, s_foreground, s_controller);
            return;
        }
        ulong before = (ulong)s_line.Mode;
        if (r.Op == SchemeOp.TtyGetMode)
        {
            s_server.Answer(Status.Ok, before, (ulong)s_line.MinBytes,
                s_line.InterruptByte | (ulong)s_line.QuitByte << 8 | (ulong)s_line.SuspendByte << 16);
            return;
        }
        // w2: the interrupt byte, the quit byte << 8, the suspend byte << 16.
        ulong quit = (r.W2 >> 8) & 0xFF, suspend = (r.W2 >> 16) & 0xFF;
        if (r.W2 >> 24 != 0 || !LineDiscipline.IsValidMode(r.W0, r.W1, r.W2 & 0xFF, quit, suspend))
        {
            s_server.Answer(Status.InvalidArgument);
            return;
        }
        s_line.SetMode((TtyMode)r.W0, (int)r.W1, (byte)r.W2, (byte)quit, (byte)suspend);
        s_server.Answer(Status.Ok, before);
        ServeReaders();   // what was being edited may be input now
        s_watches.Check(&Ready);
    }

    private static void Read(ref Request r)
    {
        int max = r.W0 > SchemeLimits.MaxData ? SchemeLimits.MaxData : (int)r.W0;
        if (max == 0)
        {
            s_server.Answer(Status.Ok);
            return;
        }
        if (s_line.HasLine && s_readers.Count == 0)
        {
            int n = s_line.Peek(SchemeCall.Data, max);
            s_line.Consume(n);
            s_server.Answer(Status.Ok, 0, 0, 0, n);
            return;
        }
        if ((s_line.Mode & TtyMode.Canonical) == 0 && s_line.MinBytes == 0)
        {
            s_server.Answer(Status.Ok);   // a raw read that does not wait: nothing is there
            return;
        }
        if (s_readers.Full || !s_server.Defer(out int token))
        {
            s_server.Answer(Status.WouldBlock);   // more readers than Reply objects: try again
            return;
        }
        s_readers.Add(token, max);
    }
}

/// <summary>Readers waiting for a line, in arrival order: their deferred answers and how much each
/// asked for.</summary>
unsafe struct Readers
{
    private const int Capacity = SchemeServer.MaxDeferred;
    private fixed int _tokens[Capacity];
    private fixed int _max[Capacity];
    private int _first;
    public int Count;

    public bool Full => Count == Capacity;

    public void Add(int token, int max)
    {
        int i = (_first + Count) % Capacity;
        _tokens[i] = token;
        _max[i] = max;
        Count++;
    }

    /// <summary>Answers BadDescriptor to every waiting reader whose `max` is `id` (the interrupt
    /// readers keep their file id there) and keeps the others in order.</summary>
    public void Cancel(ref SchemeServer server, uint id)
    {
        for (int n = Count; n > 0; n--)
        {
            Take(out int token, out int max);
            // A reader that died meanwhile needs no answer.
            if (max == (int)id) _ = server.AnswerLater(token, Status.BadDescriptor);
            else Add(token, max);
        }
    }

    public void Take(out int token, out int max)
    {
        token = _tokens[_first];
        max = _max[_first];
        _first = (_first + 1) % Capacity;
        Count--;
    }
}
