// A line as a list of pipelines joined by `;`, `&&` and `||` (as in sh):
//   list := pipeline (('&&' | '||' | ';') pipeline)* [';']
// `a && b` runs b only when a's status is 0, `a || b` only when it is not, `a ; b` always; a
// skipped pipeline leaves the status as it was, so `false && x || y` runs y. The splitting respects
// quotes, backslashes and a comment the way CommandLine reads them; each part is parsed by
// CommandLine just before it runs, so `$?` in it is the status of the part before.
namespace Vireo.Shell;

public enum Connector { End, Always, IfSucceeded, IfFailed }

public static unsafe class CommandList
{
    /// <summary>The next part of `line` from `position`: its bytes (`start`, `length`) and what
    /// joins it to the part after it (End: nothing follows). `position` moves past the connector.</summary>
    public static void Next(byte* line, int length, ref int position, out int start, out int partLength, out Connector next)
    {
        start = position;
        next = Connector.End;
        int i = position;
        byte quote = 0;
        while (i < length)
        {
            byte c = line[i];
            if (quote != 0)
            {
                if (c == quote) quote = 0;
                i++;
                continue;
            }
            if (c == (byte)'\'' || c == (byte)'"') quote = c;
            else if (c == (byte)'\\') i++;
            else if (c == (byte)'#') break;
            else if (c == (byte)';') next = Connector.Always;
            else if (c == (byte)'&' && i + 1 < length && line[i + 1] == (byte)'&') next = Connector.IfSucceeded;
            else if (c == (byte)'|' && i + 1 < length && line[i + 1] == (byte)'|') next = Connector.IfFailed;
            if (next != Connector.End)
            {
                partLength = i - start;
                position = i + (next == Connector.Always ? 1 : 2);
                return;
            }
            i++;
        }
        partLength = (i < length ? i : length) - start;
        position = length;
    }

    /// <summary>Whether the part before `next` may run, given the status so far.</summary>
    public static bool Runs(Connector before, long status) =>
        before == Connector.IfSucceeded ? status == 0 : before == Connector.IfFailed ? status != 0 : true;

    /// <summary>Checks the whole line before any of it runs (sh does not run half of a line with a
    /// syntax error): every part parses, and only a `;` may end the line or have nothing after it.</summary>
    public static bool Check(byte* line, int length, ref CommandLine scratch, out string error)
    {
        int position = 0;
        Connector before = Connector.End;
        while (true)
        {
            Next(line, length, ref position, out int start, out int partLength, out Connector next);
            if (!scratch.Parse(line + start, partLength, 0, out error)) return false;
            bool empty = scratch.StageCount == 0;
            if (empty && next != Connector.End)
            {
                error = next == Connector.Always ? "a command must come before ;" : next == Connector.IfSucceeded ? "a command must come before &&" : "a command must come before ||";
                return false;
            }
            if (empty && (before == Connector.IfSucceeded || before == Connector.IfFailed))
            {
                error = before == Connector.IfSucceeded ? "a command must follow &&" : "a command must follow ||";
                return false;
            }
            if (next == Connector.End) return true;
            before = next;
        }
    }
}
