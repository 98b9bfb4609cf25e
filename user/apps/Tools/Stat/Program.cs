// stat [-L] PATH...: everything the file system says about each file (Stat's FileStat). A symbolic
// link is shown itself unless -L follows it, as GNU stat.

static unsafe class Program
{
    [RuntimeExport("vireo_main")]
    static int Main()
    {
        if (Args.Unknown(out ReadOnlySpan<byte> option, "-L") || Args.PositionalCount == 0)
        {
            Out.Error("stat", option, "usage: stat [-L] PATH...");
            return 2;
        }
        PathFlags flags = Args.Has("-L") ? PathFlags.None : PathFlags.NoFollow;
        int failures = 0;
        for (int i = 0; i < Args.PositionalCount; i++)
        {
            ReadOnlySpan<byte> path = Args.Positional(i);
            Status s;
            FileStat st;
            fixed (byte* p = path) s = Fs.Stat(p, path.Length, out st, flags);
            if (s != Status.Ok)
            {
                Out.Error("stat", path, s);
                failures++;
                continue;
            }
            Show(path, st);
        }
        _ = Out.Flush();   // output that cannot be written is dropped (Out); the exit code tells of the work
        return failures;
    }

    private static void Show(ReadOnlySpan<byte> path, in FileStat st)
    {
        Out.Write("  File: ");
        Out.Write(path);
        if (st.IsSymlink) ShowTarget(path);
        Out.Write("\n  Size: ");
        Out.Number(st.Size);
        Out.Write("  Blocks: ");
        Out.Number(st.Blocks);
        Out.Write("  IO Block: ");
        Out.Number(st.BlockSize);
        Out.Write("  ");
        Out.Write(KindName(st));
        Out.Write("\nDevice: ");
        Out.Number(st.Device);
        Out.Write("  Inode: ");
        Out.Number(st.Inode);
        Out.Write("  Links: ");
        Out.Number(st.Links);
        Out.Write("\nAccess: (");
        Octal(st.Permissions);
        Out.Write("/");
        Out.Mode(st.Mode);
        Out.Write(")  Uid: ");
        Out.Number(st.Uid);
        Out.Write("  Gid: ");
        Out.Number(st.Gid);
        Time("\nAccess: ", st.Access);
        Time("\nModify: ", st.Modify);
        Time("\nChange: ", st.Change);
        Out.Line();
    }

    private static void ShowTarget(ReadOnlySpan<byte> path)
    {
        byte* target = stackalloc byte[SchemeLimits.MaxPath];
        Status s;
        int length;
        fixed (byte* p = path) s = Fs.Readlink(p, path.Length, target, SchemeLimits.MaxPath, out length);
        if (s != Status.Ok) return;
        Out.Write(" -> ");
        Out.Write(target, length < SchemeLimits.MaxPath ? length : SchemeLimits.MaxPath);
    }

    private static void Time(string label, FileTime t)
    {
        Out.Write(label);
        Out.Time(t, nanoseconds: true);
    }

    private static void Octal(uint mode)
    {
        for (int shift = 9; shift >= 0; shift -= 3) Out.Write((byte)('0' + (mode >> shift & 7)));
    }

    private static string KindName(in FileStat st) => (st.Mode & FileModes.TypeMask) switch
    {
        FileModes.Directory => "directory",
        FileModes.Symlink => "symbolic link",
        FileModes.CharDevice => "character special file",
        FileModes.BlockDevice => "block special file",
        FileModes.Fifo => "fifo",
        FileModes.Socket => "socket",
        _ => st.Size == 0 ? "regular empty file" : "regular file",
    };
}
