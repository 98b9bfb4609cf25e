// linux PATH [ARGS...]: runs the static Linux x86_64 program at PATH (a Vireo path, e.g.
// initfs:/bin/busybox) as a child whose address space this process builds and owns, serving its
// syscalls (Syscalls/) as they arrive on its fault endpoint (ADR 0014), and ends with its exit
// status. A program killed by a fault is reported as Linux's shell would see it: status 128 + the
// signal, and a line naming the fault. docs/design/linux.md.
using System;
using System.Runtime;
using System.Runtime.CompilerServices;
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
        byte[] path = Startup.Argument(1).ToArray();
        string shown = Text(path);
        Status s = ReadFile(path, out byte[] file);
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
        var p = new LinuxProcess { ExePath = linuxPath };
        s = p.Load(file, argv, envp, out string why);
        if (s != Status.Ok)
        {
            SyscallTable.Say("linux: " + shown + ": cannot run it: " + why + "\n");
            return 126;
        }
        file = null;   // the image is in the child now
        // /tmp is ramfs's (as tmpfs is on Linux): made here, since ramfs starts empty.
        _ = Fs.Mkdir("file:/tmp");   // Exists after the first run: what matters is that it is there
        return Serve(p, shown);
    }

    private static Status ReadFile(byte[] path, out byte[] file)
    {
        file = null;
        Status s;
        Fd fd;
        fixed (byte* name = path) s = Fs.Open(name, path.Length, OpenFlags.Read, out fd);
        if (s != Status.Ok) return s;
        s = Fs.Fstat(fd, out ulong size, out _);
        if (s == Status.Ok && size > 64 << 20) s = Status.OutOfRange;
        if (s == Status.Ok) file = new byte[(int)size];
        ulong done = 0;
        while (s == Status.Ok && done < size)
        {
            int read = 0;
            fixed (byte* at = &file[(int)done]) s = Fs.Read(fd, at, (int)(size - done < 65536 ? size - done : 65536), out read);
            if (s == Status.Ok && read == 0) s = Status.BadState;   // shorter than it said
            done += (ulong)read;
        }
        _ = Fs.Close(fd);   // read only: what was read stands
        return s;
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
    [SkipLocalsInit]   // every local is assigned before it is read
    private static int Serve(LinuxProcess p, string shown)
    {
        var m = new Message();
        var buffer = (IpcBuffer*)ProcessSlots.IpcBuffer;
        // The call's words, each assigned once per call (no zeroing first: this runs per syscall).
        SyscallArgs* a = stackalloc SyscallArgs[1];
        Status s = Ipc.Receive(p.Endpoint, ref m);
        while (s == Status.Ok)
        {
            if (m.Info.Label != MessageInfo.ForeignSyscallLabel) return Killed(p, shown, in m);
            // Words past the registers are copied out before any file call reuses the buffer.
            a->Number = m.W0;
            a->A0 = m.W1;
            a->A1 = m.W2;
            a->A2 = m.W3;
            // r10, r8, r9, rip, rsp are consecutive in the buffer as A3..Rsp are in SyscallArgs: one
            // block copy.
            if (m.Info.Words == ForeignSyscallMessage.Words) *(Registers*)&a->A3 = *(Registers*)&buffer->Words[ForeignSyscallMessage.R10];
            else a->A3 = a->A4 = a->A5 = a->Rip = a->Rsp = 0;
            long result = SyscallTable.Serve(p, in *a, out bool exit, out int status);
            if (exit)
            {
                p.Stop();
                return status;
            }
            m.W0 = (ulong)result;   // the reply's one word; the others are not sent
            s = Ipc.ReplyReceive(p.Endpoint, new MessageInfo(1, 0), ref m);
        }
        SyscallTable.Say("linux: " + shown + ": lost its thread (status " + ((ulong)s).ToString() + ")\n");
        p.Stop();
        return 125;
    }

    // The registers past the message's four words, as the IPC buffer holds them (ForeignSyscallMessage).
    private struct Registers
    {
        public ulong R10, R8, R9, Rip, Rsp;
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
