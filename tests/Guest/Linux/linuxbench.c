/*
 * linuxbench: the Linux personality's benchmarks (issue 13, "Benchmarks"; docs/design/testing.md,
 * "Benchmarks"), run through the personality in the `./vireo bench` boot (initfs/etc/bench.rc). Under
 * -icount shift=0,sleep=off the TSC counts instructions, so each figure is rdtsc before and after N
 * operations divided by N: guest instructions per operation, as Linux 6.1's in bench/linux-figures.tsv
 * were measured. Each prints "BENCH name value". A benchmark whose calls fail (ENOSYS while fork,
 * pipes, execve or demand paging are not there yet) or give a wrong result prints nothing, so that it
 * appears once what it needs lands, and never as a figure of something that did not happen.
 *
 * argv[1]: the Linux directory holding the programs it starts (busybox, linux-true); the bench boot has
 * no disk, so it passes /scheme/initfs/bin.
 */
#include <fcntl.h>
#include <linux/futex.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static inline uint64_t tsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

static void report(const char *name, uint64_t total, unsigned n)
{
    char line[128];
    int length = snprintf(line, sizeof line, "BENCH %s %lu\n", name, (unsigned long)(total / n));
    if (length > 0) write(1, line, length);
}

static void getppid_bench(void)
{
    enum { N = 2000 };
    pid_t parent = getppid();
    if (parent < 0) return;
    unsigned ok = 0;
    uint64_t t0 = tsc();
    for (int i = 0; i < N; i++) ok += getppid() == parent;
    uint64_t t = tsc() - t0;
    if (ok == N) report("linux_getppid", t, N);
}

static void open_close_bench(void)
{
    enum { N = 500 };
    const char *path = "/tmp/linuxbench-open";
    int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0644);
    if (fd < 0 || close(fd) != 0) return;
    unsigned ok = 0;
    uint64_t t0 = tsc();
    for (int i = 0; i < N; i++) {
        fd = open(path, O_RDONLY);
        ok += fd >= 0 && close(fd) == 0;
    }
    uint64_t t = tsc() - t0;
    unlink(path);
    if (ok == N) report("linux_open_close", t, N);
}

/* pread of 4 KiB of a cached file in /tmp (ramfs, as tmpfs), at offset 0 each time. */
static void pread_bench(void)
{
    enum { N = 1000, Size = 4096 };
    static char data[Size], buffer[Size];
    const char *path = "/tmp/linuxbench-read";
    for (int i = 0; i < Size; i++) data[i] = (char)(i * 7 + 1);
    int fd = open(path, O_CREAT | O_TRUNC | O_RDWR, 0644);
    if (fd < 0) return;
    int ready = write(fd, data, Size) == Size && pread(fd, buffer, Size, 0) == Size;
    unsigned ok = 0;
    uint64_t t0 = tsc();
    for (int i = 0; i < N && ready; i++) ok += pread(fd, buffer, Size, 0) == Size;
    uint64_t t = tsc() - t0;
    close(fd);
    unlink(path);
    if (ok == N && memcmp(buffer, data, Size) == 0) report("linux_pread_4KiB", t, N);
}

/* 8 bytes to a child through one pipe and back through another (the child echoes). */
static void pipe_bench(void)
{
    enum { N = 200 };
    int down[2], up[2];
    if (pipe(down) != 0) return;
    if (pipe(up) != 0) {
        close(down[0]);
        close(down[1]);
        return;
    }
    pid_t child = fork();
    if (child == 0) {
        char b[8];
        close(down[1]);
        close(up[0]);
        while (read(down[0], b, 8) == 8)
            if (write(up[1], b, 8) != 8) break;
        _exit(0);
    }
    close(down[0]);
    close(up[1]);
    unsigned ok = 0;
    uint64_t t = 0;
    if (child > 0) {
        char out[8] = "ping-000", in[8];
        uint64_t t0 = tsc();
        for (int i = 0; i < N; i++) {
            out[7] = (char)('0' + i % 10);
            ok += write(down[1], out, 8) == 8 && read(up[0], in, 8) == 8 && memcmp(in, out, 8) == 0;
        }
        t = tsc() - t0;
    }
    close(down[1]);   /* the child reads its end of file and exits */
    close(up[0]);
    int status = -1;
    if (child > 0 && waitpid(child, &status, 0) == child && WIFEXITED(status) && WEXITSTATUS(status) == 0 && ok == N)
        report("linux_pipe_roundtrip_8B", t, N);
}

/* fork; the child exits at once (or execs `program`); the parent waits for it. */
static int fork_wait(const char *program)
{
    pid_t child = fork();
    if (child < 0) return 0;
    if (child == 0) {
        if (program) {
            char *argv[] = { (char *)program, NULL };
            execve(program, argv, environ);
            _exit(127);
        }
        _exit(0);
    }
    int status = -1;
    return waitpid(child, &status, 0) == child && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static void fork_bench(const char *name, const char *program, unsigned n)
{
    if (!fork_wait(program)) return;   /* once first: fork or exec may not be there yet */
    unsigned ok = 0;
    uint64_t t0 = tsc();
    for (unsigned i = 0; i < n; i++) ok += fork_wait(program);
    uint64_t t = tsc() - t0;
    if (ok == n) report(name, t, n);
}

/* The first touch of each page of a fresh anonymous mapping. A touch that costs no more than a store
 * took no fault (the mapping was made whole by mmap): not what this measures. */
static void page_fault_bench(void)
{
    enum { Pages = 256 };
    char *area = mmap(NULL, Pages * 4096UL, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (area == MAP_FAILED) return;
    uint64_t t0 = tsc();
    for (int i = 0; i < Pages; i++) ((volatile char *)area)[i * 4096UL] = 1;
    uint64_t t = tsc() - t0;
    int ok = 1;
    for (int i = 0; i < Pages; i++) ok &= area[i * 4096UL] == 1 && area[i * 4096UL + 1] == 0;
    munmap(area, Pages * 4096UL);
    if (ok && t / Pages > 100) report("linux_page_fault", t, Pages);
}

/* Threads (issue 15): pthread_create of a thread that returns at once, and its join. A first pair,
 * not counted, makes the process's first thread (the personality then moves its memory: ADR 0027). */
static void *nothing(void *arg) { return arg; }

static void thread_bench(void)
{
    enum { N = 20 };
    pthread_t t;
    if (pthread_create(&t, NULL, nothing, NULL) != 0 || pthread_join(t, NULL) != 0) return;
    unsigned ok = 0;
    uint64_t t0 = tsc();
    for (int i = 0; i < N; i++) ok += pthread_create(&t, NULL, nothing, NULL) == 0 && pthread_join(t, NULL) == 0;
    uint64_t total = tsc() - t0;
    if (ok == N) report("linux_thread_create_join", total, N);
}

/* A futex round trip between two threads: the main one sets the word to 1 and wakes the other, which
 * sets it to 2 and wakes the main one; each waits while the word is not its number. */
static volatile int turn;
enum { FutexRounds = 200 };

static void await_turn(int mine)
{
    for (int v = turn; v != mine; v = turn) syscall(SYS_futex, &turn, FUTEX_WAIT_PRIVATE, v, NULL, NULL, 0);
}

static void give_turn(int theirs)
{
    turn = theirs;
    syscall(SYS_futex, &turn, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

static void *futex_partner(void *arg)
{
    (void)arg;
    for (int i = 0; i < FutexRounds; i++) {
        await_turn(1);
        give_turn(2);
    }
    return NULL;
}

static void futex_bench(void)
{
    pthread_t t;
    turn = 0;
    if (pthread_create(&t, NULL, futex_partner, NULL) != 0) return;
    uint64_t t0 = tsc();
    for (int i = 0; i < FutexRounds; i++) {
        give_turn(1);
        await_turn(2);
    }
    uint64_t total = tsc() - t0;
    if (pthread_join(t, NULL) == 0) report("linux_futex_roundtrip", total, FutexRounds);
}

static int spawn_wait(const char *busybox)
{
    char *argv[] = { "busybox", "true", NULL };
    pid_t child;
    if (posix_spawn(&child, busybox, NULL, NULL, argv, environ) != 0) return 0;
    int status = -1;
    return waitpid(child, &status, 0) == child && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static void spawn_bench(const char *busybox)
{
    enum { N = 20 };
    if (!spawn_wait(busybox)) return;
    unsigned ok = 0;
    uint64_t t0 = tsc();
    for (int i = 0; i < N; i++) ok += spawn_wait(busybox);
    uint64_t t = tsc() - t0;
    if (ok == N) report("busybox_true_spawn", t, N);
}

int main(int argc, char **argv)
{
    const char *bin = argc > 1 ? argv[1] : "/bin";
    char busybox[256], tiny[256];
    snprintf(busybox, sizeof busybox, "%s/busybox", bin);
    snprintf(tiny, sizeof tiny, "%s/linux-true", bin);
    signal(SIGPIPE, SIG_IGN);
    getppid_bench();
    open_close_bench();
    pread_bench();
    page_fault_bench();
    pipe_bench();
    fork_bench("linux_fork_exit_wait", NULL, 50);
    fork_bench("linux_fork_exec_wait", tiny, 20);
    spawn_bench(busybox);
    thread_bench();
    futex_bench();
    return 0;
}
