// The syscall fuzzer (docs/design/testing.md, "Fuzzing"). `fuzz SEED SECONDS` is the controller:
// it starts worker processes, waits for them and checks that the memory they were given came back.
// `fuzz worker SEED SECONDS` is one worker: threads calling random and semi-valid syscalls.
using System.Runtime;
using Vireo.User;

static class Program
{
    [RuntimeExport("vireo_main")]
    static int Main()
    {
        if (Args.PositionalIs(0, "worker"))
            return Worker.Run(Numbers.ParseDecimalPrefix(Args.Positional(1)), Numbers.ParseDecimalPrefix(Args.Positional(2)));
        if (Args.PositionalCount < 2)
        {
            System.Console.WriteLine("fuzz: usage: fuzz SEED SECONDS");
            return 2;
        }
        return Controller.Run(Numbers.ParseDecimalPrefix(Args.Positional(0)), Numbers.ParseDecimalPrefix(Args.Positional(1)));
    }
}
