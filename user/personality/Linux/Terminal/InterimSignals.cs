// Signals that pipes and the terminal raise (SIGPIPE, SIGINT, SIGQUIT, SIGTSTP), until the personality
// delivers signals (branch `signals`, Signals.Post): TO BE REPLACED by Signals.Post. Only the default
// action is taken, and only when the disposition is the default: SIGPIPE, SIGINT and SIGQUIT end the
// process (as Linux's Term and Core do, without a core file); SIGTSTP would stop it, and there is no
// job control yet, so it does nothing. An ignored signal (SIG_IGN) or one with a handler (which cannot
// run yet) changes nothing; the call that raised it still fails (EPIPE) as Linux's does.
using Vireo.Linux.Loop;

namespace Vireo.Linux;

public static class InterimSignals
{
    public const int SigInt = 2, SigQuit = 3, SigPipe = 13, SigTstp = 20;
    private const ulong SigDfl = 0;

    public static void Post(LinuxProcess p, int signal)
    {
        if (p.Ended || signal == SigTstp || p.SignalHandlers[signal] != SigDfl) return;
        EventLoop.Exit(p, LinuxProcess.KilledStatus(signal));
    }

    /// <summary>`signal` to every process of group `pgid` (the terminal's foreground).</summary>
    public static void PostGroup(ulong pgid, int signal)
    {
        foreach (LinuxProcess p in Processes.Snapshot())
            if (!p.Ended && p.Pgid == pgid) Post(p, signal);
    }
}
