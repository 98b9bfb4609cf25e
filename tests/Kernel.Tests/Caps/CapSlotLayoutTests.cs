using System.Runtime.InteropServices;
using Vireo.Abi;
using Vireo.Kernel.Caps;
using Xunit;

namespace Vireo.Tests.Caps;

public class CapSlotLayoutTests
{
    [Fact]
    public void SlotIs64Bytes() => Assert.Equal(1 << ObjectSizes.SlotBits, Marshal.SizeOf<CapSlot>());

    [Fact]
    public unsafe void SlotIs64BytesUnmanaged() => Assert.Equal(CapSlot.Size, sizeof(CapSlot));

    [Theory]
    [InlineData("Type", 0)]
    [InlineData("Rights", 1)]
    [InlineData("Flags", 2)]
    [InlineData("SizeBits", 3)]
    [InlineData("Generation", 4)]
    [InlineData("Object", 8)]
    [InlineData("Badge", 16)]
    [InlineData("Extra", 24)]
    [InlineData("PrevOrParent", 32)]
    [InlineData("Next", 40)]
    [InlineData("FirstChild", 48)]
    [InlineData("Spare", 56)]
    public void FieldOffsets(string field, int offset) => Assert.Equal(offset, (int)Marshal.OffsetOf<CapSlot>(field));

    [Fact]
    public void UntypedAccessorsAliasBadgeAndExtra()
    {
        var slot = new CapSlot { Watermark = 0x40, ChildCount = 3 };
        Assert.Equal(0x40UL, slot.Badge);
        Assert.Equal(3UL, slot.Extra);
    }
}
