// The .NET acceptance checks of the Linux personality (issue 15), printed as check.h prints them
// ("TEST linux.PROGRAM.NAME ok|FAIL", then "LINUX SUMMARY PROGRAM ...", PROGRAM its file's name:
// dotnet-checks published static, dotnet-checks-dynamic published dynamic) so that linux_suite counts them:
// the base library (collections, LINQ, strings, formatting), exceptions (thrown and caught, finally,
// NullReferenceException from a real SIGSEGV, DivideByZeroException, stack traces), the garbage
// collector under pressure from several threads, threads and tasks (locks, Monitor.Wait/Pulse,
// Task.Run, async/await with Task.Delay, Parallel.For), files (also through /scheme/NAME/... paths), clocks. With the argument "throw" it
// ends with an unhandled exception instead, with "overflow" it overflows its stack (tests/Guest/Linux/dotnet.c
// checks how each dies), and with "readline" it only reads a line from the console (linux_suite types it).
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;

static class Checks
{
    static int s_passed, s_failed;
    static readonly string s_program = Path.GetFileName(Environment.GetCommandLineArgs()[0]);

    static void Check(string name, Func<bool> check)
    {
        bool ok;
        string why = "";
        try
        {
            ok = check();
        }
        catch (Exception e)
        {
            ok = false;
            why = " (" + e.GetType().Name + ": " + e.Message + ")";
        }
        if (ok) s_passed++;
        else s_failed++;
        Console.WriteLine("TEST linux." + s_program + "." + name + (ok ? " ok" : " FAIL" + why));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    static int LengthOf(string s) => s.Length;

    [MethodImpl(MethodImplOptions.NoInlining)]
    static int Divide(int a, int b) => a / b;

    [MethodImpl(MethodImplOptions.NoInlining)]
    static void Thrower(int depth)
    {
        if (depth == 0) throw new InvalidOperationException("deep");
        Thrower(depth - 1);
    }

    // Endless recursion, a kilobyte of stack a call, which the JIT-less compiler cannot turn into a loop.
    [MethodImpl(MethodImplOptions.NoInlining)]
    static unsafe int Overflow(int depth)
    {
        byte* frame = stackalloc byte[1024];
        frame[depth & 1023] = (byte)depth;
        return Overflow(depth + 1) + frame[(depth * 7) & 1023];
    }

    static async Task<int> DelayedAsync()
    {
        var sw = Stopwatch.StartNew();
        await Task.Delay(50);
        int a = 20;
        await Task.Yield();
        return sw.ElapsedMilliseconds >= 45 ? a + 22 : -1;
    }

    static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "throw") throw new InvalidOperationException("unhandled on purpose");
        if (args.Length > 0 && args[0] == "overflow") return Overflow(0);
        if (args.Length > 0 && args[0] == "readline")
        {
            // A line typed on the console (linux_suite types it), read by .NET's terminal reader.
            Console.Write("type a line: ");
            string line = Console.ReadLine();
            Check("console_readline", () => line == "typed into .NET");
            if (line != "typed into .NET") Console.WriteLine("read: " + (line ?? "(end of input)"));
            return Summary();
        }
        Console.Out.Flush();

        Check("collections", () =>
        {
            var list = new List<int>();
            for (int i = 0; i < 1000; i++) list.Add((i * 7919) % 1000);
            list.Sort();
            var dict = new Dictionary<string, int>();
            foreach (int i in list) dict[i.ToString()] = i;
            var set = new HashSet<int>(list);
            return list[0] == 0 && list[999] == 999 && dict.Count == 1000 && set.Count == 1000 && dict["512"] == 512;
        });
        Check("linq", () =>
        {
            var q = Enumerable.Range(1, 100).Where(x => x % 3 == 0).Select(x => x * 2).ToList();
            var groups = Enumerable.Range(0, 30).GroupBy(x => x % 3).OrderBy(g => g.Key).Select(g => g.Sum()).ToArray();
            return q.Count == 33 && q.Sum() == 3366 && groups.SequenceEqual(new[] { 135, 145, 155 });
        });
        Check("strings_and_formatting", () =>
        {
            var sb = new StringBuilder();
            for (int i = 0; i < 5; i++) sb.Append(i).Append(',');
            string s = $"{sb}|{3.14159:F2}|{1234567:N0}|{255:X4}|{new DateTime(2026, 12, 8, 1, 2, 3):yyyy-MM-dd HH:mm:ss}";
            return s == "0,1,2,3,4,|3.14|1,234,567|00FF|2026-12-08 01:02:03" && double.Parse("2.5e3") == 2500.0;
        });
        Check("exception_catch_finally", () =>
        {
            int stage = 0;
            try
            {
                try { Thrower(10); }
                finally { stage = 1; }
            }
            catch (InvalidOperationException e) when (e.Message == "deep")
            {
                stage = stage == 1 ? 2 : -1;
            }
            return stage == 2;
        });
        Check("stack_trace", () =>
        {
            try { Thrower(3); }
            catch (Exception e) { return e.StackTrace != null && e.StackTrace.Contains("Thrower"); }
            return false;
        });
        Check("null_reference_from_sigsegv", () =>
        {
            try { return LengthOf(null) < 0; }
            catch (NullReferenceException) { return true; }
        });
        Check("divide_by_zero", () =>
        {
            try { return Divide(1, 0) == 12345; }
            catch (DivideByZeroException) { return true; }
        });
        Check("threads_lock", () =>
        {
            long total = 0;
            object gate = new object();
            var threads = new Thread[4];
            for (int i = 0; i < threads.Length; i++)
            {
                threads[i] = new Thread(() => { for (int j = 0; j < 10000; j++) lock (gate) total++; });
                threads[i].Start();
            }
            foreach (Thread t in threads) t.Join();
            return total == 40000;
        });
        Check("monitor_wait_pulse", () =>
        {
            object gate = new object();
            int turn = 0, rounds = 0;
            var other = new Thread(() =>
            {
                for (int i = 0; i < 100; i++)
                    lock (gate)
                    {
                        while (turn != 1) Monitor.Wait(gate);
                        turn = 0;
                        rounds++;
                        Monitor.Pulse(gate);
                    }
            });
            other.Start();
            for (int i = 0; i < 100; i++)
                lock (gate)
                {
                    turn = 1;
                    Monitor.Pulse(gate);
                    while (turn != 0) Monitor.Wait(gate);
                }
            other.Join();
            return rounds == 100;
        });
        Check("task_run", () => Task.Run(() => Enumerable.Range(1, 1000).Sum()).Result == 500500);
        Check("async_await_delay", () => DelayedAsync().GetAwaiter().GetResult() == 42);
        Check("parallel_for", () =>
        {
            long sum = 0;
            Parallel.For(0, 1000, i => Interlocked.Add(ref sum, i));
            return sum == 499500;
        });
        Check("gc_under_pressure", () =>
        {
            int gen0 = GC.CollectionCount(0), gen2 = GC.CollectionCount(2);
            bool stop = false;
            long kept = 0;
            ThreadStart churn = () =>
            {
                var keep = new List<byte[]>();
                for (int i = 0; i < 20000 && !Volatile.Read(ref stop); i++)
                {
                    var a = new byte[1000 + i % 3000];
                    a[0] = 1;
                    if (i % 100 == 0) keep.Add(a);
                }
                Interlocked.Add(ref kept, keep.Count);
            };
            var t1 = new Thread(churn);
            var t2 = new Thread(churn);
            var collector = new Thread(() => { for (int i = 0; i < 3; i++) { GC.Collect(); Thread.Sleep(10); } });
            t1.Start(); t2.Start(); collector.Start();
            t1.Join(); t2.Join(); collector.Join();
            return GC.CollectionCount(0) >= gen0 + 3 && GC.CollectionCount(2) >= gen2 + 3 && kept == 400;
        });
        Check("files", () =>
        {
            string dir = "/tmp/dotnet-checks";
            Directory.CreateDirectory(dir);
            File.WriteAllText(dir + "/a.txt", "hello\nworld\n");
            File.AppendAllText(dir + "/a.txt", "again\n");
            string[] lines = File.ReadAllLines(dir + "/a.txt");
            bool listed = Directory.GetFiles(dir).Contains(dir + "/a.txt");
            File.Delete(dir + "/a.txt");
            Directory.Delete(dir);
            return lines.Length == 3 && lines[2] == "again" && listed && !Directory.Exists(dir);
        });
        Check("scheme-files", () =>
        {
            // /scheme/NAME/rest is NAME:/rest: the personality's /scheme lists the schemes, the disk's
            // files are the root's, and a file written through file:'s scheme path is the one /tmp shows.
            bool schemes = Directory.GetDirectories("/scheme").Contains("/scheme/sys");
            string passwd = File.ReadAllText("/scheme/disk/etc/passwd");
            string path = "/scheme/file/tmp/dotnet-" + s_program + ".txt";
            File.WriteAllText(path, "through the scheme");
            bool same = File.ReadAllText("/tmp/dotnet-" + s_program + ".txt") == "through the scheme" && new FileInfo(path).Length == 18;
            File.Delete(path);
            return schemes && passwd.Length > 0 && passwd == File.ReadAllText("/etc/passwd") && same && !File.Exists("/tmp/dotnet-" + s_program + ".txt");
        });
        Check("clocks", () =>
        {
            var sw = Stopwatch.StartNew();
            Thread.Sleep(30);
            long ms = sw.ElapsedMilliseconds;
            return ms >= 25 && ms < 5000 && DateTime.Now.Year >= 2024 && DateTime.UtcNow > new DateTime(2024, 1, 1);
        });
        return Summary();
    }

    static int Summary()
    {
        Console.WriteLine("LINUX SUMMARY " + s_program + " passed=" + s_passed + " failed=" + s_failed);
        return s_failed == 0 ? 0 : 1;
    }
}
