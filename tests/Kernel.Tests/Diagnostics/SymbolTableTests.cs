using System;
using System.Collections.Generic;
using System.Text;
using Vireo.Kernel.Diagnostics;
using Xunit;

namespace Vireo.Tests.Diagnostics;

public sealed unsafe class SymbolTableTests
{
    private const ulong KernelBase = 0xFFFF_FFFF_8000_0000;

    // Written from the format description, independently of the tool's writer.
    private static byte[] Blob(params (ulong Address, uint Size, string Name)[] symbols)
    {
        var pool = new List<byte>();
        var offsets = new uint[symbols.Length];
        for (int i = 0; i < symbols.Length; i++)
        {
            offsets[i] = (uint)pool.Count;
            pool.AddRange(Encoding.UTF8.GetBytes(symbols[i].Name));
            pool.Add(0);
        }

        var blob = new List<byte>();
        blob.AddRange("VKSY"u8.ToArray());
        blob.AddRange(BitConverter.GetBytes(1u));
        blob.AddRange(BitConverter.GetBytes((uint)symbols.Length));
        blob.AddRange(BitConverter.GetBytes((uint)pool.Count));
        for (int i = 0; i < symbols.Length; i++)
        {
            blob.AddRange(BitConverter.GetBytes(symbols[i].Address));
            blob.AddRange(BitConverter.GetBytes(symbols[i].Size));
            blob.AddRange(BitConverter.GetBytes(offsets[i]));
        }

        blob.AddRange(pool);
        return blob.ToArray();
    }

    private static byte[] Sample() => Blob(
        (KernelBase + 0x1000, 0x40, "Boot_Start"),
        (KernelBase + 0x1040, 0x20, "Vireo_Kernel_Paging_PageTable__Map4K"),
        (KernelBase + 0x1100, 0, "tail_label"),
        (KernelBase + 0x2000, 0x10, "last"));

    private static bool Create(byte[] blob, out SymbolTable table)
    {
        fixed (byte* p = blob)
            return SymbolTable.TryCreate(p, (ulong)blob.Length, out table);
    }

    private static string Lookup(byte[] blob, ulong address, out ulong start)
    {
        fixed (byte* p = blob)
        {
            Assert.True(SymbolTable.TryCreate(p, (ulong)blob.Length, out SymbolTable table));
            start = 0;
            return table.TryLookup(address, out start, out ReadOnlySpan<byte> name) ? Encoding.UTF8.GetString(name) : null;
        }
    }

    [Theory]
    [InlineData(0x1000UL, "Boot_Start", 0x1000UL)]
    [InlineData(0x103FUL, "Boot_Start", 0x1000UL)]
    [InlineData(0x1040UL, "Vireo_Kernel_Paging_PageTable__Map4K", 0x1040UL)]
    [InlineData(0x105FUL, "Vireo_Kernel_Paging_PageTable__Map4K", 0x1040UL)]
    [InlineData(0x1100UL, "tail_label", 0x1100UL)]
    [InlineData(0x1FFFUL, "tail_label", 0x1100UL)]
    [InlineData(0x2000UL, "last", 0x2000UL)]
    [InlineData(0x200FUL, "last", 0x2000UL)]
    public void Lookup_FindsContainingSymbol(ulong offset, string expected, ulong expectedStart)
    {
        Assert.Equal(expected, Lookup(Sample(), KernelBase + offset, out ulong start));
        Assert.Equal(KernelBase + expectedStart, start);
    }

    [Theory]
    [InlineData(0UL)]
    [InlineData(KernelBase + 0xFFF)]
    [InlineData(KernelBase + 0x1060)]
    [InlineData(KernelBase + 0x10FF)]
    [InlineData(KernelBase + 0x2010)]
    [InlineData(ulong.MaxValue)]
    public void Lookup_MissesOutsideSizedSymbols(ulong address)
    {
        Assert.Null(Lookup(Sample(), address, out ulong start));
        Assert.Equal(0UL, start);
    }

    [Fact]
    public void UnsizedLastSymbol_CoversEverythingAbove()
    {
        byte[] blob = Blob((0x1000, 0x10, "a"), (0x2000, 0, "b"));
        Assert.Equal("b", Lookup(blob, ulong.MaxValue, out _));
    }

    [Fact]
    public void SharedAddresses_AreAccepted_AndOneOfThemIsFound()
    {
        byte[] blob = Blob((0x1000, 0x10, "a"), (0x1000, 0x10, "alias"), (0x2000, 0x10, "b"));
        Assert.Contains(Lookup(blob, 0x1008, out ulong start), new[] { "a", "alias" });
        Assert.Equal(0x1000UL, start);
    }

    [Fact]
    public void TryGetEntry_ReadsInAddressOrder_AndRejectsBadIndices()
    {
        byte[] blob = Sample();
        fixed (byte* p = blob)
        {
            Assert.True(SymbolTable.TryCreate(p, (ulong)blob.Length, out SymbolTable table));
            Assert.Equal(4, table.Count);
            Assert.True(table.TryGetEntry(2, out ulong start, out uint size, out ReadOnlySpan<byte> name));
            Assert.Equal(KernelBase + 0x1100, start);
            Assert.Equal(0u, size);
            Assert.Equal("tail_label", Encoding.UTF8.GetString(name));
            Assert.False(table.TryGetEntry(4, out _, out _, out _));
            Assert.False(table.TryGetEntry(-1, out _, out _, out _));
        }
    }

    [Fact]
    public void EmptyTable_IsValid_AndFindsNothing()
    {
        byte[] blob = Blob();
        Assert.Equal(16, blob.Length);
        Assert.Null(Lookup(blob, KernelBase, out _));
    }

    [Fact]
    public void DefaultTable_FindsNothing()
    {
        SymbolTable table = default;
        Assert.Equal(0, table.Count);
        Assert.False(table.TryLookup(KernelBase, out _, out _));
    }

    [Fact]
    public void TrailingPadding_IsIgnored()
    {
        byte[] blob = Sample();
        Array.Resize(ref blob, blob.Length + 13);
        Assert.Equal("last", Lookup(blob, KernelBase + 0x2000, out _));
    }

    [Fact]
    public void NullOrShortBlobs_AreRejected()
    {
        Assert.False(SymbolTable.TryCreate(null, 100, out _));
        Assert.False(Create(new byte[15], out _));
        Assert.False(Create(new byte[16], out _));
    }

    [Fact]
    public void EveryTruncation_IsRejected()
    {
        byte[] full = Sample();
        for (int length = 0; length < full.Length; length++)
        {
            byte[] prefix = full.AsSpan(0, length).ToArray();
            Assert.False(Create(prefix, out _), $"accepted a blob truncated to {length} bytes");
        }

        Assert.True(Create(full, out _));
    }

    [Theory]
    [InlineData(0, 0x57)]   // magic
    [InlineData(4, 2)]      // version
    [InlineData(8, 0xFF)]   // count beyond the blob
    [InlineData(11, 0x80)]  // count near 2^31
    [InlineData(12, 0xFF)]  // pool size beyond the blob
    public void CorruptHeader_IsRejected(int offset, byte value)
    {
        byte[] blob = Sample();
        blob[offset] = value;
        Assert.False(Create(blob, out _));
    }

    [Fact]
    public void NameOffsetOutsidePool_IsRejected()
    {
        byte[] blob = Sample();
        uint poolSize = BitConverter.ToUInt32(blob, 12);
        BitConverter.GetBytes(poolSize).CopyTo(blob, 16 + 16 + 12);
        Assert.False(Create(blob, out _));
    }

    [Fact]
    public void PoolWithoutFinalNul_IsRejected()
    {
        byte[] blob = Sample();
        blob[^1] = (byte)'x';
        Assert.False(Create(blob, out _));
    }

    [Fact]
    public void UnsortedEntries_AreRejected()
    {
        Assert.False(Create(Blob((0x2000, 1, "b"), (0x1000, 1, "a")), out _));
        Assert.False(Create(Blob((ulong.MaxValue, 1, "b"), (0, 1, "a")), out _));
    }

    [Fact]
    public void RandomCorruption_NeverReadsOutsideTheBlob()
    {
        var random = new Random(1234);
        byte[] original = Sample();
        for (int round = 0; round < 2000; round++)
        {
            byte[] blob = (byte[])original.Clone();
            int flips = random.Next(1, 4);
            for (int i = 0; i < flips; i++)
                blob[random.Next(blob.Length)] = (byte)random.Next(256);

            fixed (byte* p = blob)
            {
                if (!SymbolTable.TryCreate(p, (ulong)blob.Length, out SymbolTable table))
                    continue;

                for (int probe = 0; probe < 16; probe++)
                {
                    ulong address = KernelBase + (ulong)random.Next(0, 0x3000);
                    if (!table.TryLookup(address, out _, out ReadOnlySpan<byte> name))
                        continue;
                    fixed (byte* n = name)
                    {
                        // An empty span pins to null; a non-empty one must lie inside the blob, NUL included.
                        Assert.True(name.Length == 0 || (n >= p && n + name.Length < p + blob.Length));
                    }
                }
            }
        }
    }
}
