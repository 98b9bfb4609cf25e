using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using Vireo.Kernel.Diagnostics;
using Vireo.Tools;
using Xunit;

namespace Vireo.Tests.Tools;

public sealed unsafe class KernelSymbolsTests
{
    private const ulong Text = 0xFFFF_FFFF_8010_0000;
    private const ulong Rodata = 0xFFFF_FFFF_8020_0000;
    private const byte NoType = 0, Object = 1, Func = 2, SectionSym = 3, FileSym = 4;
    private const byte Local = 0, Global = 1, Weak = 2;
    private const byte Hidden = 2;

    // A kernel image mixing C/asm-style symbols (typed FUNC) with ilc-style ones
    // (FUNC for anything sized, data included; NOTYPE for unsized code labels).
    private static byte[] SampleKernel()
    {
        var elf = new ElfBuilder();
        ushort text = elf.Section(".text", ElfBuilder.Alloc | ElfBuilder.Exec, Text, 0x200);
        ushort rodata = elf.Section(".rodata", ElfBuilder.Alloc, Rodata, 0x100);
        ushort debug = elf.Section(".debug_info", ElfBuilder.Exec, 0, 0x10);
        elf.Symbol("kernel.c", FileSym, 0xFFF1, 0, binding: Local)
            .Symbol("", SectionSym, text, Text, binding: Local)
            .Symbol("Boot_Start", Func, text, Text, 0x40)
            .Symbol("Boot_Start_alias", NoType, text, Text)
            .Symbol("Vireo_Kernel_Paging_PageTable__Map4K", NoType, text, Text + 0x40)
            .Symbol("weak_helper", Func, text, Text + 0x80, 0x20, Weak)
            .Symbol("local_helper", Func, text, Text + 0x80, 0x20, Local)
            .Symbol(".Ltmp0", NoType, text, Text + 0x90, binding: Local)
            .Symbol("_section_marker", NoType, text, Text + 0xC0)
            .Symbol("long_mode_high", NoType, text, Text + 0xC0, binding: Local)
            .Symbol("tail", NoType, text, Text + 0x100)
            .Symbol("ilc_frozen_data", Func, rodata, Rodata, 0x20)
            .Symbol("table", Object, rodata, Rodata + 0x20, 0x10)
            .Symbol("ro_label", NoType, rodata, Rodata + 0x40)
            .Symbol("not_allocated", Func, debug, 0, 4)
            .Symbol("RhpThrowEx", NoType, 0, 0)
            .Symbol("absolute", Func, 0xFFF1, Text + 0x180, 4);
        return elf.Build();
    }

    [Fact]
    public void Select_KeepsCodeSymbols_OnePerAddress_SortedWithInferredSizes()
    {
        List<KernelSymbol> symbols = KernelSymbols.Select(Elf64File.Parse(SampleKernel()));

        Assert.Equal(new[]
        {
            new KernelSymbol(Text, 0x40, "Boot_Start"),
            new KernelSymbol(Text + 0x40, 0x40, "Vireo_Kernel_Paging_PageTable__Map4K"),
            new KernelSymbol(Text + 0x80, 0x20, "weak_helper"),
            new KernelSymbol(Text + 0xC0, 0x40, "long_mode_high"),
            new KernelSymbol(Text + 0x100, 0x100, "tail"),
        }, symbols);
    }

    [Fact]
    public void Select_PrefersTheExportedNameOfAMethod_OverIlcsHiddenMangledName()
    {
        // [RuntimeExport("kmain")] on KernelMain.Main: two global FUNC symbols of one size at one
        // address, the mangled one hidden. The mangled one sorts first by name, so visibility decides.
        var elf = new ElfBuilder();
        ushort text = elf.Section(".text", ElfBuilder.Alloc | ElfBuilder.Exec, Text, 0x100);
        elf.Symbol("kernel_Vireo_Kernel_Boot_KernelMain__Main", Func, text, Text, 0x40, visibility: Hidden)
            .Symbol("kmain", Func, text, Text, 0x40)
            .Symbol("kernel_Vireo_Kernel_Boot_BootMode__Run", Func, text, Text + 0x40, 0x40, visibility: Hidden);

        Assert.Equal(new[]
        {
            new KernelSymbol(Text, 0x40, "kmain"),
            new KernelSymbol(Text + 0x40, 0x40, "kernel_Vireo_Kernel_Boot_BootMode__Run"),
        }, KernelSymbols.Select(Elf64File.Parse(elf.Build())));
    }

    [Fact]
    public void BuiltBlob_IsReadableByTheKernelSymbolTable()
    {
        byte[] blob = KernelSymbols.Build(KernelSymbols.Select(Elf64File.Parse(SampleKernel())));

        Assert.Equal("Boot_Start", Lookup(blob, Text + 0x3F));
        Assert.Equal("Vireo_Kernel_Paging_PageTable__Map4K", Lookup(blob, Text + 0x41));
        Assert.Equal("weak_helper", Lookup(blob, Text + 0x9F));
        Assert.Null(Lookup(blob, Text + 0xA0));
        Assert.Equal("long_mode_high", Lookup(blob, Text + 0xC0));
        Assert.Equal("tail", Lookup(blob, Text + 0x1FF));
        Assert.Null(Lookup(blob, Text + 0x200));
        Assert.Null(Lookup(blob, Text - 1));
        Assert.Null(Lookup(blob, Rodata));
    }

    [Fact]
    public void Build_WritesTheDocumentedLayout_AndSharesRepeatedNames()
    {
        byte[] blob = KernelSymbols.Build(new[]
        {
            new KernelSymbol(0x10, 4, "f"),
            new KernelSymbol(0x20, 0, "g"),
            new KernelSymbol(0x30, 8, "f"),
        });

        byte[] expected =
        {
            (byte)'V', (byte)'K', (byte)'S', (byte)'Y', 1, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0,
            0x10, 0, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0,
            0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0,
            0x30, 0, 0, 0, 0, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0,
            (byte)'f', 0, (byte)'g', 0,
        };
        Assert.Equal(expected, blob);
    }

    [Fact]
    public void Build_RejectsUnsortedInput()
    {
        Assert.Throws<ArgumentException>(() => KernelSymbols.Build(new[]
        {
            new KernelSymbol(0x20, 1, "b"),
            new KernelSymbol(0x10, 1, "a"),
        }));
    }

    [Fact]
    public void Select_OnRelocatableObject_UsesSectionOffsets()
    {
        var elf = new ElfBuilder { FileType = 1 };
        ushort text = elf.Section(".text", ElfBuilder.Alloc | ElfBuilder.Exec, 0, 0x30);
        elf.Symbol("f", Func, text, 0x10, 0x8);

        Assert.Equal(new[] { new KernelSymbol(0x10, 8, "f") }, KernelSymbols.Select(Elf64File.Parse(elf.Build())));
    }

    [Fact]
    public void Parse_RejectsNonElf64LittleEndianInput()
    {
        byte[] good = SampleKernel();
        Assert.Throws<ElfFormatException>(() => Elf64File.Parse(Encoding.ASCII.GetBytes("#!/bin/sh\n")));
        Assert.Throws<ElfFormatException>(() => Elf64File.Parse(new byte[10]));

        byte[] elf32 = (byte[])good.Clone();
        elf32[4] = 1;
        Assert.Throws<ElfFormatException>(() => Elf64File.Parse(elf32));

        byte[] bigEndian = (byte[])good.Clone();
        bigEndian[5] = 2;
        Assert.Throws<ElfFormatException>(() => Elf64File.Parse(bigEndian));
    }

    [Fact]
    public void Parse_RejectsSectionHeadersPastTheEnd()
    {
        byte[] elf = SampleKernel();
        Array.Resize(ref elf, elf.Length - 8);
        Assert.Throws<ElfFormatException>(() => Elf64File.Parse(elf));
    }

    [Fact]
    public void ReadSymbols_RejectsSymbolNamesOutsideTheStringTable()
    {
        var builder = new ElfBuilder();
        ushort text = builder.Section(".text", ElfBuilder.Alloc | ElfBuilder.Exec, Text, 0x10);
        builder.Symbol("f", Func, text, Text, 4);
        byte[] elf = builder.Build();
        Elf64File parsed = Elf64File.Parse(elf);
        ElfSection symtab = parsed.Sections[2];
        Assert.Equal(".symtab", symtab.Name);

        // Point symbol 1's name far past the end of .strtab.
        BitConverter.GetBytes(0x7FFF_0000u).CopyTo(elf, (int)symtab.Offset + 24);

        Assert.Throws<ElfFormatException>(() => Elf64File.Parse(elf).ReadSymbols());
    }

    [Fact]
    public void KsymsVerb_WritesTheBlob_AndReportsErrorsByExitCode()
    {
        string dir = Directory.CreateTempSubdirectory("vireo-ksyms-").FullName;
        try
        {
            string elfPath = Path.Combine(dir, "kernel.elf");
            string outPath = Path.Combine(dir, "kernel.ksyms");
            File.WriteAllBytes(elfPath, SampleKernel());
            var stdout = new StringWriter();
            var stderr = new StringWriter();

            Assert.Equal(0, KernelSymbols.Run(new[] { elfPath, outPath }, stdout, stderr));
            Assert.Equal(KernelSymbols.Build(KernelSymbols.Select(Elf64File.Parse(SampleKernel()))), File.ReadAllBytes(outPath));
            Assert.Contains("5 symbols", stdout.ToString());

            File.WriteAllText(elfPath, "not an elf");
            Assert.Equal(1, KernelSymbols.Run(new[] { elfPath, outPath }, stdout, stderr));
            Assert.Contains("not an ELF file", stderr.ToString());
            Assert.Equal(1, KernelSymbols.Run(new[] { Path.Combine(dir, "missing.elf"), outPath }, stdout, stderr));
            Assert.Equal(2, KernelSymbols.Run(new[] { elfPath }, stdout, stderr));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void KsymsVerb_FailsOnAnImageWithoutCodeSymbols()
    {
        var builder = new ElfBuilder();
        ushort rodata = builder.Section(".rodata", ElfBuilder.Alloc, Rodata, 0x10);
        builder.Symbol("table", Object, rodata, Rodata, 4);
        string dir = Directory.CreateTempSubdirectory("vireo-ksyms-").FullName;
        try
        {
            string elfPath = Path.Combine(dir, "kernel.elf");
            File.WriteAllBytes(elfPath, builder.Build());
            var stderr = new StringWriter();

            Assert.Equal(1, KernelSymbols.Run(new[] { elfPath, Path.Combine(dir, "out.bin") }, TextWriter.Null, stderr));
            Assert.Contains("no code symbols", stderr.ToString());
            Assert.False(File.Exists(Path.Combine(dir, "out.bin")));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static string Lookup(byte[] blob, ulong address)
    {
        fixed (byte* p = blob)
        {
            Assert.True(SymbolTable.TryCreate(p, (ulong)blob.Length, out SymbolTable table));
            return table.TryLookup(address, out _, out ReadOnlySpan<byte> name) ? Encoding.UTF8.GetString(name) : null;
        }
    }
}
