// prctl's task name (PR_SET_NAME, PR_GET_NAME): the name /proc/PID/comm and stat show
// (LinuxProcess.Comm), 15 bytes at most, as Linux's TASK_COMM_LEN of 16 with its NUL. Other prctl
// options are EINVAL, as Linux gives for an option it does not know.
using Vireo.Linux.Abi;

namespace Vireo.Linux.Syscalls;

public static unsafe partial class SyscallTable
{
    private const ulong PrSetName = 15, PrGetName = 16;
    private const int TaskCommLength = 16;

    private static long Prctl(LinuxProcess p, ulong option, ulong address)
    {
        byte* name = stackalloc byte[TaskCommLength];
        if (option == PrSetName)
        {
            // Byte by byte up to the NUL, as strncpy_from_user: a short name may end just before an
            // unmapped page.
            int n = 0;
            while (n < TaskCommLength - 1)
            {
                if (!p.Memory.Read(address + (ulong)n, name + n, 1)) return -Errno.EFAULT;
                if (name[n] == 0) break;
                n++;
            }
            p.Comm = new System.ReadOnlySpan<byte>(name, n).ToArray();
            return 0;
        }
        if (option == PrGetName)
        {
            string comm = p.TaskName;
            for (int i = 0; i < TaskCommLength; i++) name[i] = i < comm.Length ? (byte)comm[i] : (byte)0;
            return p.Memory.Write(address, name, TaskCommLength) ? 0 : -Errno.EFAULT;
        }
        return -Errno.EINVAL;
    }
}
