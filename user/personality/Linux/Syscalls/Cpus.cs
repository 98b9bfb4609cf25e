// The machine's CPUs as Linux programs see them (ADR 0031): the CPUs the kernel runs threads on
// (ThreadCpu's count, fixed after boot), for sched_getaffinity, sched_setaffinity, getcpu and
// /sys/devices/system/cpu/{online,possible}. Runtimes size their thread pools from these, so they
// must agree with each other and with where the kernel really runs a Linux thread.
using Vireo.Abi;
using Vireo.User;

namespace Vireo.Linux.Syscalls;

public static class Cpus
{
    private static int s_count;   // 0 until first asked

    /// <summary>How many CPUs run threads (at least 1, at most 64: one affinity word). Asked of the
    /// kernel once, through a thread the personality holds (any Linux thread: all report the same count).</summary>
    public static int Count(LinuxProcess p)
    {
        if (s_count == 0)
        {
            int cpus = 0;
            if (p != null && p.Thread.Value != 0) _ = Sys.ThreadCpu(p.Thread, out _, out cpus);   // a failure leaves cpus 0: one CPU, asked again
            if (cpus < 1) return 1;   // not cached: a later caller may have a thread to ask through
            s_count = cpus > 64 ? 64 : cpus;
        }
        return s_count;
    }

    /// <summary>The online CPUs as a mask: bits 0 to Count-1.</summary>
    public static ulong Online(LinuxProcess p)
    {
        int n = Count(p);
        return n >= 64 ? ulong.MaxValue : (1UL << n) - 1;
    }

    /// <summary>The text of /sys/devices/system/cpu/online and possible: "0", or "0-N" for N+1 CPUs.</summary>
    public static string ListText(int count) => count <= 1 ? "0\n" : "0-" + (count - 1).ToString() + "\n";
}
