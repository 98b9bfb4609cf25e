// The metadata layouts daemons and clients are built separately against (abi/FileStat.cs): every
// offset pinned, the answers fit a message, the limits fit the long-path frame, and the packed
// Utimens word keeps its fields apart.
using System.Runtime.CompilerServices;
using Vireo.Abi;
using Xunit;

namespace Vireo.Tests.Abi;

public unsafe class FileStatTests
{
    [Fact]
    public void FileStat_offsets_are_pinned()
    {
        Assert.Equal(112, sizeof(FileStat));
        Assert.Equal(16, sizeof(FileTime));
        FileStat st = default;
        byte* b = (byte*)&st;
        Assert.Equal(0, (byte*)&st.Device - b);
        Assert.Equal(8, (byte*)&st.Inode - b);
        Assert.Equal(16, (byte*)&st.Mode - b);
        Assert.Equal(20, (byte*)&st.Links - b);
        Assert.Equal(24, (byte*)&st.Uid - b);
        Assert.Equal(28, (byte*)&st.Gid - b);
        Assert.Equal(32, (byte*)&st.RawDevice - b);
        Assert.Equal(40, (byte*)&st.Size - b);
        Assert.Equal(48, (byte*)&st.Blocks - b);
        Assert.Equal(56, (byte*)&st.BlockSize - b);
        Assert.Equal(60, (byte*)&st.Kind - b);
        Assert.Equal(64, (byte*)&st.Access - b);
        Assert.Equal(80, (byte*)&st.Modify - b);
        Assert.Equal(96, (byte*)&st.Change - b);
    }

    [Fact]
    public void FsStat_is_Linux_statfs_order()
    {
        Assert.Equal(80, sizeof(FsStat));
        FsStat st = default;
        byte* b = (byte*)&st;
        Assert.Equal(0, (byte*)&st.Type - b);
        Assert.Equal(16, (byte*)&st.Blocks - b);
        Assert.Equal(40, (byte*)&st.Files - b);
        Assert.Equal(56, (byte*)&st.MaxName - b);
        Assert.Equal(72, (byte*)&st.Flags - b);
    }

    [Fact]
    public void Answers_fit_one_message()
    {
        Assert.True(sizeof(FileStat) <= SchemeLimits.MaxData);
        Assert.True(sizeof(FsStat) <= SchemeLimits.MaxData);
    }

    [Fact]
    public void Limits_are_Linux_and_two_paths_fit_the_long_data_frame()
    {
        Assert.Equal(4096, SchemeLimits.MaxPath);
        Assert.Equal(255, SchemeLimits.MaxFileName);
        Assert.True(2 * SchemeLimits.MaxPath + 1 <= SchemeLimits.LongData);   // Rename, Link, Symlink
        Assert.Equal(SchemeLimits.LongData, 1 << SchemeLimits.LongDataBits);
        Assert.True(SchemeLimits.MaxFileName <= byte.MaxValue);   // a Getdents record's length byte
    }

    [Fact]
    public void Mode_bits_are_Linux_values()
    {
        Assert.Equal(0x41EDu, FileModes.Directory | FileModes.DefaultDirectory);   // 040755
        Assert.Equal(0x81A4u, FileModes.Regular | FileModes.DefaultFile);          // 0100644
        Assert.Equal(0xA000u, FileModes.TypeOf(FileKind.Symlink));
        Assert.Equal(0x1000u, FileModes.TypeOf(FileKind.Pipe));
        Assert.Equal(0x2000u, FileModes.TypeOf(FileKind.Device));
        Assert.Equal(0x8000u, FileModes.TypeOf(FileKind.Memory));
    }

    [Theory]
    [InlineData(0u, 0u, PathFlags.None)]
    [InlineData(999_999_999u, 1u, PathFlags.NoFollow)]
    [InlineData(UtimeWord.Now, UtimeWord.Omit, PathFlags.NoFollow)]
    public void Utime_word_keeps_its_fields_apart(uint access, uint modify, PathFlags flags)
    {
        ulong w = UtimeWord.Pack(access, modify, flags);
        Assert.Equal(access, UtimeWord.Access(w));
        Assert.Equal(modify, UtimeWord.Modify(w));
        Assert.Equal(flags, UtimeWord.Flags(w));
    }

    [Fact]
    public void Utime_nanoseconds_validity()
    {
        Assert.True(UtimeWord.Valid(999_999_999));
        Assert.True(UtimeWord.Valid(UtimeWord.Now));
        Assert.True(UtimeWord.Valid(UtimeWord.Omit));
        Assert.False(UtimeWord.Valid(1_000_000_000));
    }

    [Fact]
    public void File_time_nanoseconds_round_trip()
    {
        FileTime t = FileTime.FromNanoseconds(1_765_000_000_123_456_789);
        Assert.Equal(1_765_000_000, t.Seconds);
        Assert.Equal(123_456_789u, t.Nanoseconds);
        Assert.Equal(1_765_000_000_123_456_789, t.ToNanoseconds());
    }
}
