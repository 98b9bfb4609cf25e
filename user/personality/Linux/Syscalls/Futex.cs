// futex(2) for processes of one thread (the personality serves no CLONE_THREAD): glibc calls it in
// single-threaded code too (its NSS locks and pthread_once under gethostbyname, hostid, hostname -f),
// and aborts ("The futex facility returned an unexpected error code") on ENOSYS. FUTEX_WAKE wakes
// nobody (no other thread can wait); FUTEX_WAIT of a word that differs from the expected value is
// EAGAIN as on Linux, and of one that matches it would wait for a waker that cannot exist: EAGAIN
// too, rather than a process stopped for good. Other operations stay ENOSYS.
using Vireo.Linux.Abi;

namespace Vireo.Linux.Syscalls;

public static unsafe partial class SyscallTable
{
    private const ulong FutexWait = 0, FutexWake = 1, FutexWaitBitset = 9, FutexWakeBitset = 10;
    private const ulong FutexCommandMask = 0x7F;   // without FUTEX_PRIVATE_FLAG and FUTEX_CLOCK_REALTIME

    private static long Futex(LinuxProcess p, ulong word, ulong op)
    {
        ulong command = op & FutexCommandMask;
        if (command == FutexWake || command == FutexWakeBitset)
            return (word & 3) != 0 ? -Errno.EINVAL : 0;
        if (command != FutexWait && command != FutexWaitBitset) return NotImplemented(p, (ulong)SyscallNumber.Futex);
        if ((word & 3) != 0) return -Errno.EINVAL;
        uint now = 0;
        if (!p.Memory.Read(word, (byte*)&now, 4)) return -Errno.EFAULT;
        return -Errno.EAGAIN;
    }
}
