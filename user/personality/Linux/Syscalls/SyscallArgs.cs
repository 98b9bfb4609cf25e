// A Linux syscall as the kernel delivers it (ForeignSyscallMessage): the number and six arguments
// in the Linux x86_64 order, and where the program was; and what a call served again (parked, ADR
// 0015) has done already, which the loop zeroes for each new call.
namespace Vireo.Linux.Syscalls;

public struct SyscallArgs
{
    public ulong Number, A0, A1, A2, A3, A4, A5, Rip, Rsp;
    /// <summary>Bytes a blocking pipe write has put in before it parked for room: it goes on from
    /// there, and a signal that ends it answers this count instead of EINTR (pipe_write).</summary>
    public long Done;
}
