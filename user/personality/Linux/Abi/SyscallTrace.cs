// The words of `linux -t` (docs/design/linux.md, "Tracing"): a syscall and its result as strace
// prints them, `openat(AT_FDCWD, "/etc/passwd", O_RDONLY) = 3`, `read(3, "root:x:0:0:"..., 4096) = 32`,
// `= -1 ENOENT (No such file or directory)`. Each call has a signature, one letter per argument saying
// how to show it (Kinds); the arguments the program gives are shown before the call runs (Enter: a
// buffer it passes may be reused once the call returns), the ones the call fills in after it (Finish).
// Portable: the memory is reached through ITraceMemory, so tests/Kernel.Tests/Linux checks the text.
using System;
using System.Text;

namespace Vireo.Linux.Abi;

/// <summary>The traced program's memory, for reading the strings and structures its calls name.</summary>
public interface ITraceMemory
{
    /// <summary>Copies `into.Length` bytes at `address`; false when any of them is not mapped.</summary>
    bool Read(ulong address, Span<byte> into);
}

public static class SyscallTrace
{
    /// <summary>strace's default -s: longer strings are cut and followed by "...".</summary>
    public const int StringLimit = 32;
    private const long AtFdCwd = -100;

    // The letters of a signature:
    //  d signed decimal   u unsigned decimal   f fd   a dirfd (AT_FDCWD)   x pointer or hex word
    //  s a path the program gives   b a buffer it gives (length: the next argument)
    //  r a buffer the call fills (length: the result)   R a NUL-terminated string the call fills
    //  S a struct stat the call fills   D linux_dirent64 records the call fills
    //  o open flags   O the mode, shown only when the flags have O_CREAT   m a mode in octal
    //  w lseek's whence   p mmap's protections   M mmap's flags   F AT_* flags   k access's mode
    //  g a signal   h sigprocmask's how   A arch_prctl's code   i an ioctl request   c a clock
    //  C an fcntl command   v a NULL-terminated array of strings
    private static string Kinds(ulong number) => number switch
    {
        0 => "frd", 1 => "fbd", 2 => "soO", 3 => "f", 4 => "sS", 5 => "fS", 6 => "sS", 7 => "xud", 8 => "fdw",
        9 => "xupMfx", 10 => "xup", 11 => "xu", 12 => "x", 13 => "gxxu", 14 => "hxxu", 16 => "fix",
        17 => "frdd", 18 => "fbdd", 19 => "fxd", 20 => "fxd", 21 => "sk", 22 => "x", 24 => "", 28 => "xud",
        32 => "f", 33 => "ff", 35 => "xx", 39 => "", 40 => "ffxu", 41 => "ddd", 42 => "fxu", 56 => "xxxxx",
        57 => "", 58 => "", 59 => "svx", 60 => "d", 61 => "dxxx", 62 => "dg", 63 => "x", 72 => "fCx", 74 => "f",
        79 => "Ru", 80 => "s", 81 => "f", 82 => "ss", 83 => "sm", 84 => "s", 86 => "ss", 87 => "s", 88 => "ss",
        89 => "sru", 90 => "sm", 91 => "fm", 92 => "sdd", 93 => "fdd", 94 => "sdd", 95 => "m", 96 => "xx",
        97 => "dx", 99 => "x", 102 or 104 or 107 or 108 or 110 or 111 or 112 or 186 => "", 105 or 106 => "d",
        109 => "dd", 121 or 124 => "d", 130 => "xu", 131 => "xx", 133 => "smx", 137 => "sx", 138 => "fx",
        157 => "dxxxx", 158 => "Ax", 200 => "dg", 201 => "x", 202 => "xdxxxd", 203 or 204 => "dux",
        217 => "fDu", 218 => "x", 228 or 229 => "cx", 230 => "cdxx", 231 => "d", 234 => "ddg", 257 => "asoO",
        258 => "asm", 259 => "asmx", 260 => "asddF", 262 => "asSF", 263 => "asF", 264 => "asas", 265 => "asasF",
        266 => "sas", 267 => "asru", 268 => "asm", 269 => "ask", 270 => "dxxxxx", 271 => "xuxxu",
        273 => "xu", 280 => "asxF", 292 => "ffo", 293 => "xo", 302 => "ddxx", 318 => "rux", 332 => "asFxx",
        334 => "xudx", 435 => "xu", 439 => "askF",
        _ => null,
    };

    /// <summary>The texts of the arguments the program gives, before the call; null for those the
    /// call fills in (Finish shows them).</summary>
    public static string[] Enter(ulong number, ReadOnlySpan<ulong> args, ITraceMemory memory)
    {
        string kinds = Kinds(number) ?? "xxxxxx";
        var texts = new string[kinds.Length];
        for (int i = 0; i < kinds.Length; i++)
        {
            char k = kinds[i];
            ulong v = i < args.Length ? args[i] : 0;
            if (k == 'O' && (i == 0 || (args[i - 1] & 0x40) == 0))
            {
                texts[i] = "";   // no O_CREAT: open has no mode argument
                continue;
            }
            texts[i] = k switch
            {
                'r' or 'R' or 'S' or 'D' => null,
                _ => Argument(k, v, i + 1 < args.Length ? args[i + 1] : 0, memory),
            };
        }
        return texts;
    }

    /// <summary>The whole line of a call that returned `result` (a value or a negated errno).</summary>
    public static string Finish(ulong number, ReadOnlySpan<ulong> args, string[] texts, long result, ITraceMemory memory)
    {
        string kinds = Kinds(number) ?? "xxxxxx";
        for (int i = 0; i < texts.Length; i++)
        {
            if (texts[i] != null) continue;
            ulong v = i < args.Length ? args[i] : 0;
            texts[i] = result < 0 ? Pointer(v) : kinds[i] switch
            {
                'r' => Buffer(memory, v, (ulong)result),
                'R' => Text(memory, v, 4096, StringLimit * 128),
                'S' => Stat(memory, v),
                _ => Dirents(memory, v, (ulong)result),
            };
        }
        return Call(number, texts) + " = " + Result(number, result) + "\n";
    }

    /// <summary>The line of a call that does not return (exit, exit_group): `exit_group(0) = ?`.</summary>
    public static string NoReturn(ulong number, string[] texts) => Call(number, texts) + " = ?\n";

    /// <summary>The result as strace shows it: a number, an address for the calls that give one, or
    /// `-1 ENAME (message)` for an error.</summary>
    public static string Result(ulong number, long result)
    {
        if (result < 0 && result >= -4095)
        {
            long e = -result;
            string name = ErrnoName(e);
            return name == null ? "-1 E" + e.ToString() : "-1 " + name + " (" + ErrnoMessage(e) + ")";
        }
        return number == 9 || number == 12 ? Pointer((ulong)result) : result.ToString();
    }

    private static string Call(ulong number, string[] texts)
    {
        var b = new StringBuilder();
        b.Append(SyscallNames.Name(number) ?? "syscall_" + number.ToString());
        b.Append('(');
        bool first = true;
        foreach (string t in texts)
        {
            if (t.Length == 0) continue;
            if (!first) b.Append(", ");
            b.Append(t);
            first = false;
        }
        b.Append(')');
        return b.ToString();
    }

    private static string Argument(char kind, ulong v, ulong next, ITraceMemory memory) => kind switch
    {
        'd' => ((long)v).ToString(),
        'u' => v.ToString(),
        'f' => ((int)v).ToString(),
        'a' => (int)v == AtFdCwd ? "AT_FDCWD" : ((int)v).ToString(),
        's' => Text(memory, v, 4096, 4096),
        'b' => Buffer(memory, v, next),
        'o' => OpenFlags(v),
        'O' or 'm' => Octal(v),
        'w' => v switch { 0 => "SEEK_SET", 1 => "SEEK_CUR", 2 => "SEEK_END", _ => v.ToString() },
        'p' => Flags(v, "PROT_NONE", ProtNames),
        'M' => Flags(v, "0", MapNames),
        'F' => Flags(v, "0", AtNames),
        'k' => v == 0 ? "F_OK" : Flags(v, "F_OK", AccessNames),
        'g' => SignalName(v),
        'h' => v switch { 0 => "SIG_BLOCK", 1 => "SIG_UNBLOCK", 2 => "SIG_SETMASK", _ => v.ToString() },
        'A' => v switch { 0x1001 => "ARCH_SET_GS", 0x1002 => "ARCH_SET_FS", 0x1003 => "ARCH_GET_FS", 0x1004 => "ARCH_GET_GS", _ => "0x" + v.ToString("x") },
        'i' => Ioctl(v),
        'c' => v switch { 0 => "CLOCK_REALTIME", 1 => "CLOCK_MONOTONIC", 2 => "CLOCK_PROCESS_CPUTIME_ID", 7 => "CLOCK_BOOTTIME", _ => v.ToString() },
        'C' => v switch { 0 => "F_DUPFD", 1 => "F_GETFD", 2 => "F_SETFD", 3 => "F_GETFL", 4 => "F_SETFL", 1030 => "F_DUPFD_CLOEXEC", _ => v.ToString() },
        'v' => Strings(memory, v),
        _ => Pointer(v),
    };

    /// <summary>An address: NULL, or 0x and hex digits.</summary>
    public static string Pointer(ulong v) => v == 0 ? "NULL" : "0x" + v.ToString("x");

    private static string Octal(ulong v)
    {
        if (v == 0) return "000";
        Span<char> digits = stackalloc char[23];
        int at = digits.Length;
        for (ulong x = v; x != 0; x >>= 3) digits[--at] = (char)('0' + (int)(x & 7));
        digits[--at] = '0';
        return new string(digits.Slice(at));
    }

    private static readonly string[] OpenNames =
    {
        "O_CREAT", "O_EXCL", "O_NOCTTY", "O_TRUNC", "O_APPEND", "O_NONBLOCK", "O_DSYNC", "O_ASYNC", "O_DIRECT",
        "O_LARGEFILE", "O_DIRECTORY", "O_NOFOLLOW", "O_NOATIME", "O_CLOEXEC",
    };

    /// <summary>open's flags: the access mode, then each flag set (O_CREAT is 0100 and the rest follow).</summary>
    public static string OpenFlags(ulong v)
    {
        var b = new StringBuilder((v & 3) switch { 0 => "O_RDONLY", 1 => "O_WRONLY", 2 => "O_RDWR", _ => "O_ACCMODE" });
        for (int bit = 6; bit < 6 + OpenNames.Length; bit++)
            if ((v & (1UL << bit)) != 0) b.Append('|').Append(OpenNames[bit - 6]);
        ulong rest = v & ~3UL & ~(((1UL << OpenNames.Length) - 1) << 6);
        if (rest != 0) b.Append("|0x").Append(rest.ToString("x"));
        return b.ToString();
    }

    private static readonly string[] ProtNames = { "PROT_READ", "PROT_WRITE", "PROT_EXEC" };
    private static readonly string[] MapNames = { "MAP_SHARED", "MAP_PRIVATE", null, null, "MAP_FIXED", "MAP_ANONYMOUS" };
    private static readonly string[] AtNames =
    {
        null, null, null, null, null, null, null, null, "AT_SYMLINK_NOFOLLOW", "AT_REMOVEDIR", "AT_SYMLINK_FOLLOW",
        null, "AT_EMPTY_PATH",
    };
    private static readonly string[] AccessNames = { "X_OK", "W_OK", "R_OK" };

    // Bits named by position (names[i] is bit i; a null or a bit past the names is shown in hex).
    private static string Flags(ulong v, string none, string[] names)
    {
        if (v == 0) return none;
        var b = new StringBuilder();
        ulong rest = 0;
        for (int bit = 0; bit < 64; bit++)
        {
            if ((v & (1UL << bit)) == 0) continue;
            string name = bit < names.Length ? names[bit] : null;
            if (name == null)
            {
                rest |= 1UL << bit;
                continue;
            }
            if (b.Length > 0) b.Append('|');
            b.Append(name);
        }
        if (rest != 0)
        {
            if (b.Length > 0) b.Append('|');
            b.Append("0x").Append(rest.ToString("x"));
        }
        return b.ToString();
    }

    private static string Ioctl(ulong v) => v switch
    {
        0x5401 => "TCGETS", 0x5402 => "TCSETS", 0x5403 => "TCSETSW", 0x5404 => "TCSETSF", 0x540F => "TIOCGPGRP",
        0x5410 => "TIOCSPGRP", 0x5413 => "TIOCGWINSZ", 0x5414 => "TIOCSWINSZ", _ => "0x" + v.ToString("x"),
    };

    private static readonly string[] Signals =
    {
        null, "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS", "SIGFPE", "SIGKILL", "SIGUSR1",
        "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT", "SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP",
        "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO", "SIGPWR", "SIGSYS",
    };

    /// <summary>A signal's name (SIGINT), SIGRTn past 31, or the number.</summary>
    public static string SignalName(ulong v) =>
        v > 0 && v < (ulong)Signals.Length ? Signals[(int)v] : v >= 32 && v <= 64 ? "SIGRT" + (v - 32).ToString() : v.ToString();

    // A buffer as a quoted string: its first StringLimit bytes, and "..." after when it is longer.
    private static string Buffer(ITraceMemory memory, ulong address, ulong length)
    {
        int shown = length < StringLimit ? (int)length : StringLimit;
        Span<byte> bytes = stackalloc byte[StringLimit];
        if (!memory.Read(address, bytes.Slice(0, shown))) return Pointer(address);
        return Quote(bytes.Slice(0, shown), (ulong)shown < length);
    }

    // A NUL-terminated string of at most `max` bytes, shown up to `limit` of them.
    private static string Text(ITraceMemory memory, ulong address, int max, int limit)
    {
        var bytes = new byte[limit];
        Span<byte> one = stackalloc byte[1];
        int n = 0;
        for (; n < max; n++)
        {
            if (!memory.Read(address + (ulong)n, one)) return n == 0 ? Pointer(address) : Quote(bytes.AsSpan(0, n < limit ? n : limit), true);
            if (one[0] == 0) break;
            if (n < limit) bytes[n] = one[0];
        }
        return Quote(bytes.AsSpan(0, n < limit ? n : limit), n > limit);
    }

    // execve's argv: ["ls", "-l"].
    private static string Strings(ITraceMemory memory, ulong address)
    {
        if (address == 0) return "NULL";
        var b = new StringBuilder("[");
        Span<byte> word = stackalloc byte[8];
        for (int i = 0; i < 64; i++)
        {
            if (!memory.Read(address + 8 * (ulong)i, word)) return Pointer(address);
            ulong p = Little(word);
            if (p == 0) break;
            if (i > 0) b.Append(", ");
            b.Append(Text(memory, p, 4096, StringLimit));
        }
        return b.Append(']').ToString();
    }

    /// <summary>Bytes as strace quotes them: \t \n \v \f \r \" \\ escaped, other unprintable bytes in
    /// octal (three digits when a digit follows), "..." after the quote when cut.</summary>
    public static string Quote(ReadOnlySpan<byte> bytes, bool cut)
    {
        var b = new StringBuilder("\"");
        for (int i = 0; i < bytes.Length; i++)
        {
            byte c = bytes[i];
            switch (c)
            {
                case (byte)'"': b.Append("\\\""); break;
                case (byte)'\\': b.Append("\\\\"); break;
                case (byte)'\t': b.Append("\\t"); break;
                case (byte)'\n': b.Append("\\n"); break;
                case 11: b.Append("\\v"); break;
                case 12: b.Append("\\f"); break;
                case (byte)'\r': b.Append("\\r"); break;
                default:
                    if (c >= 0x20 && c < 0x7F) b.Append((char)c);
                    else
                    {
                        bool digitNext = i + 1 < bytes.Length && bytes[i + 1] >= (byte)'0' && bytes[i + 1] <= (byte)'7';
                        b.Append('\\');
                        if (digitNext || c >= 64) b.Append((char)('0' + (c >> 6)));
                        if (digitNext || c >= 8) b.Append((char)('0' + ((c >> 3) & 7)));
                        b.Append((char)('0' + (c & 7)));
                    }
                    break;
            }
        }
        b.Append('"');
        if (cut) b.Append("...");
        return b.ToString();
    }

    // struct stat as strace shows it by default: the mode and the size (st_mode at 24, st_size at 48).
    private static string Stat(ITraceMemory memory, ulong address)
    {
        Span<byte> st = stackalloc byte[56];
        if (!memory.Read(address, st)) return Pointer(address);
        uint mode = (uint)Little(st.Slice(24, 4));
        ulong size = Little(st.Slice(48, 8));
        string type = (mode & 0xF000) switch
        {
            0x8000 => "S_IFREG", 0x4000 => "S_IFDIR", 0xA000 => "S_IFLNK", 0x2000 => "S_IFCHR", 0x6000 => "S_IFBLK",
            0x1000 => "S_IFIFO", 0xC000 => "S_IFSOCK", _ => "0",
        };
        return "{st_mode=" + type + "|" + Octal(mode & 0xFFF) + ", st_size=" + size.ToString() + ", ...}";
    }

    // getdents64's records: strace's `0x... /* N entries */`.
    private static string Dirents(ITraceMemory memory, ulong address, ulong length)
    {
        int entries = 0;
        Span<byte> reclen = stackalloc byte[2];
        for (ulong at = 0; at + 19 <= length; entries++)
        {
            if (!memory.Read(address + at + 16, reclen)) break;
            ushort n = (ushort)Little(reclen);
            if (n == 0) break;
            at += n;
        }
        return Pointer(address) + " /* " + entries.ToString() + (entries == 1 ? " entry */" : " entries */");
    }

    // A little-endian number of up to 8 bytes.
    private static ulong Little(ReadOnlySpan<byte> bytes)
    {
        ulong v = 0;
        for (int i = bytes.Length - 1; i >= 0; i--) v = v << 8 | bytes[i];
        return v;
    }

    private static readonly string[] ErrnoNames =
    {
        null, "EPERM", "ENOENT", "ESRCH", "EINTR", "EIO", "ENXIO", "E2BIG", "ENOEXEC", "EBADF", "ECHILD", "EAGAIN",
        "ENOMEM", "EACCES", "EFAULT", "ENOTBLK", "EBUSY", "EEXIST", "EXDEV", "ENODEV", "ENOTDIR", "EISDIR", "EINVAL",
        "ENFILE", "EMFILE", "ENOTTY", "ETXTBSY", "EFBIG", "ENOSPC", "ESPIPE", "EROFS", "EMLINK", "EPIPE", "EDOM",
        "ERANGE", "EDEADLK", "ENAMETOOLONG", "ENOLCK", "ENOSYS", "ENOTEMPTY", "ELOOP",
    };

    private static readonly string[] ErrnoMessages =
    {
        null, "Operation not permitted", "No such file or directory", "No such process", "Interrupted system call",
        "Input/output error", "No such device or address", "Argument list too long", "Exec format error",
        "Bad file descriptor", "No child processes", "Resource temporarily unavailable", "Cannot allocate memory",
        "Permission denied", "Bad address", "Block device required", "Device or resource busy", "File exists",
        "Invalid cross-device link", "No such device", "Not a directory", "Is a directory", "Invalid argument",
        "Too many open files in system", "Too many open files", "Inappropriate ioctl for device", "Text file busy",
        "File too large", "No space left on device", "Illegal seek", "Read-only file system", "Too many links",
        "Broken pipe", "Numerical argument out of domain", "Numerical result out of range", "Resource deadlock avoided",
        "File name too long", "No locks available", "Function not implemented", "Directory not empty",
        "Too many levels of symbolic links",
    };

    /// <summary>ENOENT for 2 (null for a number without a name here).</summary>
    public static string ErrnoName(long e) =>
        e > 0 && e < ErrnoNames.Length ? ErrnoNames[(int)e] : e switch
        {
            88 => "ENOTSOCK", 95 => "EOPNOTSUPP", 97 => "EAFNOSUPPORT", 107 => "ENOTCONN", 110 => "ETIMEDOUT", _ => null,
        };

    /// <summary>strerror's text for it, as glibc words it.</summary>
    public static string ErrnoMessage(long e) =>
        e > 0 && e < ErrnoMessages.Length ? ErrnoMessages[(int)e] : e switch
        {
            88 => "Socket operation on non-socket", 95 => "Operation not supported",
            97 => "Address family not supported by protocol", 107 => "Transport endpoint is not connected",
            110 => "Connection timed out", _ => "Unknown error " + e.ToString(),
        };
}
