// Running one parsed line: a pipeline of stages, each a builtin or a program.
//   1. Pipes between neighbouring stages (Fs.Pipe), then the redirection files; a redirection
//      overrides the pipe on its side (that pipe end is closed at once: its neighbour sees the end).
//   2. The programs are spawned, all of them before any is waited for (a pipe holds 4 KiB).
//   3. Builtins run in the shell, writing to their stage's output.
//   4. Each stage's descriptors are closed when the stage ends, in whatever order stages end.
// Why 4: a child's stdin and stdout are copies of the shell's capabilities (same file), and the
// daemon counts open files, not copies, so closing the shell's copy right after spawning would close
// the child's too; and nobody closes a file for a process that ends. The shell closes a stage's
// pipe ends for it once it has ended: its reader then sees the end of its input, its writer a
// broken pipe. Waiting for any child (WaitChild 0) rather than in order lets `a | b` end when b
// ends before a.
using System;
using Vireo.Abi;
using Vireo.Commands;
using Vireo.User.Schemes;

namespace Vireo.Shell;

public static unsafe class Pipeline
{
    private const int CommandNotFound = 127, CannotRun = 126;

    // The descriptors of one line, by stage: what it reads and writes, and which of those are the
    // shell's to close when the stage ends (pipe ends and redirection files; not the shell's own stdio).
    private struct Plumbing
    {
        public fixed ulong Input[CommandLine.MaxStages];
        public fixed ulong Output[CommandLine.MaxStages];
        public fixed ulong CloseInput[CommandLine.MaxStages];
        public fixed ulong CloseOutput[CommandLine.MaxStages];
    }

    public static int Run(ref CommandLine line, long lastStatus, out bool exit)
    {
        exit = false;
        int stages = line.StageCount;
        if (stages == 0) return (int)lastStatus;
        if (stages == 1 && Builtins.Is(line.Arg(0, 0)) && !line.HasOutput(0) && !line.HasInput(0))
            return Builtins.Run(ref line, 0, Fd.Stdout, lastStatus, out exit);

        Plumbing p = default;
        ulong* pids = stackalloc ulong[CommandLine.MaxStages];
        int* statuses = stackalloc int[CommandLine.MaxStages];
        if (!Connect(ref line, ref p))
        {
            for (int i = 0; i < stages; i++) Ended(ref p, i);
            return 1;
        }
        int running = 0;
        for (int i = 0; i < stages; i++)
        {
            pids[i] = 0;
            statuses[i] = CannotRun;
            if (Builtins.Is(line.Arg(i, 0))) continue;
            Out.Flush();
            Status s = Processes.Spawn(ref line, i, new Fd(new CapHandle(p.Input[i])), new Fd(new CapHandle(p.Output[i])), Fd.Stderr, out pids[i]);
            if (s == Status.Ok)
            {
                running++;
                continue;
            }
            pids[i] = 0;
            statuses[i] = s == Status.NotFound ? CommandNotFound : CannotRun;
            if (s == Status.NotFound) Out.Error("sh", line.Arg(i, 0), "command not found");
            else Out.Error("sh", line.Arg(i, 0), s);
            Ended(ref p, i);
        }
        for (int i = 0; i < stages; i++)
        {
            if (!Builtins.Is(line.Arg(i, 0))) continue;
            statuses[i] = Builtins.Run(ref line, i, new Fd(new CapHandle(p.Output[i])), lastStatus, out bool leave);
            exit |= leave && stages == 1;
            Ended(ref p, i);
        }
        while (running > 0)
        {
            Status s = Processes.Wait(0, out ulong pid, out int status, out ThreadExitKind kind);
            if (s != Status.Ok)
            {
                Out.Error("sh", default, s);
                break;
            }
            for (int i = 0; i < stages; i++)
            {
                if (pids[i] != pid || pid == 0) continue;
                pids[i] = 0;
                statuses[i] = status;
                running--;
                Ended(ref p, i);
                if (kind == ThreadExitKind.Killed) Out.Error("sh", line.Arg(i, 0), "killed");
                else if (kind == ThreadExitKind.Faulted) Out.Error("sh", line.Arg(i, 0), "crashed (fault)");
            }
        }
        for (int i = 0; i < stages; i++) Ended(ref p, i);
        return statuses[stages - 1];
    }

    // Step 1. False when the line cannot run (the error is printed; what was opened is in p).
    private static bool Connect(ref CommandLine line, ref Plumbing p)
    {
        int stages = line.StageCount;
        for (int i = 0; i < stages; i++)
        {
            p.Input[i] = Fd.Stdin.Cap.Value;
            p.Output[i] = Fd.Stdout.Cap.Value;
        }
        for (int i = 0; i + 1 < stages; i++)
        {
            Status s = Fs.Pipe(out Fd readEnd, out Fd writeEnd);
            if (s != Status.Ok) return Failed(default, s);
            p.Output[i] = p.CloseOutput[i] = writeEnd.Cap.Value;
            p.Input[i + 1] = p.CloseInput[i + 1] = readEnd.Cap.Value;
        }
        for (int i = 0; i < stages; i++)
        {
            if (line.HasInput(i))
            {
                Close(ref p.CloseInput[i]);
                Status s = Args.Open(line.Input(i), OpenFlags.Read, out Fd file);
                if (s != Status.Ok) return Failed(line.Input(i), s);
                p.Input[i] = p.CloseInput[i] = file.Cap.Value;
            }
            if (line.HasOutput(i))
            {
                Close(ref p.CloseOutput[i]);
                var flags = OpenFlags.Write | OpenFlags.Create | (line.Appends(i) ? OpenFlags.Append : OpenFlags.Truncate);
                Status s = Args.Open(line.Output(i), flags, out Fd file);
                if (s != Status.Ok) return Failed(line.Output(i), s);
                p.Output[i] = p.CloseOutput[i] = file.Cap.Value;
            }
        }
        return true;
    }

    private static void Ended(ref Plumbing p, int stage)
    {
        Close(ref p.CloseInput[stage]);
        Close(ref p.CloseOutput[stage]);
    }

    private static void Close(ref ulong fd)
    {
        if (fd != 0) Fs.Close(new Fd(new CapHandle(fd)));
        fd = 0;
    }

    private static bool Failed(ReadOnlySpan<byte> path, Status s)
    {
        Out.Error("sh", path, s);
        return false;
    }
}
