// Running one parsed line: a pipeline of stages, each a builtin or a program.
//   1. Pipes between neighbouring stages (Fs.Pipe), then the redirection files; a redirection
//      replaces the pipe on its side (that pipe end is closed at once: its neighbour sees the end).
//   2. The programs are spawned, all before any is waited for (a pipe holds about 4 KiB). Each gets
//      duplicates of its stdin, stdout and stderr: a process closes its stdio when it exits, and
//      closing a file ends it for every holder of that capability, the shell included.
//   3. Builtins run in the shell, writing to their stage's output.
//   4. The shell closes its own pipe ends and files: from now on the children's duplicates are
//      what keeps them open, so a reader sees the end of its input when its writer exits.
//   5. Children are reaped in whatever order they end (WaitChild 0: `a | b` ends even when b ends
//      first). A child that was killed closed nothing: the shell closes its duplicates for it.
// The line's status is the last stage's. While it runs its children are the foreground, which
// Ctrl-C kills (Interrupts); a line stopped so has status 130, as in other shells. A line of one
// program makes that program the console's foreground while it runs (Interrupts.GiveForeground).
using System;
using Vireo.Abi;
using Vireo.User;
using Vireo.User.Schemes;

namespace Vireo.Shell;

public static unsafe class Pipeline
{
    private const int CommandNotFound = 127, CannotRun = 126, StoppedByInterrupt = 128 + 2;

    private const int StdioCount = 3;

    // The descriptors of one line, by stage: what it reads and writes, which of those the shell
    // opened (pipe ends and redirection files, closed in step 4; not the shell's own stdio), and
    // the duplicates a child was given (StdioCount per stage).
    private struct Plumbing
    {
        public fixed ulong Input[CommandLine.MaxStages];
        public fixed ulong Output[CommandLine.MaxStages];
        public fixed ulong CloseInput[CommandLine.MaxStages];
        public fixed ulong CloseOutput[CommandLine.MaxStages];
        public fixed ulong Child[CommandLine.MaxStages * StdioCount];
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
            CloseOwn(ref p, stages);
            return 1;
        }
        int running = 0;
        for (int i = 0; i < stages; i++)
        {
            pids[i] = 0;
            statuses[i] = CannotRun;
            if (Builtins.Is(line.Arg(i, 0))) continue;
            // Output the console no longer takes is dropped (Out keeps the failure); the shell goes on.
            _ = Out.Flush();
            Status s = Start(ref line, ref p, i, out pids[i]);
            if (s == Status.Ok)
            {
                Interrupts.Foreground(i, pids[i]);
                running++;
                continue;
            }
            statuses[i] = s == Status.NotFound ? CommandNotFound : CannotRun;
            if (s == Status.NotFound) Out.Error("sh", line.Arg(i, 0), "command not found");
            // What the process manager cannot load (docs/adr/0013): Linux's ENOEXEC in its words.
            else if (s == Status.InvalidArgument) Out.Error("sh", line.Arg(i, 0), "exec format error");
            else Out.Error("sh", line.Arg(i, 0), s);
        }
        // One program is the whole line: it is the console's foreground (a nested shell then hears
        // Ctrl-C, not this one); a pipeline stays this shell's to stop.
        bool given = stages == 1 && pids[0] != 0;
        if (given) Interrupts.GiveForeground(pids[0]);
        Interrupts.StopIfInterrupted(pids, stages);
        for (int i = 0; i < stages; i++)
        {
            if (!Builtins.Is(line.Arg(i, 0))) continue;
            statuses[i] = Builtins.Run(ref line, i, new Fd(new CapHandle(p.Output[i])), lastStatus, out bool leave);
            exit |= leave && stages == 1;
        }
        CloseOwn(ref p, stages);
        while (running > 0)
        {
            Status s = Processes.Wait(0, out ulong pid, out int status, out ThreadExitKind kind);
            if (s != Status.Ok)
            {
                // What still runs must not share the console with the next prompt: it is stopped.
                Out.Error("sh", default, s);
                for (int i = 0; i < stages; i++)
                {
                    Interrupts.Foreground(i, 0);
                    if (pids[i] == 0) continue;
                    Out.Error("sh", line.Arg(i, 0), Children.Kill(pids[i]) == Status.Ok ? "stopped: cannot wait for it" : "cannot wait for it nor stop it");
                }
                break;
            }
            for (int i = 0; i < stages; i++)
            {
                if (pids[i] != pid || pid == 0) continue;
                pids[i] = 0;
                Interrupts.Foreground(i, 0);
                statuses[i] = status;
                running--;
                ReleaseChild(ref p, i);
                if (kind == ThreadExitKind.Killed && Interrupts.Interrupted) statuses[i] = StoppedByInterrupt;
                else if (kind == ThreadExitKind.Killed) Out.Error("sh", line.Arg(i, 0), "killed");
                else if (kind == ThreadExitKind.Faulted) Out.Error("sh", line.Arg(i, 0), "crashed (fault)");
            }
        }
        if (given) Interrupts.TakeForeground();
        return statuses[stages - 1];
    }

    // Step 2 for one stage: duplicates of its three descriptors, then the spawn. On failure the
    // duplicates are closed again.
    private static Status Start(ref CommandLine line, ref Plumbing p, int stage, out ulong pid)
    {
        pid = 0;
        ulong* given = stackalloc ulong[StdioCount];
        given[0] = p.Input[stage];
        given[1] = p.Output[stage];
        given[2] = Fd.Stderr.Cap.Value;
        Status s = Status.Ok;
        for (int k = 0; k < StdioCount && s == Status.Ok; k++)
        {
            s = Fs.Dup(new Fd(new CapHandle(given[k])), out Fd copy);
            p.Child[stage * StdioCount + k] = copy.Cap.Value;
        }
        if (s == Status.Ok)
        {
            s = Processes.Spawn(ref line, stage, new Fd(new CapHandle(p.Child[stage * StdioCount])),
                new Fd(new CapHandle(p.Child[stage * StdioCount + 1])), new Fd(new CapHandle(p.Child[stage * StdioCount + 2])), out pid);
        }
        if (s != Status.Ok) ReleaseChild(ref p, stage);
        return s;
    }

    // A child that exited closed its duplicates, and the daemons' revokes emptied the shell's copies
    // (only the slots are left to free); one that was killed or never started did not: close them.
    private static void ReleaseChild(ref Plumbing p, int stage)
    {
        for (int k = 0; k < StdioCount; k++)
        {
            ulong handle = p.Child[stage * StdioCount + k];
            p.Child[stage * StdioCount + k] = 0;
            if (handle == 0) continue;
            var fd = new Fd(new CapHandle(handle));
            // The shell's copy of the child's descriptor: the child holds its own.
            if (Sys.Identify(fd.Cap, out _, out _, out _, out _) == Status.Ok) _ = Fs.Close(fd);
            else CSpace.Free(fd.Cap.Index);
        }
    }

    // Step 4.
    private static void CloseOwn(ref Plumbing p, int stages)
    {
        for (int i = 0; i < stages; i++)
        {
            Close(ref p.CloseInput[i]);
            Close(ref p.CloseOutput[i]);
        }
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
                Status s = File.Open(line.Input(i), OpenFlags.Read, out Fd file);
                if (s != Status.Ok) return Failed(line.Input(i), s);
                p.Input[i] = p.CloseInput[i] = file.Cap.Value;
            }
            if (line.HasOutput(i))
            {
                Close(ref p.CloseOutput[i]);
                var flags = OpenFlags.Write | OpenFlags.Create | (line.Appends(i) ? OpenFlags.Append : OpenFlags.Truncate);
                Status s = File.Open(line.Output(i), flags, out Fd file);
                if (s != Status.Ok) return Failed(line.Output(i), s);
                p.Output[i] = p.CloseOutput[i] = file.Cap.Value;
            }
        }
        return true;
    }

    private static void Close(ref ulong fd)
    {
        // The shell's copy: a failed close leaves the pipeline's files as they are.
        if (fd != 0) _ = Fs.Close(new Fd(new CapHandle(fd)));
        fd = 0;
    }

    private static bool Failed(ReadOnlySpan<byte> path, Status s)
    {
        Out.Error("sh", path, s);
        return false;
    }
}
