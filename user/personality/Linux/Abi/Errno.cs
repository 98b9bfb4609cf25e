// Linux error numbers (include/uapi/asm-generic/errno-base.h and errno.h): a syscall fails by
// returning the negated value in rax. Only those the personality gives so far, and the one mapping
// from Vireo's statuses (what a scheme answered) to the errno Linux gives for the same failure.
using Vireo.Abi;

namespace Vireo.Linux.Abi;

public static class Errno
{
    public const long EPERM = 1, ENOENT = 2, ESRCH = 3, EINTR = 4, EIO = 5, EBADF = 9, EAGAIN = 11, ENOMEM = 12,
        EACCES = 13, EFAULT = 14, EEXIST = 17, ENODEV = 19, ENOTDIR = 20, EISDIR = 21, EINVAL = 22, EMFILE = 24,
        ENOTTY = 25, ENOSPC = 28, ESPIPE = 29, EROFS = 30, EMLINK = 31, EPIPE = 32, ERANGE = 34, ENAMETOOLONG = 36,
        ENOSYS = 38, ENOTEMPTY = 39, ELOOP = 40, EXDEV = 18, ENOTSUP = 95,
        ENOTSOCK = 88, EAFNOSUPPORT = 97, ENOTCONN = 107;
    public const long E2BIG = 7, ECHILD = 10, ENOEXEC = 8, ETXTBSY = 26;   // execve's
    public const long ETIMEDOUT = 110;   // futex's

    /// <summary>The errno for a failed scheme call (Ok gives 0). A status with no Linux counterpart
    /// (a broken protocol, a dead daemon) is EIO: the file could not be used.</summary>
    public static long From(Status s) => s switch
    {
        Status.Ok => 0,
        Status.NotFound or Status.UnknownScheme => ENOENT,
        Status.Exists or Status.Occupied => EEXIST,
        Status.NotDirectory => ENOTDIR,
        Status.IsDirectory => EISDIR,
        Status.NotEmpty => ENOTEMPTY,
        Status.NameTooLong => ENAMETOOLONG,
        Status.BadDescriptor or Status.InvalidCapability => EBADF,
        Status.NotSupported or Status.WrongType => EINVAL,
        Status.InsufficientRights => EACCES,
        Status.InvalidArgument or Status.NotAligned => EINVAL,
        Status.OutOfRange => EINVAL,
        Status.BrokenPipe => EPIPE,
        Status.NoSpace => ENOSPC,
        Status.OutOfMemory => ENOMEM,
        Status.BadAddress => EFAULT,
        Status.WouldBlock => EAGAIN,
        Status.SymlinkLoop => ELOOP,
        _ => EIO,
    };
}
