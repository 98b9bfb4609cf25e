// The driver manager's table (initfs:/etc/drivers.rc): which program drives which PCI function.
// One line per rule, `VVVV:DDDD PROGRAM [ARGS...]` in hex (`1af4:1001 initfs:/bin/virtio-blk`); `#`
// starts a comment line, blank lines are skipped, a malformed line is skipped (and counted, so pcid can
// say so). The first rule matching a function's vendor and device wins. Portable: the host tests parse
// tables with it.
using System;
using Vireo.User;

namespace Vireo.Pci;

public static class DriverTable
{
    /// <summary>The first rule for vendor:device in `table`: its command (PROGRAM [ARGS...], as written)
    /// in `command`. False when no rule matches. `malformed` counts lines that are not rules.</summary>
    public static bool TryFind(ReadOnlySpan<byte> table, ushort vendor, ushort device, out ReadOnlySpan<byte> command, out int malformed)
    {
        command = default;
        malformed = 0;
        bool found = false;
        int at = 0;
        while (true)
        {
            int lineStart = at;
            if (!Ascii.NextLine(table, ref at, out ReadOnlySpan<byte> line)) break;
            int w = 0;
            if (!Ascii.NextWord(line, ref w, out ReadOnlySpan<byte> id) || id[0] == (byte)'#') continue;
            int rest = w;
            while (rest < line.Length && Ascii.IsBlank(line[rest])) rest++;
            if (!TryParseId(id, out ushort v, out ushort d) || rest >= line.Length)
            {
                malformed++;
                continue;
            }
            if (found || v != vendor || d != device) continue;
            int end = line.Length;
            while (end > rest && (Ascii.IsBlank(line[end - 1]) || line[end - 1] == (byte)'\r')) end--;
            command = table.Slice(lineStart + rest, end - rest);
            found = true;
        }
        return found;
    }

    /// <summary>"VVVV:DDDD", four hex digits each.</summary>
    public static bool TryParseId(ReadOnlySpan<byte> id, out ushort vendor, out ushort device)
    {
        vendor = device = 0;
        if (id.Length != 9 || id[4] != (byte)':') return false;
        if (!Numbers.TryParseHex(id.Slice(0, 4), out ulong v) || !Numbers.TryParseHex(id.Slice(5, 4), out ulong d)) return false;
        vendor = (ushort)v;
        device = (ushort)d;
        return true;
    }
}
