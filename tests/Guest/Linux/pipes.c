/*
 * pipes: the personality's own pipes (pipe, pipe2), poll and select over them and over files, and
 * socket(AF_UNIX) as glibc's nscd lookup meets it, each result checked against Linux's
 * (docs/design/linux.md, "Pipes" and "poll and select"); then blocking writes with children on the
 * other end: a write longer than the pipe's room goes whole, PIPE_BUF writes stay whole among other
 * writers, a signal ends a write that put some bytes in with their count, and readers that go end a
 * blocked write (its count, then EPIPE; SIGPIPE kills a writer that keeps its default).
 */
#define _GNU_SOURCE
#include "check.h"
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>

static void *volatile bad = (void *)8;

static long elapsed_ms(struct timespec *from)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (now.tv_sec - from->tv_sec) * 1000 + (now.tv_nsec - from->tv_nsec) / 1000000;
}

static char big[200000];

static void fill_pattern(void)
{
    for (unsigned i = 0; i < sizeof big; i++) big[i] = (char)(i * 13 + i / 251);
}

/* A child reading the pipe to its end in reads of `piece` bytes: exits 0 if what came is `big`. */
static void read_all_child(int fd, int piece)
{
    static char got[sizeof big];
    long total = 0, n;
    usleep(20000);   /* the writer fills the pipe and waits first */
    while (total < (long)sizeof got && (n = read(fd, got + total, piece)) > 0) total += n;
    _exit(total == (long)sizeof big && read(fd, got, 1) == 0 && memcmp(got, big, sizeof big) == 0 ? 0 : 1);
}

static int exited_zero(pid_t child)
{
    int status = -1;
    return child > 0 && waitpid(child, &status, 0) == child && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static volatile int usr1_seen;
static void on_usr1(int signal) { (void)signal; usr1_seen = 1; }

static void blocking_writes(void)
{
    int p[2];
    fill_pattern();

    /* A write of 200,000 bytes into a 64 KiB pipe waits for the reader and puts all of it in. */
    CHECK("big_pipe", pipe(p) == 0);
    pid_t child = fork();
    if (child == 0) {
        close(p[1]);
        read_all_child(p[0], 1000);
    }
    close(p[0]);
    CHECK("big_write_goes_whole", write(p[1], big, sizeof big) == (long)sizeof big);
    close(p[1]);
    CHECK("big_write_reader_got_it_all", exited_zero(child));

    /* PIPE_BUF: two writers of 4096-byte blocks, each block one byte repeated, into a pipe that is
     * full most of the time: every block the reader sees is whole. */
    CHECK("atomic_pipe", pipe(p) == 0);
    pid_t writers[2];
    for (int w = 0; w < 2; w++) {
        writers[w] = fork();
        if (writers[w] == 0) {
            char block[4096];
            memset(block, 'a' + w, sizeof block);
            close(p[0]);
            for (int i = 0; i < 40; i++)
                if (write(p[1], block, sizeof block) != (long)sizeof block) _exit(1);
            _exit(0);
        }
    }
    close(p[1]);
    usleep(20000);
    static char stream[2 * 40 * 4096];
    long total = 0, n;
    while ((n = read(p[0], stream + total, 3000)) > 0) total += n;
    int whole = total == (long)sizeof stream;
    for (long b = 0; whole && b < total; b += 4096)
        for (int i = 1; i < 4096; i++)
            if (stream[b + i] != stream[b]) { whole = 0; break; }
    close(p[0]);
    CHECK("pipe_buf_writes_stay_whole", whole && exited_zero(writers[0]) && exited_zero(writers[1]));

    /* A signal while the write waits for room: the count of what went in, not EINTR (SA_RESTART or not). */
    struct sigaction sa = { 0 };
    sa.sa_handler = on_usr1;
    sigaction(SIGUSR1, &sa, NULL);
    CHECK("signal_pipe", pipe(p) == 0);
    pid_t parent = getpid();
    child = fork();
    if (child == 0) {
        usleep(30000);
        kill(parent, SIGUSR1);
        _exit(0);
    }
    long wrote = write(p[1], big, 100000);
    CHECK("signal_ends_write_with_count", wrote == 65536 && usr1_seen);
    CHECK("signal_child", exited_zero(child));
    close(p[0]);
    close(p[1]);
    signal(SIGUSR1, SIG_DFL);

    /* The reader goes while the write waits: the count so far (SIGPIPE ignored), then EPIPE. */
    CHECK("epipe_pipe", pipe(p) == 0);
    child = fork();
    if (child == 0) {
        char some[1000];
        close(p[1]);
        usleep(20000);
        _exit(read(p[0], some, sizeof some) == (long)sizeof some ? 0 : 1);
    }
    close(p[0]);
    wrote = write(p[1], big, sizeof big);
    CHECK("reader_gone_ends_write_with_count", wrote >= 65536 && wrote < (long)sizeof big);
    CHECK_ERRNO("reader_gone_then_epipe", write(p[1], big, 10), EPIPE);
    CHECK("epipe_child", exited_zero(child));
    close(p[1]);

    /* A writer with SIGPIPE's default action, waiting for room when the last reader closes: killed by it. */
    CHECK("sigpipe_pipe", pipe(p) == 0);
    child = fork();
    if (child == 0) {
        signal(SIGPIPE, SIG_DFL);
        close(p[0]);
        write(p[1], big, sizeof big);
        _exit(0);
    }
    close(p[1]);
    usleep(30000);
    close(p[0]);
    int status = 0;
    CHECK("sigpipe_kills_blocked_writer", waitpid(child, &status, 0) == child && WIFSIGNALED(status) && WTERMSIG(status) == SIGPIPE);
}

int main(void)
{
    check_program = "pipes";
    char buffer[16384];
    int p[2];

    /* Reads, writes, end of file */
    CHECK("pipe", pipe(p) == 0 && p[0] >= 3 && p[1] == p[0] + 1);
    CHECK("write", write(p[1], "hello", 5) == 5);
    int queued = -1;
    CHECK("fionread", ioctl(p[0], FIONREAD, &queued) == 0 && queued == 5);
    CHECK("read", read(p[0], buffer, sizeof buffer) == 5 && memcmp(buffer, "hello", 5) == 0);
    CHECK_ERRNO("read_write_end", read(p[1], buffer, 1), EBADF);
    CHECK_ERRNO("write_read_end", write(p[0], "x", 1), EBADF);
    CHECK_ERRNO("lseek", lseek(p[0], 0, SEEK_SET), ESPIPE);
    struct stat st;
    CHECK("fstat_fifo", fstat(p[0], &st) == 0 && S_ISFIFO(st.st_mode));
    CHECK("getpipe_sz", fcntl(p[0], F_GETPIPE_SZ) == 65536);
    int d = dup(p[1]);
    CHECK("write_after_close_of_a_dup", close(p[1]) == 0 && write(d, "ab", 2) == 2);
    CHECK("eof_after_last_writer", close(d) == 0 && read(p[0], buffer, 10) == 2 && read(p[0], buffer, 10) == 0);
    close(p[0]);

    /* EPIPE: SIGPIPE ignored, so the write only fails */
    signal(SIGPIPE, SIG_IGN);
    CHECK("pipe2_cloexec", pipe2(p, O_CLOEXEC) == 0 && fcntl(p[0], F_GETFD) == FD_CLOEXEC && fcntl(p[1], F_GETFD) == FD_CLOEXEC);
    close(p[0]);
    CHECK_ERRNO("epipe", write(p[1], "x", 1), EPIPE);
    close(p[1]);
    CHECK_ERRNO("pipe2_bad_flags", pipe2(p, 0x1), EINVAL);
    CHECK_ERRNO("pipe_bad_pointer", pipe(bad), EFAULT);

    /* O_NONBLOCK, a full pipe, atomic writes */
    CHECK("pipe2_nonblock", pipe2(p, O_NONBLOCK) == 0 && (fcntl(p[0], F_GETFL) & O_NONBLOCK) != 0);
    CHECK_ERRNO("eagain_empty", read(p[0], buffer, 1), EAGAIN);
    memset(buffer, 'x', sizeof buffer);
    long total = 0, n;
    while ((n = write(p[1], buffer, 4096)) > 0) total += n;
    CHECK("fills_to_64k", total == 65536 && errno == EAGAIN);
    CHECK_ERRNO("eagain_full", write(p[1], buffer, 1), EAGAIN);
    struct pollfd full[2] = { { p[0], POLLIN, 0 }, { p[1], POLLOUT, 0 } };
    CHECK("poll_full", poll(full, 2, 0) == 1 && full[0].revents == POLLIN && full[1].revents == 0);
    CHECK("drain_some", read(p[0], buffer, 8192) == 8192);
    CHECK("big_write_takes_what_fits", write(p[1], buffer, 8192 + 4096) == 8192);
    CHECK("drain_a_page", read(p[0], buffer, 4096) == 4096);
    CHECK("atomic_write_fits", write(p[1], buffer, 4096) == 4096);
    CHECK_ERRNO("atomic_write_waits", write(p[1], buffer, 10), EAGAIN);
    close(p[0]);
    close(p[1]);

    /* poll and select */
    CHECK("pipe_again", pipe(p) == 0);
    struct pollfd fds[3] = { { p[0], POLLIN, 0 }, { p[1], POLLOUT, 0 }, { 99, POLLIN, 0 } };
    CHECK("poll_empty_pipe", poll(fds, 3, 0) == 2 && fds[0].revents == 0 && fds[1].revents == POLLOUT && fds[2].revents == POLLNVAL);
    write(p[1], "z", 1);
    CHECK("poll_readable", poll(fds, 2, -1) == 2 && fds[0].revents == POLLIN);
    read(p[0], buffer, 1);
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    CHECK("poll_timeout", poll(fds, 1, 50) == 0 && fds[0].revents == 0 && elapsed_ms(&start) >= 50);
    fd_set r, w;
    FD_ZERO(&r);
    FD_ZERO(&w);
    FD_SET(p[0], &r);
    FD_SET(p[1], &w);
    struct timeval tv = { 0, 0 };
    CHECK("select_writable_only", select(p[1] + 1, &r, &w, NULL, &tv) == 1 && !FD_ISSET(p[0], &r) && FD_ISSET(p[1], &w));
    FD_ZERO(&r);
    FD_SET(p[0], &r);
    tv.tv_usec = 30000;
    clock_gettime(CLOCK_MONOTONIC, &start);
    CHECK("select_timeout", select(p[0] + 1, &r, NULL, NULL, &tv) == 0 && !FD_ISSET(p[0], &r) && elapsed_ms(&start) >= 30);
    FD_SET(p[0], &r);
    close(p[1]);
    tv.tv_usec = 0;
    CHECK("select_hangup_readable", select(p[0] + 1, &r, NULL, NULL, &tv) == 1 && FD_ISSET(p[0], &r));
    fds[0].events = POLLIN;
    CHECK("poll_hangup", poll(fds, 1, 0) == 1 && fds[0].revents == POLLHUP);
    FD_ZERO(&r);
    FD_SET(p[1], &r);
    CHECK_ERRNO("select_closed_fd", select(p[1] + 1, &r, NULL, NULL, &tv), EBADF);
    close(p[0]);
    CHECK_ERRNO("select_negative", select(-1, NULL, NULL, NULL, &tv), EINVAL);
    CHECK_ERRNO("poll_too_many", syscall(SYS_poll, fds, 100000, 0), EINVAL);
    CHECK_ERRNO("poll_bad_pointer", poll(bad, 1, 0), EFAULT);
    int file = open("/tmp/pipes-poll", O_CREAT | O_RDWR | O_TRUNC, 0600);
    struct pollfd f1 = { file, POLLIN | POLLOUT, 0 };
    CHECK("poll_file_ready", poll(&f1, 1, -1) == 1 && f1.revents == (POLLIN | POLLOUT));
    struct timespec ts = { 0, 20000000 };
    clock_gettime(CLOCK_MONOTONIC, &start);
    CHECK("pselect_timeout", pselect(0, NULL, NULL, NULL, &ts, NULL) == 0 && elapsed_ms(&start) >= 20);
    close(file);
    unlink("/tmp/pipes-poll");

    /* Sockets */
    int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_un addr = { AF_UNIX, "/var/run/nscd/socket" };
    CHECK("socket_unix", s >= 0);
    CHECK_ERRNO("connect_enoent", connect(s, (struct sockaddr *)&addr, sizeof addr), ENOENT);
    close(s);
    CHECK_ERRNO("socket_inet", socket(AF_INET, SOCK_STREAM, 0), EAFNOSUPPORT);
    int sv[2];
    CHECK("socketpair", socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    CHECK("socketpair_both_ways", write(sv[0], "ab", 2) == 2 && write(sv[1], "c", 1) == 1 &&
          read(sv[1], buffer, 10) == 2 && read(sv[0], buffer + 2, 10) == 1 && memcmp(buffer, "abc", 3) == 0);
    close(sv[0]);
    close(sv[1]);

    blocking_writes();
    return SUMMARY();
}
