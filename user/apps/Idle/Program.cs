// idle: a program that only waits, the smallest real process the process manager starts (the
// 1,000-process test and the procmgr_procs_alive_max benchmark start hundreds of them). `idle`
// sleeps until it is killed; `idle MS` exits 0 after MS milliseconds. It prints nothing and makes no
// objects, so its memory is what the manager's first block holds.
using System.Runtime;
using Vireo.Abi;
using Vireo.User;

static class Program
{
    [RuntimeExport("vireo_main")]
    static int Main()
    {
        if (Args.PositionalCount == 0)
        {
            while (true) Sys.Sleep(1_000_000_000_000UL);
        }
        if (!Numbers.TryParseDecimal(Args.Positional(0), out ulong ms)) return 2;
        Sys.Sleep(ms * 1_000_000);
        return 0;
    }
}
