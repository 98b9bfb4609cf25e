using System;
using System.Text;
using Vireo.Linux.Abi;
using Xunit;

namespace Vireo.Tests.Linux;

public class SyscallNamesTests
{
    [Theory]
    [InlineData(0UL, "read")]
    [InlineData(1UL, "write")]
    [InlineData(158UL, "arch_prctl")]
    [InlineData(231UL, "exit_group")]
    [InlineData(334UL, "rseq")]
    public void NamesTheNumbersOfSyscall64Tbl(ulong number, string name) => Assert.Equal(name, SyscallNames.Name(number));

    [Fact]
    public void UnknownNumbersHaveNoName()
    {
        Assert.Null(SyscallNames.Name(500));
        Assert.Null(SyscallNames.Name(ulong.MaxValue));
    }

    // The dispatch table's enum and the name table say the same: every member's snake_case name is the
    // name of its number.
    [Fact]
    public void TheEnumAndTheNameTableAgree()
    {
        foreach (SyscallNumber n in Enum.GetValues<SyscallNumber>())
        {
            var snake = new StringBuilder();
            foreach (char c in n.ToString())
            {
                if (char.IsUpper(c) && snake.Length > 0) snake.Append('_');
                snake.Append(char.ToLowerInvariant(c));
            }
            Assert.Equal(snake.ToString(), SyscallNames.Name((ulong)n));
        }
    }
}
