using System;
using System.Runtime.InteropServices;
using Vireo.Formats;
using Xunit;
using static Vireo.Tests.Formats.ElfImageBuilder;

namespace Vireo.Tests.Formats;

public sealed class Elf64ImageTests
{
    private static FormatStatus Parse(ElfImageBuilder builder) => Elf64Image.TryParse(builder.Build(), out _);

    [Fact]
    public void Typical_ExposesEntryAndLoadSegmentsInOrder()
    {
        byte[] file = Typical().Build();

        Assert.Equal(FormatStatus.Ok, Elf64Image.TryParse(file, out Elf64Image image));
        Assert.Equal(0x400100UL, image.Entry);
        Assert.Equal(2, image.SegmentCount);

        Assert.True(image.GetSegment(0, out Elf64Segment text));
        Assert.Equal(0x400000UL, text.VirtualAddress);
        Assert.Equal(0x1800UL, text.MemorySize);
        Assert.Equal(0UL, text.FileOffset);
        Assert.True(text.IsReadable && text.IsExecutable && !text.IsWritable);

        Assert.True(image.GetSegment(1, out Elf64Segment data));
        Assert.Equal(0x402800UL, data.VirtualAddress);
        Assert.Equal(0x3000UL, data.MemorySize);
        Assert.Equal(0x2800UL, data.FileOffset);
        Assert.Equal(0x100UL, data.FileSize);
        Assert.True(data.IsWritable && !data.IsExecutable);

        ReadOnlySpan<byte> bytes = image.GetFileBytes(data);
        Assert.Equal(0x100, bytes.Length);
        Assert.Equal(Pattern(0x2800), bytes[0]);
        Assert.Equal(Pattern(0x28FF), bytes[0xFF]);

        Assert.False(image.GetSegment(2, out _));
        Assert.False(image.GetSegment(-1, out _));
    }

    [Fact]
    public void NonLoadHeaders_AreSkippedWhenCountingAndIndexing()
    {
        var builder = new ElfImageBuilder { Entry = 0x400000 }
            .Header(0x6474_E551, R | W) // PT_GNU_STACK, non-executable: fine
            .Load(R | X, 0, 0x400000, 0x200, 0x200)
            .Header(4, R, 0x100, 0x400100, 0x10, 0x10) // PT_NOTE
            .Load(R, 0x1000, 0x401000, 0x10, 0x10);

        Assert.Equal(FormatStatus.Ok, Elf64Image.TryParse(builder.Build(), out Elf64Image image));
        Assert.Equal(2, image.SegmentCount);
        Assert.True(image.GetSegment(1, out Elf64Segment rodata));
        Assert.Equal(0x401000UL, rodata.VirtualAddress);
    }

    [Fact]
    public void Pages_TextSharesWholeReadOnlyPages_CopiesPartialLastPage()
    {
        Assert.Equal(FormatStatus.Ok, Elf64Image.TryParse(Typical().Build(), out Elf64Image image));
        image.GetSegment(0, out Elf64Segment text);

        Assert.Equal(2UL, text.PageCount);
        Assert.True(text.GetPage(0, out Elf64Page first));
        Assert.Equal(new Elf64Page(0x400000, Elf64PageKind.Shared, 0, 0, 4096), first);
        Assert.True(text.GetPage(1, out Elf64Page last));
        Assert.Equal(new Elf64Page(0x401000, Elf64PageKind.Copy, 0x1000, 0, 0x800), last);
        Assert.False(text.GetPage(2, out _));
    }

    [Fact]
    public void Pages_DataStartsMidPage_ThenBssIsZeroPages()
    {
        Assert.Equal(FormatStatus.Ok, Elf64Image.TryParse(Typical().Build(), out Elf64Image image));
        image.GetSegment(1, out Elf64Segment data);

        // [0x402800, 0x405800) spans the pages 0x402000..0x405000.
        Assert.Equal(0x402000UL, data.FirstPage);
        Assert.Equal(0x406000UL, data.EndPage);
        Assert.Equal(4UL, data.PageCount);
        data.GetPage(0, out Elf64Page first);
        Assert.Equal(new Elf64Page(0x402000, Elf64PageKind.Copy, 0x2800, 0x800, 0x100), first);
        for (ulong i = 1; i < 4; i++)
        {
            Assert.True(data.GetPage(i, out Elf64Page page));
            Assert.Equal(new Elf64Page(0x402000 + i * 4096, Elf64PageKind.Zero, 0, 0, 0), page);
        }
    }

    [Fact]
    public void Pages_WritableFullyBackedPageIsCopiedNotShared()
    {
        var builder = new ElfImageBuilder { Entry = 0x400000 }
            .Load(R | X, 0, 0x400000, 0x100, 0x100)
            .Load(R | W, 0x1000, 0x600000, 0x2000, 0x2000);
        Assert.Equal(FormatStatus.Ok, Elf64Image.TryParse(builder.Build(), out Elf64Image image));
        image.GetSegment(1, out Elf64Segment data);

        data.GetPage(1, out Elf64Page page);
        Assert.Equal(new Elf64Page(0x601000, Elf64PageKind.Copy, 0x2000, 0, 4096), page);
    }

    [Fact]
    public void Pages_ReadOnlySegmentStartingMidPageIsCopiedSoEarlierFileBytesStayHidden()
    {
        var builder = new ElfImageBuilder { Entry = 0x400000 }
            .Load(R | X, 0, 0x400000, 0x100, 0x100)
            .Load(R, 0x1100, 0x501100, 0x1F00, 0x1F00);
        Assert.Equal(FormatStatus.Ok, Elf64Image.TryParse(builder.Build(), out Elf64Image image));
        image.GetSegment(1, out Elf64Segment rodata);

        Assert.Equal(2UL, rodata.PageCount);
        rodata.GetPage(0, out Elf64Page first);
        Assert.Equal(new Elf64Page(0x501000, Elf64PageKind.Copy, 0x1100, 0x100, 0xF00), first);
        rodata.GetPage(1, out Elf64Page second);
        Assert.Equal(new Elf64Page(0x502000, Elf64PageKind.Shared, 0x2000, 0, 4096), second);
    }

    [Fact]
    public void Pages_ExactlyCoverTheSegmentBytes()
    {
        // Reassembling every page from the file must reproduce [file bytes][zeros] exactly.
        byte[] file = Typical().Build();
        Assert.Equal(FormatStatus.Ok, Elf64Image.TryParse(file, out Elf64Image image));
        for (int s = 0; s < image.SegmentCount; s++)
        {
            image.GetSegment(s, out Elf64Segment segment);
            var memory = new byte[segment.PageCount * 4096];
            for (ulong p = 0; p < segment.PageCount; p++)
            {
                segment.GetPage(p, out Elf64Page page);
                Assert.Equal(segment.FirstPage + p * 4096, page.VirtualAddress);
                if (page.Kind != Elf64PageKind.Zero)
                    Array.Copy(file, (int)page.FileOffset, memory, (int)(p * 4096 + page.DestinationOffset), (int)page.Length);
                if (page.Kind == Elf64PageKind.Shared)
                    Assert.Equal(0UL, page.FileOffset % 4096);
            }

            int start = (int)(segment.VirtualAddress - segment.FirstPage);
            for (int i = 0; i < memory.Length; i++)
            {
                int inSegment = i - start;
                byte expected = inSegment >= 0 && (ulong)inSegment < segment.FileSize ? file[(int)segment.FileOffset + inSegment] : (byte)0;
                Assert.Equal(expected, memory[i]);
            }
        }
    }

    [Fact]
    public void Truncated_WhenHeaderTableOrSegmentRunsPastTheFile()
    {
        Assert.Equal(FormatStatus.Truncated, Elf64Image.TryParse(new byte[] { 0x7F, (byte)'E', (byte)'L' }, out _));
        Assert.Equal(FormatStatus.Truncated, Parse(new ElfImageBuilder { Length = 63 }.Load(R | X, 0, 0x400000, 0x10, 0x10)));
        Assert.Equal(FormatStatus.Truncated, Parse(new ElfImageBuilder { Entry = 0x400000, Length = 64 + 55 }.Load(R | X, 0, 0x400000, 0x10, 0x10)));
        Assert.Equal(FormatStatus.Truncated, Parse(new ElfImageBuilder { Entry = 0x400000, PhOff = ulong.MaxValue - 8, Length = 4096 }.Load(R | X, 0, 0x400000, 0x10, 0x10)));
        Assert.Equal(FormatStatus.Truncated, Parse(Typical().Also(b => b.Length = 0x2800 + 0xFF)));
        Assert.Equal(FormatStatus.Truncated, Parse(new ElfImageBuilder { Entry = 0x400000, Length = 4096 }
            .Load(R | X, 0xFFFF_FFFF_FFFF_F000, 0x400000, 0x2000, 0x2000)));
    }

    [Fact]
    public void BadMagic()
    {
        byte[] file = Typical().Build();
        file[1] = (byte)'e';
        Assert.Equal(FormatStatus.BadMagic, Elf64Image.TryParse(file, out _));
        Assert.Equal(FormatStatus.BadMagic, Elf64Image.TryParse(new byte[64], out _));
    }

    [Fact]
    public void Unsupported_ForOtherClassesEndiannessTypesMachinesAndDynamicLinking()
    {
        Assert.Equal(FormatStatus.Unsupported, Parse(Typical().Also(b => b.Class = 1)));
        Assert.Equal(FormatStatus.Unsupported, Parse(Typical().Also(b => b.Data = 2)));
        Assert.Equal(FormatStatus.Unsupported, Parse(Typical().Also(b => b.IdentVersion = 0)));
        Assert.Equal(FormatStatus.Unsupported, Parse(Typical().Also(b => b.Type = 3))); // ET_DYN (PIE)
        Assert.Equal(FormatStatus.Unsupported, Parse(Typical().Also(b => b.Type = 1))); // ET_REL
        Assert.Equal(FormatStatus.Unsupported, Parse(Typical().Also(b => b.Machine = 3))); // i386
        Assert.Equal(FormatStatus.Unsupported, Parse(Typical().Also(b => b.Version = 2)));
        Assert.Equal(FormatStatus.Unsupported, Parse(Typical().Header(3, R, 0x100, 0x400100, 0x10, 0x10))); // PT_INTERP
        Assert.Equal(FormatStatus.Unsupported, Parse(Typical().Header(2, R | W, 0x2800, 0x402800, 0x10, 0x10))); // PT_DYNAMIC
        Assert.Equal(FormatStatus.Unsupported, Parse(Typical().Also(b => b.PhNum = Elf64Image.MaxProgramHeaders + 1)));
    }

    [Fact]
    public void InterpreterIsAcceptedOnlyWithAPieBase()
    {
        byte[] file = Typical().Header(3, R, 0x100, 0x400100, 0x10, 0x10).Build();
        Assert.Equal(FormatStatus.Ok, Elf64Image.TryParse(file, out Elf64Image image, 0x5555_0000_0000));
        Assert.Equal(0x100, image.InterpreterOffset);
        Assert.Equal(0x10, image.InterpreterSize);
        Assert.Equal(0UL, image.LoadBias);   // ET_EXEC stays where it is
        Assert.Equal(FormatStatus.Truncated, Elf64Image.TryParse(Typical().Header(3, R, 0x7FFF_0000, 0x400100, 0x10, 0x10).Build(), out _, 0x5555_0000_0000));
        Assert.Equal(FormatStatus.Malformed, Elf64Image.TryParse(Typical().Header(3, R, 0x100, 0x400100, 1, 1).Build(), out _, 0x5555_0000_0000));
        Assert.Equal(FormatStatus.Ok, Elf64Image.TryParse(Typical().Build(), out image, 0x5555_0000_0000));
        Assert.Equal(0, image.InterpreterSize);
    }

    [Fact]
    public void Malformed_HeaderFields()
    {
        Assert.Equal(FormatStatus.Malformed, Parse(Typical().Also(b => b.PhEntSize = 64)));
        Assert.Equal(FormatStatus.Malformed, Parse(Typical().Also(b => b.HeaderSize = 52)));
        Assert.Equal(FormatStatus.Malformed, Parse(Typical().Also(b => b.PhNum = 0)));
        Assert.Equal(FormatStatus.Malformed, Parse(new ElfImageBuilder { Entry = 0x400000 }.Header(4, R, 0, 0x400000, 0x10, 0x10))); // no PT_LOAD
    }

    [Fact]
    public void Malformed_SegmentFields()
    {
        ElfImageBuilder WithText(ulong offset, ulong vaddr, ulong fileSize, ulong memSize, ulong align = 0x1000) =>
            new ElfImageBuilder { Entry = vaddr }.Load(R | X, offset, vaddr, fileSize, memSize, align);

        Assert.Equal(FormatStatus.Ok, Parse(WithText(0x1000, 0x400000, 0x10, 0x10)));
        Assert.Equal(FormatStatus.Malformed, Parse(WithText(0x1000, 0x400000, 0x20, 0x10))); // filesz > memsz
        Assert.Equal(FormatStatus.Malformed, Parse(WithText(0x1000, 0x400000, 0, 0))); // empty
        Assert.Equal(FormatStatus.Malformed, Parse(WithText(0x1010, 0x400000, 0x10, 0x10))); // offset/vaddr not congruent
        Assert.Equal(FormatStatus.Malformed, Parse(WithText(0x1000, 0x400000, 0x10, 0x10, align: 0x1800)));
        Assert.Equal(FormatStatus.Ok, Parse(WithText(0x1000, 0x400000, 0x10, 0x10, align: 0)));
    }

    [Fact]
    public void Malformed_SegmentsSharingAPage()
    {
        // The data segment's first page is the text segment's last page, which would need two permission sets.
        var builder = new ElfImageBuilder { Entry = 0x400000 }
            .Load(R | X, 0, 0x400000, 0x1800, 0x1800)
            .Load(R | W, 0x1800, 0x401800, 0x100, 0x100);
        Assert.Equal(FormatStatus.Malformed, Parse(builder));

        var adjacent = new ElfImageBuilder { Entry = 0x400000 }
            .Load(R | X, 0, 0x400000, 0x1800, 0x1800)
            .Load(R | W, 0x2000, 0x402000, 0x100, 0x100);
        Assert.Equal(FormatStatus.Ok, Parse(adjacent));

        var reversed = new ElfImageBuilder { Entry = 0x400000 }
            .Load(R | W, 0x2000, 0x402000, 0x100, 0x100)
            .Load(R | X, 0, 0x400000, 0x2100, 0x2100);
        Assert.Equal(FormatStatus.Malformed, Parse(reversed));
    }

    [Fact]
    public void EntryMustBeInAnExecutableSegment()
    {
        Assert.Equal(FormatStatus.Malformed, Parse(Typical().Also(b => b.Entry = 0x402800))); // data
        Assert.Equal(FormatStatus.Malformed, Parse(Typical().Also(b => b.Entry = 0x401800))); // one past text
        Assert.Equal(FormatStatus.Ok, Parse(Typical().Also(b => b.Entry = 0x4017FF)));
        Assert.Equal(FormatStatus.OutOfRange, Parse(Typical().Also(b => b.Entry = 0)));
        Assert.Equal(FormatStatus.OutOfRange, Parse(Typical().Also(b => b.Entry = 0xFFFF_8000_0000_1000)));
    }

    [Fact]
    public void OutOfRange_SegmentsOutsideUserSpace()
    {
        ElfImageBuilder WithData(ulong vaddr, ulong memSize) =>
            new ElfImageBuilder { Entry = 0x400000 }
                .Load(R | X, 0, 0x400000, 0x100, 0x100)
                .Load(R | W, 0x1000, vaddr, 0x10, memSize);

        Assert.Equal(FormatStatus.Ok, Parse(WithData(Elf64Image.UserEnd - 0x1000, 0x1000)));
        Assert.Equal(FormatStatus.OutOfRange, Parse(WithData(Elf64Image.UserEnd - 0x1000, 0x1001)));
        Assert.Equal(FormatStatus.OutOfRange, Parse(WithData(Elf64Image.UserEnd, 0x10)));
        Assert.Equal(FormatStatus.OutOfRange, Parse(WithData(0x0000_8000_0000_0000, 0x10)));
        Assert.Equal(FormatStatus.OutOfRange, Parse(WithData(0xFFFF_FFFF_FFFF_F000, 0x10)));
        Assert.Equal(FormatStatus.OutOfRange, Parse(WithData(0x600000, ulong.MaxValue - 0x100))); // vaddr+memsz wraps
        Assert.Equal(FormatStatus.OutOfRange, Parse(WithData(0, 0x10))); // page 0 stays unmapped
        Assert.Equal(FormatStatus.Ok, Parse(WithData(Elf64Image.UserStart, 0x10)));
    }

    [Fact]
    public void WriteExecute_SegmentOrExecutableStackRefused()
    {
        Assert.Equal(FormatStatus.WriteExecute, Parse(Typical().Load(R | W | X, 0x1000, 0x700000, 0x10, 0x10)));
        Assert.Equal(FormatStatus.WriteExecute, Parse(Typical().Load(W | X, 0x1000, 0x700000, 0x10, 0x10)));
        Assert.Equal(FormatStatus.WriteExecute, Parse(Typical().Header(0x6474_E551, R | W | X)));
    }

    [Fact]
    public void PointerOverload_MatchesSpanAndRefusesHugeOrNull()
    {
        byte[] file = Typical().Build();
        unsafe
        {
            fixed (byte* p = file)
            {
                Assert.Equal(FormatStatus.Ok, Elf64Image.TryParse(p, (ulong)file.Length, out Elf64Image image));
                Assert.Equal(0x400100UL, image.Entry);
                Assert.Equal(FormatStatus.Unsupported, Elf64Image.TryParse(p, 1UL << 31, out _));
            }

            Assert.Equal(FormatStatus.Malformed, Elf64Image.TryParse(null, 64, out _));
            Assert.Equal(FormatStatus.Truncated, Elf64Image.TryParse(null, 0, out _));
        }
    }

    [Fact]
    public void EveryTruncation_FailsWithoutThrowing()
    {
        byte[] file = Typical().Build();
        for (int length = 0; length < file.Length; length++)
        {
            FormatStatus status = Elf64Image.TryParse(file.AsSpan(0, length), out _);
            Assert.True(status == FormatStatus.Truncated, $"length {length}: {status}");
        }
    }

    [Fact]
    public void RandomCorruption_NeverThrows_AndOkImagesStayConsistent()
    {
        byte[] original = Typical().Load(R, 0x5000, 0x405000, 0x1234, 0x2000).Build();
        var random = new Random(1234);
        int ok = 0;
        for (int round = 0; round < 20000; round++)
        {
            byte[] file = (byte[])original.Clone();
            int flips = random.Next(1, 4);
            for (int f = 0; f < flips; f++)
            {
                // Bias towards the headers, where the interesting fields are.
                int at = random.Next(4) == 0 ? random.Next(file.Length) : random.Next(64 + 3 * 56);
                file[at] = (byte)random.Next(256);
            }

            if (Elf64Image.TryParse(file, out Elf64Image image) != FormatStatus.Ok)
                continue;
            ok++;
            for (int s = 0; s < image.SegmentCount; s++)
            {
                Assert.True(image.GetSegment(s, out Elf64Segment segment));
                Assert.False(segment.IsWritable && segment.IsExecutable);
                Assert.True(segment.VirtualAddress + segment.MemorySize <= Elf64Image.UserEnd);
                Assert.Equal(segment.FileSize, (ulong)image.GetFileBytes(segment).Length);
                for (ulong p = 0; p < segment.PageCount && p < 64; p++)
                {
                    Assert.True(segment.GetPage(p, out Elf64Page page));
                    Assert.True(page.Length <= 4096 && page.DestinationOffset + page.Length <= 4096);
                    Assert.True(page.FileOffset + page.Length <= (ulong)file.Length);
                }
            }
        }

        Assert.True(ok > 100, $"only {ok} corrupted images parsed; the fuzz is not reaching the accept path");
    }
}

internal static class ElfImageBuilderExtensions
{
    public static ElfImageBuilder Also(this ElfImageBuilder builder, Action<ElfImageBuilder> change)
    {
        change(builder);
        return builder;
    }
}
