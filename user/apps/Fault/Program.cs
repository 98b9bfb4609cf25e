// A program that misbehaves on purpose, for the fault tests: its first argument says how.
// 1 page fault, 2 general protection, 3 invalid opcode, 4 divide error, 5 stack overflow,
// 6 exit with status 42, 7 write to its own read-only text; for benchmarks: 8 yield
// (second argument) times, 9 block forever; for runtime tests: 10 exit with 100 * argc + the
// length of argv[1], 11 allocate 256 KiB on the managed heap (it must grow) and exit with 77,
// 12 read an I/O port it was never given. Started by the process manager, the mode is argv[1].
using System;
using System.Runtime;
using System.Runtime.CompilerServices;
using Vireo.User;

static unsafe class Program
{
    private static ulong s_zero;
    private static ulong s_sink;

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "vireo_ud2")]
    private static extern void InvalidOpcode();

    [RuntimeExport("vireo_main")]
    static int Main()
    {
        // Started by the process manager (no raw words): the mode is argv[1] in decimal.
        ulong mode = Startup.Argument0;
        if (mode == 0 && Startup.ArgumentCount > 1) mode = Numbers.ParseDecimalPrefix(Startup.Argument(1));
        switch (mode)
        {
            case 1: *(ulong*)0x10 = 1; break;
            case 2: *(ulong*)0x8000000000000000 = 1; break;
            case 3: InvalidOpcode(); break;
            case 4: s_sink = 7 / s_zero; break;
            case 5: s_sink = Recurse(1); break;
            case 6: return 42;
            case 7: *(byte*)(delegate*<int>)&Main = 0xC3; break;
            case 8:
                for (ulong i = 0; i < Startup.Argument1; i++) Sys.Yield();
                break;
            case 9:
                while (true) Sys.Sleep(ulong.MaxValue);
            case 10:
                return 100 * Startup.ArgumentCount + Startup.Argument(1).Length;
            case 11:
                return AllocateALot();
            case 12:
                return Devices.InB(0x80);   // a port never opened to it: general protection fault
        }
        return 0;
    }

    private static byte[][] s_keep;

    private static int AllocateALot()
    {
        s_keep = new byte[256][];
        for (int i = 0; i < 256; i++)
        {
            s_keep[i] = new byte[1024];
            s_keep[i][1023] = (byte)i;
        }
        for (int i = 0; i < 256; i++)
            if (s_keep[i][1023] != (byte)i) return 1;
        return Memory.PagesMapped > 0 ? 77 : 2;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static ulong Recurse(ulong n)
    {
        byte* pad = stackalloc byte[256];
        pad[0] = (byte)n;
        return Recurse(n + 1) + pad[0];
    }
}
