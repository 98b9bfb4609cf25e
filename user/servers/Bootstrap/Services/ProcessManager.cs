// The process manager and root scheme: after start-up the bootstrap becomes the server every
// process's Namespace capability points at. It starts processes from the initfs or from files their
// callers opened and sent (StagedImages; each in a memory
// block of its own, sized from its image; more blocks on request up to its limit), tells parents when children end (exit notifications, bound to this thread, name
// which children to look at; a WaitChild that must wait is put aside in a Reply object), kills,
// lists, reports memory, and powers off; who may kill or power off, and the restart of initfsd and
// init, are in Authority.cs. The root scheme's table lives here too (RootScheme), and
// AwaitName requests wait here for a name's Register.
using Vireo.Abi;
using Vireo.Hardware;
using Vireo.Services;
using Vireo.User;
using Vireo.User.Schemes;

static unsafe partial class ProcessManager
{
    /// <summary>Test images only (tests/Guest/Bootstrap/FaultInjection.cs): makes process `pid`
    /// fault. Without a body the call is dropped and the request answered NotSupported.</summary>
    static partial void InjectFault(ulong caller, ulong pid);

    /// <summary>Table entries at start; the table doubles whenever a Spawn finds it full, so the
    /// number of processes is bounded by memory and capability slots, which Spawn checks.</summary>
    private const int FirstCapacity = 64;
    private const int NameBytes = 24;
    /// <summary>The most memory a process may hold when its spawn request names no limit.</summary>
    public const ulong DefaultLimit = 256UL << 20;
    /// <summary>The heap untyped of a process whose block is sized from its image (64 KiB: a small
    /// program's block is then 256 KiB, so a thousand fit in 512 MiB; a program that needs more asks
    /// for it, MemoryRequest.Refill).</summary>
    public const int DefaultHeapBits = 16;
    /// <summary>Blocks one process may hold: each costs the manager capability slots (its own and
    /// its splits'), which all processes share, so many small requests must not use them up.</summary>
    public const int MaxBlocksPerProcess = 64;

    private struct Proc
    {
        public ulong Pid;            // 0 = free entry
        public ulong Parent;
        public bool Exited;
        public ulong Kind, Code;
        public Process P;
        public int Blocks;           // its memory blocks: a chain in MemoryBlocks (-1 = none)
        public ulong Held, Limit;    // bytes in those blocks, and the most it may hold
        public int BlockCount;
        public ulong Reply;          // its Reply object for WaitChild, made with its first child (0 = none)
        public bool Waiting;         // a WaitChild of this process is put aside in Reply
        public ulong WaitFor;        // the pid it waits for, 0 = any child
        public ulong Rights;         // SpawnFlags.KillAny | PowerOff | KernelLog it was given (Authority.cs)
        public bool Dma;             // SpawnFlags.Dma: its memory keeps the Physical right (ADR 0011)
        public int NameLength;
        public fixed byte Name[NameBytes];
    }

    private static Proc* s_procs;
    private static byte[] s_table;
    private static int s_capacity;
    private static CapHandle s_memory;   // the manager's own untyped: its endpoint, Reply objects
    private static ulong s_nextPid = 1;
    private static SchemeServer s_server;
    private static CapHandle s_exits;
    private static InitfsImage s_initfs;
    private static bool s_stop;
    private static int s_stopStatus;

    /// <summary>Serves until PowerOff; returns the status the bootstrap exits with (0 = clean).</summary>
    public static int Run(ref InitfsImage initfs, CapHandle memory, BootstrapInfo* info, string rcFile)
    {
        s_initfs = initfs;
        s_info = info;
        s_rcFile = rcFile;
        // The array stays referenced from a static: the collector frees what nothing references, and
        // it never moves objects, so the pointer into it stays valid.
        s_capacity = FirstCapacity;
        s_table = new byte[s_capacity * sizeof(Proc)];
        fixed (byte* p = s_table) s_procs = (Proc*)p;
        RootScheme.Init();
        SysScheme.Init(info);
        StagedImages.Init();
        if (MemoryBlocks.Init(info, memory, out memory) != Status.Ok) return Fail("no memory of its own");
        s_memory = memory;
        if (SchemeServer.Create(memory, out s_server) != Status.Ok) return Fail("no endpoint");
        if (!PrepareReplies()) return Fail("no Reply objects");
        // sys: is served on the same endpoint: its requests come through looked-up (client-badged)
        // or minted file capabilities, which no Namespace capability carries.
        byte* sysName = stackalloc byte[3];
        sysName[0] = (byte)'s'; sysName[1] = (byte)'y'; sysName[2] = (byte)'s';
        if (!CSpace.TryAlloc(out uint sysSlot) || Sys.Copy(s_server.Endpoint, CSpace.Self, sysSlot, Rights.All, out CapHandle sysCap) != Status.Ok ||
            RootScheme.Register(0, sysName, 3, sysCap) != Status.Ok)
            return Fail("cannot register sys:");
        if (CSpace.Make(memory, ObjectType.Notification, 0, out s_exits) != Status.Ok ||
            Ipc.Bind(new CapHandle(BootstrapSlots.Thread, 0), s_exits) != Status.Ok)
            return Fail("no exit notification");
        // Bounded waits (AwaitName's) end through the exit notification too (Clock.cs).
        if (!Clock.Start(memory, s_exits)) return Fail("no clock");
        if (!DeadFiles.Init(memory)) System.Console.WriteLine("procmgr: no morgue; a process's death will not close its files");

        Status s = StartInitfs(info, out s_initfsPid);
        if (s != Status.Ok) return Fail("cannot start bin/initfsd");
        // init reads its rc file from initfs:, so it starts once that is registered (initfsd may ask
        // for memory first, which this loop serves).
        Serve(s_initfsPid);
        if (!InitfsRegistered()) return Fail("bin/initfsd ended before registering initfs:");
        s = StartInit(false);
        if (s != Status.Ok) return Fail("cannot start bin/init");
        Serve();
        return s_stopStatus;
    }

    private static int Fail(string what)
    {
        System.Console.Write("bootstrap: ");
        System.Console.WriteLine(what);
        return 1;
    }

    // The initfs daemon gets the archive mapped read-only where the bootstrap has it.
    private static bool Alive(ulong pid)
    {
        Proc* e = Find(pid);
        return e != null && !e->Exited;
    }

    private static bool InitfsRegistered()
    {
        byte* name = stackalloc byte[6] { (byte)'i', (byte)'n', (byte)'i', (byte)'t', (byte)'f', (byte)'s' };
        return RootScheme.Lookup(name, 6, out _) == Status.Ok;
    }

    private static Status StartInitfs(BootstrapInfo* info, out ulong pid)
    {
        const string Argv = "initfs:/bin/initfsd\0";
        byte* argv = stackalloc byte[Argv.Length];
        int n = Ascii.Copy(Argv, new System.Span<byte>(argv, Argv.Length));
        ulong count = info->InitfsFrameCount;
        // The frames are consecutive slots; the builder copies and maps each, one slot of initfsd's
        // CNode per frame: the CNode is sized for them (with room for its own objects), up to the
        // largest a spawn may ask for (2^12 slots).
        const int Reserve = 256;
        pid = 0;
        if (count > (1UL << 12) - Reserve) return Status.OutOfRange;
        int cnodeBits = 10;
        while ((1UL << cnodeBits) < count + Reserve) cnodeBits++;
        CapHandle* l = stackalloc CapHandle[(int)count];
        for (ulong i = 0; i < count; i++) l[i] = new CapHandle((uint)(info->InitfsFrameSlot + i), 0);
        return Spawn(0, argv, n, true, (ulong)cnodeBits << 8, default, default, default, out pid, false, l, (uint)count, info->InitfsBase & ~0xFFFUL, info->InitfsSize, default, info->InitfsBase & 0xFFF,
            rights: (ulong)SpawnFlags.KernelLog);
    }

    // --- the server loop -------------------------------------------------------------------------

    // Serves until PowerOff; with `initfsd` (its pid), only until it has registered initfs: or ended.
    private static void Serve(ulong initfsd = 0)
    {
        while (!s_stop && (initfsd == 0 || !InitfsRegistered() && Alive(initfsd)))
        {
            s_server.Receive(out Request r);
            if ((ulong)r.Op == MessageInfo.NotificationLabel)
            {
                Reap(r.Badge);
                ExpireWaits();
                continue;
            }
            if ((r.Badge & (SchemeBadge.ClientFlag | SchemeBadge.FileFlag)) != 0)
            {
                if (r.DataLength < 0) s_server.Answer(Status.InvalidArgument);
                else SysScheme.Serve(ref s_server, ref r);
                continue;
            }
            ulong caller = r.Badge & 0xFFFF_FFFF;
            bool mayRegister = (r.Badge & SchemeBadge.RegisterRight) != 0;
            if (r.DataLength < 0)
            {
                s_server.Answer(Status.InvalidArgument);
                continue;
            }
            switch (r.Op)
            {
                case SchemeOp.Register:
                    if (!mayRegister || r.Caps != 1) { s_server.Answer(mayRegister ? Status.InvalidArgument : Status.InsufficientRights); break; }
                    Status rs = RootScheme.Register(caller, r.Data, r.DataLength, r.Cap0);
                    if (rs == Status.Ok) Registered(r.Data, r.DataLength, s_server.Claim(0));   // the root's table keeps it
                    s_server.Answer(rs);
                    break;
                case SchemeOp.Lookup:
                        Lookup(caller, ref r);
                    break;
                case SchemeOp.AwaitName:
                        AwaitName(caller, ref r);
                    break;
                case SchemeOp.List:
                        Status ls = RootScheme.List(r.W0, out int length, out ulong next);
                    s_server.Answer(ls, next, 0, 0, length);
                    break;
                case SchemeOp.Spawn:
                    ulong pid = 0;
                    var flags = (SpawnFlags)r.W0;
                    bool own = (flags & SpawnFlags.Namespace) != 0;
                    Status given = GivenRights(caller, flags, out ulong rights);
                    Status ss = flags > (SpawnFlags.NoRegister | SpawnFlags.ConsoleDevices | SpawnFlags.Namespace | RightFlags | SpawnFlags.InheritRights | SpawnFlags.PciPorts | SpawnFlags.Dma) ? Status.InvalidArgument :
                        (flags & (SpawnFlags.ConsoleDevices | SpawnFlags.PciPorts | SpawnFlags.Dma)) != 0 && !mayRegister ? Status.InsufficientRights :
                        own && r.Caps < 1 ? Status.InvalidArgument : given;
                    if (ss == Status.Ok)
                        ss = own ? Spawn(caller, r.Data, r.DataLength, false, r.W1, r.Cap1, r.Cap2, r.Cap2, out pid, false, null, 0, 0, 0, r.Cap0, limit: r.W2, rights: rights) :
                        Spawn(caller, r.Data, r.DataLength, mayRegister && (flags & SpawnFlags.NoRegister) == 0,
                            r.W1, r.Cap0, r.Cap1, r.Cap2, out pid, (flags & SpawnFlags.ConsoleDevices) != 0, limit: r.W2, rights: rights,
                            pciPorts: (flags & SpawnFlags.PciPorts) != 0, dma: (flags & SpawnFlags.Dma) != 0);
                    if (ss != Status.Ok) StagedImages.Drop(caller);   // a program sent for a Spawn that failed
                        s_server.Answer(ss, pid);
                    break;
                case SchemeOp.SpawnImage:
                    StagedImages.Serve(caller, ref s_server, ref r);
                    break;
                case SchemeOp.WaitChild:
                        WaitChild(caller, r.W0);
                    break;
                case SchemeOp.Kill:
                        s_server.Answer(Kill(caller, r.W0));
                    break;
                case SchemeOp.InjectFault:
                    InjectFault(caller, r.W0);   // only the test bootstrap has a body; else NotSupported
                    break;
                case SchemeOp.ProcList:
                        ProcList(r.W0);
                    break;
                case SchemeOp.MemInfo:
                        s_server.Answer(Status.Ok, MemoryBlocks.TotalBytes, MemoryBlocks.FreeBytes);
                    break;
                case SchemeOp.GrowMemory:
                        GrowMemory(caller, r.W0, r.W1);
                    break;
                case SchemeOp.Whois:
                        Whois(caller, ref r);
                    break;
                case SchemeOp.KernelCounters:
                    // It takes no data: a request that brings some is not this one (InvalidArgument).
                    if (r.DataLength != 0) s_server.Answer(Status.InvalidArgument);
                    else KernelCounters();
                    break;
                case SchemeOp.PowerOff:
                    if (!MayPowerOff(caller)) { s_server.Answer(Status.InsufficientRights); break; }
                        System.Console.WriteLine("vireo: power off");
                    s_stopStatus = (int)(r.W0 > 100 ? 100 : r.W0);
                    s_stop = true;
                    break;
                default:
                        s_server.Answer(Status.NotSupported);
                    break;
            }
        }
    }

    private static void Lookup(ulong caller, ref Request r)
    {
        Status s = RootScheme.Lookup(r.Data, r.DataLength, out CapHandle endpoint);
        CapHandle minted = default;
        if (s == Status.Ok) s = MintFor(caller, endpoint, out minted);
        if (s != Status.Ok)
        {
            s_server.Answer(s);
            return;
        }
        // A client that died meanwhile needs no answer; the minted copy goes with it.
        _ = s_server.AnswerWithCaps(Status.Ok, 0, &minted, 1);
        CSpace.Release(minted);   // the client's copy stays (a child in the derivation tree)
    }

    // The scheme capability a caller gets: the endpoint badged with its pid, in a slot of the
    // bootstrap's to release once it is sent. It may call, not receive: no client takes requests
    // meant for the daemon.
    private static Status MintFor(ulong caller, CapHandle endpoint, out CapHandle minted)
    {
        minted = default;
        if (!CSpace.TryAlloc(out uint slot)) return Status.NoSpace;
        Status s = Sys.Mint(endpoint, CSpace.Self, slot, Rights.Write | Rights.Grant, SchemeBadge.Client(caller), out minted);
        if (s != Status.Ok)
        {
            CSpace.Free(slot);
            return s;
        }
        return Status.Ok;
    }

    // --- processes ---------------------------------------------------------------------------

    private static Status Spawn(ulong parent, byte* argv, int length, bool mayRegister, ulong sizes,
        CapHandle stdin, CapHandle stdout, CapHandle stderr, out ulong pid, bool consoleDevices = false,
        CapHandle* shared = null, uint sharedCount = 0, ulong sharedAddress = 0, ulong word0 = 0, CapHandle ns = default, ulong word1 = 0,
        ulong limit = 0, ulong rights = 0, bool pciPorts = false, bool dma = false)
    {
        pid = 0;
        if (length <= 0 || argv[0] == 0) return Status.InvalidArgument;
        int nameEnd = 0;
        while (nameEnd < length && argv[nameEnd] != 0) nameEnd++;
        // A program of another scheme: its caller sent it first (StagedImages; docs/adr/0013).
        var name = new System.ReadOnlySpan<byte>(argv, nameEnd);
        bool staged = !ProgramImages.OnInitfs(name);
        if (staged && !StagedImages.Ready(parent, argv, nameEnd)) return Status.BadState;
        // "initfs:/bin/x", "/bin/x" or "bin/x" name bin/x in the archive.
        int start = 0;
        const string Scheme = "initfs:";
        if (nameEnd > Scheme.Length && Ascii.StartsWith(new System.ReadOnlySpan<byte>(argv, nameEnd), Scheme)) start = Scheme.Length;
        while (start < nameEnd && argv[start] == (byte)'/') start++;
        if (nameEnd - start > 60 && !staged) return Status.NameTooLong;
        var path = new System.ReadOnlySpan<byte>(argv + start, nameEnd - start);
        int index = FreeEntry();
        if (index < 0) return Status.NoSpace;
        // The parent's WaitChild must never find no Reply object to wait in: it gets one with its
        // first child, or the child is refused now.
        Proc* parentEntry = Find(parent);
        if (parentEntry != null && parentEntry->Reply == 0 && !TakeReply(out parentEntry->Reply)) return Status.OutOfMemory;
        int memoryBits = (int)(sizes & 0xFF);
        int cnodeBits = (int)((sizes >> 8) & 0xFF);
        if (cnodeBits == 0) cnodeBits = 10;
        if (memoryBits != 0 && (memoryBits < BuddyBlocks.MinOrder || memoryBits > MemoryBlocks.MaxBits) || cnodeBits < 8 || cnodeBits > ObjectSizes.MaxCNodeSlotBits)
            return Status.InvalidArgument;
        if (limit == 0) limit = DefaultLimit;
        ProcessOptions o = ProcessOptions.Default(0);
        o.CNodeBits = cnodeBits;
        o.StackPages = 8;
        o.IpcBuffer = ProcessSlots.IpcBuffer;
        // Frames mapped for the child (initfsd's archive) take page tables from the address space's
        // pool, one per 512: room for them beyond the usual pool (an archive past 8 MiB ran the default
        // one dry, and initfsd's heap could then not be mapped).
        while (sharedCount > 0 && o.AddressSpaceBits < ObjectSizes.MaxAddressSpaceBits &&
            (1u << (o.AddressSpaceBits - 12)) < 16 + (sharedCount + 511) / 512 + 2)
            o.AddressSpaceBits++;
        // memory=BITS (init.rc) names the block, half of it heap; otherwise the block is the
        // smallest that holds the image's private pages, stack, objects and a DefaultHeapBits heap.
        o.HeapBits = memoryBits != 0 ? memoryBits - 1 : DefaultHeapBits;
        ProgramFile program = staged ? StagedImages.Program(parent, out o.ProgramFile) : default;
        if (memoryBits == 0)
        {
            memoryBits = staged ? ProcessBuilder.MemoryBitsFor(ref program, o) : ProcessBuilder.MemoryBitsFor(ref s_initfs, path, o);
            if (memoryBits <= 0) return memoryBits == 0 ? Status.NotFound : Status.InvalidArgument;
            if (memoryBits < BuddyBlocks.MinOrder) memoryBits = BuddyBlocks.MinOrder;
        }
        if (1UL << memoryBits > limit) return Status.OutOfMemory;
        // The objects are carved straight from the block (no child untyped: one slot less per
        // process); the block's revoke when it is given back destroys them all.
        o.MemoryBits = 0;
        int blocks = -1;
        if (MemoryBlocks.Take(memoryBits, ref blocks, out CapHandle memory) < 0) return Status.OutOfMemory;
        if (!CSpace.TryAlloc(out uint exitSlot))
        {
            MemoryBlocks.GiveAll(ref blocks);
            return Status.NoSpace;
        }
        Status ms = Sys.Mint(s_exits, CSpace.Self, exitSlot, Rights.Write, 1UL << (index & 63), out CapHandle exitCap);
        if (ms != Status.Ok)
        {
            CSpace.Free(exitSlot);
            MemoryBlocks.GiveAll(ref blocks);
            return ms;
        }

        o.ExitNotification = exitCap;
        ulong newPid = s_nextPid;
        // The child's Namespace: ours, badged with its pid, or the one its parent gave (interposition).
        o.Grant0 = ns.Value != 0 ? ns : s_server.Endpoint;
        o.Grant0Badge = ns.Value != 0 ? 0 : newPid | (mayRegister ? SchemeBadge.RegisterRight : 0);
        o.Grant1 = stdin;
        o.Grant2 = stdout;
        o.Grant3 = stderr;
        o.RawArguments = argv;
        o.RawArgumentsLength = length;
        o.SharedFrames = shared;
        o.SharedCount = sharedCount;
        o.SharedAddress = sharedAddress;
        o.SharedReadOnly = true;
        // Physical addresses are for drivers that do DMA only (ADR 0011): everyone else's memory loses the right.
        o.Withheld = dma ? Rights.None : Rights.Physical;
        if ((rights & (ulong)SpawnFlags.KernelLog) != 0) o.KernelLog = new CapHandle(BootstrapSlots.IoPorts, 0);
        CapHandle* devices = stackalloc CapHandle[3];
        CapHandle* pci = stackalloc CapHandle[2 + ProcessSlots.PciDeviceMemoryCount];
        if (consoleDevices)
        {
            if (!ConsoleDevices(devices)) { CSpace.Release(exitCap); MemoryBlocks.GiveAll(ref blocks); return Status.Occupied; }
            o.ExtraCaps = devices;
            o.ExtraCount = 3;
            o.ExtraFirstSlot = ProcessSlots.ConsolePorts;
        }
        if (pciPorts)
        {
            // The PCI daemon's configuration ports, opened to its thread before it runs (docs/design/pci.md).
            o.BindPorts = new CapHandle(BootstrapSlots.IoPorts, 0);
            o.BindPortsFirst = PciConfigPorts.First;
            o.BindPortsCount = PciConfigPorts.Count;
            // And what it shares out among the drivers it starts (ProcessSlots.PciPorts..).
            o.ExtraCaps = pci;
            o.ExtraCount = PciDevices(pci, out word0, out word1);
            o.ExtraFirstSlot = ProcessSlots.PciPorts;
        }
        Status s = staged ? ProcessBuilder.Spawn(ref program, memory, o, word0, word1, out Process p) :
            ProcessBuilder.Spawn(ref s_initfs, path, memory, o, word0, word1, out p);
        CSpace.Release(exitCap);
        // Either way the frames go (the child maps copies); a running child took the file.
        if (staged) StagedImages.Drop(parent, fileTaken: s == Status.Ok);
        if (s != Status.Ok)
        {
            MemoryBlocks.GiveAll(ref blocks);
            return s;
        }
        s_nextPid++;
        p.DropAddressSpace();   // only the CNode (GrowMemory) and the thread (exit, kill) are needed
        Proc* e = &s_procs[index];
        *e = default;
        e->Pid = newPid;
        e->Parent = parent;
        e->P = p;
        e->Blocks = blocks;
        e->Held = 1UL << memoryBits;
        e->BlockCount = 1;
        e->Limit = limit;
        e->Rights = rights;
        e->Dma = dma;
        // The name shown by ps: the last path component.
        int from = nameEnd;
        while (from > 0 && argv[from - 1] != (byte)'/' && argv[from - 1] != (byte)':') from--;
        e->NameLength = nameEnd - from > NameBytes ? NameBytes : nameEnd - from;
        for (int i = 0; i < e->NameLength; i++) e->Name[i] = argv[from + i];
        pid = newPid;
        return Status.Ok;
    }

    private static CapHandle s_serialIrq, s_keyboardIrq;

    // The console driver's hardware: all I/O ports (it binds the ones it uses) and the two IRQ lines,
    // claimed once from IrqControl and copied to each console driver started (a restarted one too).
    private static bool ConsoleDevices(CapHandle* caps)
    {
        var control = new CapHandle(BootstrapSlots.IrqControl, 0);
        if (s_serialIrq.Value == 0 && !IrqHandler(control, 4, out s_serialIrq)) return false;
        if (s_keyboardIrq.Value == 0 && !IrqHandler(control, 1, out s_keyboardIrq)) return false;
        caps[0] = new CapHandle(BootstrapSlots.IoPorts, 0);
        caps[1] = s_serialIrq;
        caps[2] = s_keyboardIrq;
        return true;
    }

    // pcid's resources: all I/O ports, IrqControl, and device memory (copies): the ECAM window's pieces
    // when the kernel handed it over apart from the PCI hole, then the hole's highest pieces, where
    // firmware puts BARs, as many as fit before slot 16 (ProcessSlots.PciDeviceMemory). Piece 0 is the
    // VGA window. ECAM's place goes in pcid's start words. docs/design/pci.md, "Hand-over".
    private static uint PciDevices(CapHandle* caps, out ulong ecamBase, out ulong ecamBuses)
    {
        caps[0] = new CapHandle(BootstrapSlots.IoPorts, 0);
        caps[1] = new CapHandle(BootstrapSlots.IrqControl, 0);
        uint n = 2;
        const uint Last = 2 + ProcessSlots.PciDeviceMemoryCount;
        ulong first = s_info->FirstDeviceSlot, end = first + s_info->DeviceCount;
        ulong holeEnd = s_info->EcamDeviceSlot != 0 ? s_info->EcamDeviceSlot : end;
        for (ulong slot = holeEnd; slot < end && n < Last; slot++) caps[n++] = new CapHandle((uint)slot, 0);
        for (ulong slot = holeEnd - 1; slot > first && n < Last; slot--) caps[n++] = new CapHandle((uint)slot, 0);
        ecamBase = s_info->EcamBase;
        ecamBuses = s_info->EcamStartBus | (ulong)s_info->EcamEndBus << 8;
        return n;
    }

    // Claims IRQ `line` into a fresh slot; on failure the slot is free again and `handler` is 0.
    private static bool IrqHandler(CapHandle control, uint line, out CapHandle handler)
    {
        handler = default;
        if (!CSpace.TryAlloc(out uint slot)) return false;
        if (Devices.IrqHandlerGet(control, line, CSpace.Self, slot, out handler) != Status.Ok)
        {
            CSpace.Free(slot);
            handler = default;
            return false;
        }
        return true;
    }

    // Exit notifications say which table entries (bit = index % 64) to look at.
    private static void Reap(ulong bits)
    {
        for (int i = 0; i < s_capacity; i++)
        {
            Proc* e = &s_procs[i];
            if (e->Pid == 0 || e->Exited || (bits & (1UL << (i & 63))) == 0) continue;
            if (Sys.ThreadPoll(e->P.Thread, out ThreadExitKind kind, out ulong code) != Status.Ok) continue;
            Ended(e, (ulong)kind, code);
        }
    }

    // A process ended (or was killed): its memory returns, its names go, its parent learns of it;
    // then init or initfsd starts again if it was one of them. That comes last: a Spawn may grow the
    // table, which moves every entry, so `e` must not be used after it.
    private static void Ended(Proc* e, ulong kind, ulong code)
    {
        ulong pid = e->Pid;
        Release(e, kind, code);
        Restart(pid);
    }

    // "procmgr: NAME (pid N) " and what happened to it, on the console; the caller ends the line.
    private static void Report(Proc* e, string what)
    {
        System.Console.Write("procmgr: ");
        for (int k = 0; k < e->NameLength; k++) System.Console.Write((char)e->Name[k]);
        System.Console.Write(" (pid ");
        System.Console.Write(e->Pid);
        System.Console.Write(") ");
        System.Console.Write(what);
    }

    private static void Release(Proc* e, ulong kind, ulong code)
    {
        e->Exited = true;
        e->Kind = kind;
        e->Code = code;
        ulong pid = e->Pid;
        DeadFiles.TakeAll(ref e->P);
        // A process whose memory cannot be revoked keeps it for good: say so rather than lose it unseen.
        if (e->P.Destroy() != Status.Ok)
        {
            Report(e, "keeps its memory: revoking it failed");
            System.Console.WriteLine();
        }
        MemoryBlocks.GiveAll(ref e->Blocks);
        DeadFiles.CloseTaken();
        RootScheme.Forget(pid);
        StagedImages.Drop(pid);
        if (kind != (ulong)ThreadExitKind.Exited)
        {
            Report(e, kind == (ulong)ThreadExitKind.Faulted ? "stopped by a fault, vector " : "was killed");
            if (kind == (ulong)ThreadExitKind.Faulted) System.Console.Write(code);
            System.Console.WriteLine();
        }
        // Orphans of this process have no one to wait for them.
        for (int i = 0; i < s_capacity; i++)
        {
            Proc* c = &s_procs[i];
            if (c->Pid != 0 && c->Parent == pid && pid != s_initPid)
            {
                c->Parent = 0;
                if (c->Exited) *c = default;
            }
        }
        // A waiter that died meanwhile needs no answer.
        if (e->Waiting) _ = s_server.AnswerTo(new CapHandle(e->Reply), Status.PeerDied);
        e->Waiting = false;
        GiveReply(ref e->Reply);
        // Waits for a name it was to register are over; its own waits go too (their answers find no caller).
        while (RootScheme.TakeWaiter(null, 0, pid, out ulong reply, out _)) AnswerWaiter(ref reply, Status.PeerDied);
        Proc* parent = Find(e->Parent);
        if (parent == null)
        {
            *e = default;   // nobody will ask
            return;
        }
        if (parent->Waiting && (parent->WaitFor == 0 || parent->WaitFor == pid))
        {
            // A parent that died meanwhile needs no answer.
            _ = s_server.AnswerTo(new CapHandle(parent->Reply), Status.Ok, pid, kind, code);
            parent->Waiting = false;
            *e = default;
        }
    }

    // Another block for a running process, retyped straight into the slot it named in its own CNode
    // (untyped memory cannot be sent in a message); w0 = 0 only reports what it holds.
    private static void GrowMemory(ulong caller, ulong bits, ulong slot)
    {
        Proc* e = Find(caller);
        if (e == null || e->Exited)
        {
            s_server.Answer(Status.NotFound);
            return;
        }
        if (bits == 0)
        {
            s_server.Answer(Status.Ok, 0, e->Held, e->Limit);
            return;
        }
        if (bits < BuddyBlocks.MinOrder || bits > MemoryBlocks.MaxBits || slot > CapHandle.IndexMask)
        {
            s_server.Answer(Status.InvalidArgument);
            return;
        }
        if (e->Held + (1UL << (int)bits) > e->Limit || e->BlockCount == MaxBlocksPerProcess ||
            MemoryBlocks.Take((int)bits, ref e->Blocks, out CapHandle block) < 0)
        {
            s_server.Answer(Status.OutOfMemory, 0, e->Held, e->Limit);
            return;
        }
        Status s = Sys.Retype(block, ObjectType.Untyped, (int)bits, e->P.CNode, (uint)slot, 1, out CapHandle given,
            e->Dma ? Rights.None : Rights.Physical);
        if (s != Status.Ok)
        {
            MemoryBlocks.GiveFirst(ref e->Blocks);
            s_server.Answer(s);
            return;
        }
        e->Held += 1UL << (int)bits;
        e->BlockCount++;
        s_server.Answer(Status.Ok, given.Value, e->Held, e->Limit);
    }

    /// <summary>One line per live process: pid, parent, the CPU its main thread runs on or last ran on
    /// (ThreadCpu; "-" if the kernel cannot say), name (sys:/ps).</summary>
    public static void Describe(ref Text t)
    {
        for (int i = 0; i < s_capacity; i++)
        {
            Proc* e = &s_procs[i];
            if (e->Pid == 0 || e->Exited) continue;
            t.Number(e->Pid);
            t.Char(' ');
            t.Number(e->Parent);
            t.Char(' ');
            if (Sys.ThreadCpu(e->P.Thread, out int cpu, out _) == Status.Ok) t.Number((ulong)cpu);
            else t.Char('-');
            t.Char(' ');
            t.Bytes(e->Name, e->NameLength);
            t.Char('\n');
        }
    }

    // Every kernel counter into the answer's data, for whoever asks (the fuzzer's leak check): counts only.
    private static void KernelCounters()
    {
        var control = new CapHandle(BootstrapSlots.IrqControl, 0);
        var values = (ulong*)SchemeCall.Data;
        for (ulong i = 0; i < (ulong)KernelCounter.Count; i++)
            if (Sys.ReadKernelCounter(control, (KernelCounter)i, out values[i]) != Status.Ok) values[i] = 0;
        s_server.Answer(Status.Ok, (ulong)KernelCounter.Count, 0, 0, (int)KernelCounter.Count * 8);
    }

    private static void ProcList(ulong index)
    {
        for (ulong i = index; i < (ulong)s_capacity; i++)
        {
            Proc* e = &s_procs[i];
            if (e->Pid == 0 || e->Exited) continue;
            for (int k = 0; k < e->NameLength; k++) SchemeCall.Data[k] = e->Name[k];
            s_server.Answer(Status.Ok, e->Pid, e->Parent, i + 1, e->NameLength);
            return;
        }
        s_server.Answer(Status.NotFound);
    }

    private static Proc* Find(ulong pid)
    {
        if (pid == 0) return null;
        for (int i = 0; i < s_capacity; i++) if (s_procs[i].Pid == pid) return &s_procs[i];
        return null;
    }

    // A free table entry; a full table doubles (entries keep their indices, so exit-notification
    // badges stay right). Entry pointers taken before this call are stale after it.
    private static int FreeEntry()
    {
        for (int i = 0; i < s_capacity; i++) if (s_procs[i].Pid == 0) return i;
        int index = s_capacity;
        var bigger = new byte[2 * s_capacity * sizeof(Proc)];
        fixed (byte* to = bigger) System.Buffer.MemoryCopy(s_procs, to, bigger.Length, s_capacity * sizeof(Proc));
        s_table = bigger;
        fixed (byte* p = s_table) s_procs = (Proc*)p;
        s_capacity *= 2;
        return index;
    }
}
