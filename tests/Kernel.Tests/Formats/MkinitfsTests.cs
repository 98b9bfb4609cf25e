using System;
using System.IO;
using System.Text;
using Vireo.Formats;
using Vireo.Tools;
using Xunit;

namespace Vireo.Tests.Formats;

public sealed class MkinitfsTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "vireo-mkinitfs-" + Guid.NewGuid().ToString("N"));
    private readonly string _root;

    public MkinitfsTests()
    {
        _root = Path.Combine(_dir, "root");
        Directory.CreateDirectory(Path.Combine(_root, "bin"));
        Directory.CreateDirectory(Path.Combine(_root, "etc", "empty"));
        File.WriteAllText(Path.Combine(_root, "bin", "init"), "init program");
        File.WriteAllText(Path.Combine(_root, "etc", "motd"), "hello");
        File.WriteAllText(Path.Combine(_root, ".hidden"), "h");
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(Path.Combine(_root, "bin", "init"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private (int Code, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = Initfs.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public void Run_PacksTheTree_Deterministically()
    {
        string first = Path.Combine(_dir, "a.cpio");
        string second = Path.Combine(_dir, "b.cpio");

        Assert.Equal(0, Run(first, _root).Code);
        File.SetLastWriteTimeUtc(Path.Combine(_root, "etc", "motd"), new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        Assert.Equal(0, Run(second, _root).Code);

        byte[] archive = File.ReadAllBytes(first);
        Assert.Equal(archive, File.ReadAllBytes(second));
        Assert.Equal(0, archive.Length % 4096);

        var reader = new CpioReader(archive);
        Assert.Equal(FormatStatus.Ok, reader.Validate(out int count));
        // .hidden bin bin/init etc etc/empty etc/motd, plus one padding member that page-aligns bin/init's data
        Assert.Equal(7, count);
        Assert.Equal(FormatStatus.Ok, reader.Find("bin/init", out CpioEntry init));
        Assert.Equal(0, init.DataOffset % 4096);
    }

    [Fact]
    public void Run_RecordsDirectoriesFilesAndExecutableBit()
    {
        string output = Path.Combine(_dir, "out.cpio");
        var result = Run(output, _root);
        Assert.Equal(0, result.Code);
        Assert.Contains("entries", result.Out);

        var reader = new CpioReader(File.ReadAllBytes(output));
        Assert.Equal(FormatStatus.Ok, reader.Find("bin", out CpioEntry bin));
        Assert.Equal(Initfs.DirectoryMode, bin.Mode);
        Assert.Equal(FormatStatus.Ok, reader.Find("etc/empty", out CpioEntry empty));
        Assert.True(empty.IsDirectory);
        Assert.Equal(FormatStatus.Ok, reader.Find(".hidden", out _));
        Assert.Equal(FormatStatus.Ok, reader.Find("etc/motd", out CpioEntry motd));
        Assert.Equal(Initfs.FileMode, motd.Mode);
        Assert.Equal("hello", Encoding.ASCII.GetString(motd.Data));
        Assert.Equal(FormatStatus.Ok, reader.Find("bin/init", out CpioEntry init));
        Assert.Equal(OperatingSystem.IsWindows() ? Initfs.FileMode : Initfs.ExecutableMode, init.Mode);
        Assert.Equal(FormatStatus.NotFound, reader.Find("root", out _));
    }

    [Fact]
    public void Run_RefusesSymlinks()
    {
        if (OperatingSystem.IsWindows())
            return;
        File.CreateSymbolicLink(Path.Combine(_root, "bin", "sh"), "init");
        var result = Run(Path.Combine(_dir, "out.cpio"), _root);
        Assert.Equal(1, result.Code);
        Assert.Contains("bin/sh", result.Err);
        Assert.False(File.Exists(Path.Combine(_dir, "out.cpio")));
    }

    [Fact]
    public void Run_UsageAndMissingRoot()
    {
        Assert.Equal(2, Run().Code);
        Assert.Equal(2, Run("only-one").Code);
        var missing = Run(Path.Combine(_dir, "out.cpio"), Path.Combine(_dir, "nope"));
        Assert.Equal(1, missing.Code);
        Assert.Contains("not a directory", missing.Err);
    }
}
