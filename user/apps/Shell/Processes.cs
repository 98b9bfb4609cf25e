// Running programs through the process manager (SchemeOp.Spawn / WaitChild on the Namespace
// capability): argv joined by NUL bytes as the data, the child's stdin, stdout and stderr as the
// three capabilities of the call. A bare name runs initfs:/bin/NAME; a name with a scheme
// (file:/prog) runs that file.
using System;
using Vireo.Abi;
using Vireo.User;
using Vireo.User.Schemes;

namespace Vireo.Shell;

public static unsafe class Processes
{
    private const string BinDirectory = "initfs:/bin/";

    // The Linux personality is a nester: every frame of every Linux process it serves is a capability
    // of its own, so it gets the largest CNode a spawn may have (2^16 slots, 4 MiB of its memory
    // block, against 2^10 for others).
    private const ulong NesterSizes = (ulong)ObjectSizes.MaxCNodeSlotBits << 8;

    private static ulong Sizes(System.ReadOnlySpan<byte> name)
    {
        int start = name.Length;   // the last name: after the last '/' or ':'
        while (start > 0 && name[start - 1] != (byte)'/' && name[start - 1] != (byte)':') start--;
        return name.Slice(start).SequenceEqual("linux"u8) ? NesterSizes : 0;
    }

    /// <summary>Starts stage `stage` of `line`; the child's pid in `pid`.</summary>
    public static Status Spawn(ref CommandLine line, int stage, Fd input, Fd output, Fd error, out ulong pid)
    {
        pid = 0;
        byte* argv = stackalloc byte[SchemeLimits.MaxData];
        var t = new Text(argv, SchemeLimits.MaxData);
        var name = line.Arg(stage, 0);
        if (!SchemePath.HasScheme(name)) t.Str(BinDirectory);
        t.Bytes(name);
        for (int i = 1; i < line.ArgCount(stage); i++)
        {
            t.Char('\0');
            t.Bytes(line.Arg(stage, i));
        }
        if (t.Cut) return Status.NameTooLong;
        // The shell's commands act with its authority (the console's shell may kill any process;
        // docs/design/shell.md): whatever rights it was given, its children get too.
        return Children.Spawn(t.Written, input, output, error, SpawnFlags.NoRegister | SpawnFlags.InheritRights, out pid, Sizes(name));
    }

    /// <summary>Waits for child `pid` (0: any child) to end; which one in `ended`, and its exit
    /// status as the shell reports it: the exit code, or 128 + 9 for a killed process and 128 + 11
    /// for one that faulted (the numbers other shells use for SIGKILL and SIGSEGV, so scripts read
    /// them the same way).</summary>
    public static Status Wait(ulong pid, out ulong ended, out int status, out ThreadExitKind kind)
    {
        status = 0;
        Status s = Children.Wait(pid, out ended, out kind, out ulong code);
        if (s != Status.Ok)
        {
            kind = ThreadExitKind.Exited;
            return s;
        }
        status = kind == ThreadExitKind.Exited ? (int)(uint)code : kind == ThreadExitKind.Killed ? 128 + 9 : 128 + 11;
        return Status.Ok;
    }
}
