// Spawning through the process manager: bin/hello copied to file: and run by its path (the caller
// opens it, sends its pages, the manager maps them: docs/adr/0013), against the same program from
// the initfs through the same requests (and on disk:, process_spawn_exit_disk, in DiskBench's
// boot). Each figure is one Spawn and WaitChild of a program that exits.
using Vireo.Abi;
using Vireo.User;
using Vireo.User.Schemes;
using Vireo.User.Testing;

static unsafe class SpawnBench
{
    public static void Run()
    {
        Bench.Report("process_spawn_exit_file", SpawnExit("file:/bench-hello", true));
        Bench.Report("process_spawn_exit_procmgr", SpawnExit("initfs:/bin/hello", false));
    }

    /// <summary>One Spawn and WaitChild of bin/hello at `path` (copied there first if `copy`), in TSC
    /// ticks; DiskBench runs it on disk: too.</summary>
    public static ulong SpawnExit(string path, bool copy)
    {
        const int n = 50;
        if (copy && FileCopies.Copy("initfs:/bin/hello", path, 0, 0x1ED) != Status.Ok) return 0;
        var argv = new byte[path.Length];
        for (int i = 0; i < path.Length; i++) argv[i] = (byte)path[i];
        if (!Once(argv)) return 0;   // the first run pays for what later ones reuse (pages, table entries)
        int ok = 0;
        ulong t0 = Sys.ReadTsc();
        for (int i = 0; i < n; i++) if (Once(argv)) ok++;
        ulong result = (Sys.ReadTsc() - t0) / n;
        if (copy) _ = Fs.Unlink(path);   // the figure stands whether or not the copy goes
        return ok == n ? result : 0;
    }

    private static bool Once(byte[] argv) =>
        Children.SpawnWithoutStdio(argv, SpawnFlags.NoRegister, out ulong pid) == Status.Ok &&
        Children.Wait(pid, out _, out ThreadExitKind kind, out ulong code) == Status.Ok && kind == ThreadExitKind.Exited && code == 0;
}
