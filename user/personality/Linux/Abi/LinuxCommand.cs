// What `linux` was asked to do, from its arguments: `linux` alone is a login shell (BusyBox's ash at
// /bin/sh, argv[0] "-sh", in /root), `linux PATH [ARGS...]` runs PATH, which is a Linux path
// (`/bin/busybox`, `ls` is /ls: resolved against /) or a Vireo path with a scheme
// (`initfs:/bin/busybox`); `-t` traces every syscall (strace's lines), `-o FILE` sends them to FILE.
// Portable: tests/Kernel.Tests/Linux checks the parsing.
using System;

namespace Vireo.Linux.Abi;

public sealed class LinuxCommand
{
    public bool Trace;
    public byte[] TraceFile;    // -o FILE: as given (a Linux path or a Vireo path)
    public byte[] Path;         // the program as given (/bin/sh for the login shell)
    public byte[][] Argv;       // argv[0] is the path, or "-sh" for the login shell
    public bool Login;
    public string Error;        // the usage error, or null

    public const string Usage = "usage: linux [-t] [-o FILE] [PATH [ARGS...]]\n";

    /// <summary>Parses the arguments after `linux` itself.</summary>
    public static LinuxCommand Parse(byte[][] args)
    {
        var c = new LinuxCommand();
        int i = 0;
        for (; i < args.Length && args[i].Length > 1 && args[i][0] == (byte)'-'; i++)
        {
            if (Is(args[i], "-t"u8)) c.Trace = true;
            else if (Is(args[i], "-o"u8) && i + 1 < args.Length)
            {
                c.Trace = true;
                c.TraceFile = args[++i];
            }
            else if (Is(args[i], "--"u8))
            {
                i++;
                break;
            }
            else
            {
                c.Error = Usage;
                return c;
            }
        }
        if (i == args.Length)
        {
            c.Login = true;
            c.Path = "/bin/sh"u8.ToArray();
            c.Argv = new[] { "-sh"u8.ToArray() };
            return c;
        }
        c.Path = args[i];
        c.Argv = new byte[args.Length - i][];
        for (int j = 0; j < c.Argv.Length; j++) c.Argv[j] = args[i + j];
        return c;
    }

    /// <summary>Whether `path` names a Vireo scheme (`initfs:/bin/busybox`): a colon before any slash.</summary>
    public static bool HasScheme(ReadOnlySpan<byte> path)
    {
        for (int i = 0; i < path.Length; i++)
        {
            if (path[i] == (byte)'/') return false;
            if (path[i] == (byte)':') return i > 0;
        }
        return false;
    }

    /// <summary>The Vireo path to read the program from and the Linux path it runs as (argv's path,
    /// /proc/self/exe): a scheme path loses its scheme, a Linux path is made absolute against /.</summary>
    public static void Locate(byte[] path, out byte[] vireo, out byte[] linux)
    {
        if (HasScheme(path))
        {
            vireo = path;
            int colon = 0;
            while (path[colon] != (byte)':') colon++;
            linux = colon + 1 < path.Length && path[colon + 1] == (byte)'/' ? path.AsSpan(colon + 1).ToArray() : path;
            return;
        }
        linux = LinuxPaths.Absolute("/"u8, path);
        vireo = linux == null ? null : LinuxPaths.ToVireo(linux);
    }

    private static bool Is(byte[] a, ReadOnlySpan<byte> b) => a.AsSpan().SequenceEqual(b);
}
