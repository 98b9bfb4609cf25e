using Vireo.Linux.Abi;
using Xunit;
using S = Vireo.Linux.Abi.LinuxSignals;

namespace Vireo.Tests.Linux;

// The pending set, dispositions and masks as kernel/signal.c keeps them; what fork copies and exec
// resets; the default actions and the restart rules of arch/x86/kernel/signal.c.
public class SignalStateTests
{
    private static SigAction Handler(ulong flags = 0) => new SigAction { Handler = 0x40_1000, Flags = flags | S.SaRestorer, Restorer = 0x40_2000 };

    [Fact]
    public void StandardSignalsArePendingOnceRealTimeOnesQueue()
    {
        var st = new SignalState();
        st.Enqueue(SigInfo.Of(S.SigUsr1, S.SiUser, 5));
        st.Enqueue(SigInfo.Of(S.SigUsr1, S.SiUser, 6));
        st.Enqueue(SigInfo.Of(S.SigRtMin + 1, S.SiQueue, 7));
        st.Enqueue(SigInfo.Of(S.SigRtMin + 1, S.SiQueue, 8));
        Assert.Equal(3, st.QueuedCount);
        Assert.Equal(5, st.Take(S.SigUsr1).Pid);   // the first one sent
        Assert.Equal(0UL, st.Pending & S.Bit(S.SigUsr1));
        Assert.Equal(7, st.Take(S.SigRtMin + 1).Pid);
        Assert.NotEqual(0UL, st.Pending & S.Bit(S.SigRtMin + 1));
        Assert.Equal(8, st.Take(S.SigRtMin + 1).Pid);
        Assert.Equal(0UL, st.Pending);
    }

    [Fact]
    public void NextTakesFaultsFirstThenTheLowestUnblocked()
    {
        var st = new SignalState();
        st.Enqueue(SigInfo.Of(S.SigUsr1, 0));
        st.Enqueue(SigInfo.Of(S.SigHup, 0));
        st.Enqueue(SigInfo.Of(S.SigSegv, S.SegvMaperr));
        Assert.Equal(S.SigSegv, st.Next());
        st.Take(S.SigSegv);
        Assert.Equal(S.SigHup, st.Next());
        st.SetBlocked(S.Bit(S.SigHup));
        Assert.Equal(S.SigUsr1, st.Next());
        st.SetBlocked(S.Bit(S.SigHup) | S.Bit(S.SigUsr1));
        Assert.Equal(0, st.Next());
    }

    [Fact]
    public void IgnoredSignalsAreDiscardedUnlessBlocked()
    {
        var st = new SignalState();
        Assert.True(st.Discards(S.SigChld));     // default: ignore
        Assert.True(st.Discards(S.SigCont));
        Assert.False(st.Discards(S.SigUsr1));    // default: terminate
        st.SetAction(S.SigUsr1, new SigAction { Handler = S.SigIgn });
        Assert.True(st.Discards(S.SigUsr1));
        st.SetBlocked(S.Bit(S.SigUsr1));
        Assert.False(st.Discards(S.SigUsr1));    // the handler may change before it is unblocked
    }

    [Fact]
    public void SettingSigIgnDropsWhatIsPendingEvenBlocked()
    {
        var st = new SignalState();
        st.SetBlocked(S.Bit(S.SigUsr2));
        st.Enqueue(SigInfo.Of(S.SigUsr2, 0));
        st.SetAction(S.SigUsr2, Handler());
        Assert.NotEqual(0UL, st.Pending);
        st.SetAction(S.SigUsr2, new SigAction { Handler = S.SigIgn });
        Assert.Equal(0UL, st.Pending);
        Assert.Equal(0, st.QueuedCount);
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(65L)]
    [InlineData(-1L)]
    [InlineData((long)S.SigKill)]
    [InlineData((long)S.SigStop)]
    public void SetActionRefusesWhatLinuxRefuses(long signal) => Assert.Equal(22, new SignalState().SetAction(signal, Handler()));

    [Fact]
    public void KillAndStopCannotBeBlockedOrMasked()
    {
        var st = new SignalState();
        st.SetBlocked(ulong.MaxValue);
        Assert.Equal(0UL, st.Blocked & S.Unblockable);
        st.SetAction(S.SigUsr1, new SigAction { Handler = 0x40_1000, Mask = ulong.MaxValue });
        Assert.Equal(0UL, st.Actions[S.SigUsr1].Mask & S.Unblockable);
    }

    [Fact]
    public void ForkCopiesAllButPendingAndExecResetsCaughtOnes()
    {
        var st = new SignalState { AltStackBase = 0x5000, AltStackSize = 0x4000 };
        st.SetAction(S.SigUsr1, Handler(S.SaRestart));
        st.SetAction(S.SigInt, new SigAction { Handler = S.SigIgn, Flags = S.SaRestart });
        st.SetBlocked(S.Bit(S.SigTerm));
        st.Enqueue(SigInfo.Of(S.SigTerm, 0));
        SignalState child = st.CopyForFork();
        Assert.Equal(0x40_1000UL, child.Actions[S.SigUsr1].Handler);
        Assert.Equal(S.Bit(S.SigTerm), child.Blocked);
        Assert.Equal(0x4000UL, child.AltStackSize);
        Assert.Equal(0UL, child.Pending);
        Assert.NotEqual(0UL, st.Pending);

        st.ResetForExec();
        Assert.Equal(S.SigDfl, st.Actions[S.SigUsr1].Handler);
        Assert.Equal(0UL, st.Actions[S.SigUsr1].Flags);
        Assert.Equal(S.SigIgn, st.Actions[S.SigInt].Handler);
        Assert.Equal(S.Bit(S.SigTerm), st.Blocked);
        Assert.NotEqual(0UL, st.Pending);
        Assert.Equal(0UL, st.AltStackSize);
    }

    [Fact]
    public void AlternateStackStates()
    {
        var st = new SignalState();
        Assert.Equal(S.SsDisable, st.AltStackState(0x7000));
        st.AltStackBase = 0x5000;
        st.AltStackSize = 0x1000;
        Assert.Equal(S.SsOnStack, st.AltStackState(0x5800));
        Assert.Equal(S.SsOnStack, st.AltStackState(0x6000));
        Assert.Equal(0, st.AltStackState(0x5000));
        Assert.Equal(0, st.AltStackState(0x7000));
    }

    [Theory]
    [InlineData(-512L, 0UL, false)]            // ERESTARTSYS without SA_RESTART: EINTR
    [InlineData(-512L, S.SaRestart, true)]
    [InlineData(-513L, 0UL, true)]             // ERESTARTNOINTR
    [InlineData(-514L, S.SaRestart, false)]    // ERESTARTNOHAND: sigsuspend, pause, poll
    [InlineData(-516L, S.SaRestart, false)]    // ERESTART_RESTARTBLOCK: nanosleep
    public void RestartWithAHandler(long result, ulong flags, bool restarts) => Assert.Equal(restarts, S.RestartsWithHandler(result, flags));

    [Fact]
    public void RestartCodesAreOnlyLinuxsFour()
    {
        Assert.True(S.IsRestart(-512) && S.IsRestart(-513) && S.IsRestart(-514) && S.IsRestart(-516));
        Assert.False(S.IsRestart(-515) || S.IsRestart(-4) || S.IsRestart(-511) || S.IsRestart(-517) || S.IsRestart(512));
    }

    [Theory]
    [InlineData(S.SigSegv, SignalDefault.Core)]
    [InlineData(S.SigQuit, SignalDefault.Core)]
    [InlineData(S.SigTerm, SignalDefault.Terminate)]
    [InlineData(S.SigPipe, SignalDefault.Terminate)]
    [InlineData(S.SigChld, SignalDefault.Ignore)]
    [InlineData(S.SigWinch, SignalDefault.Ignore)]
    [InlineData(S.SigCont, SignalDefault.Continue)]
    [InlineData(S.SigTstp, SignalDefault.Stop)]
    [InlineData(S.SigStop, SignalDefault.Stop)]
    [InlineData(40, SignalDefault.Terminate)]
    public void DefaultActions(int signal, SignalDefault expected) => Assert.Equal(expected, S.DefaultOf(signal));
}
