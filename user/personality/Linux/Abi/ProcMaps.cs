// /proc/PID/maps (fs/proc/task_mmu.c show_map_vma): one line per area, "start-end perms offset dev
// inode", then, padded to column 73, the file's name for a file-backed area. The .NET runtime reads
// its own to find its stack and image. Portable: host-tested (ProcMapsTests).
using System.Text;

namespace Vireo.Linux.Abi;

public static class ProcMaps
{
    private const int NameColumn = 73;

    /// <summary>The text for `areas`; `name(area)` gives a file-backed area's path (null: none).</summary>
    public static byte[] Text(MemoryAreas areas, System.Func<Area, string> name)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < areas.Count; i++)
        {
            Area a = areas[i];
            int start = sb.Length;
            sb.Append(a.Start.ToString("x8")).Append('-').Append(a.End.ToString("x8")).Append(' ');
            sb.Append((a.Prot & Prot.Read) != 0 ? 'r' : '-');
            sb.Append((a.Prot & Prot.Write) != 0 ? 'w' : '-');
            sb.Append((a.Prot & Prot.Exec) != 0 ? 'x' : '-');
            sb.Append(a.Shared ? 's' : 'p');
            sb.Append(' ').Append((a.IsAnonymous ? 0 : a.FileOffset).ToString("x8")).Append(" 00:00 0");
            string path = a.IsAnonymous ? null : name(a);
            if (path != null)
            {
                sb.Append(' ');
                while (sb.Length - start < NameColumn) sb.Append(' ');
                sb.Append(path);
            }
            sb.Append('\n');
        }
        var bytes = new byte[sb.Length];
        for (int i = 0; i < bytes.Length; i++) bytes[i] = (byte)sb[i];
        return bytes;
    }
}
