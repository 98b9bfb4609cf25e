// mv FROM TO: renames within a scheme (one request to its daemon); between schemes (file: to
// another scheme) it copies the bytes and then removes FROM, since no daemon can rename into
// another's namespace.

static unsafe class Program
{
    [RuntimeExport("vireo_main")]
    static int Main()
    {
        if (Args.PositionalCount != 2 || Args.Unknown(out _))
        {
            Out.Error("mv", default, "usage: mv FROM TO");
            return 2;
        }
        var from = Args.Positional(0);
        var to = Args.Positional(1);
        Status s;
        fixed (byte* f = from)
        fixed (byte* t = to)
        {
            // A path without a scheme goes to Rename too, which says so.
            bool rename = SchemePath.SameScheme(from, to) || !SchemePath.HasScheme(from) || !SchemePath.HasScheme(to);
            s = rename ? Fs.Rename(f, from.Length, t, to.Length) : CopyThenRemove(from, to);
        }
        if (s == Status.Ok) return 0;
        Out.Error("mv", from, s);
        return 1;
    }

    private static Status CopyThenRemove(ReadOnlySpan<byte> from, ReadOnlySpan<byte> to)
    {
        Status s = File.Open(from, OpenFlags.Read, out Fd source);
        if (s != Status.Ok) return s;
        s = File.Open(to, OpenFlags.Write | OpenFlags.Create | OpenFlags.Truncate, out Fd target);
        if (s == Status.Ok)
        {
            s = File.Copy(source, target, out _);
            // The copy is whole only once its close succeeds: the source stays unless it did.
            Status closed = Fs.Close(target);
            if (s == Status.Ok) s = closed;
        }
        // Read only: the copy is made whatever the close says.
        _ = Fs.Close(source);
        if (s != Status.Ok) return s;
        fixed (byte* f = from) return Fs.Unlink(f, from.Length);
    }
}
