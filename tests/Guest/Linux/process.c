/*
 * process: fork, vfork, clone, wait4, waitid, process groups and sessions, orphans, the process
 * table's limit, and the small process calls (affinity, rusage, times, mknod), against Linux's results
 * and errno values (docs/design/linux.md, "Processes"). Children never print TEST lines (their counts
 * would not reach the summary): they report through their exit status, shared memory or a file.
 */
#define _GNU_SOURCE
#include "check.h"
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <fcntl.h>
#include <time.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/times.h>
#include <sys/wait.h>

static void *volatile bad = (void *)8;
static volatile int global = 1;
static volatile int shared;

static void pause_ms(long ms)
{
    struct timespec t = { ms / 1000, (ms % 1000) * 1000000L };
    nanosleep(&t, NULL);
}

static long now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* The child's exit code, or -1 if it did not exit normally. */
static int reap(pid_t pid)
{
    int status = 0;
    if (wait4(pid, &status, 0, NULL) != pid) return -2;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void test_fork_and_wait(void)
{
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid == 0) {
        global = 2;
        _exit(getppid() == parent && getpid() != parent ? 42 : 1);
    }
    CHECK("fork_returns_child_pid", pid > 0 && pid != parent);
    int status = -1;
    struct rusage ru;
    memset(&ru, 0xff, sizeof ru);
    CHECK("wait4_returns_pid", wait4(pid, &status, 0, &ru) == pid);
    CHECK("child_getppid_and_exit_code", WIFEXITED(status) && WEXITSTATUS(status) == 42);
    CHECK("wait4_rusage_written", ru.ru_utime.tv_usec >= 0 && ru.ru_utime.tv_usec < 1000000 && ru.ru_maxrss >= 0);
    CHECK("fork_isolation", global == 1);

    pid = fork();
    if (pid == 0) {
        pause_ms(200);
        _exit(7);
    }
    CHECK("wnohang_while_running", wait4(pid, &status, WNOHANG, NULL) == 0);
    CHECK("wait4_blocks_until_exit", wait4(-1, &status, 0, NULL) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 7);
    CHECK_ERRNO("echild_no_children", wait4(-1, &status, 0, NULL), ECHILD);
    CHECK_ERRNO("echild_not_a_child", wait4(1, &status, WNOHANG, NULL), ECHILD);
    CHECK_ERRNO("wait4_bad_options", wait4(-1, &status, 0x1000, NULL), EINVAL);
    CHECK_ERRNO("wait4_int_min", wait4(-2147483647 - 1, &status, 0, NULL), ESRCH);

    pid = fork();
    if (pid == 0) _exit(3);
    CHECK_ERRNO("wait4_bad_status_pointer", wait4(pid, bad, 0, NULL), EFAULT);
    CHECK_ERRNO("efault_child_was_reaped", wait4(pid, &status, 0, NULL), ECHILD);

    pid = fork();
    if (pid == 0) {
        *(volatile int *)bad = 1;
        _exit(0);
    }
    CHECK("signal_death", wait4(pid, &status, 0, NULL) == pid && WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV);

    pid = fork();
    if (pid == 0) syscall(SYS_exit, 5);
    CHECK("exit_not_exit_group", reap(pid) == 5);
}

static void test_waitid(void)
{
    siginfo_t si;
    pid_t pid = fork();
    if (pid == 0) {
        pause_ms(100);
        _exit(5);
    }
    memset(&si, 0xff, sizeof si);
    CHECK("waitid_wnohang_running", waitid(P_PID, pid, &si, WEXITED | WNOHANG) == 0 && si.si_pid == 0 && si.si_signo == 0);
    memset(&si, 0, sizeof si);
    CHECK("waitid_wnowait", waitid(P_PID, pid, &si, WEXITED | WNOWAIT) == 0 && si.si_pid == pid && si.si_status == 5);
    memset(&si, 0, sizeof si);
    CHECK("waitid_exited", waitid(P_ALL, 0, &si, WEXITED) == 0 && si.si_signo == SIGCHLD && si.si_code == CLD_EXITED &&
                               si.si_pid == pid && si.si_status == 5);
    CHECK_ERRNO("waitid_reaped", waitid(P_PID, pid, &si, WEXITED), ECHILD);
    CHECK_ERRNO("waitid_no_event_kind", waitid(P_ALL, 0, &si, WNOHANG), EINVAL);
    CHECK_ERRNO("waitid_pid_zero", waitid(P_PID, 0, &si, WEXITED), EINVAL);
    CHECK_ERRNO("waitid_bad_idtype", waitid(7, 0, &si, WEXITED), EINVAL);

    pid = fork();
    if (pid == 0) {
        *(volatile int *)bad = 1;
        _exit(0);
    }
    /* SIGSEGV's default would dump core, but RLIMIT_CORE is 0 (Linux's default): CLD_KILLED, no core. */
    CHECK("waitid_killed", waitid(P_PID, pid, &si, WEXITED) == 0 && si.si_code == CLD_KILLED && si.si_status == SIGSEGV);
}

static void test_groups(void)
{
    int status;
    CHECK_ERRNO("setsid_session_leader", setsid(), EPERM);
    CHECK_ERRNO("setpgid_session_leader", setpgid(0, 0), EPERM);
    CHECK_ERRNO("setpgid_negative", setpgid(0, -1), EINVAL);
    CHECK_ERRNO("setpgid_no_such_process", setpgid(99999, 0), ESRCH);
    CHECK_ERRNO("setpgid_not_a_child", setpgid(getppid(), 0), ESRCH);
    CHECK_ERRNO("getpgid_no_such_process", getpgid(99999), ESRCH);
    CHECK_ERRNO("getsid_no_such_process", getsid(99999), ESRCH);
    CHECK("getpgid_self", getpgid(0) == getpgrp() && getsid(0) == getpid());

    pid_t a = fork();
    if (a == 0) {
        pause_ms(300);
        _exit(0);
    }
    pid_t b = fork();
    if (b == 0) {
        pause_ms(300);
        _exit(0);
    }
    CHECK("fork_inherits_group", getpgid(a) == getpgrp() && getsid(a) == getsid(0));
    CHECK_ERRNO("setpgid_missing_group", setpgid(a, 99999), EPERM);
    CHECK("setpgid_child_own_group", setpgid(a, a) == 0 && getpgid(a) == a);
    CHECK("setpgid_join_group", setpgid(b, a) == 0 && getpgid(b) == a);
    CHECK_ERRNO("wait4_own_group_none", wait4(0, &status, WNOHANG, NULL), ECHILD);
    pid_t first = wait4(-a, &status, 0, NULL);
    pid_t second = wait4(-a, &status, 0, NULL);
    CHECK("wait4_by_group", (first == a && second == b) || (first == b && second == a));

    pid_t c = fork();
    if (c == 0) {
        pid_t s = setsid();
        int ok = s == getpid() && getsid(0) == getpid() && getpgrp() == getpid();
        pause_ms(300);
        _exit(ok ? 0 : 1);
    }
    for (int i = 0; i < 100 && getsid(c) != c; i++) pause_ms(10);
    CHECK("getsid_other", getsid(c) == c);
    CHECK_ERRNO("setpgid_other_session", setpgid(c, c), EPERM);
    CHECK("setsid_in_child", reap(c) == 0);
}

static int clone_child(void *arg)
{
    *(volatile int *)arg = 11;
    return 6;
}

static void test_vfork(void)
{
    shared = 0;
    pid_t pid = vfork();
    if (pid == 0) {
        shared = 9;
        _exit(4);
    }
    CHECK("vfork_shares_memory", pid > 0 && shared == 9);
    CHECK("vfork_child_status", reap(pid) == 4);

    static char stack[65536] __attribute__((aligned(16)));
    volatile int value = 0;
    pid = clone(clone_child, stack + sizeof stack, CLONE_VM | CLONE_VFORK | SIGCHLD, (void *)&value);
    CHECK("clone_vm_vfork_own_stack", pid > 0 && value == 11);
    CHECK("clone_vm_vfork_status", reap(pid) == 6);
    CHECK_ERRNO("clone_thread_without_sighand", syscall(SYS_clone, CLONE_THREAD, 0, 0, 0, 0), EINVAL);
    CHECK_ERRNO("clone_sighand_without_vm", syscall(SYS_clone, CLONE_SIGHAND, 0, 0, 0, 0), EINVAL);
}

static void test_orphans(void)
{
    unlink("/tmp/orphan");
    pid_t pid = fork();
    if (pid == 0) {
        pid_t grandchild = fork();
        if (grandchild == 0) {
            for (int i = 0; i < 300 && getppid() != 1; i++) pause_ms(10);
            int fd = open("/tmp/orphan.new", O_CREAT | O_WRONLY | O_TRUNC, 0644);
            write(fd, getppid() == 1 ? "1" : "0", 1);
            close(fd);
            rename("/tmp/orphan.new", "/tmp/orphan");
            _exit(0);
        }
        _exit(grandchild > 0 ? 0 : 1);
    }
    CHECK("orphan_parent_exits", reap(pid) == 0);
    char c = 0;
    for (int i = 0; i < 300; i++) {
        int fd = open("/tmp/orphan", O_RDONLY);
        if (fd >= 0) {
            read(fd, &c, 1);
            close(fd);
            break;
        }
        pause_ms(10);
    }
    CHECK("orphan_getppid_is_1", c == '1');
}

/* Forks until fork fails: EAGAIN when the process table is full, ENOMEM when the personality's
 * capability slots or memory run out first (docs/design/linux.md, "Limits": a few children of this
 * program with the 1,024 slots the shell gives it); every child is alive at that moment (none has
 * exited yet), and afterwards all are reaped and fork works again. The children sleep until a common
 * deadline. */
static void test_fork_bomb(void)
{
    enum { Most = 400 };
    static pid_t kids[Most];
    long deadline = now_ms() + 8000;
    int n = 0, error = 0;
    while (n < Most) {
        pid_t k = fork();
        if (k == 0) {
            struct timespec until = { deadline / 1000, (deadline % 1000) * 1000000L };
            clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, NULL);
            _exit(0);
        }
        if (k < 0) {
            error = errno;
            break;
        }
        kids[n++] = k;
    }
    int status;
    int alive = now_ms() < deadline && wait4(-1, &status, WNOHANG, NULL) == 0;
    check_say("fork bomb: %d children, errno %d, %ld ms left\n", n, error, deadline - now_ms());
    CHECK("fork_bomb_refused", error == EAGAIN || error == ENOMEM);
    CHECK("children_alive_at_once", n >= 3 && alive);
    int reaped = 0;
    for (int i = 0; i < n; i++) reaped += reap(kids[i]) == 0;
    CHECK("fork_bomb_all_reaped", reaped == n);
    pid_t pid = fork();
    if (pid == 0) _exit(8);
    CHECK("fork_after_bomb", pid > 0 && reap(pid) == 8);
}

/* The CPUs /sys/devices/system/cpu/online names ("0" or "0-N"): 0 if it cannot be read. */
static int online_cpus(void)
{
    char text[32] = {0};
    int fd = open("/sys/devices/system/cpu/online", O_RDONLY);
    if (fd < 0) return 0;
    ssize_t n = read(fd, text, sizeof text - 1);
    close(fd);
    if (n < 2 || text[0] != '0') return 0;
    if (text[1] == '\n') return 1;
    return text[1] == '-' ? atoi(text + 2) + 1 : 0;
}

static int current_cpu(void)
{
    unsigned cpu = 999, node = 999;
    return syscall(SYS_getcpu, &cpu, &node, NULL) == 0 && node == 0 ? (int)cpu : -1;
}

static int only_cpu(int cpu)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    return sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) == 1 && CPU_ISSET(cpu, &set);
}

/* Affinity and getcpu over the machine's CPUs (one in the linux-programs boot, four in -smp 4's):
   the sets agree with /sys, and a thread pinned to a CPU makes its next call there (ADR 0031). */
static void test_cpus(void)
{
    int n = online_cpus();
    CHECK("sys_cpu_online_count", n >= 1 && n <= 64);
    printf("LINUX CPUS %d\n", n);   /* the -smp 4 boot checks it says 4 (./vireo's linux part) */
    fflush(stdout);
    if (n < 1) return;
    cpu_set_t set;
    CPU_ZERO(&set);
    int all = sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) == n;
    for (int i = 0; i < n; i++) all = all && CPU_ISSET(i, &set);
    CHECK("sched_getaffinity_every_online_cpu", all);
    CHECK("sysconf_nprocessors_onln", sysconf(_SC_NPROCESSORS_ONLN) == n);
    int cpu = current_cpu();
    CHECK("getcpu_online", cpu >= 0 && cpu < n);
    int pinned = 1;
    for (int i = n - 1; i >= 0; i--)
    {
        CPU_ZERO(&set);
        CPU_SET(i, &set);
        pinned = pinned && sched_setaffinity(0, sizeof set, &set) == 0 && current_cpu() == i && only_cpu(i);
    }
    CHECK("sched_setaffinity_each_cpu_getcpu", pinned);
    CPU_ZERO(&set);
    CPU_SET(n - 1, &set);
    pid_t pid = sched_setaffinity(0, sizeof set, &set) == 0 ? fork() : -1;
    if (pid == 0) _exit(only_cpu(n - 1) && current_cpu() == n - 1 ? 0 : 1);
    int status = -1;
    CHECK("sched_affinity_inherited_by_fork", pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CPU_ZERO(&set);
    for (int i = 0; i < n; i++) CPU_SET(i, &set);
    CHECK("sched_setaffinity_all_again", sched_setaffinity(0, sizeof set, &set) == 0 && sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) == n);
}

static void test_small_calls(void)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    CHECK("sched_getaffinity_cpu0", sched_getaffinity(0, sizeof set, &set) == 0 && CPU_ISSET(0, &set));
    CHECK("sched_getaffinity_length", syscall(SYS_sched_getaffinity, 0, sizeof set, &set) == 8);
    CHECK_ERRNO("sched_getaffinity_odd_length", syscall(SYS_sched_getaffinity, 0, 4, &set), EINVAL);
    CHECK_ERRNO("sched_getaffinity_no_such", sched_getaffinity(99999, sizeof set, &set), ESRCH);
    CHECK_ERRNO("sched_getaffinity_bad_pointer", syscall(SYS_sched_getaffinity, 0, 8, bad), EFAULT);
    CPU_ZERO(&set);
    CPU_SET(0, &set);
    CHECK("sched_setaffinity_cpu0", sched_setaffinity(0, sizeof set, &set) == 0);
    CPU_ZERO(&set);
    CPU_SET(63, &set);   /* no machine here has 64 CPUs */
    CHECK_ERRNO("sched_setaffinity_no_cpu", sched_setaffinity(0, sizeof set, &set), EINVAL);
    CHECK_ERRNO("sched_setaffinity_no_such", sched_setaffinity(99999, sizeof set, &set), ESRCH);
    CPU_ZERO(&set);
    for (int i = 0; i < 64; i++) CPU_SET(i, &set);
    CHECK("sched_setaffinity_any", sched_setaffinity(0, sizeof set, &set) == 0);

    struct rusage ru;
    memset(&ru, 0xff, sizeof ru);
    CHECK("getrusage_self", getrusage(RUSAGE_SELF, &ru) == 0 && ru.ru_maxrss >= 0 && ru.ru_stime.tv_usec < 1000000);
    memset(&ru, 0xff, sizeof ru);
    CHECK("getrusage_children", getrusage(RUSAGE_CHILDREN, &ru) == 0 && ru.ru_maxrss >= 0 && ru.ru_utime.tv_usec >= 0);
    CHECK_ERRNO("getrusage_bad_who", getrusage(5, &ru), EINVAL);
    CHECK_ERRNO("getrusage_bad_pointer", getrusage(RUSAGE_SELF, bad), EFAULT);
    struct tms t;
    memset(&t, 0xff, sizeof t);   /* a call that wrote nothing leaves -1 in every field */
    CHECK("times", times(&t) != (clock_t)-1 && t.tms_utime >= 0);
    CHECK_ERRNO("times_bad_pointer", syscall(SYS_times, bad), EFAULT);

    unlink("/tmp/node");
    struct stat st;
    CHECK("mknod_regular", mknod("/tmp/node", S_IFREG | 0600, 0) == 0 && stat("/tmp/node", &st) == 0 && S_ISREG(st.st_mode));
    CHECK_ERRNO("mknod_exists", mknod("/tmp/node", S_IFREG | 0600, 0), EEXIST);
    CHECK_ERRNO("mknod_fifo", mknod("/tmp/fifo", S_IFIFO | 0600, 0), EPERM);
    CHECK_ERRNO("mknod_device", mknod("/tmp/dev", S_IFCHR | 0600, makedev(1, 3)), EPERM);
    CHECK_ERRNO("mknod_directory", mknod("/tmp/dir", S_IFDIR | 0700, 0), EPERM);
    CHECK_ERRNO("mknod_link", mknod("/tmp/lnk", S_IFLNK | 0700, 0), EINVAL);
    CHECK_ERRNO("mknod_missing_dir", mknod("/nosuch/node", S_IFREG | 0600, 0), ENOENT);
    unlink("/tmp/node");
}

/* The free memory sys:/meminfo reports, in KiB (the process manager's: what every process holds
 * counts as used), or -1. */
static long free_kib(void)
{
    char text[256];
    int fd = open("/scheme/sys/meminfo", O_RDONLY);
    if (fd < 0) return -1;
    int n = read(fd, text, sizeof text - 1);
    close(fd);
    if (n <= 0) return -1;
    text[n] = 0;
    char *at = strstr(text, "free ");
    return at ? atol(at + 5) : -1;
}

/* fork, exit and wait many times over: every child's address space, page capabilities, thread,
 * endpoint copy and Reply object go back (the personality's 1,024 capability slots would run out
 * within a few rounds if they did not: each child holds one per page its parent had made). The memory
 * the personality holds is printed: copy-on-write leaves the parent's written pages as new frames
 * above the children's freed ones, which an untyped block's watermark does not reclaim
 * (docs/design/linux.md, "Limits"). */
static void test_fork_loop_releases(void)
{
    int failures = 0;
    /* The first rounds may make the personality take one more block for its heap: then it is steady. */
    for (int i = 0; i < 100; i++) {
        pid_t pid = fork();
        if (pid == 0) _exit(0);
        failures += pid < 0 || reap(pid) != 0;
    }
    long before = free_kib(), started = now_ms();
    for (int i = 0; i < 100; i++) {
        pid_t pid = fork();
        if (pid == 0) _exit(i & 0x7F);
        failures += pid < 0 || reap(pid) != (i & 0x7F);
    }
    long after = free_kib();
    check_say("fork loop: 100 fork+exit+wait in %ld ms, free %ld KiB before, %ld KiB after\n", now_ms() - started, before, after);
    CHECK("fork_loop_all_waited", failures == 0);
}

/* posix_spawn (glibc: clone3 with CLONE_VM|CLONE_VFORK on a stack of its own, then execve) of this
 * program, which answers 9 when told to; an exec failure comes back as posix_spawn's error; and a
 * child that has exec'd may no longer be moved to another group (EACCES). */
static void test_spawn(char *self)
{
    extern char **environ;
    pid_t pid = 0;
    char *exit_with[] = { self, "exit-with-9", NULL };
    CHECK("posix_spawn_self", posix_spawn(&pid, "/proc/self/exe", NULL, NULL, exit_with, environ) == 0 && reap(pid) == 9);
    CHECK("posix_spawn_missing", posix_spawn(&pid, "/nosuch", NULL, NULL, exit_with, environ) == ENOENT);
    pid = vfork();
    if (pid == 0) {
        execl("/proc/self/exe", self, "sleep", (char *)NULL);
        _exit(127);
    }
    CHECK_ERRNO("setpgid_after_exec", setpgid(pid, pid), EACCES);
    CHECK("vfork_exec_status", reap(pid) == 0);
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "exit-with-9") == 0) return 9;
    if (argc > 1 && strcmp(argv[1], "sleep") == 0) {
        pause_ms(200);
        return 0;
    }
    check_program = "process";
    test_fork_and_wait();
    test_waitid();
    test_groups();
    test_vfork();
    test_orphans();
    test_spawn(argv[0]);
    test_small_calls();
    test_cpus();
    test_fork_loop_releases();
    test_fork_bomb();
    return SUMMARY();
}
