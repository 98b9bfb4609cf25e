// ls [-l] [PATH...]: the entries of each directory (a '/' after subdirectories), or a file's own path.
// Without a path: file:/, the RAM filesystem's root (there is no current directory). With -l, one
// line per entry from its Stat (not following a link): mode, links, uid, gid, size, modify time
// (ISO 8601, UTC), name, and a link's target after "->".

static unsafe class Program
{
    private const int KindByte = 0, LengthByte = 1, NameStart = 2;
    private static bool s_long;

    [RuntimeExport("vireo_main")]
    static int Main()
    {
        int failures = 0;
        if (Args.Unknown(out ReadOnlySpan<byte> option, "-l"))
        {
            Out.Error("ls", option, "unknown option");
            return 2;
        }
        s_long = Args.Has("-l");
        if (Args.PositionalCount == 0)
        {
            const string Root = "file:/";
            byte* root = stackalloc byte[Root.Length];
            int n = Ascii.Copy(Root, new Span<byte>(root, Root.Length));
            if (!List(new ReadOnlySpan<byte>(root, n))) failures++;
        }
        for (int i = 0; i < Args.PositionalCount; i++)
        {
            if (Args.PositionalCount > 1)
            {
                if (i > 0) Out.Line();
                Out.Write(Args.Positional(i));
                Out.Write(":\n");
            }
            if (!List(Args.Positional(i))) failures++;
        }
        // Output that cannot be written (no standard output, a closed pipe) is dropped, as Out says;
        // the exit code tells of the work itself.
        _ = Out.Flush();
        return failures;
    }

    private static bool List(ReadOnlySpan<byte> path)
    {
        Status s = File.Open(path, OpenFlags.Read | OpenFlags.Directory, out Fd dir);
        if (s == Status.NotDirectory)
        {
            ulong size;
            FileKind kind;
            fixed (byte* p = path) s = Fs.Stat(p, path.Length, out size, out kind);
            if (s == Status.Ok)
            {
                if (s_long) fixed (byte* p = path) Long(p, path.Length, path);
                else Out.Write(path);
                Out.Line();
                return true;
            }
        }
        if (s != Status.Ok)
        {
            Out.Error("ls", path, s);
            return false;
        }
        byte* records = stackalloc byte[SchemeLimits.MaxData];
        while (true)
        {
            s = Fs.Getdents(dir, records, SchemeLimits.MaxData, out int got);
            if (s != Status.Ok || got == 0) break;
            for (int at = 0; at + NameStart <= got;)
            {
                int length = records[at + LengthByte];
                if (at + NameStart + length > got) break;
                if (s_long) LongEntry(path, records + at + NameStart, length);
                else Out.Write(records + at + NameStart, length);
                if ((FileKind)records[at + KindByte] == FileKind.Directory) Out.Write((byte)'/');
                Out.Line();
                at += NameStart + length;
            }
        }
        // Read only: the listing is shown whatever the close says.
        _ = Fs.Close(dir);
        if (s == Status.Ok) return true;
        Out.Error("ls", path, s);
        return false;
    }

    // DIR/NAME for the entry's Stat, then its long line.
    private static void LongEntry(ReadOnlySpan<byte> dir, byte* name, int length)
    {
        int n = dir.Length + 1 + length;
        byte[] full = new byte[n];
        dir.CopyTo(full);
        int at = dir.Length;
        if (at > 0 && full[at - 1] != (byte)'/' && full[at - 1] != (byte)':') full[at++] = (byte)'/';
        for (int i = 0; i < length; i++) full[at + i] = name[i];
        fixed (byte* p = full) Long(p, at + length, new ReadOnlySpan<byte>(name, length));
    }

    // "drwxr-xr-x 2 0 0 3 2026-12-07T10:25:12Z name"; a file that cannot be stat'ed shows '?'s.
    private static void Long(byte* path, int length, ReadOnlySpan<byte> shown)
    {
        if (Fs.Stat(path, length, out FileStat st, PathFlags.NoFollow) != Status.Ok)
        {
            Out.Write("?????????? ? ? ? ? ? ");
            Out.Write(shown);
            return;
        }
        Out.Mode(st.Mode);
        Out.Write((byte)' ');
        Out.Number(st.Links, 2);
        Out.Write((byte)' ');
        Out.Number(st.Uid);
        Out.Write((byte)' ');
        Out.Number(st.Gid);
        Out.Write((byte)' ');
        Out.Number(st.Size, 8);
        Out.Write((byte)' ');
        Out.Time(st.Modify);
        Out.Write((byte)' ');
        Out.Write(shown);
        if (!st.IsSymlink) return;
        byte* target = stackalloc byte[SchemeLimits.MaxPath];
        if (Fs.Readlink(path, length, target, SchemeLimits.MaxPath, out int got) != Status.Ok) return;
        Out.Write(" -> ");
        Out.Write(target, got < SchemeLimits.MaxPath ? got : SchemeLimits.MaxPath);
    }
}
