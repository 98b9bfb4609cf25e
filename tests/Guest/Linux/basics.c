/*
 * basics: the personality's calls that need no second process, checked against Linux's results and
 * errno values (docs/design/linux.md): descriptors, paths, memory, identity, ENOSYS.
 */
#include "check.h"
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>

/* An address no program maps, hidden from gcc's checks of buffer sizes. */
static void *volatile bad = (void *)8;

int main(void)
{
    check_program = "basics";
    char buffer[64];

    /* Descriptors */
    CHECK_ERRNO("read_bad_fd", read(99, buffer, 1), EBADF);
    CHECK_ERRNO("close_bad_fd", close(-1), EBADF);
    CHECK_ERRNO("write_bad_pointer", write(1, bad, 1), EFAULT);
    int fd = open("/tmp/basics", O_CREAT | O_TRUNC | O_RDWR, 0644);
    CHECK("open_create", fd >= 3);
    CHECK("write_file", write(fd, "hello", 5) == 5);
    CHECK("lseek_start", lseek(fd, 0, SEEK_SET) == 0);
    CHECK("read_back", read(fd, buffer, sizeof buffer) == 5 && memcmp(buffer, "hello", 5) == 0);
    CHECK("pread", pread(fd, buffer, 3, 2) == 3 && memcmp(buffer, "llo", 3) == 0);
    CHECK_ERRNO("lseek_bad_whence", lseek(fd, 0, 7), EINVAL);
    int copy = dup(fd);
    CHECK("dup_lowest", copy == fd + 1);
    CHECK("dup_shares_position", lseek(copy, 1, SEEK_SET) == 1 && lseek(fd, 0, SEEK_CUR) == 1);
    CHECK("close", close(copy) == 0 && close(fd) == 0);
    CHECK_ERRNO("close_twice", close(fd), EBADF);

    /* Paths */
    CHECK_ERRNO("open_missing", open("/nosuch/file", O_RDONLY), ENOENT);
    CHECK_ERRNO("open_bad_pointer", open(bad, O_RDONLY), EFAULT);
    CHECK_ERRNO("open_empty", open("", O_RDONLY), ENOENT);
    CHECK_ERRNO("mkdir_exists", mkdir("/tmp", 0755), EEXIST);
    CHECK_ERRNO("rmdir_not_empty", rmdir("/etc"), ENOTEMPTY);
    struct stat st;
    CHECK("stat_file", stat("/tmp/basics", &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 5);
    CHECK("stat_dir", stat("/tmp", &st) == 0 && S_ISDIR(st.st_mode));
    CHECK_ERRNO("stat_bad_pointer", stat("/tmp", bad), EFAULT);
    CHECK("unlink", unlink("/tmp/basics") == 0);
    CHECK_ERRNO("unlink_again", unlink("/tmp/basics"), ENOENT);
    CHECK("getcwd_root", getcwd(buffer, sizeof buffer) != NULL && strcmp(buffer, "/") == 0);
    CHECK_ERRNO("getcwd_small", getcwd(buffer, 1) != NULL ? 0 : -1, ERANGE);
    CHECK_ERRNO("chdir_file", chdir("/etc/passwd"), ENOTDIR);

    /* Memory */
    char *page = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK("mmap_anonymous", page != MAP_FAILED && page[0] == 0 && page[8191] == 0);
    if (page != MAP_FAILED) page[4096] = 7;
    CHECK("munmap", page != MAP_FAILED && munmap(page, 8192) == 0);
    CHECK_ERRNO("mmap_zero_length", (long)mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), EINVAL);

    /* Identity and the rest */
    struct utsname u;
    CHECK("uname", uname(&u) == 0 && strcmp(u.sysname, "Linux") == 0 && strcmp(u.machine, "x86_64") == 0);
    CHECK("getuid_root", getuid() == 0 && geteuid() == 0);
    CHECK("getpid_positive", getpid() > 0);
    CHECK_ERRNO("unknown_syscall", syscall(500), ENOSYS);
    return SUMMARY();
}
