// linux PATH [ARGS...]: runs the static Linux x86_64 program at PATH (a Vireo path, e.g.
// initfs:/bin/busybox) as a child whose address space this process builds and owns, serving its
// syscalls (Syscalls/) as they arrive on its fault endpoint (ADR 0014), and ends with its exit
// status. A program killed by a fault is reported as Linux's shell would see it: status 128 + the
// signal, and a line naming the fault. docs/design/linux.md.
using System;
using System.Runtime;
using Vireo.Abi;
using Vireo.Linux;
using Vireo.Linux.Loop;
using Vireo.Linux.Syscalls;
using Vireo.User;
using Vireo.User.Schemes;

static unsafe class Program
{
    [RuntimeExport("vireo_main")]
    static int Main()
    {
        if (Startup.ArgumentCount < 2)
        {
            SyscallTable.Say("usage: linux PATH [ARGS...]\n");
            return 2;
        }
        if (Startup.Argument(1).SequenceEqual("--test-memory"u8)) return LinuxMemory.SelfTest();
        byte[] path = Startup.Argument(1).ToArray();
        string shown = Text(path);
        // The image is mapped from the file, as execve maps it (LinuxProcess.Exec).
        Status s = BackingFile.Open(path, run: true, out BackingFile file);
        if (s != Status.Ok)
        {
            SyscallTable.Say("linux: " + shown + ": cannot read it (status " + ((ulong)s).ToString() + ")\n");
            return 127;
        }
        // The program sees the path without its scheme ("initfs:/bin/busybox" is /bin/busybox), as
        // argv[0] and as /proc/self/exe, which glibc requires to be absolute.
        byte[] linuxPath = LinuxPath(path);
        var argv = new byte[Startup.ArgumentCount - 1][];
        argv[0] = linuxPath;
        for (int i = 1; i < argv.Length; i++) argv[i] = Startup.Argument(i + 1).ToArray();
        var envp = new byte[][] { "PATH=/bin"u8.ToArray(), "HOME=/root"u8.ToArray(), "TERM=vt100"u8.ToArray() };
        if ((s = EventLoop.Start()) != Status.Ok)
        {
            SyscallTable.Say("linux: cannot start its loop (status " + ((ulong)s).ToString() + ")\n");
            return 125;
        }
        var p = new LinuxProcess { Shown = shown };
        Processes.TryAdd(p);   // the first: the table is empty
        p.Pgid = p.Sid = p.Pid;
        s = p.Exec(file, argv, envp, linuxPath, out string why);
        if (s != Status.Ok)
        {
            file.Close();
            SyscallTable.Say("linux: " + shown + ": cannot run it: " + why + "\n");
            return 126;
        }
        // /tmp is ramfs's (as tmpfs is on Linux): made here, since ramfs starts empty.
        _ = Fs.Mkdir("file:/tmp");   // Exists after the first run: what matters is that it is there
        return EventLoop.Run(p);
    }

    private static byte[] LinuxPath(byte[] path)
    {
        int colon = Ascii.IndexOf(path, (byte)':');
        return colon < 0 || colon + 1 >= path.Length || path[colon + 1] != (byte)'/' ? path : path.AsSpan(colon + 1).ToArray();
    }

    private static string Text(byte[] bytes)
    {
        var chars = new char[bytes.Length];
        for (int i = 0; i < bytes.Length; i++) chars[i] = (char)bytes[i];
        return new string(chars);
    }
}
