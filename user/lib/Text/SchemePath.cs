// Paths as the schemes see them: "name:rest" (or "/scheme/name/rest"), split into the scheme's name
// and the rest, and normalised: "//" and "." collapse, ".." takes back the component before it (and
// stops at the start: there is no current directory to climb out of). The client library's path
// calls split with this (Namespace.Split); every daemon's FileTable.Dispatch normalises what it
// receives with it (NormalizeInPlace), so all schemes read a path alike (docs/design/schemes.md,
// "Paths"); tools that compare or build paths use it too. Portable: tests/Kernel.Tests compiles this file.
using System;
using Vireo.Abi;

namespace Vireo.User;

public static unsafe class SchemePath
{
    private const string SlashPrefix = "/scheme/";

    /// <summary>Splits "name:rest" (or "/scheme/name/rest") into the scheme name and the rest.
    /// UnknownScheme without a name (there is no current directory), NameTooLong past
    /// SchemeLimits.MaxFullPath or a name past SchemeLimits.MaxName.</summary>
    public static Status Split(byte* path, int length, out byte* name, out int nameLength, out byte* rest, out int restLength)
    {
        name = rest = null;
        nameLength = restLength = 0;
        if (length > SchemeLimits.MaxFullPath) return Status.NameTooLong;
        // Most paths are "name:rest": the first byte settles it.
        bool slashForm = length > SlashPrefix.Length && path[0] == (byte)'/' && Ascii.StartsWith(new ReadOnlySpan<byte>(path, length), SlashPrefix);
        if (slashForm)
        {
            int i = SlashPrefix.Length;
            while (i < length && path[i] != (byte)'/') i++;
            name = path + SlashPrefix.Length;
            nameLength = i - SlashPrefix.Length;
            rest = path + i;
            restLength = length - i;
        }
        else
        {
            int i = 0;
            while (i < length && path[i] != (byte)':') i++;
            if (i == length) return Status.UnknownScheme;
            name = path;
            nameLength = i;
            rest = path + i + 1;
            restLength = length - i - 1;
        }
        if (nameLength == 0) return Status.UnknownScheme;
        if (nameLength > SchemeLimits.MaxName) return Status.NameTooLong;
        return Status.Ok;
    }

    public static Status Split(ReadOnlySpan<byte> path, out ReadOnlySpan<byte> scheme, out ReadOnlySpan<byte> rest)
    {
        scheme = rest = default;
        fixed (byte* p = path)
        {
            Status s = Split(p, path.Length, out byte* name, out int nameLength, out byte* r, out int restLength);
            if (s != Status.Ok) return s;
            scheme = path.Slice((int)(name - p), nameLength);
            rest = path.Slice((int)(r - p), restLength);
        }
        return Status.Ok;
    }

    /// <summary>True when the path names a scheme ("name:..."): a bare word is a program name.</summary>
    public static bool HasScheme(ReadOnlySpan<byte> path) => Ascii.IndexOf(path, (byte)':') >= 0;

    /// <summary>True when both paths name the same scheme (false when either names none).</summary>
    public static bool SameScheme(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b) =>
        Split(a, out ReadOnlySpan<byte> sa, out _) == Status.Ok && Split(b, out ReadOnlySpan<byte> sb, out _) == Status.Ok &&
        Ascii.Equals(sa, sb);

    /// <summary>Writes `path` normalised into `into`: the scheme part as it is, then the rest with
    /// empty and "." components dropped and ".." taking back the one before it; a leading '/' stays,
    /// a trailing one goes ("file:/a//b/./c/../" is "file:/a/b", "file:/.." is "file:/"). A path
    /// without a scheme is normalised whole. Returns the length, or -1 when it does not fit.</summary>
    public static int Normalize(ReadOnlySpan<byte> path, Span<byte> into)
    {
        int head = 0;   // bytes of `path` kept as they are: "name:" or "/scheme/name"
        if (Split(path, out _, out ReadOnlySpan<byte> rest) == Status.Ok)
            head = path.Length - rest.Length;
        if (head > into.Length) return -1;
        path.Slice(0, head).CopyTo(into);
        int n = NormalizeRest(path.Slice(head), into.Slice(head));
        return n < 0 ? -1 : head + n;
    }

    /// <summary>Normalises a path request's data in place, as a daemon receives it (the part after
    /// "name:", as Normalize treats it); with `pair`, Rename's "old NUL new", each path on its own.
    /// Returns the new length, never more than the old: normalising only drops bytes.</summary>
    public static int NormalizeInPlace(byte* data, int length, bool pair)
    {
        if (!pair && IsNormal(data, length)) return length;
        var all = new Span<byte>(data, length);
        int split = pair ? Ascii.IndexOf(all, (byte)0) : -1;
        if (split < 0) return NormalizeRest(all, all);
        int first = NormalizeRest(all.Slice(0, split), all.Slice(0, split));
        Span<byte> second = all.Slice(split + 1);
        int secondLength = NormalizeRest(second, second);
        all[first] = 0;
        second.Slice(0, secondLength).CopyTo(all.Slice(first + 1));
        return first + 1 + secondLength;
    }

    public static int NormalizeInPlace(Span<byte> data, bool pair)
    {
        fixed (byte* p = data) return NormalizeInPlace(p, data.Length, pair);
    }

    /// <summary>True when normalising the data of one path (NormalizeInPlace) would change nothing: no
    /// empty, "." or ".." component and no trailing '/' (a lone "/" is the root). Most paths are so,
    /// and one read-only scan is cheaper than rewriting them (scheme_open_close).</summary>
    public static bool IsNormal(byte* p, int n)
    {
        if (n == 0) return true;
        byte* end = p + n;
        if (end[-1] == (byte)'/') return n == 1;
        byte* q = p[0] == (byte)'/' ? p + 1 : p;   // a component starts at q; q < end, as the last byte is not '/'
        while (true)
        {
            if (*q == (byte)'/') return false;
            if (*q == (byte)'.' && (q + 1 == end || q[1] == (byte)'/' || q[1] == (byte)'.' && (q + 2 == end || q[2] == (byte)'/')))
                return false;
            // To the next '/': a word at a time while a whole word holds none (most names are longer
            // than a few bytes), then byte by byte.
            while (q + 8 <= end && !HasSlash(*(ulong*)q)) q += 8;
            while (q < end && *q != (byte)'/') q++;
            if (q == end) return true;
            q++;
        }
    }

    // True if any of the word's eight bytes is '/' (the usual test for a zero byte, after an xor).
    private static bool HasSlash(ulong word)
    {
        const ulong Ones = 0x0101010101010101UL;
        ulong v = word ^ (Ones * (byte)'/');
        return ((v - Ones) & ~v & (Ones << 7)) != 0;
    }

    // The part after the scheme; -1 when it does not fit. `into` may be `rest` itself: what is written
    // never overtakes what is still to be read (each '/' written was read before the component after it).
    private static int NormalizeRest(ReadOnlySpan<byte> rest, Span<byte> into)
    {
        bool absolute = rest.Length > 0 && rest[0] == (byte)'/';
        int n = 0;
        if (absolute)
        {
            if (into.Length == 0) return -1;
            into[n++] = (byte)'/';
        }
        int root = n;   // ".." never climbs above this
        int at = 0;
        while (at < rest.Length)
        {
            while (at < rest.Length && rest[at] == (byte)'/') at++;
            int start = at;
            while (at < rest.Length && rest[at] != (byte)'/') at++;
            int length = at - start;
            if (length == 0 || length == 1 && rest[start] == (byte)'.') continue;
            if (length == 2 && rest[start] == (byte)'.' && rest[start + 1] == (byte)'.')
            {
                while (n > root && into[n - 1] != (byte)'/') n--;   // the last component
                if (n > root) n--;                                  // and the '/' before it
                continue;
            }
            int separator = n > root ? 1 : 0;
            if (n + separator + length > into.Length) return -1;
            if (separator == 1) into[n++] = (byte)'/';
            rest.Slice(start, length).CopyTo(into.Slice(n));
            n += length;
        }
        return n;
    }
}
