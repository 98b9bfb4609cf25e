/*
 * preads: pread64 through the personality's mapped path (a /tmp file is ramfs's, read from its pages:
 * docs/design/linux.md, "Cost"): the bytes at any offset, across the 64 KiB window the mapping slides,
 * short at the end of the file, a write seen at once, the position left alone, and Linux's errors.
 */
#include "check.h"
#include <fcntl.h>
#include <stdlib.h>

static void *volatile bad = (void *)8;

enum { Size = 70000 };

static int matches(const unsigned char *bytes, long from, long n)
{
    for (long i = 0; i < n; i++)
        if (bytes[i] != (unsigned char)((from + i) * 7 + 1)) return 0;
    return 1;
}

int main(void)
{
    check_program = "preads";
    static unsigned char data[Size], buffer[16384];
    for (long i = 0; i < Size; i++) data[i] = (unsigned char)(i * 7 + 1);
    int fd = open("/tmp/preads", O_CREAT | O_TRUNC | O_RDWR, 0644);
    long written = 0;
    while (fd >= 0 && written < Size) {
        long n = write(fd, data + written, Size - written);
        if (n <= 0) break;
        written += n;
    }
    CHECK("write_whole", written == Size);
    CHECK("first_page", pread(fd, buffer, 4096, 0) == 4096 && matches(buffer, 0, 4096));
    CHECK("again", pread(fd, buffer, 4096, 0) == 4096 && matches(buffer, 0, 4096));
    CHECK("unaligned", pread(fd, buffer, 1000, 12345) == 1000 && matches(buffer, 12345, 1000));
    CHECK("across_window", pread(fd, buffer, 8192, 65536 - 4096) == 8192 && matches(buffer, 65536 - 4096, 8192));
    CHECK("short_at_end", pread(fd, buffer, 100, Size - 10) == 10 && matches(buffer, Size - 10, 10));
    CHECK("past_end", pread(fd, buffer, 100, Size + 5) == 0);
    CHECK("position_kept", lseek(fd, 3, SEEK_SET) == 3 && pread(fd, buffer, 10, 500) == 10 && lseek(fd, 0, SEEK_CUR) == 3);
    CHECK("read_after", read(fd, buffer, 4) == 4 && matches(buffer, 3, 4));
    CHECK("sees_write", pwrite(fd, "XYZ", 3, 4097) == 3 && pread(fd, buffer, 5, 4096) == 5 &&
          memcmp(buffer + 1, "XYZ", 3) == 0 && buffer[0] == data[4096] && buffer[4] == data[4100]);
    CHECK_ERRNO("negative_offset", pread(fd, buffer, 10, -1), EINVAL);
    CHECK_ERRNO("bad_pointer", pread(fd, bad, 10, 0), EFAULT);
    close(fd);
    int wo = open("/tmp/preads", O_WRONLY);
    CHECK_ERRNO("write_only", pread(wo, buffer, 10, 0), EBADF);
    close(wo);
    int ro = open("/tmp/preads", O_RDONLY);
    CHECK_ERRNO("read_only_pwrite", pwrite(ro, "x", 1, 0), EBADF);
    close(ro);
    int dir = open("/tmp", O_RDONLY | O_DIRECTORY);
    CHECK_ERRNO("directory", pread(dir, buffer, 10, 0), EISDIR);
    close(dir);
    CHECK_ERRNO("closed", pread(fd, buffer, 10, 0), EBADF);
    unlink("/tmp/preads");
    return SUMMARY();
}
