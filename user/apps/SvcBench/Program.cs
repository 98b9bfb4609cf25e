// Service benchmarks (./vireo bench boots with etc/bench.rc, whose last line runs this). Each prints
// "BENCH <name> <value>": the mean TSC delta per operation, which under -icount shift=0,sleep=off is a
// count of guest instructions. Started as `svcbench echo`, it is the far end of the round trips: it
// copies its stdin to its stdout eight bytes at a time until end of file; as `svcbench lookup NAME`,
// it looks a scheme up and exits with the status; as `svcbench disk`, it runs the disk benchmarks
// (DiskBench.cs) alone.
using System;
using System.Collections.Generic;
using System.Runtime;
using Vireo.Abi;
using Vireo.User;
using Vireo.User.Schemes;
using Vireo.User.Testing;

static unsafe class Program
{
    [RuntimeExport("vireo_main")]
    static int Main()
    {
        if (Args.PositionalIs(0, "echo")) return Echo();
        if (Args.PositionalIs(0, "lookup") && Args.PositionalCount > 1) return Lookup(Args.Positional(1));
        if (Args.PositionalIs(0, "disk"))
        {
            DiskBench.Run();   // the disk benchmarks' boot (etc/diskbench.rc)
            return PowerOff();
        }
        // 0 means the benchmark failed (a daemon missing, an operation refused): Bench.Report prints
        // it as such, and bench-json turns it into a failed run rather than a figure.
        Bench.Report("scheme_open_close", OpenClose());
        Bench.Report("scheme_read_4KiB", Read4KiB());
        FileBench.Run();
        Bench.Report("pipe_roundtrip_8B", PipeRoundTrip());
        Bench.Report("chan_roundtrip_8B", ChanRoundTrip());
        SpawnBench.Run();
        Bench.Report("procmgr_procs_alive_max", ProcsAliveMax());
        return PowerOff();
    }

    private static int PowerOff()
    {
        // The figures are out; a refused power-off leaves the harness's timeout to end the run.
        _ = SchemeCall.Call(Namespace.Root, SchemeOp.PowerOff, 0, 0, 0, 0, 0, 0, out _);
        return 0;
    }

    private static ulong OpenClose()
    {
        const int n = 500;
        if (Fs.Open("file:/bench-open", OpenFlags.Write | OpenFlags.Create, out Fd fd) != Status.Ok) return 0;
        if (Fs.Close(fd) != Status.Ok) return 0;
        // One lookup of file: first, so the figure is the open and close alone.
        int ok = 0;
        ulong t0 = Sys.ReadTsc();
        for (int i = 0; i < n; i++)
        {
            if (Fs.Open("file:/bench-open", OpenFlags.Read, out fd) == Status.Ok && Fs.Close(fd) == Status.Ok) ok++;
        }
        ulong result = (Sys.ReadTsc() - t0) / n;
        return ok == n ? result : 0;   // every operation must have worked for the figure to mean anything
    }

    // The message path: 4 KiB of a file: file read as before the mapped path (ADR 0012), a Seek and
    // Read requests of 480 bytes each, through SchemeCall (Fs.Read now maps file: files:
    // file_read_4KiB_cached is that figure). Kept as the cost of reading through messages, which
    // daemons without the mapped path (initfs:, sys:) still pay.
    private static ulong Read4KiB()
    {
        const int n = 200;
        byte* block = stackalloc byte[4096];
        for (int i = 0; i < 4096; i++) block[i] = (byte)i;
        if (Fs.Open("file:/bench-4k", OpenFlags.Read | OpenFlags.Write | OpenFlags.Create, out Fd fd) != Status.Ok) return 0;
        if (Fs.Write(fd, block, 4096, out int written) != Status.Ok || written != 4096) return 0;
        // Cleared, so the check after the loop shows the reads brought the file's bytes back.
        for (int i = 0; i < 4096; i++) block[i] = 0;
        int ok = 0;
        ulong t0 = Sys.ReadTsc();
        for (int i = 0; i < n; i++)
        {
            // A failed seek shows as a short read, which the loop does not count.
            _ = SchemeCall.Call(fd.Cap, SchemeOp.Seek, 0, (ulong)SeekFrom.Start, 0, 0, 0, 0, out _);
            int total = 0;
            while (total < 4096 && ReadByMessage(fd, block + total, 4096 - total, out int got) == Status.Ok && got > 0) total += got;
            if (total == 4096) ok++;
        }
        ulong result = (Sys.ReadTsc() - t0) / n;
        // Read only: the figure is taken whatever the close says.
        _ = Fs.Close(fd);
        for (int i = 0; i < 4096; i++) if (block[i] != (byte)i) return 0;
        return ok == n ? result : 0;
    }

    private static Status ReadByMessage(Fd fd, byte* into, int count, out int got)
    {
        got = 0;
        if (count > SchemeLimits.MaxData) count = SchemeLimits.MaxData;
        Status s = SchemeCall.Call(fd.Cap, SchemeOp.Read, (ulong)count, 0, 0, 0, 0, 0, out SchemeReply r);
        if (s != Status.Ok || r.DataLength > count) return s;
        Buffer.MemoryCopy(SchemeCall.Data, into, count, r.DataLength);
        got = r.DataLength;
        return Status.Ok;
    }

    // A child echoes through a pair of pipes: write 8 bytes, read them back.
    private static ulong PipeRoundTrip()
    {
        if (Fs.Pipe(out Fd toRead, out Fd toWrite) != Status.Ok || Fs.Pipe(out Fd fromRead, out Fd fromWrite) != Status.Ok) return 0;
        return EchoRoundTrips(toRead, fromWrite, toWrite, fromRead, default);
    }

    // The same through a chan: connection: one end here, the other the child's stdin and stdout.
    private static ulong ChanRoundTrip()
    {
        if (Fs.Open("chan:bench", OpenFlags.Read | OpenFlags.Write | OpenFlags.Create, out Fd listener) != Status.Ok) return 0;
        if (Fs.Open("chan:bench", OpenFlags.Read | OpenFlags.Write, out Fd client) != Status.Ok) return 0;
        if (SchemeCall.Call(listener.Cap, SchemeOp.Accept, 0, 0, 0, 0, 0, 1, out SchemeReply r) != Status.Ok) return 0;
        var server = new Fd(r.Cap0);
        return EchoRoundTrips(server, server, client, client, listener);
    }

    // procmgr_procs_alive_max, a count: `idle` programs (real ones, from the initfs, each in blocks of
    // its own) started through the process manager until a Spawn is refused, then all killed and
    // waited for. It counts only if the refusal was for memory or slots and every byte came back.
    private static ulong ProcsAliveMax()
    {
        const string Argv = "initfs:/bin/idle";
        byte* argv = stackalloc byte[Argv.Length];
        Ascii.Copy(Argv, new Span<byte>(argv, Argv.Length));
        ulong before = FreeBytes();
        var pids = new List<ulong>();
        Status s;
        while ((s = Children.SpawnWithoutStdio(new ReadOnlySpan<byte>(argv, Argv.Length), SpawnFlags.NoRegister, out ulong pid)) == Status.Ok)
            pids.Add(pid);
        for (int i = 0; i < pids.Count; i++)
        {
            // A child not killed or not waited for keeps memory, which the comparison of free bytes catches.
            _ = Children.Kill(pids[i]);
            _ = Children.Wait(pids[i], out _, out _, out _);
        }
        bool refusedForRoom = s == Status.OutOfMemory || s == Status.NoSpace;
        return refusedForRoom && before != 0 && FreeBytes() == before ? (ulong)pids.Count : 0;
    }

    // 0 when the process manager does not answer (the figure then fails).
    private static ulong FreeBytes() =>
        SchemeCall.Call(Namespace.Root, SchemeOp.MemInfo, 0, 0, 0, 0, 0, 0, out SchemeReply r) == Status.Ok ? r.W1 : 0;

    // The echo child on childIn/childOut (its ends from then on: forgotten here), the timed round
    // trips over send/receive, then send, receive and `alsoClose` (if any) closed, which ends the
    // child's input, and the child waited for.
    private static ulong EchoRoundTrips(Fd childIn, Fd childOut, Fd send, Fd receive, Fd alsoClose)
    {
        if (SpawnEcho(childIn, childOut, out ulong pid) != Status.Ok) return 0;
        Fs.Forget(childIn);
        if (childOut.Cap.Value != childIn.Cap.Value) Fs.Forget(childOut);
        ulong result = RoundTrips(send, receive);
        // Clean-up after the figure is taken: the descriptors are this program's copies.
        _ = Fs.Close(send);
        // Clean-up after the figure is taken: the descriptors are this program's copies.
        if (receive.Cap.Value != send.Cap.Value) _ = Fs.Close(receive);
        // Clean-up after the figure is taken: the descriptors are this program's copies.
        if (alsoClose.IsValid) _ = Fs.Close(alsoClose);
        // The child ends when its input closes; its exit is not part of the figure.
        _ = Children.Wait(pid, out _, out _, out _);
        return result;
    }

    private static ulong RoundTrips(Fd send, Fd receive)
    {
        const int n = 4000;   // long enough that the processes' scheduling levels have settled
        // Sent from one buffer, read back into another: what is checked is what came back.
        byte* sent = stackalloc byte[16];
        byte* back = sent + 8;
        for (int i = 0; i < 8; i++) sent[i] = (byte)('a' + i);
        // One round first (the child starting up is not part of the figure).
        // A failed warm-up round shows in the timed rounds, which count only the good ones.
        _ = Fs.Write(send, sent, 8, out _);
        _ = Fs.Read(receive, back, 8, out _);
        int ok = 0;
        ulong t0 = Sys.ReadTsc();
        for (int i = 0; i < n; i++)
        {
            // The first byte changes every round: reading it back shows this round's bytes came back.
            sent[0] = (byte)i;
            if (Fs.Write(send, sent, 8, out _) == Status.Ok && Fs.Read(receive, back, 8, out int got) == Status.Ok && got == 8
                && back[0] == (byte)i) ok++;
        }
        ulong result = (Sys.ReadTsc() - t0) / n;
        return ok == n && back[7] == (byte)'h' ? result : 0;   // every round came back, bytes intact
    }

    private static Status SpawnEcho(Fd stdin, Fd stdout, out ulong pid)
    {
        const string Argv = "initfs:/bin/svcbench\0echo";
        byte* argv = stackalloc byte[Argv.Length];
        Ascii.Copy(Argv, new Span<byte>(argv, Argv.Length));
        return Children.Spawn(new ReadOnlySpan<byte>(argv, Argv.Length), stdin, stdout, stdout, SpawnFlags.NoRegister, out pid);
    }

    // `svcbench lookup NAME`: exits with the status of looking NAME up in its namespace (the tests'
    // nested-namespace case: a parent that interposes answers it).
    private static int Lookup(ReadOnlySpan<byte> name)
    {
        byte* n = stackalloc byte[name.Length];
        for (int i = 0; i < name.Length; i++) n[i] = name[i];
        return (int)Namespace.Lookup(n, name.Length, out _);
    }

    private static int Echo()
    {
        byte* buffer = stackalloc byte[8];
        while (Fs.Read(Fd.Stdin, buffer, 8, out int n) == Status.Ok && n > 0)
            if (Fs.Write(Fd.Stdout, buffer, n, out _) != Status.Ok) return 1;
        return 0;
    }
}
