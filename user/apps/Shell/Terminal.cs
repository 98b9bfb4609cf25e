// The shell on the console: which of its stdio descriptors are the terminal (tty:), and how it gets
// the console back when ttyd restarts. A restarted ttyd is a new daemon: every descriptor of the old
// one is dead (its endpoint went with its memory), so the shell's stdin read fails with BadDescriptor
// or PeerDied. The shell then waits for `tty` to be registered again (init restarts ttyd at once; the
// root scheme's AwaitName, by any process since the shell does not know the new daemon's pid, with a
// bound of a few seconds so a console that never comes back does not hold the shell for ever), opens
// `tty:` and makes the new descriptor its stdio where the console was (Fd.UseAsStdio), so its own
// output and the children it starts from then on use it.
// Why the shell and not init: init could only kill the shell and start another (no one can put a
// capability into a running process), which loses whatever runs in it (a nested shell, a command);
// the shell keeps its state and every shell on the console (nested ones too) recovers by itself.
// docs/design/tty.md, "When ttyd restarts".
using Vireo.Abi;
using Vireo.User;
using Vireo.User.Schemes;

namespace Vireo.Shell;

public static unsafe class Terminal
{
    /// <summary>How long the shell waits for a restarted console: init restarts ttyd in milliseconds.</summary>
    public const ulong WaitMilliseconds = 5_000;
    private const int Attempts = 3;   // a ttyd that dies again between the wait and the open

    private static bool s_stdin, s_stdout, s_stderr;   // the slots that were the console at start

    /// <summary>The shell's stdin is the console: it owns the foreground and reattaches.</summary>
    public static bool OnConsole => s_stdin;

    /// <summary>A tty: file answers TtyGetMode; nothing else does.</summary>
    public static bool IsTerminal(Fd fd) =>
        SchemeCall.Call(fd.Cap, SchemeOp.TtyGetMode, 0, 0, 0, 0, 0, 0, out _) == Status.Ok;

    /// <summary>At start: notes which stdio slots are the console.</summary>
    public static void Note()
    {
        s_stdin = IsTerminal(Fd.Stdin);
        s_stdout = IsTerminal(Fd.Stdout);
        s_stderr = IsTerminal(Fd.Stderr);
    }

    /// <summary>What a read of a console whose daemon ended answers.</summary>
    public static bool IsGone(Status s) => s == Status.BadDescriptor || s == Status.PeerDied;

    /// <summary>Opens tty: again and puts it where the console was; false if this shell is not on
    /// the console or no tty: came back in time.</summary>
    public static bool Reattach()
    {
        if (!s_stdin) return false;
        byte* name = stackalloc byte[3] { (byte)'t', (byte)'t', (byte)'y' };
        Status s = Status.NotFound;
        Fd tty = default;
        for (int i = 0; i < Attempts && s != Status.Ok; i++)
        {
            // Waits until a process registers `tty` (the cached capability is replaced), or the bound.
            s = Namespace.AwaitName(name, 3, 0, out _, WaitMilliseconds);
            if (s == Status.WouldBlock) return false;
            if (s == Status.Ok) s = Fs.Open("tty:", OpenFlags.Read | OpenFlags.Write, out tty);
        }
        if (s != Status.Ok) return false;
        if (s_stdout) Place(tty, 1, true);
        if (s_stderr) Place(tty, 2, true);
        Place(tty, 0, false);
        Out.Reopened();
        return true;
    }

    // Makes `tty` (or a duplicate of it) stdio descriptor `which`, in place of the dead one: the
    // process manager's slot is only emptied (it is not the allocator's), a slot of ours is freed.
    private static void Place(Fd tty, int which, bool duplicate)
    {
        Fd put = tty;
        if (duplicate && Fs.Dup(tty, out put) != Status.Ok) return;
        Fd old = which == 0 ? Fd.Stdin : which == 1 ? Fd.Stdout : Fd.Stderr;
        // The slot is filled again next: an empty one is fine.
        if (old.Cap.Index >= ProcessSlots.Stdin && old.Cap.Index <= ProcessSlots.Stderr) _ = Sys.Delete(old.Cap);
        else CSpace.Release(old.Cap);
        Fd.UseAsStdio(which, put);
    }
}
