// A time-stepped single-CPU kernel loop driving Scheduler the way the arch layer will: wake-ups with
// ShouldPreempt, a timer Tick every step, PutPrev + PickNext on reschedule. Each thread either runs forever
// (burst 0) or runs `burst` of CPU, sleeps `sleep`, and repeats.
using System;
using System.Collections.Generic;
using Vireo.Kernel.Sched;

namespace Vireo.Tests.Sched;

public sealed unsafe class SchedSim : IDisposable
{
    private readonly ulong[] _burst;
    private readonly ulong[] _sleep;
    private readonly ulong[] _burstLeft;
    private readonly ulong[] _wakeAt;
    private readonly bool[] _blocked;
    private readonly bool[] _active;
    private readonly ulong _start;
    private SchedEntity* _current;

    public SchedSim(Scheduler scheduler, int threads, ulong stepNanos)
    {
        Sched = scheduler;
        Pool = new EntityPool(scheduler, threads);
        Step = stepNanos;
        Now = scheduler.Now;
        _start = Now;
        _burst = new ulong[threads];
        _sleep = new ulong[threads];
        _burstLeft = new ulong[threads];
        _wakeAt = new ulong[threads];
        _blocked = new bool[threads];
        _active = new bool[threads];
        RunTime = new ulong[threads];
    }

    public Scheduler Sched { get; }
    public EntityPool Pool { get; }
    public ulong Step { get; }
    public ulong Now { get; private set; }
    public ulong[] RunTime { get; }

    /// <summary>Which thread ran in each step (-1 = idle), appended by Run.</summary>
    public List<int> Timeline { get; } = new List<int>();

    /// <summary>Thread i wakes at the start of the next Run, with the given behaviour.</summary>
    public void Start(int i, ulong burst, ulong sleep)
    {
        _burst[i] = burst;
        _sleep[i] = sleep;
        _active[i] = true;
        _blocked[i] = true;
        _wakeAt[i] = Now;
    }

    public void Run(ulong duration)
    {
        ulong end = Now + duration;
        while (Now < end)
        {
            bool preempt = false;
            for (int i = 0; i < Pool.Count; i++)
            {
                if (!_active[i] || !_blocked[i] || _wakeAt[i] > Now)
                    continue;
                _blocked[i] = false;
                _burstLeft[i] = _burst[i];
                if (!Sched.Enqueue(Pool[i]))
                    throw new InvalidOperationException("Enqueue refused");
                preempt |= Sched.ShouldPreempt(_current, Pool[i]);
            }
            if (preempt && _current != null)
            {
                Sched.PutPrev(_current);
                _current = null;
            }
            if (_current == null)
                _current = Sched.PickNext();

            int running = _current == null ? -1 : (int)_current->Id;
            Timeline.Add(running);
            Now += Step;
            if (running >= 0)
                RunTime[running] += Step;

            bool reschedule = Sched.Tick(_current, Now, Step);
            if (running >= 0 && _burst[running] != 0)
            {
                _burstLeft[running] -= Step;
                if (_burstLeft[running] == 0)
                {
                    _blocked[running] = true;
                    _wakeAt[running] = Now + _sleep[running];
                    _current = null;
                    continue;
                }
            }
            if (reschedule && _current != null)
            {
                Sched.PutPrev(_current);
                _current = null;
            }
        }
    }

    /// <summary>CPU time thread i got in [from, to), from the timeline.</summary>
    public ulong RunTimeBetween(int i, ulong from, ulong to)
    {
        ulong total = 0;
        for (int s = 0; s < Timeline.Count; s++)
        {
            ulong t = _start + (ulong)s * Step;
            if (t >= from && t < to && Timeline[s] == i)
                total += Step;
        }
        return total;
    }

    public void Dispose() => Pool.Dispose();
}
