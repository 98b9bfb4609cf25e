// Running one parsed line: a pipeline of stages, each a builtin or a program.
//   1. Pipes between neighbouring stages (Fs.Pipe), then the redirection files; a redirection
//      overrides the pipe on its side.
//   2. The programs are spawned, all of them before any is waited for (a pipe holds little).
//   3. Builtins run in the shell, writing to their stage's output.
//   4. The shell closes its copies of the pipe ends: a reader sees the end of its input only when
//      every writer's copy is gone.
//   5. Each program is waited for; the last stage's status is the line's. Files opened for
//      redirection are closed last.
using System;
using Vireo.Abi;
using Vireo.Commands;
using Vireo.User.Schemes;

namespace Vireo.Shell;

public static unsafe class Pipeline
{
    private const int NotStarted = -1;
    private const int CommandNotFound = 127, CannotRun = 126;

    public static int Run(ref CommandLine line, long lastStatus, out bool exit)
    {
        exit = false;
        int stages = line.StageCount;
        if (stages == 0) return (int)lastStatus;
        if (stages == 1 && line.ArgCount(0) > 0 && Builtins.Is(line.Arg(0, 0)) && !line.HasOutput(0))
            return Builtins.Run(ref line, 0, Fd.Stdout, lastStatus, out exit);

        Fd* input = stackalloc Fd[CommandLine.MaxStages];
        Fd* output = stackalloc Fd[CommandLine.MaxStages];
        Fd* pipes = stackalloc Fd[2 * CommandLine.MaxStages];
        Fd* files = stackalloc Fd[2 * CommandLine.MaxStages];
        ulong* pids = stackalloc ulong[CommandLine.MaxStages];
        int* statuses = stackalloc int[CommandLine.MaxStages];
        int pipeCount = 0, fileCount = 0;
        int result = Connect(ref line, input, output, pipes, ref pipeCount, files, ref fileCount);

        for (int i = 0; i < stages && result == 0; i++)
        {
            pids[i] = 0;
            statuses[i] = NotStarted;
            if (Builtins.Is(line.Arg(i, 0))) continue;
            Out.Flush();
            Status s = Processes.Spawn(ref line, i, input[i], output[i], Fd.Stderr, out pids[i]);
            if (s == Status.Ok) continue;
            pids[i] = 0;
            statuses[i] = s == Status.NotFound ? CommandNotFound : CannotRun;
            if (s == Status.NotFound) Out.Error("sh", line.Arg(i, 0), "command not found");
            else Out.Error("sh", line.Arg(i, 0), s);
        }
        for (int i = 0; i < stages && result == 0; i++)
        {
            if (!Builtins.Is(line.Arg(i, 0))) continue;
            statuses[i] = Builtins.Run(ref line, i, output[i], lastStatus, out bool leave);
            exit |= leave && stages == 1;
        }
        for (int i = 0; i < pipeCount; i++) Fs.Close(pipes[i]);
        for (int i = 0; i < stages && result == 0; i++)
        {
            if (pids[i] == 0) continue;
            Status s = Processes.Wait(pids[i], out statuses[i], out ThreadExitKind kind);
            if (s != Status.Ok) Out.Error("sh", line.Arg(i, 0), s);
            else if (kind == ThreadExitKind.Killed) Out.Error("sh", line.Arg(i, 0), "killed");
            else if (kind == ThreadExitKind.Faulted) Out.Error("sh", line.Arg(i, 0), "crashed (fault)");
        }
        for (int i = 0; i < fileCount; i++) Fs.Close(files[i]);
        return result != 0 ? result : statuses[stages - 1];
    }

    // Step 1. Returns 0, or the status of a line that cannot run (its error is already printed).
    private static int Connect(ref CommandLine line, Fd* input, Fd* output, Fd* pipes, ref int pipeCount, Fd* files, ref int fileCount)
    {
        int stages = line.StageCount;
        input[0] = Fd.Stdin;
        output[stages - 1] = Fd.Stdout;
        for (int i = 0; i + 1 < stages; i++)
        {
            Status s = Fs.Pipe(out Fd readEnd, out Fd writeEnd);
            if (s != Status.Ok)
            {
                Out.Error("sh", default, s);
                return 1;
            }
            pipes[pipeCount++] = readEnd;
            pipes[pipeCount++] = writeEnd;
            output[i] = writeEnd;
            input[i + 1] = readEnd;
        }
        for (int i = 0; i < stages; i++)
        {
            if (line.HasInput(i))
            {
                Status s = Args.Open(line.Input(i), OpenFlags.Read, out input[i]);
                if (s != Status.Ok) return Failed(line.Input(i), s);
                files[fileCount++] = input[i];
            }
            if (line.HasOutput(i))
            {
                var flags = OpenFlags.Write | OpenFlags.Create | (line.Appends(i) ? OpenFlags.Append : OpenFlags.Truncate);
                Status s = Args.Open(line.Output(i), flags, out output[i]);
                if (s != Status.Ok) return Failed(line.Output(i), s);
                files[fileCount++] = output[i];
            }
        }
        return 0;
    }

    private static int Failed(ReadOnlySpan<byte> path, Status s)
    {
        Out.Error("sh", path, s);
        return 1;
    }
}
