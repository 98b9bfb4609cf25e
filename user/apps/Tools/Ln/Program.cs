// ln [-s] TARGET LINK: LINK becomes a second name for the file TARGET (a hard link: same scheme, not
// a directory), or with -s a symbolic link whose content is TARGET, kept as written (a path inside
// LINK's scheme: "/a/b" from its root, "b" or "../b" from LINK's directory).

static unsafe class Program
{
    [RuntimeExport("vireo_main")]
    static int Main()
    {
        if (Args.Unknown(out ReadOnlySpan<byte> option, "-s") || Args.PositionalCount != 2)
        {
            Out.Error("ln", option, "usage: ln [-s] TARGET LINK");
            return 2;
        }
        ReadOnlySpan<byte> target = Args.Positional(0), link = Args.Positional(1);
        Status s;
        fixed (byte* t = target)
        fixed (byte* l = link)
            s = Args.Has("-s") ? Fs.Symlink(t, target.Length, l, link.Length) : Fs.Link(t, target.Length, l, link.Length);
        if (s == Status.Ok) return 0;
        Out.Error("ln", link, s);
        return 1;
    }
}
