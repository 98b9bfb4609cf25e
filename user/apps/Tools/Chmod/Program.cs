// chmod MODE PATH...: sets the permission bits, MODE octal ("755") or symbolic ("u+x", "go-w",
// "a=rX"; FileModeText). A symbolic mode changes each file's own bits, read by Stat first.

static unsafe class Program
{
    private static ReadOnlySpan<byte> ModeText => Args.Positional(0);

    [RuntimeExport("vireo_main")]
    static int Main()
    {
        if (Args.Unknown(out ReadOnlySpan<byte> option) || Args.PositionalCount < 2)
        {
            Out.Error("chmod", option, "usage: chmod MODE PATH...");
            return 2;
        }
        if (!FileModeText.TryApply(ModeText, 0, false, out _))
        {
            Out.Error("chmod", ModeText, "invalid mode");
            return 2;
        }
        int failures = 0;
        for (int i = 1; i < Args.PositionalCount; i++)
        {
            Status s = Change(Args.Positional(i));
            if (s == Status.Ok) continue;
            Out.Error("chmod", Args.Positional(i), s);
            failures++;
        }
        _ = Out.Flush();   // output that cannot be written is dropped (Out); the exit code tells of the work
        return failures;
    }

    private static Status Change(ReadOnlySpan<byte> path)
    {
        fixed (byte* p = path)
        {
            Status s = Fs.Stat(p, path.Length, out FileStat st);
            if (s != Status.Ok) return s;
            // Checked in Main: the same text applies to any mode.
            _ = FileModeText.TryApply(ModeText, st.Mode, st.IsDirectory, out uint mode);
            return Fs.Chmod(p, path.Length, mode);
        }
    }
}
