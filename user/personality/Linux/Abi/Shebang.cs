// `#!` scripts as Linux's binfmt_script reads them: the first line (within BINPRM_BUF_SIZE, 256
// bytes) names an interpreter and at most one argument (the rest of the line, trimmed: Linux does
// not split it), and the interpreter runs with argv = interpreter, the argument if any, the
// script's path, then the original argv without its argv[0]. Portable: host-tested.
using System;

namespace Vireo.Linux.Abi;

public static class Shebang
{
    public const int Max = 256;

    public static bool IsScript(ReadOnlySpan<byte> head) => head.Length >= 2 && head[0] == (byte)'#' && head[1] == (byte)'!';

    /// <summary>The interpreter and its optional argument (null if none) of a script whose first bytes
    /// are `head` (Max bytes, or the whole of a shorter file); false (ENOEXEC) when there is no interpreter or it does not end within Max bytes.</summary>
    public static bool TryParse(ReadOnlySpan<byte> head, out byte[] interpreter, out byte[] argument)
    {
        interpreter = argument = null;
        if (!IsScript(head)) return false;
        if (head.Length > Max) head = head.Slice(0, Max);
        int end = 0;
        while (end < head.Length && head[end] != (byte)'\n') end++;
        if (end == head.Length) end = -1;
        bool complete = end >= 0 || head.Length < Max;   // a line, or the whole (short) file
        if (end < 0) end = head.Length;
        ReadOnlySpan<byte> line = head.Slice(2, end - 2);
        int i = 0;
        while (i < line.Length && Blank(line[i])) i++;
        int start = i;
        while (i < line.Length && !Blank(line[i])) i++;
        if (i == start) return false;
        // An interpreter cut off by the buffer's end would be the wrong file.
        if (!complete && i == line.Length) return false;
        interpreter = line.Slice(start, i - start).ToArray();
        while (i < line.Length && Blank(line[i])) i++;
        int last = line.Length;
        while (last > i && Blank(line[last - 1])) last--;
        if (last > i) argument = line.Slice(i, last - i).ToArray();
        return true;
    }

    /// <summary>The interpreter's argv for a script run as `script` with `argv`.</summary>
    public static byte[][] Arguments(byte[] interpreter, byte[] argument, byte[] script, byte[][] argv)
    {
        int rest = argv.Length > 1 ? argv.Length - 1 : 0;
        var result = new byte[(argument != null ? 3 : 2) + rest][];
        int n = 0;
        result[n++] = interpreter;
        if (argument != null) result[n++] = argument;
        result[n++] = script;
        for (int i = 1; i < argv.Length; i++) result[n++] = argv[i];
        return result;
    }

    private static bool Blank(byte b) => b == (byte)' ' || b == (byte)'\t' || b == (byte)'\r';
}
