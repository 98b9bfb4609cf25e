// mv FROM TO: renames within a scheme (one request to its daemon); between schemes (file: to
// another scheme) it copies the bytes and then removes FROM, since no daemon can rename into
// another's namespace.

static unsafe class Program
{
    [RuntimeExport("vireo_main")]
    static int Main()
    {
        if (Args.Count != 3)
        {
            Out.Error("mv", default, "usage: mv FROM TO");
            return 2;
        }
        var from = Args.Get(1);
        var to = Args.Get(2);
        Status s;
        fixed (byte* f = from)
        fixed (byte* t = to)
        {
            s = SameScheme(f, from.Length, t, to.Length)
                ? Fs.Rename(f, from.Length, t, to.Length)
                : CopyThenRemove(from, to);
        }
        if (s == Status.Ok) return 0;
        Out.Error("mv", from, s);
        return 1;
    }

    private static bool SameScheme(byte* from, int fromLength, byte* to, int toLength)
    {
        if (Namespace.Split(from, fromLength, out byte* a, out int an, out _, out _) != Status.Ok) return true;
        if (Namespace.Split(to, toLength, out byte* b, out int bn, out _, out _) != Status.Ok) return true;
        return Text.Same(new ReadOnlySpan<byte>(a, an), new ReadOnlySpan<byte>(b, bn));
    }

    private static Status CopyThenRemove(ReadOnlySpan<byte> from, ReadOnlySpan<byte> to)
    {
        Status s = Args.Open(from, OpenFlags.Read, out Fd source);
        if (s != Status.Ok) return s;
        s = Args.Open(to, OpenFlags.Write | OpenFlags.Create | OpenFlags.Truncate, out Fd target);
        if (s == Status.Ok)
        {
            s = Args.Copy(source, target, out _);
            Fs.Close(target);
        }
        Fs.Close(source);
        if (s != Status.Ok) return s;
        fixed (byte* f = from) return Fs.Unlink(f, from.Length);
    }
}
