// Building a Linux image (the first load and execve): the ELF headers are read from the file's
// first page and checked (LinuxExecutable), each PT_LOAD becomes an area backed by the file (read-only
// pages are the file's own frames, writable ones private copies, made as they are touched), and the
// same for the interpreter a dynamically linked program names (ld.so, which maps the libraries
// itself with mmap and starts the program at AT_ENTRY), the stack is reserved with the start-up block (InitialStack) written at its top, and only then, with
// everything in place, does the old image go: a failure leaves the caller's process as it was.
using System;
using Vireo.Abi;
using Vireo.Formats;
using Vireo.Linux.Abi;
using Vireo.User;

namespace Vireo.Linux;

public sealed unsafe partial class LinuxProcess
{
    /// <summary>The largest start-up block (argv, envp and their strings): past it, E2BIG.</summary>
    public const int MaxStartBlock = 512 * 1024;

    /// <summary>Replaces the process's image with `file`'s (a BackingFile opened to run), started with
    /// `argv` and `envp`; `linuxPath` becomes /proc/self/exe and AT_EXECFN. InvalidArgument (ENOEXEC,
    /// `why` says what is wrong), OutOfRange (E2BIG), or a status of making the objects; on failure
    /// nothing changed and the caller still owns `file`. After Ok the old thread is gone (NoReply).</summary>
    public Status Exec(BackingFile file, byte[][] argv, byte[][] envp, byte[] linuxPath, out string why)
    {
        Status s = Build(file, argv, envp, linuxPath, out LinuxMemory memory, out ulong entry, out ulong rsp, out ulong brk, out why);
        if (s != Status.Ok) return s;
        // The point of no return: the old image goes, and the process's other threads with it (de_thread).
        EndOtherThreads(this);
        if (Thread.Value != 0)
        {
            CSpace.Release(Thread);   // it waits for this call's answer: there is none to give
            Thread = default;
            NoReply = true;
        }
        Memory?.Drop();   // a vfork child's memory is its parent's too
        Memory = memory;
        BreakStart = Break = brk;
        ExePath = linuxPath;
        ImagePath = file.Path;
        Argv = argv;
        for (ulong fd = 0; fd < LinuxFiles.Max; fd++)
            if (Files.Get(fd) != null && Files.CloseOnExec(fd)) Files.Close(fd);
        ResetSignalsForExec();
        s = StartThread(entry, rsp);
        if (s != Status.Ok) why = "could not start its thread (status " + ((ulong)s).ToString() + ")";
        Processes.ExecDone(this);   // a vfork parent resumes; setpgid on this process is EACCES now
        return s;
    }

    private Status Build(BackingFile file, byte[][] argv, byte[][] envp, byte[] execfn, out LinuxMemory memory,
        out ulong entry, out ulong rsp, out ulong brk, out string why)
    {
        memory = null;
        entry = rsp = brk = 0;
        // The file's first page, shown by its cache (execve's `#!` check showed it already): the
        // headers are parsed and the areas made before anything else uses the window.
        byte* h = file.Head(out int length);
        if (h == null)
        {
            why = "could not read it";
            return Status.IoError;
        }
        if (LinuxExecutable.TryParse(h, length, file.Size, out LinuxExecutable exe, out why) != FormatStatus.Ok) return Status.InvalidArgument;
        var m = new LinuxMemory();
        Status s = m.Create();
        if (s != Status.Ok) return s;
        MapSegments(m, file, h, LinuxExecutable.PieBase);   // Ok: LinuxExecutable checked it
        // A dynamically linked program starts in its interpreter (ld.so), loaded beside it: the
        // program's headers reach it through AT_PHDR, its own base through AT_BASE.
        LinuxExecutable interpreter = default;
        if (exe.Interpreter != null) s = LoadInterpreter(m, exe.Interpreter, out interpreter, out why);
        m.Reserve(new Area { Start = StackTop - StackSize, End = StackTop, Prot = Prot.Read | Prot.Write });
        if (s == Status.Ok)
        {
            s = BuildStack(m, exe, interpreter.LoadBias, argv, envp, execfn, out rsp);
            if (s != Status.Ok) why = s == Status.OutOfRange ? "its arguments are too long" : "could not build its stack";
        }
        if (s != Status.Ok)
        {
            file.Users--;   // still the caller's: Release must not close it
            m.Files.Remove(file);
            m.Release();
            return s;
        }
        memory = m;
        entry = exe.Interpreter != null ? interpreter.Entry : exe.Entry;
        brk = exe.BreakStart;
        why = null;
        return Status.Ok;
    }

    // Each PT_LOAD of the ELF file whose first page is `head` becomes an area backed by `file`,
    // moved by `loadBase` if it is a PIE.
    private static void MapSegments(LinuxMemory m, BackingFile file, byte* head, ulong loadBase)
    {
        int index = m.AddFile(file);
        Elf64Image.TryParse(head, file.Size, out Elf64Image image, loadBase);
        for (int i = 0; i < image.SegmentCount; i++)
        {
            image.GetSegment(i, out Elf64Segment seg);
            var area = new Area
            {
                Start = seg.FirstPage, End = seg.EndPage,
                Prot = Prot.Read | (seg.IsWritable ? Prot.Write : 0) | (seg.IsExecutable ? Prot.Exec : 0),
            };
            if (seg.FileSize != 0)
            {
                area.File = index;
                area.FileOffset = seg.FileOffset - (seg.VirtualAddress - seg.FirstPage);
                area.FileEnd = seg.VirtualAddress + seg.FileSize;
            }
            m.Reserve(area);
        }
    }

    // The interpreter a program names (PT_INTERP, an absolute Linux path: the daemon follows its
    // symbolic links) loaded at InterpreterBase: a PIE of its own, not naming another. NotFound
    // (ENOENT, as Linux's execve gives for a missing ld.so), InvalidArgument (ENOEXEC) or the open's status.
    private static Status LoadInterpreter(LinuxMemory m, byte[] path, out LinuxExecutable interpreter, out string why)
    {
        interpreter = default;
        byte[] vireo = LinuxPaths.ToVireo(path);
        BackingFile file = null;
        Status s = vireo == null ? Status.NotFound : BackingFile.Open(vireo, run: true, out file);
        if (s != Status.Ok)
        {
            why = "its interpreter could not be opened";
            return s;
        }
        byte* h = file.Head(out int length);
        if (h == null)
        {
            file.Close();
            why = "could not read its interpreter";
            return Status.IoError;
        }
        if (LinuxExecutable.TryParse(h, length, file.Size, out interpreter, out why, LinuxExecutable.InterpreterBase) != FormatStatus.Ok
            || interpreter.LoadBias == 0 || interpreter.Interpreter != null)
        {
            file.Close();
            why = "its interpreter is not a position-independent ELF program";
            return Status.InvalidArgument;
        }
        MapSegments(m, file, h, LinuxExecutable.InterpreterBase);
        why = null;
        return Status.Ok;
    }

    private static Status BuildStack(LinuxMemory m, in LinuxExecutable exe, ulong interpreterBase, byte[][] argv, byte[][] envp, byte[] execfn, out ulong rsp)
    {
        rsp = 0;
        int size = 1024 + execfn.Length;
        foreach (byte[] a in argv) size += a.Length + 9;
        foreach (byte[] e in envp) size += e.Length + 9;
        if (size > MaxStartBlock) return Status.OutOfRange;
        size = (size + 4095) & ~4095;
        var block = new byte[size];
        var random = new byte[InitialStack.RandomBytes];
        Random.Fill(random);
        ReadOnlySpan<ulong> aux = stackalloc ulong[]
        {
            AuxType.Phdr, exe.ProgramHeaders, AuxType.Phent, Elf64Image.ProgramHeaderSize, AuxType.Phnum, exe.ProgramHeaderCount,
            AuxType.Pagesz, 4096, AuxType.Base, interpreterBase, AuxType.Flags, 0, AuxType.Entry, exe.Entry,
            AuxType.Uid, 0, AuxType.Euid, 0, AuxType.Gid, 0, AuxType.Egid, 0, AuxType.Hwcap, 0, AuxType.Hwcap2, 0,
            AuxType.Clktck, 100, AuxType.Secure, 0,
        };
        rsp = InitialStack.Build(block, StackTop, argv, envp, aux, random, execfn);
        if (rsp == 0) return Status.OutOfRange;
        // Only the used part is written: the pages below stay untouched.
        ulong from = rsp & ~4095UL;
        fixed (byte* b = block)
            return m.Write(from, b + (size - (int)(StackTop - from)), StackTop - from) ? Status.Ok : Status.BadAddress;
    }
}
