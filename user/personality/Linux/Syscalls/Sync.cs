// sync, syncfs, fsync and fdatasync: each asks the daemon behind a file for its Fsync (diskfs writes its
// cache back; ramfs, devd and ttyd have nothing to write and answer Ok), so that what a Linux program
// synced is on the disk as Linux promises. Linux's errors: EBADF for an fd that is not open, EINVAL for
// fsync on a file that cannot be synced (a pipe, a socket, a /proc text), EIO from the daemon.
using Vireo.Abi;
using Vireo.Linux.Abi;
using Vireo.User.Schemes;

namespace Vireo.Linux.Syscalls;

public static unsafe partial class SyscallTable
{
    // fsync and fdatasync: the file's own daemon (the data and the metadata alike: diskfs writes back its
    // whole cache either way).
    private static long Fsync(LinuxProcess p, ulong fd)
    {
        LinuxFile f = p.Files.Get(fd);
        if (f == null) return -Errno.EBADF;
        if (f.IsStream || f.Content != null || f.SchemeList || !f.Fd.IsValid) return -Errno.EINVAL;
        return -Errno.From(Fs.Fsync(f.Fd));
    }

    // syncfs: the file system the fd is on; a pipe's or a /proc text's has nothing to write (0, as Linux's
    // pipefs and procfs).
    private static long Syncfs(LinuxProcess p, ulong fd)
    {
        LinuxFile f = p.Files.Get(fd);
        if (f == null) return -Errno.EBADF;
        if (f.IsStream || f.Content != null || f.SchemeList || !f.Fd.IsValid) return 0;
        return -Errno.From(Fs.Fsync(f.Fd));
    }

    // sync: every file system with something to write back, which is the disk (`/`, disk:); /tmp is RAM.
    // Linux's sync never fails, so neither does this: a disk that cannot be reached is skipped.
    private static long Sync()
    {
        if (Fs.Open("disk:/", OpenFlags.Read | OpenFlags.Directory, out Fd fd) != Status.Ok) return 0;
        _ = Fs.Fsync(fd);   // sync(2) reports nothing: a disk that fails to write back is diskfs's to log
        _ = Fs.Close(fd);   // a directory opened only to name the disk: nothing written through it
        return 0;
    }
}
