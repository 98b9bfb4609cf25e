using System;
using System.Collections.Generic;
using System.Text;
using Vireo.Linux.Abi;
using Xunit;

namespace Vireo.Tests.Linux;

// linux -t's lines: each call as strace prints it, from a fake memory holding the program's strings
// and buffers.
public class SyscallTraceTests
{
    // A sparse memory: byte runs placed at addresses; anything else is unmapped.
    private sealed class FakeMemory : ITraceMemory
    {
        private readonly Dictionary<ulong, byte> _bytes = new();

        public FakeMemory Put(ulong address, byte[] bytes)
        {
            for (int i = 0; i < bytes.Length; i++) _bytes[address + (ulong)i] = bytes[i];
            return this;
        }

        public FakeMemory Put(ulong address, string text) => Put(address, Encoding.ASCII.GetBytes(text));

        public bool Read(ulong address, Span<byte> into)
        {
            for (int i = 0; i < into.Length; i++)
            {
                if (!_bytes.TryGetValue(address + (ulong)i, out byte b)) return false;
                into[i] = b;
            }
            return true;
        }
    }

    private static string Line(ulong number, ulong[] args, long result, FakeMemory m, FakeMemory after = null)
    {
        string[] texts = SyscallTrace.Enter(number, args, m);
        return SyscallTrace.Finish(number, args, texts, result, after ?? m);
    }

    [Fact]
    public void OpenatShowsTheDirectoryThePathAndTheFlags()
    {
        var m = new FakeMemory().Put(0x1000, "/etc/passwd\0");
        Assert.Equal("openat(AT_FDCWD, \"/etc/passwd\", O_RDONLY) = 3\n", Line(257, new ulong[] { unchecked((ulong)-100), 0x1000, 0, 0 }, 3, m));
    }

    [Fact]
    public void OpenatWithOCreatShowsTheMode()
    {
        var m = new FakeMemory().Put(0x1000, "out\0");
        Assert.Equal("openat(AT_FDCWD, \"out\", O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC, 0666) = 4\n",
            Line(257, new ulong[] { unchecked((ulong)-100), 0x1000, 0x241 | 0x80000, 0x1B6 }, 4, m));
    }

    [Fact]
    public void AFailureIsMinusOneWithTheErrnoNameAndMessage()
    {
        var m = new FakeMemory().Put(0x1000, "/nosuch\0");
        Assert.Equal("openat(AT_FDCWD, \"/nosuch\", O_RDONLY) = -1 ENOENT (No such file or directory)\n",
            Line(257, new ulong[] { unchecked((ulong)-100), 0x1000, 0, 0 }, -2, m));
    }

    [Fact]
    public void ReadShowsWhatWasReadAfterTheCallCutAt32Bytes()
    {
        // The buffer holds garbage when the call is made; what the call wrote is what is shown.
        var before = new FakeMemory().Put(0x2000, new byte[64]);
        var after = new FakeMemory().Put(0x2000, "root:x:0:0:root:/root:/bin/sh\nbin:x:1:1\n");
        Assert.Equal("read(3, \"root:x:0:0:root:/root:/bin/sh\\nbi\"..., 4096) = 40\n",
            Line(0, new ulong[] { 3, 0x2000, 4096 }, 40, before, after));
    }

    [Fact]
    public void AShortReadIsShownWhole()
    {
        var m = new FakeMemory().Put(0x2000, "root:x:0:0:root:/root:/bin/sh\n");
        Assert.Equal("read(3, \"root:x:0:0:root:/root:/bin/sh\\n\", 4096) = 30\n", Line(0, new ulong[] { 3, 0x2000, 4096 }, 30, m));
    }

    [Fact]
    public void AFailedReadShowsTheBufferAddress()
    {
        Assert.Equal("read(9, 0x2000, 10) = -1 EBADF (Bad file descriptor)\n", Line(0, new ulong[] { 9, 0x2000, 10 }, -9, new FakeMemory()));
    }

    [Fact]
    public void WriteShowsItsBufferBeforeTheCall()
    {
        var m = new FakeMemory().Put(0x3000, "hello\n");
        Assert.Equal("write(1, \"hello\\n\", 6) = 6\n", Line(1, new ulong[] { 1, 0x3000, 6 }, 6, m));
    }

    [Fact]
    public void UnprintableBytesAreOctalEscapes()
    {
        Assert.Equal("\"\\0\\1a\\0001\\177\\t\\\"\\\\\"", SyscallTrace.Quote(new byte[] { 0, 1, (byte)'a', 0, (byte)'1', 127, 9, (byte)'"', (byte)'\\' }, false));
        Assert.Equal("\"ab\"...", SyscallTrace.Quote("ab"u8, true));
    }

    [Fact]
    public void AnUnmappedPathIsShownAsItsAddress()
    {
        Assert.Equal("stat(0x10, 0x2000) = -1 EFAULT (Bad address)\n", Line(4, new ulong[] { 0x10, 0x2000 }, -14, new FakeMemory()));
    }

    [Fact]
    public void FstatShowsTheModeAndSize()
    {
        var st = new byte[144];
        BitConverter.GetBytes(0x81A4u).CopyTo(st, 24);
        BitConverter.GetBytes(30UL).CopyTo(st, 48);
        var m = new FakeMemory().Put(0x4000, st);
        Assert.Equal("fstat(3, {st_mode=S_IFREG|0644, st_size=30, ...}) = 0\n", Line(5, new ulong[] { 3, 0x4000 }, 0, m));
    }

    [Fact]
    public void MmapAndBrkReturnAddresses()
    {
        Assert.Equal("mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, NULL) = 0x710000000000\n",
            Line(9, new ulong[] { 0, 8192, 3, 0x22, unchecked((ulong)-1), 0 }, 0x7100_0000_0000, new FakeMemory()));
        Assert.Equal("brk(NULL) = 0x4c9000\n", Line(12, new ulong[] { 0 }, 0x4c9000, new FakeMemory()));
    }

    [Fact]
    public void ExitGroupHasNoResult()
    {
        string[] texts = SyscallTrace.Enter(231, new ulong[] { 0 }, new FakeMemory());
        Assert.Equal("exit_group(0) = ?\n", SyscallTrace.NoReturn(231, texts));
    }

    [Fact]
    public void GetdentsCountsTheEntries()
    {
        var records = new byte[48];
        records[16] = 24;
        records[24 + 16] = 24;
        var m = new FakeMemory().Put(0x5000, records);
        Assert.Equal("getdents64(3, 0x5000 /* 2 entries */, 32768) = 48\n", Line(217, new ulong[] { 3, 0x5000, 32768 }, 48, m));
    }

    [Fact]
    public void SignalsAndNamedArgumentsAreDecoded()
    {
        Assert.Equal("rt_sigaction(SIGINT, NULL, 0x10, 8) = 0\n", Line(13, new ulong[] { 2, 0, 0x10, 8 }, 0, new FakeMemory()));
        Assert.Equal("arch_prctl(ARCH_SET_FS, 0x4d0380) = 0\n", Line(158, new ulong[] { 0x1002, 0x4d0380 }, 0, new FakeMemory()));
        Assert.Equal("ioctl(0, TCGETS, 0x7ffe) = -1 ENOTTY (Inappropriate ioctl for device)\n", Line(16, new ulong[] { 0, 0x5401, 0x7ffe }, -25, new FakeMemory()));
        Assert.Equal("lseek(3, -2, SEEK_END) = 28\n", Line(8, new ulong[] { 3, unchecked((ulong)-2), 2 }, 28, new FakeMemory()));
        Assert.Equal("newfstatat(AT_FDCWD, \"\", 0x10, AT_EMPTY_PATH) = -1 ENOSYS (Function not implemented)\n",
            Line(262, new ulong[] { unchecked((ulong)-100), 0x1000, 0x10, 0x1000 }, -38, new FakeMemory().Put(0x1000, "\0")));
    }

    [Fact]
    public void ExecveShowsItsArguments()
    {
        var m = new FakeMemory().Put(0x1000, "/bin/ls\0").Put(0x1100, "-l\0");
        var argv = new byte[24];
        BitConverter.GetBytes(0x1000UL).CopyTo(argv, 0);
        BitConverter.GetBytes(0x1100UL).CopyTo(argv, 8);
        m.Put(0x2000, argv);
        Assert.Equal("execve(\"/bin/ls\", [\"/bin/ls\", \"-l\"], 0x3000) = 0\n", Line(59, new ulong[] { 0x1000, 0x2000, 0x3000 }, 0, m));
    }

    [Fact]
    public void AnUnknownCallIsNumberedWithSixWords()
    {
        Assert.Equal("syscall_500(0x1, NULL, NULL, NULL, NULL, NULL) = -1 ENOSYS (Function not implemented)\n",
            Line(500, new ulong[] { 1, 0, 0, 0, 0, 0 }, -38, new FakeMemory()));
    }

    [Theory]
    [InlineData(2L, "ENOENT", "No such file or directory")]
    [InlineData(38L, "ENOSYS", "Function not implemented")]
    [InlineData(40L, "ELOOP", "Too many levels of symbolic links")]
    [InlineData(95L, "EOPNOTSUPP", "Operation not supported")]
    public void ErrnoNamesAndMessagesAreGlibcs(long e, string name, string message)
    {
        Assert.Equal(name, SyscallTrace.ErrnoName(e));
        Assert.Equal(message, SyscallTrace.ErrnoMessage(e));
    }

    [Fact]
    public void EveryNamedErrnoOfErrnoCsHasANameHere()
    {
        foreach (var field in typeof(Errno).GetFields())
            if (field.IsLiteral && field.FieldType == typeof(long))
                Assert.Equal(field.Name == "ENOTSUP" ? "EOPNOTSUPP" : field.Name, SyscallTrace.ErrnoName((long)field.GetValue(null)));
    }
}
