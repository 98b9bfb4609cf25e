using System;
using Vireo.Formats;
using Vireo.Linux.Abi;
using Xunit;

namespace Vireo.Tests.Linux;

public class LinuxExecutableTests
{
    // A minimal static x86_64 executable: the ELF header, then program headers, one PT_LOAD (R+X)
    // mapping the whole file at 0x400000 with a bss tail, plus whatever extra header is asked for.
    private static byte[] Elf(ushort type = 2, ushort machine = 62, uint extraHeaderType = 0, string interpreter = null)
    {
        int headers = extraHeaderType != 0 ? 2 : 1;
        var f = new byte[0x200];
        f[0] = 0x7F; f[1] = (byte)'E'; f[2] = (byte)'L'; f[3] = (byte)'F';
        f[4] = 2; f[5] = 1; f[6] = 1;
        BitConverter.TryWriteBytes(f.AsSpan(16), type);
        BitConverter.TryWriteBytes(f.AsSpan(18), machine);
        BitConverter.TryWriteBytes(f.AsSpan(20), 1u);
        BitConverter.TryWriteBytes(f.AsSpan(24), 0x400100UL);   // entry
        BitConverter.TryWriteBytes(f.AsSpan(32), 64UL);         // phoff
        BitConverter.TryWriteBytes(f.AsSpan(52), (ushort)64);
        BitConverter.TryWriteBytes(f.AsSpan(54), (ushort)56);
        BitConverter.TryWriteBytes(f.AsSpan(56), (ushort)headers);
        int h = 64;
        BitConverter.TryWriteBytes(f.AsSpan(h), 1u);                    // PT_LOAD
        BitConverter.TryWriteBytes(f.AsSpan(h + 4), 5u);                // R+X
        BitConverter.TryWriteBytes(f.AsSpan(h + 8), 0UL);               // offset
        BitConverter.TryWriteBytes(f.AsSpan(h + 16), 0x400000UL);       // vaddr
        BitConverter.TryWriteBytes(f.AsSpan(h + 32), (ulong)f.Length);  // filesz
        BitConverter.TryWriteBytes(f.AsSpan(h + 40), 0x1800UL);         // memsz
        BitConverter.TryWriteBytes(f.AsSpan(h + 48), 0x1000UL);
        if (extraHeaderType != 0) BitConverter.TryWriteBytes(f.AsSpan(h + 56), extraHeaderType);
        if (interpreter != null)
        {
            // PT_INTERP's path, with its NUL, at 0x100.
            System.Text.Encoding.ASCII.GetBytes(interpreter).CopyTo(f, 0x100);
            BitConverter.TryWriteBytes(f.AsSpan(h + 56 + 8), 0x100UL);
            BitConverter.TryWriteBytes(f.AsSpan(h + 56 + 32), (ulong)interpreter.Length + 1);
        }
        return f;
    }

    [Fact]
    public void FindsTheProgramHeadersInMemoryAndTheBreak()
    {
        Assert.Equal(FormatStatus.Ok, LinuxExecutable.TryParse(Elf(), out LinuxExecutable exe, out string why));
        Assert.Null(why);
        Assert.Equal(0x400100UL, exe.Entry);
        Assert.Equal(0x400040UL, exe.ProgramHeaders);   // AT_PHDR: vaddr + phoff within the first segment
        Assert.Equal(1UL, exe.ProgramHeaderCount);
        Assert.Equal(0x402000UL, exe.BreakStart);       // the page past memsz
    }

    [Fact]
    public void StaticPieIsLoadedAtPieBase()
    {
        // ET_DYN without PT_INTERP: every address moves by PieBase (AT_ENTRY, AT_PHDR, the break).
        Assert.Equal(FormatStatus.Ok, LinuxExecutable.TryParse(Elf(type: 3), out LinuxExecutable exe, out string why));
        Assert.Null(why);
        Assert.Equal(LinuxExecutable.PieBase, exe.LoadBias);
        Assert.Equal(LinuxExecutable.PieBase + 0x400100UL, exe.Entry);
        Assert.Equal(LinuxExecutable.PieBase + 0x400040UL, exe.ProgramHeaders);
        Assert.Equal(LinuxExecutable.PieBase + 0x402000UL, exe.BreakStart);
    }

    [Fact]
    public void ExplainsWhatItCannotRun()
    {
        Assert.NotEqual(FormatStatus.Ok, LinuxExecutable.TryParse(new byte[] { 1, 2, 3, 4, 5 }, out _, out string why));
        Assert.Equal("not an ELF file", why);
        LinuxExecutable.TryParse(Elf(machine: 3), out _, out why);
        Assert.Equal("not an x86_64 program", why);
        Assert.Equal(FormatStatus.Unsupported, LinuxExecutable.TryParse(Elf(type: 1), out _, out why));   // ET_REL
        Assert.StartsWith("of an unsupported ELF kind", why);
        Assert.Equal(FormatStatus.Malformed, LinuxExecutable.TryParse(Elf(extraHeaderType: 3), out _, out _));   // an empty PT_INTERP
        LinuxExecutable.TryParse(Elf(type: 3, extraHeaderType: 3, interpreter: "ld.so"), out _, out why);
        Assert.Equal("its interpreter's name is not an absolute path", why);
        Assert.Equal(FormatStatus.Unsupported, LinuxExecutable.TryParse(Elf(type: 3, extraHeaderType: 3, interpreter: "/lib/ld.so"),
            out _, out why, readable: 0x104));
        Assert.Equal("its interpreter's name is not in its first page", why);
    }

    [Fact]
    public void DynamicProgramNamesItsInterpreter()
    {
        // ET_DYN with PT_INTERP: loaded like a static PIE, and the interpreter's path given to load too.
        Assert.Equal(FormatStatus.Ok, LinuxExecutable.TryParse(Elf(type: 3, extraHeaderType: 3, interpreter: "/lib64/ld-linux-x86-64.so.2"),
            out LinuxExecutable exe, out string why));
        Assert.Null(why);
        Assert.Equal("/lib64/ld-linux-x86-64.so.2", System.Text.Encoding.ASCII.GetString(exe.Interpreter));
        Assert.Equal(LinuxExecutable.PieBase + 0x400100UL, exe.Entry);
        // The interpreter itself, parsed at its own base.
        Assert.Equal(FormatStatus.Ok, LinuxExecutable.TryParse(Elf(type: 3), out LinuxExecutable ld, out _, LinuxExecutable.InterpreterBase));
        Assert.Null(ld.Interpreter);
        Assert.Equal(LinuxExecutable.InterpreterBase, ld.LoadBias);
        Assert.Equal(LinuxExecutable.InterpreterBase + 0x400100UL, ld.Entry);
        // A static program names none.
        Assert.Equal(FormatStatus.Ok, LinuxExecutable.TryParse(Elf(), out exe, out _));
        Assert.Null(exe.Interpreter);
    }
}
