// execve: the path, argv and envp are read from the caller's memory (EFAULT; E2BIG past Linux's
// MAX_ARG_STRLEN for one string or the start-up block's limit), the file is opened and checked
// (ENOENT, ENOTDIR, ELOOP as the path gives them; EACCES for a directory, a file that is not regular
// or has no execute bit; ETXTBSY while it is open for writing), a `#!` script becomes its interpreter
// (Shebang; four levels, then ELOOP), and LinuxProcess.Exec builds the new image completely before
// the old one goes (ENOEXEC for an unknown format: the caller goes on; ENOENT when the interpreter
// a dynamically linked program names is missing, as Linux gives). `/proc/self/exe` is the
// running image's file, as BusyBox re-executes itself with an applet name.
using System;
using Vireo.Abi;
using Vireo.Linux.Abi;
using Vireo.Linux.Proc;
using Vireo.User;

namespace Vireo.Linux.Syscalls;

public static unsafe partial class SyscallTable
{
    private const int MaxScriptDepth = 4;          // binfmt_script's recursion limit
    private const int MaxArgStrlen = 32 * 4096;    // MAX_ARG_STRLEN, with the NUL

    private static long Execve(LinuxProcess p, ulong path, ulong argvAddress, ulong envpAddress, out bool exit, out int status)
    {
        exit = false;
        status = 0;
        // Linux's de_thread gives a non-leader thread that execs the leader's pid: not done here.
        if (p.IsThread) return NotImplemented(p, (ulong)SyscallNumber.Execve);
        long e = Resolve(p, AtFdCwd, path, out byte[] linux);
        int total = 0;
        byte[][] argv = null, envp = null;
        if (e == 0) e = ReadStrings(p, argvAddress, ref total, out argv);
        if (e == 0) e = ReadStrings(p, envpAddress, ref total, out envp);
        if (e != 0) return e;
        byte[] named = linux;   // the task's name is this path's last name, even for a #! script (Linux's bprm->filename)
        for (int depth = 0; ; depth++)
        {
            if (depth > MaxScriptDepth) return -Errno.ELOOP;
            // /proc's files are texts, not programs (EACCES, as Linux's have no execute bit), except the
            // caller's own program.
            byte[] vireo = Ascii.Equals(linux, "/proc/self/exe") ? p.ImagePath : ProcFs.Under(linux) ? null : LinuxPaths.ToVireo(linux);
            if (vireo == null) return -Errno.EACCES;
            Status s = BackingFile.Open(vireo, run: true, out BackingFile file);
            if (s != Status.Ok) return -ExecErrno(s);
            // The first page, read once: the `#!` check here, the ELF headers in Exec (it is still shown).
            byte* head = file.Head(out int n);
            if (head == null)
            {
                file.Close();
                return -Errno.EIO;
            }
            var first = new ReadOnlySpan<byte>(head, n < Shebang.Max ? n : Shebang.Max);
            if (Shebang.IsScript(first))
            {
                bool parsed = Shebang.TryParse(first, out byte[] interpreter, out byte[] argument);
                file.Close();
                if (!parsed) return -Errno.ENOEXEC;
                argv = Shebang.Arguments(interpreter, argument, linux, argv);
                linux = LinuxPaths.Absolute(p.Cwd, interpreter);
                if (linux == null) return -Errno.ENAMETOOLONG;
                continue;
            }
            s = p.Exec(file, argv, envp, linux, out string why);
            if (s == Status.Ok)
            {
                p.Comm = Ascii.Equals(named, linux) ? null : named;
                return 0;
            }
            if (p.Thread.Value == 0)
            {
                // The old image went and the new one could not start: the process ends, as Linux's
                // does when exec fails past its point of no return.
                Say("linux: execve: " + why + "\n");
                exit = true;
                status = 128 + 9;
                return 0;
            }
            file.Close();
            return s switch
            {
                Status.InvalidArgument => -Errno.ENOEXEC,
                Status.OutOfRange => -Errno.E2BIG,
                Status.NotFound or Status.NotDirectory or Status.SymlinkLoop => -Errno.From(s),   // the interpreter's path
                Status.IsDirectory or Status.InsufficientRights => -Errno.EACCES,
                _ => -Errno.ENOMEM,
            };
        }
    }

    private static long ExecErrno(Status s) => s switch
    {
        Status.IsDirectory or Status.InvalidArgument or Status.InsufficientRights => Errno.EACCES,
        Status.Occupied => Errno.ETXTBSY,
        Status.OutOfRange => Errno.ENOEXEC,
        _ => Errno.From(s),
    };

    // A NULL-terminated array of strings (argv, envp) from the caller's memory; NULL itself is an
    // empty array, as Linux takes it. `total` counts the bytes of the start-up block they need.
    private static long ReadStrings(LinuxProcess p, ulong array, ref int total, out byte[][] strings)
    {
        strings = new byte[0][];
        if (array == 0) return 0;
        var list = new System.Collections.Generic.List<byte[]>();
        byte* buffer = stackalloc byte[4096];
        for (ulong i = 0; ; i++)
        {
            if (!p.Memory.ReadWord(array + i * 8, out ulong at)) return -Errno.EFAULT;
            if (at == 0) break;
            var s = new System.Collections.Generic.List<byte>();
            for (ulong done = 0; ; )
            {
                int n = ReadString(p, at + done, buffer, 4096);
                if (n == -1) return -Errno.EFAULT;
                int take = n < 0 ? 4096 : n;
                for (int k = 0; k < take; k++) s.Add(buffer[k]);
                if (s.Count + 1 > MaxArgStrlen) return -Errno.E2BIG;
                if (n >= 0) break;
                done += 4096;
            }
            total += s.Count + 9;
            if (total > LinuxProcess.MaxStartBlock) return -Errno.E2BIG;
            list.Add(s.ToArray());
        }
        strings = list.ToArray();
        return 0;
    }
}
