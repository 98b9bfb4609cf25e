// Programs run from files outside the initfs (docs/adr/0013-programs-from-files.md): a copy of an
// initfs program on file: runs by its path with its arguments and exit code (one program on file: at
// a time: the test boot's ramfs holds 64 pages); what is not a program
// (not an ELF, a truncated ELF, no execute bit, a directory, a missing file) is refused with its
// status and the process manager goes on; a program's file cannot be written while it runs; many
// spawns leave nothing behind. The same runs, text-busy and leak tests go again on disk: (diskfs).
using System;
using Vireo.Abi;
using Vireo.User;
using Vireo.User.Schemes;
using Vireo.User.Testing;
using T = Vireo.User.Testing.TestRunner;

static unsafe class ExecTests
{
    private const uint Executable = 0x1ED;   // 0755
    private const uint NotExecutable = 0x1A4;   // 0644

    public static void Run()
    {
        T.Run("exec.file_runs_with_arguments_and_exit_code", &RunsFromFile);
        T.Run("exec.refusals_leave_the_manager_serving", &Refusals);
        T.Run("exec.spawnimage_misuse_refused", &Misuse);
        T.Run("exec.running_program_file_is_not_writable", &TextBusyOnFile);
        T.Run("exec.spawns_from_file_leave_no_leak", &NoLeakOnFile);
        // disk: when blk: is up (the test disk of this run), as DiskTests does.
        if (Fs.Stat("disk:/", out _, out FileKind kind) == Status.Ok && kind == FileKind.Directory)
        {
            T.Run("exec.disk_runs_with_arguments_and_exit_code", &RunsFromDisk);
            T.Run("exec.disk_running_program_file_is_not_writable", &TextBusyOnDisk);
            T.Run("exec.spawns_from_disk_leave_no_leak", &NoLeakOnDisk);
        }
    }

    private static void RunsFromFile() => RunsFrom("file");
    private static void RunsFromDisk() => RunsFrom("disk");
    private static void TextBusyOnFile() => TextBusy("file");
    private static void TextBusyOnDisk() => TextBusy("disk");
    private static void NoLeakOnFile() => NoLeak("file");
    private static void NoLeakOnDisk() => NoLeak("disk");

    // bin/fault 6 exits with 42, bin/fault 1 with 0 after a deliberate breakpoint it handles: the
    // exit code proves the argument arrived. (The test boot's file: holds 64 pages: one copy of a
    // program at a time, removed again whatever happened.) `scheme` is file or disk.
    private static void RunsFrom(string scheme)
    {
        string path = scheme + ":/x-fault";
        if (T.Status(Status.Ok, CopyWhenRoom("initfs:/bin/fault", path, 0, Executable), "copy fault"))
        {
            T.Status(Status.Ok, Run(path + " 6", out ThreadExitKind kind, out ulong code), "run x-fault 6");
            T.Equal((long)ThreadExitKind.Exited, (long)kind, "it exited");
            T.Equal(42, (long)code, "with the code its argument chose");
            T.Status(Status.Ok, Run("/scheme/" + scheme + "/x-fault 6", out _, out code), "the /scheme/NAME form");
            T.Equal(42, (long)code, "exit code 42 again");
        }
        _ = Fs.Unlink(path);   // whatever the copy made of it: the next tests need the room
    }

    private static void Refusals()
    {
        T.Status(Status.NotFound, Run("file:/x-none", out _, out _), "a missing file");
        T.Status(Status.Ok, Fs.Mkdir("file:/x-dir"), "mkdir");
        T.Status(Status.IsDirectory, Run("file:/x-dir", out _, out _), "a directory");
        T.Status(Status.Ok, Fs.Rmdir("file:/x-dir"), "rmdir");
        T.Status(Status.Ok, Write("file:/x-text", "#!/bin/sh\necho not a program\n", Executable), "a text file");
        T.Status(Status.InvalidArgument, Run("file:/x-text", out _, out _), "not an ELF: InvalidArgument");
        T.Status(Status.Ok, CopyWhenRoom("initfs:/bin/hello", "file:/x-short", 100, Executable), "an ELF cut in its header");
        T.Status(Status.InvalidArgument, Run("file:/x-short", out _, out _), "a truncated header: InvalidArgument");
        T.Status(Status.Ok, CopyWhenRoom("initfs:/bin/hello", "file:/x-short", 3 * 4096, Executable), "an ELF cut after 3 pages");
        T.Status(Status.InvalidArgument, Run("file:/x-short", out _, out _), "segments past the end: InvalidArgument");
        T.Status(Status.Ok, Fs.Unlink("file:/x-short"), "unlink");
        T.Status(Status.Ok, Fs.Unlink("file:/x-text"), "unlink");
        T.Status(Status.Ok, CopyWhenRoom("initfs:/bin/hello", "file:/x-hello", 0, NotExecutable), "hello without an execute bit");
        T.Status(Status.InsufficientRights, Run("file:/x-hello", out _, out _), "no execute bit: InsufficientRights");
        T.Status(Status.Ok, Chmod("file:/x-hello", 0x40), "chmod 0100");
        T.Status(Status.Ok, Run("file:/x-hello", out ThreadExitKind kind, out ulong code), "the owner's execute bit is enough");
        T.True(kind == ThreadExitKind.Exited && code == 0, "hello exited 0");
        // A Spawn of a scheme path whose image was never sent is refused (the library always sends it).
        SchemeCall.Put("file:/x-hello");
        T.Status(Status.BadState, SchemeCall.Call(Namespace.Root, SchemeOp.Spawn, (ulong)SpawnFlags.NoRegister, 0, 0, 13, 0, 0, out _),
            "Spawn without SpawnImage: BadState");
        T.Status(Status.Ok, Run("initfs:/bin/hello", out _, out code), "the manager still serves");
        T.Status(Status.Ok, Fs.Unlink("file:/x-hello"), "unlink");
    }

    // SpawnImage out of order or with the wrong things: refused, and the manager goes on.
    private static void Misuse()
    {
        T.Status(Status.InvalidArgument, SchemeCall.Call(Namespace.Root, SchemeOp.SpawnImage, 0, 4096, 0, 0, 0, 0, out _),
            "pages without frames: InvalidArgument");
        SchemeCall.Buffer->SendCaps[0] = Namespace.Root.Value;   // any capability stands for a frame here
        T.Status(Status.BadState, SchemeCall.Call(Namespace.Root, SchemeOp.SpawnImage, 0, 4096, 0, 0, 1, 0, out _),
            "pages with no program started: BadState");
        SchemeCall.Put("file:/x");
        SchemeCall.Buffer->SendCaps[0] = Namespace.Root.Value;
        T.Status(Status.InvalidArgument, SchemeCall.Call(Namespace.Root, SchemeOp.SpawnImage, 0, 4096, 1, 7, 1, 0, out _),
            "a start whose capability is not a file: InvalidArgument");
        T.Status(Status.InvalidArgument, SchemeCall.Call(Namespace.Root, SchemeOp.SpawnImage, 0, 0, 3, 0, 0, 0, out _),
            "an unknown w2: InvalidArgument");
        T.Status(Status.Ok, Fs.Open("initfs:/bin/hello", OpenFlags.Read, out Fd fd), "open a file");
        SchemeCall.Put("file:/x");
        SchemeCall.Buffer->SendCaps[0] = fd.Cap.Value;
        T.Status(Status.InvalidArgument, SchemeCall.Call(Namespace.Root, SchemeOp.SpawnImage, 0, (ProgramImages.MaxPages + 1) * 4096, 1, 7, 1, 0, out _),
            "a program past MaxPages: InvalidArgument");
        SchemeCall.Put("file:/x");
        SchemeCall.Buffer->SendCaps[0] = fd.Cap.Value;
        T.Status(Status.Ok, SchemeCall.Call(Namespace.Root, SchemeOp.SpawnImage, 0, 4096, 1, 7, 1, 0, out _), "a start");
        SchemeCall.Buffer->SendCaps[0] = Namespace.Root.Value;
        T.Status(Status.BadState, SchemeCall.Call(Namespace.Root, SchemeOp.SpawnImage, 1, 4096, 0, 0, 1, 0, out _),
            "pages out of order: BadState");
        SchemeCall.Put("file:/x");
        T.Status(Status.BadState, SchemeCall.Call(Namespace.Root, SchemeOp.Spawn, (ulong)SpawnFlags.NoRegister, 0, 0, 7, 0, 0, out _),
            "a Spawn before every page came: BadState");
        // The failed Spawn dropped the program and closed the file it was sent, which ends it for every
        // holder (a Close does: the library sends the descriptor and forgets its own): ours stops working.
        byte* b = stackalloc byte[4];
        bool closed = false;
        for (int tries = 0; tries < 100 && !closed; tries++)
        {
            closed = Fs.Read(fd, b, 4, out _) == Status.BadDescriptor;
            if (!closed) Sys.Sleep(5_000_000);   // the manager's close is one-way (DeadFiles)
        }
        T.True(closed, "the file sent for the failed Spawn was closed");
        Fs.Forget(fd);
        T.Status(Status.Ok, Run("initfs:/bin/hello", out _, out ulong code), "the manager still serves");
    }

    // While a program runs from a file, the file's pages are its text: nobody may open it for writing
    // (Linux's ETXTBSY), and a file open for writing does not run. Both end with the program.
    private static void TextBusy(string scheme)
    {
        string path = scheme + ":/x-idle";
        if (!T.Status(Status.Ok, CopyWhenRoom("initfs:/bin/idle", path, 0, Executable), "copy idle"))
        {
            _ = Fs.Unlink(path);   // what the copy got of it
            return;
        }
        T.Status(Status.Ok, Children.SpawnWithoutStdio(Argv(path), SpawnFlags.NoRegister, out ulong pid), "run idle");
        T.Status(Status.Occupied, Fs.Open(path, OpenFlags.Write, out _), "open for writing while it runs: Occupied");
        T.Status(Status.Occupied, Fs.Open(path, OpenFlags.Write | OpenFlags.Truncate, out _), "truncating open while it runs: Occupied");
        // diskfs counts an append-only open as writing too (ramfs does not: it writes nothing).
        if (scheme == "disk") T.Status(Status.Occupied, Fs.Open(path, OpenFlags.Append, out _), "appending open while it runs: Occupied");
        T.Status(Status.Ok, Fs.Open(path, OpenFlags.Read, out Fd reader), "reading is fine");
        T.Status(Status.Ok, Fs.Close(reader), "close");
        T.Status(Status.Ok, Children.Kill(pid), "kill idle");
        T.Status(Status.Ok, Children.Wait(pid, out _, out _, out _), "wait");
        bool writable = false;
        Fd writer = default;
        for (int tries = 0; tries < 100 && !writable; tries++)
        {
            writable = Fs.Open(path, OpenFlags.Write, out writer) == Status.Ok;
            if (!writable) Sys.Sleep(5_000_000);   // the process's file closes asynchronously
        }
        T.True(writable, "writable once the program ended");
        T.Status(Status.Occupied, Run(path, out _, out _), "a file open for writing does not run");
        if (writable) T.Status(Status.Ok, Fs.Close(writer), "close the writer");
        T.Status(Status.Ok, Fs.Unlink(path), "unlink");
    }

    // Fifty spawns of hello from file: (or disk:) after a first: the kernel's counts of objects and the free
    // memory come back to where they were (the files the processes held close asynchronously).
    private static void NoLeak(string scheme)
    {
        string path = scheme + ":/x-hello";
        if (!T.Status(Status.Ok, CopyWhenRoom("initfs:/bin/hello", path, 0, Executable), "copy hello"))
        {
            _ = Fs.Unlink(path);   // what the copy got of it
            return;
        }
        ulong* before = stackalloc ulong[(int)KernelCounter.Count];
        ulong* after = stackalloc ulong[(int)KernelCounter.Count];
        // The first runs (and refusals) make what later ones reuse: table entries, a manager's buffers.
        ReadOnlySpan<byte> hello = Argv(path);
        bool ok = T.Status(Status.Ok, Run(hello, out _, out _), "the first run");
        T.Status(Status.Ok, Chmod(path, NotExecutable), "chmod 0644");
        ok &= T.Status(Status.InsufficientRights, Run(hello, out _, out _), "the first refusal");
        T.Status(Status.Ok, Chmod(path, Executable), "chmod 0755");
        Sys.Sleep(20_000_000);
        ok &= T.True(KernelCounts.Read(before), "counters");
        ulong free = MemoryTests.Free();
        for (int i = 0; i < 50 && ok; i++) ok = Run(hello, out ThreadExitKind kind, out ulong code) == Status.Ok && kind == ThreadExitKind.Exited && code == 0;
        T.True(ok, "fifty runs exited 0");
        // Refused ones leave nothing either.
        T.Status(Status.Ok, Chmod(path, NotExecutable), "chmod 0644");
        for (int i = 0; i < 10; i++) ok &= Run(hello, out _, out _) == Status.InsufficientRights;
        T.True(ok, "ten refused");
        bool back = false;
        for (int tries = 0; tries < 100 && !back; tries++)
        {
            back = KernelCounts.Read(after) && KernelCounts.Same(before, after) && MemoryTests.Free() == free;
            if (!back) Sys.Sleep(10_000_000);
        }
        T.True(back, "kernel counters and free memory back where they were");
        T.Status(Status.Ok, Fs.Unlink(path), "unlink");
    }

    // --- helpers -----------------------------------------------------------------------------

    private static ReadOnlySpan<byte> Argv(string words)
    {
        var bytes = new byte[words.Length];
        for (int i = 0; i < words.Length; i++) bytes[i] = words[i] == ' ' ? (byte)0 : (byte)words[i];
        return bytes;
    }

    // Runs `words` (no stdio) and waits for it.
    private static Status Run(string words, out ThreadExitKind kind, out ulong code) => Run(Argv(words), out kind, out code);

    private static Status Run(ReadOnlySpan<byte> argv, out ThreadExitKind kind, out ulong code)
    {
        kind = default;
        code = 0;
        Status s = Children.SpawnWithoutStdio(argv, SpawnFlags.NoRegister, out ulong pid);
        return s != Status.Ok ? s : Children.Wait(pid, out _, out kind, out code);
    }

    // A copy made once file: has room: the pages of an earlier test's program come back when the
    // file the ended process held is closed for it, which happens asynchronously (ADR 0009).
    private static Status CopyWhenRoom(string from, string to, int length, uint mode)
    {
        Status s = Status.NoSpace;
        for (int tries = 0; tries < 100 && s == Status.NoSpace; tries++)
        {
            s = FileCopies.Copy(from, to, length, mode);
            if (s == Status.NoSpace) Sys.Sleep(10_000_000);
        }
        return s;
    }

    private static Status Write(string path, string text, uint mode)
    {
        Status s = FileCopies.Create(path, mode, out Fd fd);
        if (s != Status.Ok) return s;
        s = Fs.Write(fd, text);
        _ = Fs.Close(fd);   // the write's status is the answer
        return s;
    }

    private static Status Chmod(string path, uint mode)
    {
        byte* p = stackalloc byte[path.Length];
        return Fs.Chmod(p, Ascii.Copy(path, new Span<byte>(p, path.Length)), mode);
    }
}
