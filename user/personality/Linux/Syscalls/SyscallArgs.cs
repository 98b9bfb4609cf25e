// A Linux syscall as the kernel delivers it (ForeignSyscallMessage): the number and six arguments
// in the Linux x86_64 order, and where the program was.
namespace Vireo.Linux.Syscalls;

public struct SyscallArgs
{
    public ulong Number, A0, A1, A2, A3, A4, A5, Rip, Rsp;
}
