// The Linux path namespace over Vireo's schemes (docs/design/linux.md, "The path namespace"): a
// Linux path is made absolute against the working directory and normalised by the library's one
// normaliser (SchemePath: "//" and "." collapse, ".." at "/" stays at "/"), then mapped to a Vireo
// path: /dev/null, /dev/zero, /dev/urandom to devd's schemes, /dev/tty and /dev/console to the console (tty:), /tmp to ramfs (file:/tmp, as tmpfs),
// /scheme/NAME/rest to NAME:/rest, and everything else to the disk (disk:). Symbolic links are the
// daemons' to follow. Portable: tests/Kernel.Tests/Linux checks the mapping.
using System;
using Vireo.User;

namespace Vireo.Linux.Abi;

public static class LinuxPaths
{
    public const int Max = 4096;   // PATH_MAX

    /// <summary>`path` made absolute against `cwd` (itself absolute and normal) and normalised; null
    /// when longer than PATH_MAX.</summary>
    public static byte[] Absolute(ReadOnlySpan<byte> cwd, ReadOnlySpan<byte> path)
    {
        bool relative = path.Length == 0 || path[0] != (byte)'/';
        int length = (relative ? cwd.Length + 1 : 0) + path.Length;
        if (length > Max) return null;
        var all = new byte[length == 0 ? 1 : length];
        int at = 0;
        if (relative)
        {
            cwd.CopyTo(all);
            at = cwd.Length;
            all[at++] = (byte)'/';
        }
        path.CopyTo(all.AsSpan(at));
        int n = SchemePath.NormalizeInPlace(all.AsSpan(0, at + path.Length), false);
        if (n == 0)
        {
            all[0] = (byte)'/';
            n = 1;
        }
        return all.AsSpan(0, n).ToArray();
    }

    /// <summary>The Vireo path an absolute, normal Linux path names; null for "/scheme" itself (the
    /// list of schemes, which no scheme serves). /proc is the personality's own (ProcFs), which its
    /// callers look for first.</summary>
    public static byte[] ToVireo(ReadOnlySpan<byte> linux) =>
        Pieces(linux, out ReadOnlySpan<byte> a, out ReadOnlySpan<byte> b, out ReadOnlySpan<byte> c) ? Join(a, b, c) : null;

    /// <summary>The longest Vireo path Prefix makes: a Linux path of Max bytes after its 5-byte prefix.</summary>
    public const int MaxVireo = Max + 5;

    /// <summary>"disk:" or "file:" when the Vireo path of `linux` is that prefix and `linux` itself
    /// (most paths: open writes the prefix before the path it read, and copies nothing); empty when
    /// ToVireo must make it.</summary>
    public static ReadOnlySpan<byte> Prefix(ReadOnlySpan<byte> linux)
    {
        byte first = linux.Length > 1 ? linux[1] : (byte)0;
        if (first == (byte)'d' || first == (byte)'s' || linux.Length < 2) return default;
        return IsTmp(linux) ? "file:"u8 : "disk:"u8;
    }

    // "/tmp" or under it, for a normal path (no trailing '/'): four compares.
    private static bool IsTmp(ReadOnlySpan<byte> linux) =>
        linux.Length >= 4 && linux[1] == (byte)'t' && linux[2] == (byte)'m' && linux[3] == (byte)'p' && (linux.Length == 4 || linux[4] == (byte)'/');

    // The Vireo path as up to three pieces to join. The first name's first letter picks the few
    // names to compare: most paths are on the disk or in /tmp.
    private static bool Pieces(ReadOnlySpan<byte> linux, out ReadOnlySpan<byte> a, out ReadOnlySpan<byte> b, out ReadOnlySpan<byte> c)
    {
        a = b = c = default;
        byte first = linux.Length > 1 ? linux[1] : (byte)0;
        if (first == (byte)'d')
        {
            if (Is(linux, "/dev/null"u8)) a = "null:/"u8;
            else if (Is(linux, "/dev/zero"u8)) a = "zero:/"u8;
            else if (Is(linux, "/dev/urandom"u8) || Is(linux, "/dev/random"u8)) a = "rand:/"u8;
            else if (Is(linux, "/dev/tty"u8) || Is(linux, "/dev/console"u8)) a = "tty:/"u8;
            if (a.Length > 0) return true;
        }
        else if (first == (byte)'s')
        {
            if (Is(linux, "/scheme"u8)) return false;
            if (Under(linux, "/scheme/"u8))
            {
                ReadOnlySpan<byte> rest = linux.Slice(8);
                int slash = Ascii.IndexOf(rest, (byte)'/');
                a = slash < 0 ? rest : rest.Slice(0, slash);
                b = ":"u8;
                c = slash < 0 ? "/"u8 : rest.Slice(slash);
                return true;
            }
        }
        else if (IsTmp(linux))
        {
            a = "file:"u8;
            b = linux;
            return true;
        }
        a = "disk:"u8;
        b = linux;
        return true;
    }

    /// <summary>True for "/scheme/NAME": a scheme's root as the namespace shows it.</summary>
    public static bool IsSchemeRoot(ReadOnlySpan<byte> linux) =>
        Under(linux, "/scheme/"u8) && Ascii.IndexOf(linux.Slice(8), (byte)'/') < 0;

    private static bool Is(ReadOnlySpan<byte> path, ReadOnlySpan<byte> name) => path.SequenceEqual(name);
    private static bool Under(ReadOnlySpan<byte> path, ReadOnlySpan<byte> prefix) => path.Length > prefix.Length && Ascii.StartsWith(path, prefix);

    private static byte[] Join(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, ReadOnlySpan<byte> c)
    {
        var all = new byte[a.Length + b.Length + c.Length];
        a.CopyTo(all);
        b.CopyTo(all.AsSpan(a.Length));
        c.CopyTo(all.AsSpan(a.Length + b.Length));
        return all;
    }
}
