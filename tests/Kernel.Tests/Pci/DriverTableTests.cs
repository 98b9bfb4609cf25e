using System;
using System.Text;
using Vireo.Pci;
using Xunit;

namespace Vireo.Tests.Pci;

public sealed class DriverTableTests
{
    private const string Table =
        "# the driver manager's table\n" +
        "\n" +
        "1af4:1001 initfs:/bin/virtio-blk\n" +
        "1af4:1042   initfs:/bin/virtio-blk  --modern  \r\n" +
        "zzzz:1111 initfs:/bin/never\n" +
        "1234:1111\n" +
        "1af4:1001 initfs:/bin/second\n";

    private static string Find(ushort vendor, ushort device, out int malformed) =>
        DriverTable.TryFind(Encoding.ASCII.GetBytes(Table), vendor, device, out ReadOnlySpan<byte> command, out malformed)
            ? Encoding.ASCII.GetString(command) : null;

    [Fact]
    public void The_first_rule_for_a_device_gives_its_command_without_surrounding_blanks()
    {
        Assert.Equal("initfs:/bin/virtio-blk", Find(0x1AF4, 0x1001, out int malformed));
        Assert.Equal(2, malformed);   // a bad id, and an id with no program
        Assert.Equal("initfs:/bin/virtio-blk  --modern", Find(0x1AF4, 0x1042, out _));
    }

    [Fact]
    public void A_device_without_a_rule_and_a_rule_without_a_program_match_nothing()
    {
        Assert.Null(Find(0x8086, 0x1237, out _));
        Assert.Null(Find(0x1234, 0x1111, out _));
    }

    [Theory]
    [InlineData("1af4:1001", true)]
    [InlineData("1AF4:1001", true)]
    [InlineData("1af4-1001", false)]
    [InlineData("1af4:100", false)]
    [InlineData("1af4:10011", false)]
    public void Ids_are_four_hex_digits_a_colon_and_four_more(string id, bool ok) =>
        Assert.Equal(ok, DriverTable.TryParseId(Encoding.ASCII.GetBytes(id), out _, out _));
}
