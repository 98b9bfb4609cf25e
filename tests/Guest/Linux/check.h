/*
 * check.h: the harness of the Linux personality's C test programs (tests/Guest/Linux/NAME.c, built by
 * ./vireo with gcc -static against Debian's glibc and run in the guest by linux_suite). Each check prints
 * "TEST linux.PROGRAM.NAME ok" or "... FAIL" with what was seen; SUMMARY() ends the program with
 * "LINUX SUMMARY PROGRAM passed=N failed=M", which linux_suite matches against the TEST lines, so a
 * program that dies part-way is noticed. Output goes through write(2) on fd 1, unbuffered, so that
 * lines are not lost or doubled when a test forks.
 */
#ifndef VIREO_CHECK_H
#define VIREO_CHECK_H

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char *check_program = "?";
static int check_passed, check_failed;

static void check_say(const char *format, ...)
{
    char line[512];
    va_list args;
    va_start(args, format);
    int n = vsnprintf(line, sizeof line, format, args);
    va_end(args);
    if (n > (int)sizeof line - 1) n = sizeof line - 1;
    if (n > 0) write(1, line, n);
}

/* CHECK(name, condition): one test; on failure says the condition and errno. */
#define CHECK(name, condition) check_report((name), (condition), #condition, errno)
static int check_report(const char *name, int ok, const char *condition, int error)
{
    if (ok) {
        check_passed++;
        check_say("TEST linux.%s.%s ok\n", check_program, name);
    } else {
        check_failed++;
        check_say("TEST linux.%s.%s FAIL (%s; errno %d %s)\n", check_program, name, condition, error, strerror(error));
    }
    return ok;
}

/* CHECK_ERRNO(name, call, wanted): the call must fail (-1) with errno `wanted`. */
#define CHECK_ERRNO(name, call, wanted) \
    do { errno = 0; long r_ = (long)(call); int e_ = errno; \
         check_report((name), r_ == -1 && e_ == (wanted), #call " fails with " #wanted, e_); } while (0)

/* Reads a whole small file into buf (NUL-ended); its length, or -1 when it cannot be opened. */
static inline int read_file(const char *path, char *buf, int size)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0) return -1;
    int n = 0, r;
    while (n < size - 1 && (r = read(fd, buf + n, size - 1 - n)) > 0) n += r;
    close(fd);
    buf[n] = 0;
    return n;
}

static int SUMMARY(void)
{
    check_say("LINUX SUMMARY %s passed=%d failed=%d\n", check_program, check_passed, check_failed);
    return check_failed == 0 ? 0 : 1;
}

#endif
