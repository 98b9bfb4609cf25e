/*
 * ttysignals: job control's terminal rules (docs/design/linux.md, "The terminal"): a background group's
 * read of the console stops it with SIGTTIN (EIO when SIGTTIN is ignored or blocked), its write stops it
 * with SIGTTOU only under TOSTOP, its tcsetattr stops it with SIGTTOU unless SIGTTOU is ignored; and the
 * orphaned-group rule: a group nobody could continue reads EIO and throws SIGTSTP away, and a group
 * orphaned with a stopped member is sent SIGHUP and SIGCONT. Run with the console as fds 0-2; each
 * child is a group of its own, started as a shell starts a background job.
 */
#include "check.h"
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <termios.h>

enum { ChildEio = 10, ChildOk = 11, ChildOther = 12 };

static int status_of(pid_t pid, int options)
{
    int st = -1;
    while (waitpid(pid, &st, options) < 0 && errno == EINTR) {}
    return st;
}

/* A background job running `job`; its wait status (stopped ones are killed after being seen). */
static int background(void (*job)(void))
{
    pid_t pid = fork();
    if (pid == 0) {
        setpgid(0, 0);
        signal(SIGTTOU, SIG_DFL);   /* a job takes the default (the parent ignores it) */
        alarm(10);   /* never hang the suite */
        job();
        _exit(ChildOther);
    }
    setpgid(pid, pid);
    int st = status_of(pid, WUNTRACED);
    if (WIFSTOPPED(st)) {
        kill(pid, SIGKILL);
        status_of(pid, 0);
    }
    return st;
}

static void read_console(void)
{
    char c;
    _exit(read(0, &c, 1) < 0 && errno == EIO ? ChildEio : ChildOther);
}
static void read_ignoring(void) { signal(SIGTTIN, SIG_IGN); read_console(); }
static void read_blocking(void)
{
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGTTIN);
    sigprocmask(SIG_BLOCK, &s, NULL);
    read_console();
}
static void write_console(void) { _exit(write(1, "", 0) == 0 && write(2, "ttysignals: background write\n", 29) == 29 ? ChildOk : ChildOther); }
static void write_ignoring(void) { signal(SIGTTOU, SIG_IGN); write_console(); }
static void set_console(void)
{
    struct termios t;
    tcgetattr(0, &t);
    _exit(tcsetattr(0, TCSANOW, &t) == 0 ? ChildOk : ChildOther);
}
static void set_ignoring(void) { signal(SIGTTOU, SIG_IGN); set_console(); }

static int exited_with(int st, int code) { return WIFEXITED(st) && WEXITSTATUS(st) == code; }
static int stopped_by(int st, int sig) { return WIFSTOPPED(st) && WSTOPSIG(st) == sig; }

static void test_background(void)
{
    CHECK("bg_read_sigttin", stopped_by(background(read_console), SIGTTIN));
    CHECK("bg_read_ignored_eio", exited_with(background(read_ignoring), ChildEio));
    CHECK("bg_read_blocked_eio", exited_with(background(read_blocking), ChildEio));
    CHECK("bg_write_without_tostop", exited_with(background(write_console), ChildOk));
    CHECK("bg_tcsetattr_sigttou", stopped_by(background(set_console), SIGTTOU));
    CHECK("bg_tcsetattr_ignored_goes", exited_with(background(set_ignoring), ChildOk));
    struct termios saved, t;
    CHECK("tostop_set", tcgetattr(0, &saved) == 0 && (t = saved, t.c_lflag |= TOSTOP, tcsetattr(0, TCSANOW, &t) == 0));
    CHECK("bg_write_tostop_sigttou", stopped_by(background(write_console), SIGTTOU));
    CHECK("bg_write_tostop_ignored_goes", exited_with(background(write_ignoring), ChildOk));
    tcsetattr(0, TCSANOW, &saved);
    char c;
    CHECK("fg_read_goes", (t = saved, t.c_lflag &= ~(ICANON | ECHO), t.c_cc[VMIN] = 0, t.c_cc[VTIME] = 0,
                           tcsetattr(0, TCSANOW, &t) == 0 && read(0, &c, 1) >= 0));
    tcsetattr(0, TCSANOW, &saved);
}

/* In an orphaned group (its parent gone, reparented to init): reads are EIO and SIGTSTP is thrown away;
 * the verdict goes back through a pipe. */
static volatile sig_atomic_t hup_seen;
static void on_hup(int sig) { (void)sig; hup_seen = 1; }

static void test_orphaned(void)
{
    int p[2];
    pipe(p);
    pid_t middle = fork();
    if (middle == 0) {
        pid_t g = fork();
        if (g == 0) {
            setpgid(0, 0);
            alarm(10);
            while (getppid() != 1) usleep(10000);   /* the middle process has ended */
            char c, verdict[2];
            verdict[0] = read(0, &c, 1) < 0 && errno == EIO ? 'E' : 'x';
            raise(SIGTSTP);   /* thrown away: it goes on */
            verdict[1] = 'T';
            write(p[1], verdict, 2);
            _exit(0);
        }
        setpgid(g, g);
        _exit(0);
    }
    close(p[1]);
    status_of(middle, 0);
    char verdict[2] = { 0, 0 };
    int n = read(p[0], verdict, 2);
    close(p[0]);
    CHECK("orphaned_read_eio", n == 2 && verdict[0] == 'E');
    CHECK("orphaned_tstp_thrown_away", n == 2 && verdict[1] == 'T');

    /* A stopped member when its group is orphaned: SIGHUP, then SIGCONT (its handler runs). */
    pipe(p);
    middle = fork();
    if (middle == 0) {
        pid_t g = fork();
        if (g == 0) {
            setpgid(0, 0);
            alarm(10);
            signal(SIGHUP, on_hup);
            raise(SIGSTOP);
            write(p[1], hup_seen ? "H" : "x", 1);
            _exit(0);
        }
        setpgid(g, g);
        status_of(g, WUNTRACED);   /* stopped: now orphan its group */
        _exit(0);
    }
    close(p[1]);
    status_of(middle, 0);
    char c = 0;
    n = read(p[0], &c, 1);
    close(p[0]);
    CHECK("orphaned_stopped_gets_hup_and_cont", n == 1 && c == 'H');
}

int main(void)
{
    check_program = "ttysignals";
    if (!isatty(0)) {
        check_say("ttysignals: standard input is not a terminal: nothing checked\n");
        return SUMMARY();
    }
    signal(SIGTTOU, SIG_IGN);   /* this program's own tcsetattr, as a shell's */
    test_background();
    test_orphaned();
    return SUMMARY();
}
