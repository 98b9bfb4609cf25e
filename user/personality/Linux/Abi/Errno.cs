// Linux error numbers (include/uapi/asm-generic/errno-base.h and errno.h): a syscall fails by
// returning the negated value in rax. Only those the personality gives so far.
namespace Vireo.Linux.Abi;

public static class Errno
{
    public const long EPERM = 1, ENOENT = 2, ESRCH = 3, EINTR = 4, EIO = 5, EBADF = 9, EAGAIN = 11, ENOMEM = 12,
        EACCES = 13, EFAULT = 14, EEXIST = 17, ENODEV = 19, ENOTDIR = 20, EISDIR = 21, EINVAL = 22, EMFILE = 24,
        ENOTTY = 25, ESPIPE = 29, ERANGE = 34, ENAMETOOLONG = 36, ENOSYS = 38;
}
