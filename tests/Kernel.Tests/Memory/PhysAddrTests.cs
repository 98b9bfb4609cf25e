// PhysAddr: conversions, arithmetic, ordering and alignment, and that PhysMap reaches the same bytes
// through a PhysAddr as through the number it wraps.
using Vireo.Kernel.Memory;
using Xunit;

namespace Vireo.Tests.Memory;

public unsafe class PhysAddrTests
{
    [Fact]
    public void Conversions_round_trip_and_null_is_zero()
    {
        var a = (PhysAddr)0x1234_5000UL;
        Assert.Equal(0x1234_5000UL, (ulong)a);
        Assert.True(PhysAddr.Null.IsNull);
        Assert.False(a.IsNull);
        Assert.Equal(PhysAddr.Null, default(PhysAddr));
    }

    [Fact]
    public void Arithmetic_and_ordering_are_those_of_the_numbers()
    {
        var a = (PhysAddr)0x10_0000UL;
        PhysAddr b = a + 0x2000;
        Assert.Equal(0x10_2000UL, b.Value);
        Assert.Equal(0x2000UL, b - a);
        Assert.Equal(a, b - 0x2000UL);
        Assert.True(a < b && b > a && a <= a && b >= a && a != b);
        Assert.True(a.Equals((object)(PhysAddr)0x10_0000UL));
        Assert.NotEqual(a.GetHashCode(), b.GetHashCode());
    }

    [Fact]
    public void Alignment()
    {
        var a = (PhysAddr)0x20_1234UL;
        Assert.Equal(0x20_1000UL, a.AlignDown(0x1000).Value);
        Assert.Equal(0x20_0000UL, a.AlignDown(0x20_0000).Value);
        Assert.False(a.IsAligned(0x1000));
        Assert.True(a.AlignDown(0x1000).IsAligned(0x1000));
    }

    [Fact]
    public void PhysMap_reaches_the_same_bytes_through_either_form()
    {
        using var memory = new EmulatedPhysMemory(1 << 16);
        memory.WriteU64(0x3008, 0xFEED);
        var at = (PhysAddr)0x3008UL;
        Assert.Equal(0xFEEDUL, *memory.Map.As<ulong>(at));
        Assert.True(memory.Map.Ptr(at) == memory.Map.Ptr(0x3008UL));
        Assert.Equal(at, memory.Map.AddressOf(memory.Map.Ptr(at)));
    }
}
