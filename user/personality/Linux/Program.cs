// linux PATH [ARGS...]: runs the static Linux x86_64 program at PATH (a Vireo path, e.g.
// initfs:/bin/busybox) as a child whose address space this process builds and owns, serving its
// syscalls (Syscalls/) as they arrive on its fault endpoint (ADR 0014), and ends with its exit
// status. A program killed by a fault is reported as Linux's shell would see it: status 128 + the
// signal, and a line naming the fault. docs/design/linux.md.
using System;
using System.Runtime;
using Vireo.Abi;
using Vireo.Linux;
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
        var p = new LinuxProcess();
        s = p.Exec(file, argv, envp, linuxPath, out string why);
        if (s != Status.Ok)
        {
            file.Close();
            SyscallTable.Say("linux: " + shown + ": cannot run it: " + why + "\n");
            return 126;
        }
        // /tmp is ramfs's (as tmpfs is on Linux): made here, since ramfs starts empty.
        _ = Fs.Mkdir("file:/tmp");   // Exists after the first run: what matters is that it is there
        return Serve(p, shown);
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

    // The personality's loop: each message is a syscall or a fault of the Linux thread.
    private static int Serve(LinuxProcess p, string shown)
    {
        var m = new Message();
        var buffer = (IpcBuffer*)ProcessSlots.IpcBuffer;
        Status s = Ipc.Receive(p.Endpoint, ref m);
        while (s == Status.Ok)
        {
            if (m.Info.Label != MessageInfo.ForeignSyscallLabel)
            {
                // A page fault at a page not made yet is served (demand paging) and the thread resumes.
                if (m.W0 != 14 || p.Memory.Fault(m.W1, m.W3) != FaultResult.Served) return Killed(p, shown, in m);
                s = Ipc.ReplyReceive(p.Endpoint, new MessageInfo(0, 0), ref m);
                continue;
            }
            // Words past the registers are copied out before any file call reuses the buffer.
            var a = new SyscallArgs { Number = m.W0, A0 = m.W1, A1 = m.W2, A2 = m.W3 };
            if (m.Info.Words == ForeignSyscallMessage.Words)
            {
                a.A3 = buffer->Words[ForeignSyscallMessage.R10];
                a.A4 = buffer->Words[ForeignSyscallMessage.R8];
                a.A5 = buffer->Words[ForeignSyscallMessage.R9];
                a.Rip = buffer->Words[ForeignSyscallMessage.Rip];
                a.Rsp = buffer->Words[ForeignSyscallMessage.Rsp];
            }
            long result = SyscallTable.Serve(p, in a, out bool exit, out int status);
            if (exit)
            {
                p.Stop();
                return status;
            }
            if (p.NoReply)
            {
                p.NoReply = false;   // execve replaced the thread that called
                s = Ipc.Receive(p.Endpoint, ref m);
                continue;
            }
            m = Message.Of((ulong)result);
            s = Ipc.ReplyReceive(p.Endpoint, new MessageInfo(1, 0), ref m);
        }
        SyscallTable.Say("linux: " + shown + ": lost its thread (status " + ((ulong)s).ToString() + ")\n");
        p.Stop();
        return 125;
    }

    // A fault the program cannot handle (no signal delivery yet): it dies of the signal Linux would send.
    private static int Killed(LinuxProcess p, string shown, in Message m)
    {
        ulong vector = m.W0;
        int signal = vector switch { 0 => 8, 3 => 5, 6 => 4, 16 or 19 => 8, _ => 11 };   // SIGFPE, SIGTRAP, SIGILL, SIGSEGV
        string name = signal switch { 8 => "SIGFPE", 5 => "SIGTRAP", 4 => "SIGILL", _ => "SIGSEGV" };
        string what = vector == 14 ? "page fault at address 0x" + m.W1.ToString("x") : "exception " + vector.ToString();
        SyscallTable.Say("linux: " + shown + ": killed by " + name + " (" + what + ", rip 0x" + m.W2.ToString("x") + ")\n");
        p.Stop();
        return 128 + signal;
    }
}
