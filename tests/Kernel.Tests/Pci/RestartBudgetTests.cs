using Vireo.Pci;
using Xunit;

namespace Vireo.Tests.Pci;

public sealed class RestartBudgetTests
{
    private const ulong Second = 1_000_000_000;

    [Fact]
    public void Gives_up_after_MaxRestarts_deaths_within_the_window()
    {
        var budget = new RestartBudget();
        for (int i = 0; i < RestartBudget.MaxRestarts; i++) Assert.True(budget.Take(100 * Second + (ulong)i * Second));
        Assert.False(budget.Take(100 * Second + 9 * Second));
        Assert.False(budget.Take(100 * Second + 9 * Second + 1));
    }

    [Fact]
    public void A_window_without_deaths_starts_the_count_again()
    {
        var budget = new RestartBudget();
        for (int i = 0; i < RestartBudget.MaxRestarts; i++) Assert.True(budget.Take(Second));
        Assert.True(budget.Take(Second + RestartBudget.WindowNanos));
        for (int i = 1; i < RestartBudget.MaxRestarts; i++) Assert.True(budget.Take(Second + RestartBudget.WindowNanos + 1));
        Assert.False(budget.Take(Second + RestartBudget.WindowNanos + 2));
    }

    [Fact]
    public void Deaths_at_time_zero_count_too()
    {
        var budget = new RestartBudget();
        for (int i = 0; i < RestartBudget.MaxRestarts; i++) Assert.True(budget.Take(0));
        Assert.False(budget.Take(0));
    }
}
