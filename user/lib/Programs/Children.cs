// Starting a program with its standard input, output and error, and waiting for it: the Spawn and
// WaitChild requests to the process manager (through the Namespace capability) as the shell, the
// tests and the benchmarks make them. argv is its words joined by NUL bytes; a bare path names the
// initfs (`bin/ls`), a scheme path any program file the caller can open (ProgramImages sends it).
using System;
using Vireo.Abi;
using Vireo.User.Schemes;

namespace Vireo.User;

public static unsafe class Children
{
    /// <summary>Starts argv with these three descriptors (the child's from now on: hand it
    /// duplicates, then Fs.Forget yours). `sizes` as SchemeOp.Spawn's w1 (memory bits, CNode bits
    /// << 8; 0 for the defaults). The child's pid in `pid`.</summary>
    public static Status Spawn(ReadOnlySpan<byte> argv, Fd stdin, Fd stdout, Fd stderr, SpawnFlags flags, out ulong pid, ulong sizes = 0)
    {
        pid = 0;
        if (argv.Length > SchemeLimits.MaxData) return Status.NameTooLong;
        Status s = SendImage(argv);
        if (s != Status.Ok) return s;
        fixed (byte* a = argv) SchemeCall.Put(a, argv.Length);
        IpcBuffer* b = SchemeCall.Buffer;
        b->SendCaps[0] = stdin.Cap.Value;
        b->SendCaps[1] = stdout.Cap.Value;
        b->SendCaps[2] = stderr.Cap.Value;
        s = SchemeCall.Call(Namespace.Root, SchemeOp.Spawn, (ulong)flags, sizes, 0, argv.Length, 3, 0, out SchemeReply r);
        pid = r.W0;
        return s;
    }

    /// <summary>Starts argv with no standard input, output or error (a child that only runs or waits).</summary>
    public static Status SpawnWithoutStdio(ReadOnlySpan<byte> argv, SpawnFlags flags, out ulong pid, ulong sizes = 0)
    {
        pid = 0;
        if (argv.Length > SchemeLimits.MaxData) return Status.NameTooLong;
        Status s = SendImage(argv);
        if (s != Status.Ok) return s;
        fixed (byte* a = argv) SchemeCall.Put(a, argv.Length);
        s = SchemeCall.Call(Namespace.Root, SchemeOp.Spawn, (ulong)flags, sizes, 0, argv.Length, 0, 0, out SchemeReply r);
        pid = r.W0;
        return s;
    }

    // A program outside the initfs goes to the process manager first (ProgramImages).
    private static Status SendImage(ReadOnlySpan<byte> argv)
    {
        int end = 0;
        while (end < argv.Length && argv[end] != 0) end++;
        ReadOnlySpan<byte> name = argv.Slice(0, end);
        return ProgramImages.OnInitfs(name) ? Status.Ok : ProgramImages.Send(name);
    }

    /// <summary>Waits for child `pid` (0: any child) to end: which one in `ended`, how in `kind`,
    /// its exit code (or fault vector) in `code`. NotFound when there is no such child.</summary>
    public static Status Wait(ulong pid, out ulong ended, out ThreadExitKind kind, out ulong code)
    {
        Status s = SchemeCall.Call(Namespace.Root, SchemeOp.WaitChild, pid, 0, 0, 0, 0, 0, out SchemeReply r);
        ended = r.W0;
        kind = (ThreadExitKind)r.W1;
        code = r.W2;
        return s;
    }

    /// <summary>Ends process `pid` (the process manager's Kill; the caller still waits for it).</summary>
    public static Status Kill(ulong pid) =>
        SchemeCall.Call(Namespace.Root, SchemeOp.Kill, pid, 0, 0, 0, 0, 0, out _);
}
