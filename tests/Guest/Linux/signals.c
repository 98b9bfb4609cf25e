/*
 * signals: Linux signals through the personality (docs/design/linux.md, "Signals"): handlers run on a
 * real rt_sigframe with the right siginfo and ucontext, return through rt_sigreturn honouring a
 * changed context, masks defer delivery, standard signals are pending once and real-time ones queue,
 * sigsuspend, SA_RESETHAND, SA_NODEFER, the alternate stack, faults (SIGSEGV, SIGFPE, SIGILL) with
 * their si_code and si_addr, FPU state kept across a handler, alarm and setitimer, a running program
 * stopped for a signal, and a sleep ended with EINTR.
 */
#define _GNU_SOURCE
#include "check.h"
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <ucontext.h>

#ifndef SA_RESTORER
#define SA_RESTORER 0x04000000   /* the kernel's flag, which glibc sets and does not export */
#endif

static volatile sig_atomic_t count, last_signal;
static volatile int seen_code, seen_pid, seen_errno_field;
static volatile void *seen_addr;
static volatile uint64_t seen_mask, handler_mask, seen_rax;
static volatile int seen_fpregs_ok;
static volatile uintptr_t handler_stack;

static void counting(int sig)
{
    count++;
    last_signal = sig;
}

/* What every SA_SIGINFO handler records. */
static void note(int sig, const siginfo_t *info)
{
    count++;
    last_signal = sig;
    seen_code = info->si_code;
}

static void with_info(int sig, siginfo_t *info, void *context)
{
    ucontext_t *uc = context;
    note(sig, info);
    seen_pid = info->si_pid;
    seen_errno_field = info->si_errno;
    seen_mask = *(uint64_t *)&uc->uc_sigmask;
    seen_rax = uc->uc_mcontext.gregs[REG_RAX];
    seen_fpregs_ok = uc->uc_mcontext.fpregs != NULL && uc->uc_mcontext.fpregs->mxcsr == 0x1f80;
    sigset_t now;
    sigprocmask(SIG_BLOCK, NULL, &now);
    handler_mask = *(uint64_t *)&now;
}

static void install(int sig, void (*handler)(int), int flags)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = handler;
    sa.sa_flags = flags;
    sigaction(sig, &sa, NULL);
}

static void install_info(int sig, void (*handler)(int, siginfo_t *, void *), int flags)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = handler;
    sa.sa_flags = SA_SIGINFO | flags;
    sigaction(sig, &sa, NULL);
}

static uint64_t mask_now(void)
{
    sigset_t now;
    sigprocmask(SIG_BLOCK, NULL, &now);
    return *(uint64_t *)&now;
}

#define BIT(sig) (1ULL << ((sig) - 1))

/* Faults: the handler moves rip to the label after the faulting instruction. */
extern char segv_resume[], accerr_at[], accerr_resume[], fpe_at[], fpe_resume[], ill_at[], ill_resume[];
static void *volatile resume_to;

static void fault_handler(int sig, siginfo_t *info, void *context)
{
    ucontext_t *uc = context;
    note(sig, info);
    seen_addr = info->si_addr;
    uc->uc_mcontext.gregs[REG_RIP] = (greg_t)resume_to;
}

__attribute__((noinline)) static void null_write(void)
{
    __asm__ volatile("xor %%eax, %%eax\n\tmovl $1, 16(%%rax)\n\t.globl segv_resume\nsegv_resume:\n" ::: "rax", "memory");
}

/* A write to the program's own code: mapped, not writable. */
__attribute__((noinline)) static void code_write(void)
{
    __asm__ volatile("lea accerr_at(%%rip), %%rax\n\t.globl accerr_at\naccerr_at:\n\tmovl $1, (%%rax)\n\t.globl accerr_resume\naccerr_resume:\n"
                     ::: "rax", "memory");
}

__attribute__((noinline)) static void divide_by_zero(void)
{
    __asm__ volatile("xor %%ecx, %%ecx\n\tmov $1, %%eax\n\tcltd\n\t.globl fpe_at\nfpe_at:\n\tidiv %%ecx\n\t.globl fpe_resume\nfpe_resume:\n"
                     ::: "rax", "rcx", "rdx");
}

__attribute__((noinline)) static void invalid_opcode(void)
{
    __asm__ volatile(".globl ill_at\nill_at:\n\tud2\n\t.globl ill_resume\nill_resume:\n");
}

static void fpu_clobber(int sig)
{
    (void)sig;
    count++;
    __asm__ volatile("pcmpeqd %%xmm8, %%xmm8\n\tpxor %%xmm0, %%xmm0" ::: "xmm8", "xmm0");
}

/* kill(pid, sig) as one SYSCALL with xmm8 held across it: the handler runs at the call's return. */
static uint64_t kill_keeping_xmm8(uint64_t value, long *result)
{
    uint64_t out;
    long rax;
    long pid = getpid();
    __asm__ volatile("movq %[in], %%xmm8\n\t"
                     "syscall\n\t"
                     "movq %%xmm8, %[out]\n\t"
                     : [out] "=r"(out), "=a"(rax)
                     : [in] "r"(value), "a"(62L), "D"(pid), "S"((long)SIGUSR1)
                     : "rcx", "r11", "xmm8", "memory");
    *result = rax;
    return out;
}

static void on_altstack(int sig)
{
    int local;
    (void)sig;
    count++;
    handler_stack = (uintptr_t)&local;
    stack_t now;
    sigaltstack(NULL, &now);
    seen_code = now.ss_flags;
}

static void nodefer_probe(int sig)
{
    count++;
    handler_mask = mask_now();
    last_signal = sig;
}

static void *volatile bad = (void *)8;

/* The wait status of a child, waiting through any EINTR; `options` WUNTRACED or WCONTINUED for a stop. */
static int status_of(pid_t pid, int options)
{
    int status = -1;
    while (waitpid(pid, &status, options) < 0 && errno == EINTR) {}
    return status;
}

static void nap_ms(long ms)
{
    struct timespec t = { ms / 1000, (ms % 1000) * 1000000L };
    while (nanosleep(&t, &t) < 0 && errno == EINTR) {}
}

static volatile int chld_code, chld_pid, chld_status;

static void on_chld(int sig, siginfo_t *info, void *context)
{
    (void)context;
    note(sig, info);
    chld_code = info->si_code;
    chld_pid = info->si_pid;
    chld_status = info->si_status;
}

/* A child that waits in wait4 for a grandchild (200 ms) while its parent sends it SIGUSR1: with
 * SA_RESTART the wait restarts and finds the grandchild, without it ends with EINTR. */
static int waits_through_signal(int flags)
{
    install(SIGUSR1, counting, flags);
    count = 0;
    pid_t grandchild = fork();
    if (grandchild == 0) {
        nap_ms(200);
        _exit(3);
    }
    int status = 0;
    pid_t r = waitpid(grandchild, &status, 0);
    int e = errno;
    if (flags & SA_RESTART) return r == grandchild && WIFEXITED(status) && WEXITSTATUS(status) == 3 && count == 1 ? 0 : 1;
    int ok = r == -1 && e == EINTR && count == 1;
    status_of(grandchild, 0);
    return ok ? 0 : 1;
}

/* Signals between processes (fork: the procs branch): default actions seen by the parent, SIGKILL of
 * a parked process, SIGCHLD, a sleep interrupted by another process, stop and continue, SA_RESTART. */
static void test_children(void)
{
    pid_t pid = fork();
    if (pid == 0) {
        signal(SIGTERM, SIG_DFL);
        raise(SIGTERM);
        _exit(0);
    }
    int st = status_of(pid, 0);
    CHECK("default_terminate_status", WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM && !WCOREDUMP(st));

    pid = fork();
    if (pid == 0) {
        signal(SIGSEGV, SIG_DFL);
        *(volatile int *)bad = 1;
        _exit(0);
    }
    st = status_of(pid, 0);
    /* No core under RLIMIT_CORE 0 (Linux's default `ulimit -c 0`): no 0x80, so no "(core dumped)". */
    struct rlimit core;
    CHECK("rlimit_core_zero", getrlimit(RLIMIT_CORE, &core) == 0 && core.rlim_cur == 0);
    CHECK("default_core_status", WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV && !WCOREDUMP(st));

    pid = fork();
    if (pid == 0) {
        install_info(SIGSEGV, fault_handler, 0);
        resume_to = segv_resume;
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, SIGSEGV);
        sigprocmask(SIG_BLOCK, &set, NULL);
        null_write();
        _exit(0);
    }
    st = status_of(pid, 0);
    CHECK("fault_while_blocked_kills", WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV);

    pid = fork();
    if (pid == 0) {
        __asm__ volatile("mov $0x1000, %%rsp\n\tmov $15, %%eax\n\tsyscall" ::: "memory");
        _exit(0);
    }
    st = status_of(pid, 0);
    CHECK("bad_sigreturn_frame_kills", WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV);

    pid = fork();
    if (pid == 0) {
        for (;;) pause();
    }
    nap_ms(20);
    CHECK("kill_parked_sigkill", kill(pid, SIGKILL) == 0 && (st = status_of(pid, 0), WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL));

    install_info(SIGCHLD, on_chld, 0);
    count = 0;
    pid = fork();
    if (pid == 0) _exit(7);
    st = status_of(pid, 0);
    CHECK("sigchld_to_parent", count == 1 && last_signal == SIGCHLD && chld_code == CLD_EXITED && chld_pid == pid && chld_status == 7 &&
          WIFEXITED(st) && WEXITSTATUS(st) == 7);
    signal(SIGCHLD, SIG_DFL);

    install(SIGUSR1, counting, 0);
    pid = fork();
    if (pid == 0) {
        struct timespec t = { 5, 0 };
        count = 0;
        int r = nanosleep(&t, NULL);
        _exit(r == -1 && errno == EINTR && count == 1 ? 0 : 1);
    }
    nap_ms(50);
    kill(pid, SIGUSR1);
    st = status_of(pid, 0);
    CHECK("nanosleep_eintr_from_other", WIFEXITED(st) && WEXITSTATUS(st) == 0);

    pid = fork();
    if (pid == 0) _exit(waits_through_signal(SA_RESTART));
    nap_ms(50);
    kill(pid, SIGUSR1);
    st = status_of(pid, 0);
    CHECK("sa_restart_restarts_wait4", WIFEXITED(st) && WEXITSTATUS(st) == 0);
    pid = fork();
    if (pid == 0) _exit(waits_through_signal(0));
    nap_ms(50);
    kill(pid, SIGUSR1);
    st = status_of(pid, 0);
    CHECK("no_sa_restart_eintr_wait4", WIFEXITED(st) && WEXITSTATUS(st) == 0);

    for (int busy = 0; busy < 2; busy++) {
        pid = fork();
        if (pid == 0) {
            if (busy) for (volatile unsigned long i = 0;; i++) {}
            for (;;) pause();
        }
        nap_ms(20);
        kill(pid, SIGSTOP);
        st = status_of(pid, WUNTRACED);
        CHECK(busy ? "stop_running" : "stop_parked", WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP);
        kill(pid, SIGCONT);
        st = status_of(pid, WCONTINUED);
        CHECK(busy ? "continue_running" : "continue_parked", WIFCONTINUED(st));
        kill(pid, SIGTERM);
        st = status_of(pid, 0);
        CHECK(busy ? "term_after_continue_running" : "term_after_continue_parked", WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM);
    }
}

int main(void)
{
    check_program = "signals";
    pid_t self = getpid();

    /* rt_sigaction's checks */
    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = counting;
    CHECK_ERRNO("sigaction_kill", sigaction(SIGKILL, &sa, NULL), EINVAL);
    CHECK_ERRNO("sigaction_stop", sigaction(SIGSTOP, &sa, NULL), EINVAL);
    CHECK_ERRNO("sigaction_zero", syscall(SYS_rt_sigaction, 0, &sa, NULL, 8), EINVAL);
    CHECK_ERRNO("sigaction_65", syscall(SYS_rt_sigaction, 65, NULL, NULL, 8), EINVAL);
    CHECK_ERRNO("sigaction_setsize", syscall(SYS_rt_sigaction, SIGUSR1, NULL, NULL, 4), EINVAL);
    CHECK_ERRNO("sigaction_efault", syscall(SYS_rt_sigaction, SIGUSR1, (void *)8, NULL, 8), EFAULT);
    CHECK("sigaction_query_kill", sigaction(SIGKILL, NULL, &old) == 0 && old.sa_handler == SIG_DFL);
    install(SIGUSR1, counting, SA_RESTART);
    CHECK("sigaction_old", sigaction(SIGUSR1, NULL, &old) == 0 && old.sa_handler == counting &&
          (old.sa_flags & SA_RESTART) && (old.sa_flags & SA_RESTORER));

    /* kill's checks */
    CHECK("kill_zero_exists", kill(self, 0) == 0);
    CHECK_ERRNO("kill_no_such", kill(99999, 0), ESRCH);
    CHECK_ERRNO("kill_bad_signal", kill(self, 65), EINVAL);
    CHECK_ERRNO("tgkill_bad_tid", syscall(SYS_tgkill, self, 0, SIGUSR1), EINVAL);
    CHECK_ERRNO("tgkill_wrong_group", syscall(SYS_tgkill, self + 1, self, SIGUSR1), ESRCH);

    /* A handler on raise and on kill, with siginfo */
    count = 0;
    CHECK("raise_runs_handler", raise(SIGUSR1) == 0 && count == 1 && last_signal == SIGUSR1);
    install_info(SIGUSR2, with_info, 0);
    count = 0;
    CHECK("kill_self_handler", kill(self, SIGUSR2) == 0 && count == 1);
    CHECK("siginfo_si_user", seen_code == SI_USER && seen_pid == self && seen_errno_field == 0);
    CHECK("ucontext_rax_is_result", seen_rax == 0);
    CHECK("ucontext_fpregs", seen_fpregs_ok);
    CHECK("handler_blocks_own_signal", (handler_mask & BIT(SIGUSR2)) != 0 && (mask_now() & BIT(SIGUSR2)) == 0);
    count = 0;
    raise(SIGUSR2);
    CHECK("siginfo_si_tkill", count == 1 && seen_code == SI_TKILL && seen_pid == self);
    CHECK("tgkill", syscall(SYS_tgkill, self, self, SIGUSR2) == 0 && count == 2 && seen_code == SI_TKILL);

    /* Masks defer delivery; pending; standard once, real-time queued */
    sigset_t set, saved;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigaddset(&set, SIGRTMIN + 1);
    sigprocmask(SIG_BLOCK, &set, &saved);
    install(SIGRTMIN + 1, counting, 0);
    count = 0;
    raise(SIGUSR1);
    raise(SIGUSR1);
    raise(SIGRTMIN + 1);
    raise(SIGRTMIN + 1);
    sigset_t pending;
    CHECK("blocked_not_run", count == 0);
    CHECK("sigpending", sigpending(&pending) == 0 && sigismember(&pending, SIGUSR1) && sigismember(&pending, SIGRTMIN + 1) &&
          !sigismember(&pending, SIGUSR2));
    CHECK_ERRNO("sigpending_setsize", syscall(SYS_rt_sigpending, &pending, 16), EINVAL);
    CHECK_ERRNO("sigprocmask_how", syscall(SYS_rt_sigprocmask, 7, &set, NULL, 8), EINVAL);
    sigprocmask(SIG_SETMASK, &saved, NULL);
    CHECK("unblock_delivers_standard_once_rt_queued", count == 3);
    CHECK("sigprocmask_kill_unblockable", sigfillset(&set) == 0 && sigprocmask(SIG_SETMASK, &set, &saved) == 0 &&
          (mask_now() & (BIT(SIGKILL) | BIT(SIGSTOP))) == 0);
    sigprocmask(SIG_SETMASK, &saved, NULL);

    /* sigsuspend: waits for the pending signal, EINTR, the mask restored after the handler */
    sigemptyset(&set);
    sigaddset(&set, SIGUSR2);
    sigprocmask(SIG_BLOCK, &set, &saved);
    count = 0;
    raise(SIGUSR2);
    sigset_t wait_mask;
    sigemptyset(&wait_mask);
    CHECK_ERRNO("sigsuspend_eintr", sigsuspend(&wait_mask), EINTR);
    CHECK("sigsuspend_ran_handler", count == 1 && (seen_mask & BIT(SIGUSR2)) != 0);
    CHECK("sigsuspend_mask_restored", (mask_now() & BIT(SIGUSR2)) != 0);
    sigprocmask(SIG_SETMASK, &saved, NULL);

    /* SA_RESETHAND, SA_NODEFER */
    install(SIGUSR1, nodefer_probe, SA_RESETHAND | SA_NODEFER);
    count = 0;
    raise(SIGUSR1);
    CHECK("nodefer_not_blocked", count == 1 && (handler_mask & BIT(SIGUSR1)) == 0);
    CHECK("resethand_default", sigaction(SIGUSR1, NULL, &old) == 0 && old.sa_handler == SIG_DFL);

    /* SIG_IGN: nothing happens, nothing stays pending */
    signal(SIGUSR1, SIG_IGN);
    CHECK("ignored", raise(SIGUSR1) == 0 && sigpending(&pending) == 0 && !sigismember(&pending, SIGUSR1));
    CHECK("default_ignore_sigchld", raise(SIGCHLD) == 0 && raise(SIGWINCH) == 0);

    /* The alternate stack */
    static char alt[16384];
    stack_t ss = { .ss_sp = alt, .ss_size = sizeof alt, .ss_flags = 0 }, oss;
    CHECK_ERRNO("sigaltstack_small", ({ stack_t s = ss; s.ss_size = 100; sigaltstack(&s, NULL); }), ENOMEM);
    CHECK_ERRNO("sigaltstack_flags", ({ stack_t s = ss; s.ss_flags = 77; sigaltstack(&s, NULL); }), EINVAL);
    CHECK("sigaltstack_set", sigaltstack(&ss, NULL) == 0 && sigaltstack(NULL, &oss) == 0 && oss.ss_sp == alt &&
          oss.ss_size == sizeof alt && oss.ss_flags == 0);
    install(SIGUSR1, on_altstack, SA_ONSTACK);
    count = 0;
    raise(SIGUSR1);
    CHECK("altstack_handler_on_it", count == 1 && handler_stack > (uintptr_t)alt && handler_stack < (uintptr_t)alt + sizeof alt &&
          seen_code == SS_ONSTACK);
    ss.ss_flags = SS_DISABLE;
    CHECK("sigaltstack_disable", sigaltstack(&ss, NULL) == 0 && sigaltstack(NULL, &oss) == 0 && oss.ss_flags == SS_DISABLE);

    /* FPU and SSE state kept across a handler */
    install(SIGUSR1, fpu_clobber, 0);
    count = 0;
    long result = -1;
    uint64_t kept = kill_keeping_xmm8(0x1122334455667788ULL, &result);
    CHECK("fpu_preserved", count == 1 && kept == 0x1122334455667788ULL && result == 0);

    /* Faults: si_code and si_addr, a handler that changes rip */
    install_info(SIGSEGV, fault_handler, 0);
    install_info(SIGFPE, fault_handler, 0);
    install_info(SIGILL, fault_handler, 0);
    count = 0;
    resume_to = segv_resume;
    null_write();
    CHECK("sigsegv_maperr", count == 1 && last_signal == SIGSEGV && seen_code == SEGV_MAPERR && seen_addr == (void *)16);
    count = 0;
    resume_to = accerr_resume;
    code_write();
    CHECK("sigsegv_accerr", count == 1 && last_signal == SIGSEGV && seen_code == SEGV_ACCERR && seen_addr == (void *)accerr_at);
    count = 0;
    resume_to = fpe_resume;
    divide_by_zero();
    CHECK("sigfpe_intdiv", count == 1 && last_signal == SIGFPE && seen_code == FPE_INTDIV && seen_addr == (void *)fpe_at);
    count = 0;
    resume_to = ill_resume;
    invalid_opcode();
    CHECK("sigill_illopn", count == 1 && last_signal == SIGILL && seen_code == ILL_ILLOPN && seen_addr == (void *)ill_at);

    /* alarm and setitimer: a sleep ended with EINTR, a busy loop stopped for its handler */
    install(SIGALRM, counting, 0);
    CHECK("alarm_returns_left", alarm(100) == 0 && alarm(0) >= 99);
    struct itimerval it = { .it_interval = { 0, 0 }, .it_value = { 0, 50000 } }, oit;
    count = 0;
    CHECK("setitimer", setitimer(ITIMER_REAL, &it, NULL) == 0 && getitimer(ITIMER_REAL, &oit) == 0 && oit.it_value.tv_usec > 0);
    struct timespec long_sleep = { 5, 0 }, left = { 0, 0 };
    CHECK_ERRNO("nanosleep_eintr", nanosleep(&long_sleep, &left), EINTR);
    CHECK("nanosleep_time_left", left.tv_sec >= 3 && left.tv_sec <= 4 && left.tv_nsec < 1000000000L);
    CHECK("alarm_handler_ran", count == 1 && last_signal == SIGALRM);
    count = 0;
    setitimer(ITIMER_REAL, &it, NULL);
    unsigned long spins = 0;
    while (count == 0 && spins < 4000000000UL) spins++;
    CHECK("running_program_interrupted", count == 1);
    CHECK_ERRNO("setitimer_bad_which", setitimer(9, &it, NULL), EINVAL);

    /* sigtimedwait: takes a blocked signal without its handler; times out with EAGAIN */
    sigemptyset(&set);
    sigaddset(&set, SIGUSR2);
    sigaddset(&set, SIGALRM);
    sigprocmask(SIG_BLOCK, &set, &saved);
    count = 0;
    raise(SIGUSR2);
    siginfo_t si;
    struct timespec zero = { 0, 0 }, short_wait = { 0, 30000000 };
    /* glibc's sigtimedwait shows raise's SI_TKILL as SI_USER. */
    CHECK("sigtimedwait_pending", sigtimedwait(&set, &si, &zero) == SIGUSR2 && si.si_signo == SIGUSR2 && si.si_code == SI_USER &&
          count == 0 && sigpending(&pending) == 0 && !sigismember(&pending, SIGUSR2));
    CHECK_ERRNO("sigtimedwait_poll_empty", sigtimedwait(&set, &si, &zero), EAGAIN);
    CHECK_ERRNO("sigtimedwait_timeout", sigtimedwait(&set, &si, &short_wait), EAGAIN);
    setitimer(ITIMER_REAL, &it, NULL);
    CHECK("sigwaitinfo_waits", sigwaitinfo(&set, &si) == SIGALRM && si.si_code == SI_KERNEL && count == 0);
    CHECK_ERRNO("sigtimedwait_bad_size", syscall(SYS_rt_sigtimedwait, &set, NULL, NULL, 4), EINVAL);
    sigprocmask(SIG_SETMASK, &saved, NULL);

    /* pause: a signal ends it with EINTR */
    count = 0;
    setitimer(ITIMER_REAL, &it, NULL);
    CHECK_ERRNO("pause_eintr", pause(), EINTR);
    CHECK("pause_handler_ran", count == 1);

    /* kill to the caller's own group */
    install(SIGUSR2, counting, 0);
    count = 0;
    CHECK("kill_group_zero", kill(0, SIGUSR2) == 0 && count == 1);
    CHECK("kill_group_negative", kill(-getpgrp(), SIGUSR2) == 0 && count == 2);
    CHECK_ERRNO("kill_group_none", kill(-99999, SIGUSR2), ESRCH);

    test_children();
    return SUMMARY();
}
