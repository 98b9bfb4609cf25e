/*
 * fileio: what BusyBox's test suite needed of the file side (docs/design/linux-testsuite.md): a read
 * of a regular file or /dev/zero filled to its count in one call, as Linux does (dd reads one block
 * per call), a write of more than PIPE_BUF into a pipe taking no more than it was given,
 * truncate/ftruncate with Linux's errors, /proc/PID/comm, and futex for a process of one thread.
 */
#include "check.h"
#include <fcntl.h>
#include <linux/futex.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>

static void *volatile bad = (void *)8;

enum { Size = 100000 };

int main(void)
{
    check_program = "fileio";
    static unsigned char data[Size], buffer[Size];
    for (long i = 0; i < Size; i++) data[i] = (unsigned char)(i * 13 + 5);
    int fd = open("/tmp/fileio.data", O_CREAT | O_TRUNC | O_RDWR, 0644);
    CHECK("write_whole", fd >= 0 && write(fd, data, Size) == Size);
    CHECK("read_whole_file", lseek(fd, 0, SEEK_SET) == 0 && read(fd, buffer, Size) == Size && memcmp(buffer, data, Size) == 0);
    CHECK("read_stops_at_end", lseek(fd, Size - 100, SEEK_SET) == Size - 100 && read(fd, buffer, 5000) == 100);

    int zero = open("/dev/zero", O_RDONLY);
    memset(buffer, 0xAA, sizeof buffer);
    CHECK("read_whole_dev_zero", zero >= 0 && read(zero, buffer, 65536) == 65536 && buffer[0] == 0 && buffer[65535] == 0 && buffer[65536] == 0xAA);
    close(zero);

    int p[2];
    CHECK("pipe", pipe(p) == 0);
    CHECK("pipe_write_8k_takes_8k", write(p[1], data, 8192) == 8192);
    CHECK("pipe_read_back", read(p[0], buffer, Size) == 8192 && memcmp(buffer, data, 8192) == 0);
    close(p[0]);
    close(p[1]);

    struct stat st;
    CHECK("ftruncate_shrinks", ftruncate(fd, 1000) == 0 && fstat(fd, &st) == 0 && st.st_size == 1000);
    CHECK("ftruncate_grows_with_zeros", ftruncate(fd, 5000) == 0 && pread(fd, buffer, 10, 4000) == 10 && buffer[0] == 0 && buffer[9] == 0);
    CHECK_ERRNO("ftruncate_negative", ftruncate(fd, -1), EINVAL);
    CHECK_ERRNO("ftruncate_bad_fd", ftruncate(77, 0), EBADF);
    int ro = open("/tmp/fileio.data", O_RDONLY);
    CHECK_ERRNO("ftruncate_read_only", ftruncate(ro, 0), EINVAL);
    close(ro);
    CHECK("truncate_path", truncate("/tmp/fileio.data", 123) == 0 && stat("/tmp/fileio.data", &st) == 0 && st.st_size == 123);
    CHECK_ERRNO("truncate_missing", truncate("/tmp/nosuch-fileio", 0), ENOENT);
    CHECK_ERRNO("truncate_directory", truncate("/tmp", 0), EISDIR);
    CHECK_ERRNO("truncate_bad_pointer", truncate(bad, 0), EFAULT);
    close(fd);
    unlink("/tmp/fileio.data");

    char comm[64] = { 0 };
    int c = open("/proc/self/comm", O_RDONLY);
    long n = c >= 0 ? read(c, comm, sizeof comm - 1) : -1;
    CHECK("proc_comm", n > 1 && comm[n - 1] == '\n' && strncmp(comm, "fileio", 6) == 0);
    close(c);

    static uint32_t word = 5;
    CHECK("futex_wake_nobody", syscall(SYS_futex, &word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0) == 0);
    CHECK_ERRNO("futex_wait_differs", syscall(SYS_futex, &word, FUTEX_WAIT_PRIVATE, 6, NULL, NULL, 0), EAGAIN);
    CHECK_ERRNO("futex_wait_bad_pointer", syscall(SYS_futex, bad, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0), EFAULT);
    CHECK_ERRNO("futex_misaligned", syscall(SYS_futex, (char *)&word + 1, FUTEX_WAKE, 1, NULL, NULL, 0), EINVAL);
    return SUMMARY();
}
