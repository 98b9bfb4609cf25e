using Xunit;
namespace Vireo.Tests;
public class SmokeTests { [Fact] public void HostTestsRun() => Assert.Equal(4, 2 + 2); }
