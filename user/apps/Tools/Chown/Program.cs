// chown UID[:GID] PATH... (or :GID alone): sets the owner and group by number (there is no user
// database); the part left out is kept. A symbolic link's target changes, as chown(1) without -h.

static unsafe class Program
{
    private static uint s_uid = Owner.Unchanged, s_gid = Owner.Unchanged;

    [RuntimeExport("vireo_main")]
    static int Main()
    {
        if (Args.Unknown(out ReadOnlySpan<byte> option) || Args.PositionalCount < 2)
        {
            Out.Error("chown", option, "usage: chown UID[:GID] PATH...");
            return 2;
        }
        if (!Parse(Args.Positional(0)))
        {
            Out.Error("chown", Args.Positional(0), "invalid owner (numbers only: UID, UID:GID or :GID)");
            return 2;
        }
        int failures = 0;
        for (int i = 1; i < Args.PositionalCount; i++)
        {
            ReadOnlySpan<byte> path = Args.Positional(i);
            Status s;
            fixed (byte* p = path) s = Fs.Chown(p, path.Length, s_uid, s_gid);
            if (s == Status.Ok) continue;
            Out.Error("chown", path, s);
            failures++;
        }
        _ = Out.Flush();   // output that cannot be written is dropped (Out); the exit code tells of the work
        return failures;
    }

    private static bool Parse(ReadOnlySpan<byte> text)
    {
        int colon = Ascii.IndexOf(text, (byte)':');
        ReadOnlySpan<byte> user = colon < 0 ? text : text.Slice(0, colon);
        ReadOnlySpan<byte> group = colon < 0 ? default : text.Slice(colon + 1);
        if (user.Length == 0 && group.Length == 0) return false;
        return Id(user, ref s_uid) && Id(group, ref s_gid);
    }

    // An id below Owner.Unchanged; empty text keeps `id` as it is.
    private static bool Id(ReadOnlySpan<byte> text, ref uint id)
    {
        if (text.Length == 0) return true;
        if (!Numbers.TryParseDecimal(text, out ulong value) || value >= Owner.Unchanged) return false;
        id = (uint)value;
        return true;
    }
}
