// The reference tools the ext2 tests check against: mke2fs makes images (with content from a
// folder), e2fsck judges them, debugfs reads files and locates structures. e2fsprogs is required
// (./vireo installs it); without it the tests fail saying so rather than pass vacuously.
using System;
using System.Diagnostics;
using System.IO;
using System.Text;
using Xunit;

namespace Vireo.Tests.FileSystems;

public static class E2fsprogs
{
    private static string Tool(string name)
    {
        foreach (string dir in new[] { "/usr/sbin", "/sbin", "/usr/bin", "/bin" })
        {
            string path = Path.Combine(dir, name);
            if (File.Exists(path)) return path;
        }
        Assert.Fail(name + " not found: e2fsprogs is required (apt-get install e2fsprogs; ./vireo installs it)");
        return null;
    }

    public sealed class Result
    {
        public int Exit;
        public byte[] Stdout;
        public string Stderr;
        public string Text => Encoding.UTF8.GetString(Stdout);
    }

    public static Result Run(string tool, params string[] args)
    {
        var info = new ProcessStartInfo(Tool(tool))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in args) info.ArgumentList.Add(a);
        info.Environment["E2FSPROGS_FAKE_TIME"] = "1700000000";
        info.Environment["TZ"] = "UTC";   // debugfs prints times in local time
        using Process p = Process.Start(info);
        var stdout = new MemoryStream();
        var errTask = p.StandardError.ReadToEndAsync();
        p.StandardOutput.BaseStream.CopyTo(stdout);
        p.WaitForExit();
        return new Result { Exit = p.ExitCode, Stdout = stdout.ToArray(), Stderr = errTask.Result };
    }

    public static string TempPath(string suffix) =>
        Path.Combine(Path.GetTempPath(), "vireo-ext2-" + Guid.NewGuid().ToString("N") + suffix);

    /// <summary>A new ext2 image of `kib` KiB with `blockSize`-byte blocks, holding `content` (a folder) if given.</summary>
    public static byte[] MakeImage(int blockSize, int kib, string content = null, string extra = null)
    {
        string path = TempPath(".img");
        try
        {
            var args = new System.Collections.Generic.List<string> { "-q", "-F", "-t", "ext2", "-b", blockSize.ToString() };
            if (extra != null) args.AddRange(extra.Split(' '));
            if (content != null) { args.Add("-d"); args.Add(content); }
            args.Add(path);
            args.Add(kib + "k");
            Result r = Run("mke2fs", args.ToArray());
            Assert.True(r.Exit == 0, "mke2fs failed: " + r.Stderr);
            return File.ReadAllBytes(path);
        }
        finally { File.Delete(path); }
    }

    /// <summary>e2fsck -fn (or -fy with `repair`; -D too with `optimiseDirectories`, which indexes large
    /// directories) of the image; with repair the image is replaced by the repaired one.</summary>
    public static Result Fsck(DiskImage image, bool repair = false, bool optimiseDirectories = false)
    {
        string path = TempPath(".img");
        try
        {
            File.WriteAllBytes(path, image.Bytes);
            Result r = optimiseDirectories ? Run("e2fsck", "-f", "-y", "-D", path) : Run("e2fsck", "-f", repair ? "-y" : "-n", path);
            if (repair) image.Bytes = File.ReadAllBytes(path);
            return r;
        }
        finally { File.Delete(path); }
    }

    public static void AssertClean(DiskImage image)
    {
        Result r = Fsck(image);
        Assert.True(r.Exit == 0, "e2fsck -fn found problems:\n" + r.Text + r.Stderr);
    }

    /// <summary>debugfs -R `request` on the image: stdout as bytes.</summary>
    public static Result Debugfs(DiskImage image, string request)
    {
        string path = TempPath(".img");
        try
        {
            File.WriteAllBytes(path, image.Bytes);
            return Run("debugfs", "-R", request, path);
        }
        finally { File.Delete(path); }
    }

    public static byte[] Cat(DiskImage image, string path) => Debugfs(image, "cat " + path).Stdout;

    /// <summary>A folder with content for mke2fs -d; deleted by the caller.</summary>
    public static string NewFolder()
    {
        string dir = TempPath("");
        Directory.CreateDirectory(dir);
        return dir;
    }
}
