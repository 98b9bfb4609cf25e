// linux [-t] [-o FILE] [PATH [ARGS...]]: runs the static Linux x86_64 program at PATH (a Linux path,
// /bin/busybox, or a Vireo path, initfs:/bin/busybox; none: the login shell /bin/sh) as a child whose
// address space this process builds and owns, serving its syscalls (Syscalls/) as they arrive on its fault endpoint (ADR 0014), and ends with its exit
// status. A program killed by a fault is reported as Linux's shell would see it: status 128 + the
// signal, and a line naming the fault. docs/design/linux.md.
using System;
using System.Runtime;
using Vireo.Abi;
using Vireo.Linux;
using Vireo.Linux.Abi;
using Vireo.Linux.Loop;
using Vireo.Linux.Syscalls;
using Vireo.Linux.Trace;
using Vireo.User;
using Vireo.User.Schemes;

static unsafe class Program
{
    [RuntimeExport("vireo_main")]
    static int Main()
    {
        if (Startup.ArgumentCount == 2 && Startup.Argument(1).SequenceEqual("--test-memory"u8)) return LinuxMemory.SelfTest();
        var args = new byte[Startup.ArgumentCount > 0 ? Startup.ArgumentCount - 1 : 0][];
        for (int i = 0; i < args.Length; i++) args[i] = Startup.Argument(i + 1).ToArray();
        LinuxCommand c = LinuxCommand.Parse(args);
        if (c.Error != null)
        {
            SyscallTable.Say(c.Error);
            return 2;
        }
        string shown = Ascii.ToString(c.Path);
        LinuxCommand.Locate(c.Path, out byte[] path, out byte[] linuxPath);
        if (path == null)
        {
            SyscallTable.Say("linux: " + shown + ": not a path the namespace has\n");
            return 127;
        }
        // The image is mapped from the file, as execve maps it (LinuxProcess.Exec).
        Status s = BackingFile.Open(path, run: true, out BackingFile file);
        if (s != Status.Ok)
        {
            SyscallTable.Say("linux: " + shown + ": cannot read it (status " + ((ulong)s).ToString() + ")\n");
            return 127;
        }
        if (c.Trace && !OpenTrace(c.TraceFile)) return 2;
        // The program sees the path without its scheme ("initfs:/bin/busybox" is /bin/busybox), as
        // argv[0] (unless the login shell's "-sh") and as /proc/self/exe, which glibc requires to be absolute.
        if (!c.Login) c.Argv[0] = linuxPath;
        var envp = new byte[][] { "PATH=/bin:/sbin:/usr/bin:/usr/sbin"u8.ToArray(), "HOME=/root"u8.ToArray(), "TERM=vt100"u8.ToArray() };
        if ((s = EventLoop.Start()) != Status.Ok)
        {
            SyscallTable.Say("linux: cannot start its loop (status " + ((ulong)s).ToString() + ")\n");
            return 125;
        }
        LinuxTerminal.Start();
        var p = new LinuxProcess { Shown = shown };
        Processes.TryAdd(p);   // the first: the table is empty
        p.Pgid = p.Sid = p.Pid;
        s = p.Exec(file, c.Argv, envp, linuxPath, out string why);
        if (s != Status.Ok)
        {
            file.Close();
            SyscallTable.Say("linux: " + shown + ": cannot run it: " + why + "\n");
            return 126;
        }
        // The login shell starts at home, as login(1) puts it there.
        if (c.Login && Fs.Stat("disk:/root", out _, out FileKind home) == Status.Ok && home == FileKind.Directory) p.Cwd = "/root"u8.ToArray();
        // /tmp is ramfs's (as tmpfs is on Linux): made here, since ramfs starts empty.
        _ = Fs.Mkdir("file:/tmp");   // Exists after the first run: what matters is that it is there
        int status = EventLoop.Run(p);
        LinuxTerminal.Restore();
        return status;
    }

    // -t: the trace goes to standard error, or with -o to FILE (a Linux path, or a Vireo one), made new.
    private static bool OpenTrace(byte[] file)
    {
        Tracer.On = true;
        if (file == null) return true;
        LinuxCommand.Locate(file, out byte[] vireo, out _);
        Status s = vireo == null ? Status.NotFound : Status.Ok;
        Fd fd = default;
        if (s == Status.Ok)
            fixed (byte* v = vireo) s = Fs.Open(v, vireo.Length, OpenFlags.Write | OpenFlags.Create | OpenFlags.Truncate, 0x1A4, out fd);
        if (s != Status.Ok)
        {
            SyscallTable.Say("linux: " + Ascii.ToString(file) + ": cannot write the trace there (status " + ((ulong)s).ToString() + ")\n");
            return false;
        }
        Tracer.Output = fd;
        return true;
    }
}
