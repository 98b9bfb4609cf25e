/*
 * mapsize: a file mapping follows its file's size (docs/design/linux.md, "File mappings past the end"):
 * a touch of a page wholly past the end of the file is SIGBUS with BUS_ADRERR and si_addr the address,
 * for MAP_SHARED and MAP_PRIVATE alike (the partial last page reads zeros past the end); a syscall's
 * buffer there is EFAULT; a file grown after mmap (ftruncate, or write(2) past its end) shows its new
 * bytes through the existing shared mapping, and a file shrunk takes its pages away again (SIGBUS),
 * in a forked child's mapping too.
 */
#include "check.h"
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/wait.h>

static sigjmp_buf back;
static volatile int seen_signal, seen_code;
static void *volatile seen_addr;

static void on_fault(int sig, siginfo_t *info, void *context)
{
    (void)context;
    seen_signal = sig;
    seen_code = info->si_code;
    seen_addr = info->si_addr;
    siglongjmp(back, 1);
}

/* Reads the byte at p: its value, or -1 with the signal noted if the read faulted. */
static int touch(volatile char *p)
{
    seen_signal = 0;
    seen_code = 0;
    seen_addr = 0;
    if (sigsetjmp(back, 1) != 0) return -1;
    return *p;
}

/* Writes c at p: 0, or -1 if the write faulted. */
static int poke(volatile char *p, char c)
{
    seen_signal = 0;
    if (sigsetjmp(back, 1) != 0) return -1;
    *p = c;
    return 0;
}

static int bus_at(const volatile void *p) { return seen_signal == SIGBUS && seen_code == BUS_ADRERR && seen_addr == p; }

int main(void)
{
    check_program = "mapsize";
    long page = 4096;
    struct sigaction sa = { 0 };
    sa.sa_sigaction = on_fault;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGBUS, &sa, NULL);
    sigaction(SIGSEGV, &sa, NULL);

    /* A file of one page and 100 bytes, mapped over four pages. */
    int fd = open("/tmp/mapsize", O_CREAT | O_TRUNC | O_RDWR, 0644);
    char fill[4196];
    memset(fill, 'a', sizeof fill);
    CHECK("file_made", fd >= 0 && write(fd, fill, sizeof fill) == (ssize_t)sizeof fill);
    char *s = mmap(NULL, 4 * page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    char *q = mmap(NULL, 4 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    CHECK("mapped", s != MAP_FAILED && q != MAP_FAILED);
    CHECK("shared_in_file", touch(s + 5) == 'a' && touch(s + page + 99) == 'a');
    CHECK("shared_last_page_zero_past_end", touch(s + page + 100) == 0 && touch(s + 2 * page - 1) == 0 && seen_signal == 0);
    CHECK("shared_past_end_sigbus", touch(s + 2 * page + 8) == -1 && bus_at(s + 2 * page + 8));
    CHECK("shared_write_past_end_sigbus", poke(s + 3 * page, 'x') == -1 && bus_at(s + 3 * page));
    CHECK("private_in_file", touch(q + page + 99) == 'a' && touch(q + page + 100) == 0);
    CHECK("private_past_end_sigbus", touch(q + 2 * page + 16) == -1 && bus_at(q + 2 * page + 16));
    int other = open("/tmp/mapsize-other", O_CREAT | O_TRUNC | O_RDWR, 0644);
    CHECK_ERRNO("syscall_buffer_past_end_efault", write(other, s + 2 * page, 16), EFAULT);
    close(other);
    unlink("/tmp/mapsize-other");

    /* Grown with ftruncate: the new pages are there (zeros), and what is stored is the file's. */
    CHECK("ftruncate_grow", ftruncate(fd, 3 * page) == 0);
    CHECK("grown_page_zero", touch(s + 2 * page + 8) == 0 && seen_signal == 0);
    CHECK("grown_page_written", poke(s + 2 * page + 8, 'g') == 0);
    char got = 0;
    CHECK("grown_page_is_file", pread(fd, &got, 1, 2 * page + 8) == 1 && got == 'g');
    CHECK("still_past_end_sigbus", touch(s + 3 * page) == -1 && bus_at(s + 3 * page));

    /* Grown with write(2) past the end: the bytes show through the mapping. */
    CHECK("write_grow", pwrite(fd, "wxyz", 4, 3 * page + 10) == 4);
    CHECK("written_page_seen", touch(s + 3 * page + 10) == 'w' && touch(s + 3 * page + 13) == 'z');

    /* Shrunk: pages past the new end go, from this mapping and from a forked child's. */
    int go[2];
    pipe(go);
    pid_t child = fork();
    if (child == 0) {
        /* The child holds the pages too (touched before the fork); it waits for the parent's truncate. */
        char c = 0;
        close(go[1]);
        read(go[0], &c, 1);
        int ok = touch(s + 2 * page) == -1 && bus_at(s + 2 * page) && touch(s + 5) == 'a';
        _exit(ok ? 0 : 1);
    }
    close(go[0]);
    CHECK("ftruncate_shrink", ftruncate(fd, page + 100) == 0);
    write(go[1], "t", 1);
    CHECK("shrunk_page_sigbus", touch(s + 2 * page + 8) == -1 && bus_at(s + 2 * page + 8));
    CHECK("shrunk_private_sigbus", touch(q + 2 * page + 16) == -1 && bus_at(q + 2 * page + 16));
    CHECK("shrunk_kept_part", touch(s + page + 99) == 'a' && seen_signal == 0);
    int status = -1;
    CHECK("shrunk_in_forked_child", waitpid(child, &status, 0) == child && WIFEXITED(status) && WEXITSTATUS(status) == 0);

    /* Without a handler, SIGBUS ends the process as Linux's default (core). */
    child = fork();
    if (child == 0) {
        signal(SIGBUS, SIG_DFL);
        *(volatile char *)(s + 3 * page) = 1;
        _exit(0);
    }
    CHECK("sigbus_default_kills", waitpid(child, &status, 0) == child && WIFSIGNALED(status) && WTERMSIG(status) == SIGBUS);
    munmap(s, 4 * page);
    munmap(q, 4 * page);
    close(fd);
    unlink("/tmp/mapsize");
    return SUMMARY();
}
