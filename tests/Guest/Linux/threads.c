/*
 * threads: POSIX threads through the personality (docs/design/linux.md, "Threads"; ADR 0027): glibc's
 * pthread_create (clone3 with CLONE_THREAD and SETTLS), join (CLONE_CHILD_CLEARTID and the futex wake
 * at a thread's end), many threads at once, a mutex and a condition variable under contention with the
 * counts checked, a timed wait that times out (FUTEX_WAIT_BITSET with an absolute CLOCK_REALTIME
 * deadline), futex's errors, per-thread signal masks, pthread_kill to a thread spinning in user code
 * (its handler sees its own thread and registers), a process-directed signal taken by the one thread
 * that does not block it, a thread's exit while others run, fork from a threaded process (the child
 * has one thread), and exit_group ending every thread of a child process.
 */
#define _GNU_SOURCE
#include "check.h"
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

static long futex(volatile int *word, int op, int value, const struct timespec *timeout, int value3)
{
    return syscall(SYS_futex, word, op, value, timeout, NULL, value3);
}

static pid_t gettid_(void) { return (pid_t)syscall(SYS_gettid); }

/* Many threads, created and joined, each returning its own tid and seeing the process's pid. */
#define MANY 24
static pid_t main_pid;
static volatile int pid_mismatch;

static void *report_tid(void *arg)
{
    (void)arg;
    if (getpid() != main_pid) pid_mismatch = 1;
    return (void *)(intptr_t)gettid_();
}

static void create_and_join(void)
{
    pthread_t t[MANY];
    pid_t tids[MANY];
    int created = 0, joined = 0, distinct = 1;
    for (int i = 0; i < MANY; i++)
        if (pthread_create(&t[i], NULL, report_tid, (void *)(intptr_t)i) == 0) created++;
    for (int i = 0; i < created; i++) {
        void *r;
        if (pthread_join(t[i], &r) == 0) joined++;
        tids[i] = (pid_t)(intptr_t)r;
        if (tids[i] == main_pid || tids[i] <= 0) distinct = 0;
        for (int j = 0; j < i; j++)
            if (tids[j] == tids[i]) distinct = 0;
    }
    CHECK("create_many", created == MANY);
    CHECK("join_many", joined == MANY);
    CHECK("tids_distinct", distinct);
    CHECK("getpid_same_in_threads", !pid_mismatch);
    /* A second round reuses nothing that was not freed: the tids of ended threads are gone. */
    int again = 0;
    for (int round = 0; round < 3; round++)
        for (int i = 0; i < 8; i++) {
            pthread_t x;
            if (pthread_create(&x, NULL, report_tid, NULL) == 0 && pthread_join(x, NULL) == 0) again++;
        }
    CHECK("create_join_rounds", again == 24);
}

/* A mutex and a condition variable: producers and consumers hand over ITEMS items each. */
#define WORKERS 4
#define ITEMS 2000
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t nonempty = PTHREAD_COND_INITIALIZER, nonfull = PTHREAD_COND_INITIALIZER;
static int queued, produced, consumed;
static long counter;

static void *producer(void *arg)
{
    (void)arg;
    for (int i = 0; i < ITEMS; i++) {
        pthread_mutex_lock(&lock);
        while (queued >= 4) pthread_cond_wait(&nonfull, &lock);
        queued++;
        produced++;
        pthread_cond_signal(&nonempty);
        pthread_mutex_unlock(&lock);
    }
    return NULL;
}

static void *consumer(void *arg)
{
    (void)arg;
    for (int i = 0; i < ITEMS; i++) {
        pthread_mutex_lock(&lock);
        while (queued == 0) pthread_cond_wait(&nonempty, &lock);
        queued--;
        consumed++;
        pthread_cond_signal(&nonfull);
        pthread_mutex_unlock(&lock);
    }
    return NULL;
}

static void *adder(void *arg)
{
    (void)arg;
    for (int i = 0; i < 20000; i++) {
        pthread_mutex_lock(&lock);
        counter++;
        pthread_mutex_unlock(&lock);
        if (i % 1000 == 0) sched_yield();
    }
    return NULL;
}

static void contention(void)
{
    pthread_t t[2 * WORKERS];
    for (int i = 0; i < WORKERS; i++) {
        pthread_create(&t[i], NULL, producer, NULL);
        pthread_create(&t[WORKERS + i], NULL, consumer, NULL);
    }
    for (int i = 0; i < 2 * WORKERS; i++) pthread_join(t[i], NULL);
    CHECK("condvar_handover", produced == WORKERS * ITEMS && consumed == WORKERS * ITEMS && queued == 0);
    for (int i = 0; i < WORKERS; i++) pthread_create(&t[i], NULL, adder, NULL);
    for (int i = 0; i < WORKERS; i++) pthread_join(t[i], NULL);
    CHECK("mutex_counter", counter == WORKERS * 20000L);
}

/* A timed wait that nobody signals times out, not early and not much late. */
static double now_seconds(clockid_t clock)
{
    struct timespec ts;
    clock_gettime(clock, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void timed_wait(void)
{
    pthread_mutex_lock(&lock);
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_nsec += 200 * 1000000L;
    if (deadline.tv_nsec >= 1000000000L) { deadline.tv_sec++; deadline.tv_nsec -= 1000000000L; }
    double start = now_seconds(CLOCK_MONOTONIC);
    int r = pthread_cond_timedwait(&nonempty, &lock, &deadline);
    double took = now_seconds(CLOCK_MONOTONIC) - start;
    pthread_mutex_unlock(&lock);
    CHECK("cond_timedwait_times_out", r == ETIMEDOUT);
    CHECK("cond_timedwait_duration", took >= 0.19 && took < 2.0);
}

/* futex's own answers. */
static volatile int word = 5;

static void futex_errors(void)
{
    struct timespec zero = { 0, 0 }, bad = { 0, 1000000000L }, rel = { 0, 50 * 1000000L };
    CHECK_ERRNO("futex_wait_value_differs", futex(&word, FUTEX_WAIT_PRIVATE, 4, NULL, 0), EAGAIN);
    CHECK_ERRNO("futex_wait_zero_timeout", futex(&word, FUTEX_WAIT_PRIVATE, 5, &zero, 0), ETIMEDOUT);
    CHECK_ERRNO("futex_wait_bad_timeout", futex(&word, FUTEX_WAIT_PRIVATE, 5, &bad, 0), EINVAL);
    CHECK_ERRNO("futex_wait_unaligned", futex((volatile int *)((char *)&word + 1), FUTEX_WAIT_PRIVATE, 5, NULL, 0), EINVAL);
    CHECK_ERRNO("futex_wait_efault", futex((volatile int *)16, FUTEX_WAIT_PRIVATE, 5, NULL, 0), EFAULT);
    CHECK_ERRNO("futex_bitset_zero", futex(&word, FUTEX_WAIT_BITSET_PRIVATE, 5, NULL, 0), EINVAL);
    CHECK_ERRNO("futex_wake_realtime", futex(&word, FUTEX_WAKE_PRIVATE | FUTEX_CLOCK_REALTIME, 1, NULL, 0), ENOSYS);
    CHECK("futex_wake_nobody", futex(&word, FUTEX_WAKE_PRIVATE, 10, NULL, 0) == 0);
    double start = now_seconds(CLOCK_MONOTONIC);
    CHECK_ERRNO("futex_wait_relative_timeout", futex(&word, FUTEX_WAIT_PRIVATE, 5, &rel, 0), ETIMEDOUT);
    double took = now_seconds(CLOCK_MONOTONIC) - start;
    CHECK("futex_wait_relative_duration", took >= 0.045 && took < 2.0);
    struct timespec past;
    clock_gettime(CLOCK_MONOTONIC, &past);
    past.tv_sec -= 1;
    CHECK_ERRNO("futex_wait_bitset_past", futex(&word, FUTEX_WAIT_BITSET_PRIVATE, 5, &past, -1), ETIMEDOUT);
}

/* WAKE_BITSET wakes only waiters whose bitset meets it. */
static volatile int bitword;
static volatile int bit_woken[2];

static void *bit_waiter(void *arg)
{
    int which = (int)(intptr_t)arg;
    if (futex(&bitword, FUTEX_WAIT_BITSET_PRIVATE, 0, NULL, 1 << which) == 0) bit_woken[which] = 1;
    return NULL;
}

static void futex_bitsets(void)
{
    pthread_t a, b;
    pthread_create(&a, NULL, bit_waiter, (void *)0);
    pthread_create(&b, NULL, bit_waiter, (void *)1);
    struct timespec pause_ = { 0, 100 * 1000000L };
    nanosleep(&pause_, NULL);   /* both are waiting by now */
    long first = futex(&bitword, FUTEX_WAKE_BITSET_PRIVATE, 10, NULL, 1 << 1);
    nanosleep(&pause_, NULL);
    int only_b = bit_woken[1] && !bit_woken[0];
    long second = futex(&bitword, FUTEX_WAKE_PRIVATE, 10, NULL, 0);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    CHECK("futex_wake_bitset_one", first == 1 && only_b);
    CHECK("futex_wake_rest", second == 1 && bit_woken[0]);
}

/* pthread_kill to a thread that spins in user code: the handler runs on that thread. */
static volatile int spin_stop, spinning;
static volatile pid_t handler_tid;
static volatile int handler_hits;
static pid_t spinner_tid;

static void on_usr1(int sig)
{
    (void)sig;
    handler_tid = gettid_();
    handler_hits++;
}

static void *spinner(void *arg)
{
    (void)arg;
    spinner_tid = gettid_();
    spinning = 1;
    volatile unsigned long n = 0;
    while (!spin_stop) n++;
    return (void *)(uintptr_t)n;
}

static void kill_spinning(void)
{
    struct sigaction sa = { 0 };
    sa.sa_handler = on_usr1;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGUSR1, &sa, NULL);
    pthread_t t;
    pthread_create(&t, NULL, spinner, NULL);
    while (!spinning) sched_yield();
    CHECK("pthread_kill_ok", pthread_kill(t, SIGUSR1) == 0);
    /* Sleep, not sched_yield: the personality answers a yield at once, so on one CPU the spinner runs
     * only when a timer tick preempts this thread, and 2000 yields may all fit before one. Up to 5 s. */
    for (int i = 0; i < 5000 && handler_hits == 0; i++) nanosleep(&(struct timespec){ 0, 1000000 }, NULL);
    CHECK("pthread_kill_spinning_handled", handler_hits == 1);
    CHECK("pthread_kill_on_target_thread", handler_tid == spinner_tid);
    CHECK_ERRNO("tgkill_wrong_group", syscall(SYS_tgkill, getpid() + 100000, spinner_tid, 0), ESRCH);
    CHECK("tgkill_probe", syscall(SYS_tgkill, getpid(), spinner_tid, 0) == 0);
    spin_stop = 1;
    void *r;
    pthread_join(t, &r);
    CHECK("spinner_went_on", r != NULL);
}

/* A process-directed signal goes to the thread that does not block it. */
static volatile int blocker_ready, blocker_done;

static void *unblocked_waiter(void *arg)
{
    (void)arg;
    sigset_t none;
    sigemptyset(&none);
    pthread_sigmask(SIG_SETMASK, &none, NULL);
    blocker_ready = 1;
    while (handler_hits < 2) sched_yield();
    blocker_done = 1;
    return NULL;
}

static void process_signal(void)
{
    sigset_t usr1;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    pthread_sigmask(SIG_BLOCK, &usr1, NULL);   /* main blocks it; the new thread starts with it blocked */
    pthread_t t;
    pthread_create(&t, NULL, unblocked_waiter, NULL);
    while (!blocker_ready) sched_yield();
    handler_tid = 0;
    kill(getpid(), SIGUSR1);
    pthread_join(t, NULL);
    sigset_t pending;
    sigpending(&pending);
    CHECK("kill_goes_to_unblocked_thread", blocker_done && handler_hits == 2 && handler_tid != gettid_());
    CHECK("kill_not_pending_in_blocker", !sigismember(&pending, SIGUSR1));
    pthread_sigmask(SIG_UNBLOCK, &usr1, NULL);
}

/* A thread that exits while others run leaves them running; its pthread_exit value is joined. */
static volatile int keep_running;
static volatile unsigned long runner_count;

static void *runner(void *arg)
{
    (void)arg;
    while (keep_running) runner_count++;
    return NULL;
}

static void *early_exit(void *arg)
{
    (void)arg;
    pthread_exit((void *)42);
}

static void exit_while_others_run(void)
{
    keep_running = 1;
    pthread_t r1, r2, e;
    pthread_create(&r1, NULL, runner, NULL);
    pthread_create(&r2, NULL, runner, NULL);
    pthread_create(&e, NULL, early_exit, NULL);
    void *value = NULL;
    pthread_join(e, &value);
    unsigned long before = runner_count;
    for (int i = 0; i < 50; i++) sched_yield();
    struct timespec pause_ = { 0, 20 * 1000000L };
    nanosleep(&pause_, NULL);
    unsigned long after = runner_count;
    keep_running = 0;
    pthread_join(r1, NULL);
    pthread_join(r2, NULL);
    CHECK("pthread_exit_value", value == (void *)42);
    CHECK("others_run_after_exit", after > before);
}

/* fork from a threaded process: the child has only the forking thread, and can make its own. */
static void *trivial(void *arg) { return arg; }

static void fork_from_threads(void)
{
    keep_running = 1;
    pthread_t r;
    pthread_create(&r, NULL, runner, NULL);
    pid_t child = fork();
    if (child == 0) {
        /* The runner is not here: its count does not move. */
        unsigned long before = runner_count;
        struct timespec pause_ = { 0, 20 * 1000000L };
        nanosleep(&pause_, NULL);
        pthread_t t;
        void *v = NULL;
        int made = pthread_create(&t, NULL, trivial, (void *)7) == 0 && pthread_join(t, &v) == 0 && v == (void *)7;
        _exit(runner_count == before && made ? 0 : 1);
    }
    int status = -1;
    waitpid(child, &status, 0);
    keep_running = 0;
    pthread_join(r, NULL);
    CHECK("fork_copies_only_caller", WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* exit_group from one thread ends them all: a child whose threads spin and sleep exits with 3. */
static void *sleeper(void *arg)
{
    (void)arg;
    for (;;) pause();
    return NULL;
}

static void *spin_forever(void *arg)
{
    (void)arg;
    for (;;) runner_count++;
    return NULL;
}

static void *exiter(void *arg)
{
    (void)arg;
    struct timespec pause_ = { 0, 30 * 1000000L };
    nanosleep(&pause_, NULL);
    exit(3);
}

static void exit_group_ends_all(void)
{
    pid_t child = fork();
    if (child == 0) {
        pthread_t a, b, c;
        pthread_create(&a, NULL, sleeper, NULL);
        pthread_create(&b, NULL, spin_forever, NULL);
        pthread_create(&c, NULL, exiter, NULL);
        pthread_join(a, NULL);   /* never returns: exit(3) in c ends the process */
        _exit(9);
    }
    int status = -1;
    pid_t got = waitpid(child, &status, 0);
    CHECK("exit_group_ends_all", got == child && WIFEXITED(status) && WEXITSTATUS(status) == 3);
    /* A signal's default action (SIGTERM) also ends every thread. */
    child = fork();
    if (child == 0) {
        pthread_t b;
        pthread_create(&b, NULL, spin_forever, NULL);
        pthread_join(b, NULL);
        _exit(9);
    }
    struct timespec pause_ = { 0, 30 * 1000000L };
    nanosleep(&pause_, NULL);
    kill(child, SIGTERM);
    got = waitpid(child, &status, 0);
    CHECK("fatal_signal_ends_all", got == child && WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);
}

/* What runtimes size themselves from: the CPUs, and the process's own mappings (a stack's and a thread's). */
static void affinity(void)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    CHECK("sched_getaffinity", sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) >= 1);
    CHECK("sched_yield", sched_yield() == 0);
    static char text[65536];
    /* The CPU list names as many CPUs as the affinity mask holds ("0", or "0-N"). */
    char cpus[16];
    if (CPU_COUNT(&set) > 1) snprintf(cpus, sizeof cpus, "0-%d\n", CPU_COUNT(&set) - 1);
    else strcpy(cpus, "0\n");
    CHECK("sys_cpu_online", read_file("/sys/devices/system/cpu/online", text, sizeof text) > 0 && strcmp(text, cpus) == 0);
    CHECK("sys_cpu_possible", read_file("/sys/devices/system/cpu/possible", text, sizeof text) > 0 && strcmp(text, cpus) == 0);
    int local = 0;
    int n = read_file("/proc/self/maps", text, sizeof text);
    unsigned long lo = 0, hi = 0;
    int stack_found = 0;
    for (char *line = text; n > 0 && line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL)
        if (sscanf(line, "%lx-%lx", &lo, &hi) == 2 && (unsigned long)&local >= lo && (unsigned long)&local < hi) stack_found = 1;
    CHECK("proc_self_maps_stack", stack_found);
    CHECK("proc_self_maps_program", strstr(text, " r-xp ") != NULL && strstr(text, "/tests/threads") != NULL);
}

int main(void)
{
    check_program = "threads";
    main_pid = getpid();
    CHECK("gettid_is_pid_in_main", gettid_() == main_pid);
    create_and_join();
    contention();
    timed_wait();
    futex_errors();
    futex_bitsets();
    kill_spinning();
    process_signal();
    exit_while_others_run();
    fork_from_threads();
    exit_group_ends_all();
    affinity();
    return SUMMARY();
}
