/*
 * jobs: job control as a shell uses it (run by linux_suite, so fds 0-2 are the console): stop and
 * continue seen through wait4's WUNTRACED and WCONTINUED (each reported once), SIGTSTP's default and a
 * handler for it, tcsetpgrp naming a child's group and its errors, the console's Ctrl-Z, Ctrl-C and
 * Ctrl-\ reaching only the foreground group as SIGTSTP, SIGINT and SIGQUIT (raised through ttyd's
 * /scheme/tty/interrupt, which Linux has not: those checks are skipped there), no core bit for
 * SIGQUIT's death (RLIMIT_CORE 0), and termios's VTIME ending a raw read with VMIN 0 (docs/design/linux.md,
 * "The terminal"; tty.md).
 */
#include "check.h"
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>

static int status_of(pid_t pid, int options)
{
    int status = -1;
    while (waitpid(pid, &status, options) < 0 && errno == EINTR) {}
    return status;
}

static long now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000L + t.tv_nsec / 1000000L;
}

/* A child in a process group of its own, as a shell makes a job: this program leads its session, so
 * its own group is orphaned, and Linux ignores terminal stops (SIGTSTP) sent to an orphaned group. */
static pid_t spawn_sleeper(void)
{
    pid_t pid = fork();
    if (pid == 0) {
        setpgid(0, 0);
        signal(SIGINT, SIG_DFL);   /* the parent may be ignoring it; a job takes the default */
        for (;;) pause();
    }
    setpgid(pid, pid);   /* both sides, as a shell does: no race with the test */
    return pid;
}

static volatile int tstp_seen;
static void on_tstp(int sig) { (void)sig; tstp_seen++; }

static void test_stop_continue(void)
{
    pid_t pid = spawn_sleeper();
    kill(pid, SIGTSTP);
    int st = status_of(pid, WUNTRACED);
    CHECK("tstp_stops", WIFSTOPPED(st) && WSTOPSIG(st) == SIGTSTP);
    CHECK("stop_reported_once", waitpid(pid, &st, WUNTRACED | WNOHANG) == 0);
    kill(pid, SIGCONT);
    st = status_of(pid, WCONTINUED);
    CHECK("cont_continues", WIFCONTINUED(st));
    CHECK("continue_reported_once", waitpid(pid, &st, WCONTINUED | WNOHANG) == 0);
    kill(pid, SIGSTOP);
    st = status_of(pid, WUNTRACED);
    CHECK("stop_stops", WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP);
    kill(pid, SIGTERM);   /* pending while stopped: the continue delivers it */
    CHECK("stopped_keeps_term_pending", waitpid(pid, &st, WNOHANG) == 0);
    kill(pid, SIGCONT);
    st = status_of(pid, 0);
    CHECK("term_after_cont", WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM);

    /* A handler for SIGTSTP runs instead of the stop. */
    signal(SIGTSTP, on_tstp);
    raise(SIGTSTP);
    CHECK("tstp_handler", tstp_seen == 1);
    signal(SIGTSTP, SIG_DFL);
}

static void test_foreground(void)
{
    pid_t self = getpgrp();
    CHECK("tcgetpgrp_own", tcgetpgrp(0) == self);
    pid_t child = spawn_sleeper();
    CHECK("tcsetpgrp_child", tcsetpgrp(0, child) == 0 && tcgetpgrp(0) == child && tcgetpgrp(1) == child);
    CHECK("tcsetpgrp_back", tcsetpgrp(0, self) == 0 && tcgetpgrp(0) == self);
    kill(child, SIGKILL);
    status_of(child, 0);

    /* A group in another session is EPERM. */
    int ready[2];
    pipe(ready);
    pid_t leader = fork();
    if (leader == 0) {
        setsid();
        write(ready[1], "x", 1);
        for (;;) pause();
    }
    char c;
    read(ready[0], &c, 1);
    CHECK_ERRNO("tcsetpgrp_other_session", tcsetpgrp(0, leader), EPERM);
    kill(leader, SIGKILL);
    status_of(leader, 0);
}

/* Raises the console's event `kind` (0x03 Ctrl-C, 0x1C Ctrl-\, 0x1A Ctrl-Z) as the key would. */
static int raise_key(int events, char kind)
{
    return write(events, &kind, 1) == 1;
}

static void test_console_keys(void)
{
    int events = open("/scheme/tty/interrupt", O_WRONLY);
    if (events < 0) {
        check_say("jobs: no /scheme/tty/interrupt (not Vireo): the console's keys are not checked\n");
        return;
    }
    signal(SIGINT, SIG_IGN);   /* this program is a group of its own: only the foreground must hear */
    pid_t self = getpgrp();
    pid_t child = spawn_sleeper();
    tcsetpgrp(0, child);
    CHECK("ctrl_z_raised", raise_key(events, 0x1A));
    int st = status_of(child, WUNTRACED);
    CHECK("ctrl_z_stops_foreground", WIFSTOPPED(st) && WSTOPSIG(st) == SIGTSTP);
    tcsetpgrp(0, self);
    kill(child, SIGCONT);   /* `bg`: it runs on in the background */
    st = status_of(child, WCONTINUED);
    CHECK("bg_continues", WIFCONTINUED(st));
    raise_key(events, 0x03);   /* the foreground is this program now: the child does not hear */
    struct timespec settle = { 0, 200000000L };
    nanosleep(&settle, NULL);   /* the event reaches the personality after the write returns */
    CHECK("ctrl_c_spares_background", waitpid(child, &st, WNOHANG) == 0);
    tcsetpgrp(0, child);   /* `fg` */
    raise_key(events, 0x03);
    st = status_of(child, 0);
    CHECK("ctrl_c_ends_foreground", WIFSIGNALED(st) && WTERMSIG(st) == SIGINT);

    child = spawn_sleeper();
    tcsetpgrp(0, child);
    raise_key(events, 0x1C);
    st = status_of(child, 0);
    CHECK("ctrl_backslash_quits_without_core", WIFSIGNALED(st) && WTERMSIG(st) == SIGQUIT && !WCOREDUMP(st));
    tcsetpgrp(0, self);
    signal(SIGINT, SIG_DFL);
    close(events);
}

static void test_vtime(void)
{
    struct termios saved, t;
    if (tcgetattr(0, &saved) != 0) return;
    t = saved;
    t.c_lflag &= ~(ICANON | ECHO);
    t.c_cc[VMIN] = 0;
    t.c_cc[VTIME] = 3;
    CHECK("vtime_set", tcsetattr(0, TCSANOW, &t) == 0 && tcgetattr(0, &t) == 0 && t.c_cc[VTIME] == 3);
    char c;
    long start = now_ms();
    ssize_t n = read(0, &c, 1);
    long took = now_ms() - start;
    CHECK("vtime_read_times_out", n == 0 && took >= 250 && took < 3000);
    t.c_cc[VTIME] = 0;
    tcsetattr(0, TCSANOW, &t);
    start = now_ms();
    CHECK("vmin0_vtime0_at_once", read(0, &c, 1) == 0 && now_ms() - start < 250);
    tcsetattr(0, TCSANOW, &saved);
}

int main(void)
{
    check_program = "jobs";
    signal(SIGTTOU, SIG_IGN);   /* taking the terminal back from a background group, as a shell does */
    test_stop_continue();
    test_foreground();
    test_console_keys();
    test_vtime();
    return SUMMARY();
}
