// In-guest tests from user space: "TEST <name> ok" or "TEST <name> FAIL: <why>" on the console,
// the same format the kernel's runner uses, counted by the host harness.
using System;
using Vireo.Abi;

namespace Vireo.User.Testing;

public static unsafe class TestRunner
{
    private static int s_passed, s_failed;
    private static bool s_current;
    private static string s_why;
    private static long s_expected, s_actual;
    private static bool s_values;

    public static int Passed => s_passed;
    public static int Failed => s_failed;

    public static void Run(string name, delegate*<void> test)
    {
        s_current = true;
        s_why = null;
        s_values = false;
        test();
        Console.Write("TEST ");
        Console.Write(name);
        if (s_current)
        {
            s_passed++;
            Console.WriteLine(" ok");
            return;
        }
        s_failed++;
        Console.Write(" FAIL: ");
        Console.Write(s_why);
        if (s_values)
        {
            Console.Write(" (expected ");
            Console.Write(s_expected);
            Console.Write(", got ");
            Console.Write(s_actual);
            Console.Write(")");
        }
        Console.WriteLine();
    }

    public static bool True(bool condition, string why)
    {
        if (!condition && s_current)
        {
            s_current = false;
            s_why = why;
        }
        return condition;
    }

    public static bool Equal(long expected, long actual, string why)
    {
        if (expected != actual && s_current)
        {
            s_current = false;
            s_why = why;
            s_expected = expected;
            s_actual = actual;
            s_values = true;
        }
        return expected == actual;
    }

    public static bool Status(Vireo.Abi.Status expected, Vireo.Abi.Status actual, string why) => Equal((long)expected, (long)actual, why);

    public static void Summary()
    {
        Console.Write("USER SUMMARY passed=");
        Console.Write((ulong)s_passed);
        Console.Write(" failed=");
        Console.Write((ulong)s_failed);
        Console.WriteLine();
    }
}
