/*
 * memory: the personality's demand-paged memory (docs/design/linux.md, "Memory"): anonymous mmap
 * and brk read zero at the first touch, PROT_NONE reservations of a gigabyte, mprotect enforced
 * (checked through a syscall's EFAULT, since signals are not delivered yet), partial munmap,
 * MAP_FIXED over a reservation, madvise(MADV_DONTNEED) zeroing, MAP_PRIVATE file mappings, MAP_SHARED
 * file mappings (written through to the file, seen by read(2), by another mapping and across fork;
 * msync), fork's lazy copy-on-write, and each call's documented errors.
 */
#include "check.h"
#include <fcntl.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

static void *volatile bad = (void *)8;

/* Whether the personality can read [p, p + n): a write(2) of it to a file fails with EFAULT if not. */
static int readable(int fd, const void *p, size_t n)
{
    errno = 0;
    return write(fd, p, n) == (ssize_t)n;
}

/* Whether it can write there: read(2) from a file into it. */
static int writable(int fd, void *p, size_t n)
{
    lseek(fd, 0, SEEK_SET);
    errno = 0;
    return read(fd, p, n) == (ssize_t)n;
}

static int all_zero(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != 0) return 0;
    return 1;
}

int main(void)
{
    check_program = "memory";
    long page = 4096;
    int scratch = open("/tmp/memory-scratch", O_CREAT | O_TRUNC | O_RDWR, 0644);
    char fill[8192];
    memset(fill, 'f', sizeof fill);
    write(scratch, fill, sizeof fill);

    /* Anonymous memory: zero at the first touch, then what was written. */
    char *a = mmap(NULL, 16 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK("mmap_anonymous", a != MAP_FAILED);
    CHECK("first_touch_zero", all_zero(a, 16 * page));
    a[5 * page + 7] = 42;
    CHECK("written_stays", a[5 * page + 7] == 42 && a[5 * page + 6] == 0);

    /* Partial munmap: the hole is gone, both sides stay. */
    CHECK("munmap_middle", munmap(a + 4 * page, 4 * page) == 0);
    CHECK("munmap_hole_unreadable", !readable(scratch, a + 5 * page, 1) && errno == EFAULT);
    CHECK("munmap_sides_stay", readable(scratch, a + 3 * page, page) && a[8 * page] == 0 && (a[8 * page] = 1) == 1);
    CHECK_ERRNO("munmap_unaligned", munmap(a + 1, page), EINVAL);
    CHECK_ERRNO("munmap_zero_length", munmap(a, 0), EINVAL);
    CHECK("munmap_unmapped_ok", munmap(a + 4 * page, page) == 0);

    /* mprotect: read-only refuses writes (a read(2) into it is EFAULT), PROT_NONE refuses reads,
       and the bytes come back with the protection. */
    a[page] = 7;
    CHECK("mprotect_read_only", mprotect(a, 2 * page, PROT_READ) == 0);
    CHECK("mprotect_read_only_readable", readable(scratch, a + page, 1) && a[page] == 7);
    CHECK("mprotect_read_only_unwritable", !writable(scratch, a + page, 1) && errno == EFAULT);
    CHECK("mprotect_none", mprotect(a, 2 * page, PROT_NONE) == 0);
    CHECK("mprotect_none_unreadable", !readable(scratch, a + page, 1) && errno == EFAULT);
    CHECK("mprotect_back", mprotect(a, 2 * page, PROT_READ | PROT_WRITE) == 0 && a[page] == 7 && (a[page] = 8) == 8);
    CHECK_ERRNO("mprotect_unaligned", mprotect(a + 1, page, PROT_READ), EINVAL);
    CHECK_ERRNO("mprotect_bad_prot", mprotect(a, page, 0x100), EINVAL);
    CHECK_ERRNO("mprotect_over_hole", mprotect(a, 16 * page, PROT_READ), ENOMEM);
    CHECK_ERRNO("mprotect_unmapped", mprotect((void *)0x10000, page, PROT_READ), ENOMEM);

    /* madvise(MADV_DONTNEED): anonymous pages read zero again. */
    a[9 * page] = 9;
    CHECK("madvise_dontneed", madvise(a + 8 * page, 2 * page, MADV_DONTNEED) == 0);
    CHECK("madvise_dontneed_zero", all_zero(a + 8 * page, 2 * page));
    CHECK_ERRNO("madvise_unaligned", madvise(a + 1, page, MADV_DONTNEED), EINVAL);
    CHECK_ERRNO("madvise_bad_advice", madvise(a, page, 12345), EINVAL);
    CHECK_ERRNO("madvise_unmapped", madvise(a + 4 * page, page, MADV_DONTNEED), ENOMEM);
    CHECK("madvise_normal", madvise(a, page, MADV_NORMAL) == 0);

    /* A gigabyte of PROT_NONE costs nothing; a page of it made usable works. */
    char *big = mmap(NULL, 1UL << 30, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    CHECK("mmap_1GiB_none", big != MAP_FAILED);
    CHECK("mmap_1GiB_unreadable", !readable(scratch, big + (512L << 20), 1) && errno == EFAULT);
    CHECK("mprotect_inside_1GiB", mprotect(big + (512L << 20), page, PROT_READ | PROT_WRITE) == 0);
    big[(512L << 20) + 1] = 3;
    CHECK("touch_inside_1GiB", big[(512L << 20) + 1] == 3 && big[512L << 20] == 0);
    char *big2 = mmap(NULL, 1UL << 30, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    CHECK("mmap_1GiB_second", big2 != MAP_FAILED && big2 != big);
    big2[(1UL << 30) - 1] = 1;
    CHECK("touch_end_of_1GiB", big2[(1UL << 30) - 1] == 1);
    CHECK("munmap_1GiB", munmap(big, 1UL << 30) == 0 && munmap(big2, 1UL << 30) == 0);

    /* MAP_FIXED replaces what was there with fresh zeros; MAP_FIXED_NOREPLACE refuses. */
    char *r = mmap(NULL, 4 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    r[page] = 5;
    char *f = mmap(r + page, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    CHECK("mmap_fixed_same_address", f == r + page);
    CHECK("mmap_fixed_zero", f[0] == 0);
    CHECK_ERRNO("mmap_fixed_noreplace", mmap(r, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0), EEXIST);
    CHECK_ERRNO("mmap_fixed_unaligned", mmap(r + 1, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0), EINVAL);
    char *hint = mmap(r + 2 * page, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK("mmap_hint_taken_elsewhere", hint != MAP_FAILED && hint != r + 2 * page);

    /* mmap's errors. */
    CHECK_ERRNO("mmap_zero_length", mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), EINVAL);
    CHECK_ERRNO("mmap_no_type", mmap(NULL, page, PROT_READ, MAP_ANONYMOUS, -1, 0), EINVAL);
    CHECK_ERRNO("mmap_unaligned_offset", mmap(NULL, page, PROT_READ, MAP_PRIVATE, scratch, 1), EINVAL);
    CHECK_ERRNO("mmap_bad_fd", mmap(NULL, page, PROT_READ, MAP_PRIVATE, 99, 0), EBADF);
    CHECK_ERRNO("mmap_too_long", mmap(NULL, 1UL << 47, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), ENOMEM);
    int wronly = open("/tmp/memory-scratch", O_WRONLY);
    CHECK_ERRNO("mmap_write_only_file", mmap(NULL, page, PROT_READ, MAP_PRIVATE, wronly, 0), EACCES);
    close(wronly);

    /* MAP_PRIVATE file mappings: the file's bytes, zero past its end, private writes. */
    int file = open("/tmp/memory-file", O_CREAT | O_TRUNC | O_RDWR, 0644);
    char text[5000];
    for (int i = 0; i < (int)sizeof text; i++) text[i] = (char)('a' + i % 26);
    write(file, text, sizeof text);
    char *m = mmap(NULL, 2 * page, PROT_READ, MAP_PRIVATE, file, 0);
    CHECK("mmap_file", m != MAP_FAILED);
    CHECK("mmap_file_bytes", memcmp(m, text, sizeof text) == 0);
    CHECK("mmap_file_zero_past_end", all_zero(m + sizeof text, 2 * page - sizeof text));
    char *w = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE, file, page);
    CHECK("mmap_file_offset", w != MAP_FAILED && w[0] == text[page]);
    w[0] = '!';
    char back;
    CHECK("mmap_private_write_stays_private", pread(file, &back, 1, page) == 1 && back == text[page] && w[0] == '!');
    close(file);
    CHECK("mmap_file_outlives_close", m[4999] == text[4999]);
    CHECK("munmap_file", munmap(m, 2 * page) == 0 && munmap(w, page) == 0);

    /* MAP_SHARED anonymous memory: zero, and madvise(MADV_DONTNEED) keeps its bytes (shmem). */
    char *sh = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    CHECK("mmap_shared_anonymous", sh != MAP_FAILED && all_zero(sh, 2 * page));
    sh[page] = 6;
    CHECK("madvise_shared_keeps", madvise(sh, 2 * page, MADV_DONTNEED) == 0 && sh[page] == 6);
    CHECK("munmap_shared", munmap(sh, 2 * page) == 0);

    /* MAP_SHARED of a file on /tmp (ramfs lends its own pages): stores are the file's at once. */
    int shf = open("/tmp/memory-shared", O_CREAT | O_TRUNC | O_RDWR, 0644);
    write(shf, text, sizeof text);   /* 5000 bytes: two pages, the second partly */
    char *s1 = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_SHARED, shf, 0);
    char *s2 = mmap(NULL, 2 * page, PROT_READ, MAP_SHARED, shf, 0);
    CHECK("mmap_shared_file", s1 != MAP_FAILED && s2 != MAP_FAILED && memcmp(s1, text, sizeof text) == 0);
    s1[10] = '#';
    s1[page + 3] = '$';
    char got[2] = { 0, 0 };
    CHECK("shared_store_seen_by_pread", pread(shf, &got[0], 1, 10) == 1 && got[0] == '#' && pread(shf, &got[1], 1, page + 3) == 1 && got[1] == '$');
    CHECK("shared_store_seen_by_other_mapping", s2[10] == '#' && s2[page + 3] == '$');
    CHECK("pwrite_seen_by_shared_mapping", pwrite(shf, "%", 1, 20) == 1 && s1[20] == '%' && s2[20] == '%');
    CHECK("msync", msync(s1, 2 * page, MS_SYNC) == 0 && msync(s1, page, MS_ASYNC | MS_INVALIDATE) == 0);
    CHECK_ERRNO("msync_unaligned", msync(s1 + 1, page, MS_SYNC), EINVAL);
    CHECK_ERRNO("msync_both", msync(s1, page, MS_SYNC | MS_ASYNC), EINVAL);
    CHECK_ERRNO("msync_bad_flags", msync(s1, page, 64), EINVAL);
    char *hole = mmap(NULL, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    munmap(hole, page);
    CHECK_ERRNO("msync_unmapped", msync(hole, page, MS_SYNC), ENOMEM);
    /* A fork's child writes through the same file pages (and through shared anonymous memory). */
    char *anon = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    anon[0] = 1;
    pid_t child = fork();
    if (child == 0) {
        s1[30] = '&';
        anon[0] = 2;
        anon[100] = 3;
        _exit(s1[10] == '#' && s2[page + 3] == '$' ? 0 : 1);
    }
    int status = -1;
    CHECK("shared_across_fork", waitpid(child, &status, 0) == child && WIFEXITED(status) && WEXITSTATUS(status) == 0 &&
          s1[30] == '&' && s2[30] == '&' && anon[0] == 2 && anon[100] == 3);
    CHECK("munmap_shared_file", munmap(s1, 2 * page) == 0 && munmap(s2, 2 * page) == 0 && munmap(anon, page) == 0);
    CHECK("shared_stores_kept", pread(shf, got, 1, 30) == 1 && got[0] == '&');
    close(shf);
    /* Read-only opens: PROT_READ is fine, PROT_WRITE (at mmap or by mprotect) is EACCES. */
    int rdonly = open("/tmp/memory-shared", O_RDONLY);
    char *ro = mmap(NULL, page, PROT_READ, MAP_SHARED, rdonly, 0);
    CHECK("mmap_shared_read_only", ro != MAP_FAILED && ro[10] == '#');
    CHECK_ERRNO("mprotect_shared_read_only_fd", mprotect(ro, page, PROT_READ | PROT_WRITE), EACCES);
    CHECK_ERRNO("mmap_shared_write_read_only_fd", mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, rdonly, 0), EACCES);
    munmap(ro, page);
    close(rdonly);
    /* An unlinked file stays mappable through its open fd; its stores reach it. */
    int gone = open("/tmp/memory-unlinked", O_CREAT | O_TRUNC | O_RDWR, 0644);
    write(gone, fill, page);
    unlink("/tmp/memory-unlinked");
    char *u = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, gone, 0);
    CHECK("mmap_unlinked_file", u != MAP_FAILED && u[0] == 'f');
    if (u != MAP_FAILED) u[1] = 'u';
    CHECK("unlinked_store_reaches_file", pread(gone, got, 2, 0) == 2 && got[0] == 'f' && got[1] == 'u');
    char *up = mmap(NULL, page, PROT_READ, MAP_PRIVATE, gone, 0);
    CHECK("mmap_private_unlinked_file", up != MAP_FAILED && up[1] == 'u');
    close(gone);
    if (u != MAP_FAILED) munmap(u, page);
    if (up != MAP_FAILED) munmap(up, page);
    /* A disk file shared read-only: its bytes, as read(2) gives them. */
    int passwd = open("/etc/passwd", O_RDONLY);
    char first[64];
    ssize_t pn = read(passwd, first, sizeof first);
    char *pm = mmap(NULL, page, PROT_READ, MAP_SHARED, passwd, 0);
    CHECK("mmap_shared_disk_file", pn > 0 && pm != MAP_FAILED && memcmp(pm, first, (size_t)pn) == 0);
    if (pm != MAP_FAILED) munmap(pm, page);
    close(passwd);

    /* fork's copy-on-write, taken lazily: the child sees the bytes of the fork's moment whatever the
     * parent writes after it, its own writes stay its own, and a grandchild sees the child's. */
    char *cow = mmap(NULL, 4 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    for (int i = 0; i < 4; i++) cow[i * page] = (char)('A' + i);
    child = fork();
    if (child == 0) {
        int ok = cow[0] == 'A' && cow[page] == 'B';
        cow[2 * page] = 'x';
        pid_t grandchild = fork();
        if (grandchild == 0) _exit(cow[2 * page] == 'x' && cow[3 * page] == 'D' && (cow[3 * page] = 'y') == 'y' ? 0 : 1);
        int gs = -1;
        ok = ok && waitpid(grandchild, &gs, 0) == grandchild && WIFEXITED(gs) && WEXITSTATUS(gs) == 0 && cow[3 * page] == 'D';
        _exit(ok && cow[2 * page] == 'x' ? 0 : 1);
    }
    cow[page] = 'p';
    cow[3 * page] = 'q';
    status = -1;
    CHECK("fork_cow_lazy", waitpid(child, &status, 0) == child && WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK("fork_cow_parent_keeps_its_own", cow[0] == 'A' && cow[page] == 'p' && cow[2 * page] == 'C' && cow[3 * page] == 'q');
    /* A child that ends without touching anything: the parent's pages are its own again. */
    child = fork();
    if (child == 0) _exit(0);
    waitpid(child, &status, 0);
    for (int i = 0; i < 4; i++) cow[i * page] = (char)('a' + i);
    CHECK("fork_cow_after_child_exit", cow[0] == 'a' && cow[3 * page] == 'd' && munmap(cow, 4 * page) == 0);

    /* brk: grows with zeroed pages, shrinks. */
    char *start = sbrk(0);
    CHECK("brk_grow", sbrk(3 * page) == start);
    CHECK("brk_zero", all_zero(start, 3 * page));
    start[2 * page] = 1;
    CHECK("brk_shrink", sbrk(-2 * page) == start + 3 * page && sbrk(0) == start + page);
    CHECK("brk_shrunk_unreadable", !readable(scratch, start + 2 * page, 1) && errno == EFAULT);
    CHECK("brk_regrow_zero", sbrk(2 * page) == start + page && start[2 * page] == 0);
    CHECK("brk_bad_pointer", syscall(SYS_brk, bad) == (long)sbrk(0));

    close(scratch);
    return SUMMARY();
}
