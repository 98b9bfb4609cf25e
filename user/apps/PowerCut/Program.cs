// powercut: the guest side of the power-cut runs of ./vireo test (docs/design/testing.md, "Power
// cut"). On a fresh disk it makes a burst of writes until the host kills QEMU: directories and
// files created, files written, fsync'd (their directory first, then the file, as Linux requires
// for a file to be guaranteed), renamed and unlinked. After each fsync'd file it prints
// `DURABLE PATH SIZE CRC32` (the path inside the file system); the host then repairs the image with
// e2fsck -fy and checks every such file with debugfs. A durable file is never touched again, so the
// last line for a path is what the disk must hold. A step that fails prints `POWERCUT FAIL`.
using System.Runtime;
using Vireo.User;

static class Program
{
    [RuntimeExport("vireo_main")]
    static int Main()
    {
        string root = Args.PositionalCount > 0 ? Text(Args.Positional(0)) : "disk:";
        bool ok = Burst.Run(root, rounds: 40);
        System.Console.WriteLine(ok ? "POWERCUT DONE" : "POWERCUT FAIL: the burst stopped");
        // The host cuts the power; waiting here keeps init from seeing an end to report.
        while (true) Sys.Sleep(1_000_000_000);
    }

    private static string Text(System.ReadOnlySpan<byte> bytes)
    {
        char[] chars = new char[bytes.Length];
        for (int i = 0; i < bytes.Length; i++) chars[i] = (char)bytes[i];
        return new string(chars);
    }
}
