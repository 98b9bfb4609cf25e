// Copying a file to a new one with a mode, for tests and benchmarks that run programs copied out of
// the initfs (docs/adr/0013): the shell has no cp, and a test must choose the copy's mode and length.
using Vireo.Abi;
using Vireo.User.Schemes;

namespace Vireo.User.Testing;

public static unsafe class FileCopies
{
    /// <summary>Copies `from` (its first `length` bytes; 0: all of it) to `to`, made anew with
    /// permissions `mode`.</summary>
    public static Status Copy(string from, string to, int length, uint mode)
    {
        Status s = Fs.Open(from, OpenFlags.Read, out Fd source);
        if (s != Status.Ok) return s;
        s = Create(to, mode, out Fd target);
        byte* buffer = stackalloc byte[4096];
        int total = 0;
        while (s == Status.Ok && (length == 0 || total < length))
        {
            int want = length == 0 || length - total > 4096 ? 4096 : length - total;
            s = Fs.Read(source, buffer, want, out int read);
            if (s != Status.Ok || read == 0) break;
            for (int at = 0; s == Status.Ok && at < read;)
            {
                s = Fs.Write(target, buffer + at, read - at, out int written);
                at += written;
            }
            total += read;
        }
        _ = Fs.Close(source);   // read-only: nothing to lose
        if (target.IsValid) _ = Fs.Close(target);   // file: and disk: keep written bytes at Write: the copy's status stands
        return s;
    }

    /// <summary>Makes `path` anew (an old one is unlinked first), open for writing, with `mode`.</summary>
    public static Status Create(string path, uint mode, out Fd fd)
    {
        fd = default;
        _ = Fs.Unlink(path);   // NotFound for a new one; the Open says what matters
        byte* p = stackalloc byte[path.Length];
        int n = Ascii.Copy(path, new System.Span<byte>(p, path.Length));
        return Fs.Open(p, n, OpenFlags.Write | OpenFlags.Create | OpenFlags.Truncate, FileModes.Given | mode, out fd);
    }
}
