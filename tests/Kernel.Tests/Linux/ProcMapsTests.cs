using Vireo.Linux.Abi;
using Xunit;

namespace Vireo.Tests.Linux;

// /proc/PID/maps as Linux prints it (show_map_vma): the fields, and a file's name at column 73.
public class ProcMapsTests
{
    [Fact]
    public void AreasAsLinuxPrintsThem()
    {
        var areas = new MemoryAreas();
        areas.Add(new Area { Start = 0x555555600000, End = 0x5555556a9000, Prot = Prot.Read, File = 0, FileOffset = 0 });
        areas.Add(new Area { Start = 0x710000000000, End = 0x710000002000, Prot = Prot.Read | Prot.Write });
        areas.Add(new Area { Start = 0x720000000000, End = 0x720000001000, Prot = Prot.Read | Prot.Exec, File = 1, FileOffset = 0x3000, Shared = true });
        string text = System.Text.Encoding.ASCII.GetString(ProcMaps.Text(areas, a => a.File == 0 ? "/tests/hello" : null));
        string[] lines = text.Split('\n');
        Assert.Equal(4, lines.Length);   // three lines and the empty end
        Assert.Equal("555555600000-5555556a9000 r--p 00000000 00:00 0", lines[0].Substring(0, 47));
        Assert.Equal(73, lines[0].IndexOf('/'));
        Assert.EndsWith(" /tests/hello", lines[0]);
        Assert.Equal("710000000000-710000002000 rw-p 00000000 00:00 0", lines[1]);
        Assert.Equal("720000000000-720000001000 r-xs 00003000 00:00 0", lines[2]);   // a file without a name
    }
}
