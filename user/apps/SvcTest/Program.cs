// The services test suite. init starts it (etc/test.rc) once every daemon has registered; it runs
// each area's tests against the live system, then asks the process manager to end the run with the
// number of failures (the bootstrap turns that into the guest's verdict).
using System.Runtime;
using Vireo.Abi;
using Vireo.User;
using Vireo.User.Schemes;
using T = Vireo.User.Testing.TestRunner;

static unsafe class Program
{
    [RuntimeExport("vireo_main")]
    static int Main()
    {
        if (IpcdTests.IsPeer(out int code) || LibTests.IsOutPeer(out code)) return code;   // svctest spawned as a second party
        if (MemoryTests.IsChild(out code) || NameWaitTests.IsChild(out code) || AuthorityTests.IsChild(out code) || ProcLimitTests.IsChild(out code) || DeathTests.IsChild(out code) || TtyTests.IsChild(out code) || BlkTests.IsChild(out code) || FileMapTests.IsChild(out code)) return code;
        ProcTests.Run();
        NameWaitTests.Run();
        MemoryTests.Run();
        ProcLimitTests.Run();
        FsTests.Run();
        FsMetaTests.Run();
        FileMapTests.Run();
        ExecTests.Run();
        IpcdTests.Run();
        DeathTests.Run();
        ShellTests.Run();
        TtyTests.Run();
        EventTests.Run();
        RestartTests.Run();
        LibTests.Run();
        ClockTests.Run();
        PciTests.Run();
        BlkTests.Run();
        AuthorityTests.Run();
        Ext2Tests.Run();
        DiskTests.Run();
        BlkTests.RunLast();   // kills the disk's driver, which diskfs then loses
        AuthorityTests.RunLast();   // kills init and initfsd, and asks for a power-off that must be refused
        T.Summary();
        // The suite is over; a refused power-off leaves the harness's timeout to end the run (a failure).
        _ = SchemeCall.Call(Namespace.Root, SchemeOp.PowerOff, (ulong)T.Failed, 0, 0, 0, 0, 0, out _);
        return T.Failed;
    }
}
