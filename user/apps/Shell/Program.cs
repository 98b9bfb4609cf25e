// sh, the shell: reads a line from standard input, runs it, prints the prompt again; ends at the
// end of its input or at `exit`, with the last command's status. Grammar: CommandList (`;`, `&&`,
// `||`) over CommandLine (a pipeline); running a pipeline: Pipeline; the commands it runs itself:
// Builtins. docs/design/shell.md has the whole picture.
using System.Runtime;
using Vireo.Abi;
using Vireo.User;
using Vireo.Shell;
using Vireo.User.Schemes;

static unsafe class Program
{
    private const int MaxLine = 480;
    private static LineReader s_input;
    private static CommandLine s_line;

    [RuntimeExport("vireo_main")]
    static int Main()
    {
        byte* text = stackalloc byte[MaxLine];
        long status = 0;
        // `sh --boot-bench` (etc/bootbench.rc): the TSC at the first prompt is the instructions since
        // reset under -icount (./vireo bench reports it as boot_to_shell).
        if (Args.Has("--boot-bench"))
            Vireo.User.Testing.Bench.Report("boot_to_shell", Vireo.User.Sys.ReadTsc());
        Terminal.Note();
        Interrupts.Start();
        while (true)
        {
            Out.Write("vireo$ ");
            // Output the console no longer takes is dropped (Out keeps the failure); the shell goes on.
            _ = Out.Flush();
            Interrupts.Reading();
            Status s = s_input.ReadLine(Fd.Stdin, text, MaxLine, out int length, out bool cut, out bool ended);
            if (s != Status.Ok && Terminal.IsGone(s) && Terminal.Reattach())
            {
                // ttyd restarted (Terminal): the new console, a fresh prompt; half a line read from
                // the old one is gone with it.
                s_input = default;
                Interrupts.Reattached();
                continue;
            }
            if (s != Status.Ok)
            {
                Out.Error("sh", default, s);
                return 1;
            }
            if (ended) break;
            if (cut)
            {
                Out.Error("sh", default, "the line is too long");
                status = 2;
                continue;
            }
            if (!CommandList.Check(text, length, ref s_line, out string why))
            {
                Out.Error("sh", default, why);
                status = 2;
                continue;
            }
            Interrupts.BeginLine();
            if (RunList(text, length, ref status)) break;
        }
        // The shell is ending: Startup flushes again and nobody is left to tell.
        _ = Out.Flush();
        Interrupts.Stop();
        return (int)status;
    }

    // Runs the parts of a checked line in turn, until Ctrl-C; true when one of them was `exit`.
    private static bool RunList(byte* text, int length, ref long status)
    {
        int position = 0;
        Connector before = Connector.Always;
        while (true)
        {
            CommandList.Next(text, length, ref position, out int start, out int partLength, out Connector next);
            if (Interrupts.Interrupted)
            {
                status = 128 + 2;   // Ctrl-C stops the rest of the line (all of it, when it came first)
                return false;
            }
            if (CommandList.Runs(before, status))
            {
                // Checked already, but a longer $? can still overflow the parser's text.
                if (!s_line.Parse(text + start, partLength, status, out string why))
                {
                    Out.Error("sh", default, why);
                    status = 2;
                }
                else
                {
                    status = Pipeline.Run(ref s_line, status, out bool exit);
                    if (exit) return true;
                }
            }
            if (next == Connector.End) return false;
            before = next;
        }
    }
}
