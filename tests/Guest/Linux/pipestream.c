/*
 * pipestream: a writer streaming small writes into a pipe (Pipes/ReaderWakes.cs, docs/design/linux.md
 * "Pipes"). Every byte arrives, in order; a reader parked on the pipe gets a byte the writer left there
 * while the writer runs on without calling anything (the put-off wake's deadline), long before the
 * writer stops; a request and its answer through two pipes go at once. How many reads the stream
 * takes is printed, not checked: a reader that is never parked (both processes runnable, taking
 * turns at each call as the kernel's scheduler has them) reads a byte at a time on Vireo whatever the
 * wakes do, and Linux's count depends on its scheduler and a second CPU.
 */
#include "check.h"
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>

enum { Writes = 3000 };

static long now_us(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000000L + t.tv_nsec / 1000;
}

static void test_stream(void)
{
    int p[2];
    pipe(p);
    pid_t child = fork();
    if (child == 0) {
        close(p[0]);
        for (int i = 0; i < Writes; i++) {
            char c = (char)('a' + i % 26);
            if (write(p[1], &c, 1) != 1) _exit(2);
        }
        _exit(0);
    }
    close(p[1]);
    char buf[4096];
    int reads = 0, total = 0, in_order = 1, n;
    while ((n = read(p[0], buf, sizeof buf)) > 0) {
        for (int i = 0; i < n; i++) in_order &= buf[i] == (char)('a' + (total + i) % 26);
        total += n;
        reads++;
    }
    close(p[0]);
    int st;
    waitpid(child, &st, 0);
    CHECK("stream_all_bytes_in_order", total == Writes && in_order && WIFEXITED(st) && WEXITSTATUS(st) == 0);
    check_say("pipestream: %d one-byte writes came in %d reads\n", Writes, reads);
}

/* Reads until `want` bytes came or the pipe ends or fails; how many came. */
static int read_exactly(int fd, char *into, int want)
{
    int n = 0, r;
    while (n < want && (r = read(fd, into + n, want - n)) > 0) n += r;
    return n;
}

/* Two pipes (the bytes, and a report on them), then a fork. */
static pid_t fork_with_pipes(int data[2], int report[2])
{
    pipe(data);
    pipe(report);
    return fork();
}

/* The writer puts two bytes in (the second a stream's, its wake put off) and then spins for 400 ms
 * calling only clock_gettime (a call that is not a write sends the put-off wake): the reader must have
 * both long before that ends. */
static void test_left_behind(void)
{
    int data[2], report[2];
    pid_t child = fork_with_pipes(data, report);
    if (child == 0) {
        close(data[1]);
        close(report[0]);
        char got[2];
        if (read_exactly(data[0], got, 2) != 2) _exit(2);
        long at = now_us();
        write(report[1], &at, sizeof at);
        _exit(got[0] == 'x' && got[1] == 'y' ? 0 : 3);
    }
    close(data[0]);
    close(report[1]);
    struct timespec settle = { 0, 50000000L };
    nanosleep(&settle, NULL);   /* the child parks in its read */
    write(data[1], "x", 1);
    write(data[1], "y", 1);
    long start = now_us();
    volatile unsigned long spin = 0;
    while (now_us() - start < 400000) spin++;   /* clock_gettime: a call, but not a write */
    long end = now_us();
    long at = 0;
    int n = read(report[0], &at, sizeof at);
    int st;
    waitpid(child, &st, 0);
    close(data[1]);
    close(report[0]);
    CHECK("left_byte_reaches_parked_reader", n == sizeof at && WIFEXITED(st) && WEXITSTATUS(st) == 0 && at < end - 200000);
    if (!(n == sizeof at && at < end - 200000)) check_say("  (reader at %ld, writer's spin %ld..%ld)\n", at, start, end);
}

/* A writer that only writes, then computes without any call: the put-off wake's deadline must get
 * its bytes to the reader long before the writer's next call. The writer says afterwards when its
 * stretch without calls ended. */
static void test_deadline(void)
{
    int data[2], report[2];
    pid_t child = fork_with_pipes(data, report);
    if (child == 0) {
        close(data[0]);
        close(report[0]);
        struct timespec settle = { 0, 50000000L };
        nanosleep(&settle, NULL);   /* the parent parks in its read */
        write(data[1], "x", 1);
        write(data[1], "y", 1);
        volatile unsigned long spin = 0;
        for (unsigned long i = 0; i < 300000000UL; i++) spin++;   /* no call at all */
        long end = now_us();
        write(report[1], &end, sizeof end);
        _exit(0);
    }
    close(data[1]);
    close(report[1]);
    char got[2];
    int n = read_exactly(data[0], got, 2);
    long at = now_us(), end = 0;
    int m = read(report[0], &end, sizeof end);
    waitpid(child, NULL, 0);
    close(data[0]);
    close(report[0]);
    CHECK("deadline_delivers_stream_bytes", n == 2 && got[0] == 'x' && got[1] == 'y' && m == sizeof end && at < end - 50000);
    if (!(m == sizeof end && at < end - 50000)) check_say("  (reader had both at %ld, the writer's stretch ended at %ld)\n", at, end);
}

/* A request and its answer: each write is followed by a read, so no wake waits. */
static void test_ping_pong(void)
{
    int there[2], back[2];
    pipe(there);
    pipe(back);
    pid_t child = fork();
    if (child == 0) {
        char c;
        close(there[1]);
        close(back[0]);
        while (read(there[0], &c, 1) == 1) write(back[1], &c, 1);
        _exit(0);
    }
    close(there[0]);
    close(back[1]);
    int ok = 1;
    long start = now_us();
    for (int i = 0; i < 200 && ok; i++) {
        char c = (char)i, d = 0;
        ok = write(there[1], &c, 1) == 1 && read(back[0], &d, 1) == 1 && d == c;
    }
    long took = now_us() - start;
    close(there[1]);
    close(back[0]);
    waitpid(child, NULL, 0);
    /* 200 round trips put off by 2 ms each would take 400 ms at least */
    CHECK("ping_pong_not_delayed", ok && took < 400000);
    if (!(ok && took < 400000)) check_say("  (200 round trips took %ld us)\n", took);
}

int main(void)
{
    check_program = "pipestream";
    test_stream();
    test_left_behind();
    test_deadline();
    test_ping_pong();
    return SUMMARY();
}
