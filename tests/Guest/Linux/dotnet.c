/*
 * dotnet: a .NET 10 program published with NativeAOT as a static PIE (samples/hello, put beside this
 * program as /tests/dotnet-hello by ./vireo) runs through the personality: it is started with
 * arguments, its output is read through a pipe and checked, and its exit status is 0. The .NET runtime
 * at start-up makes threads (the finalizer), reserves memory with PROT_NONE and commits it with
 * mprotect, reads /proc and /sys files, and installs its signal handlers on an alternate stack. The
 * acceptance checks (DotnetChecks/, /tests/dotnet-checks) run as a program of linux_suite's own; here
 * the same program is made to end with an unhandled exception and with a stack overflow. The same
 * hello published dynamically (/tests/dotnet-hello-dynamic) starts in ld.so, which maps Debian's
 * libc.so.6 and libm.so.6 from the Linux root; a copy of it naming a missing interpreter is ENOENT.
 */
#define _GNU_SOURCE
#include "check.h"
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>

/* Runs `path` with `argv`, its standard output into `out` (NUL-terminated); returns the wait status. */
static int run(const char *path, char *const argv[], char *out, size_t size)
{
    int fds[2];
    if (pipe(fds) != 0) return -1;
    pid_t child = fork();
    if (child == 0) {
        dup2(fds[1], 1);
        close(fds[0]);
        close(fds[1]);
        execv(path, argv);
        _exit(127);
    }
    close(fds[1]);
    size_t got = 0;
    ssize_t n;
    while (got < size - 1 && (n = read(fds[0], out + got, size - 1 - got)) > 0) got += n;
    out[got] = 0;
    close(fds[0]);
    int status = -1;
    waitpid(child, &status, 0);
    return status;
}

/* Copies `from` to `to` (mode 0755) with its PT_INTERP path's "ld-linux" renamed "ld-absnt";
 * 0 when done. */
static int copy_without_interpreter(const char *from, const char *to)
{
    static char file[4 << 20];
    int in = open(from, O_RDONLY);
    if (in < 0) return -1;
    ssize_t size = 0, n;
    while (size < (ssize_t)sizeof file && (n = read(in, file + size, sizeof file - size)) > 0) size += n;
    close(in);
    char *name = memmem(file, size < 4096 ? size : 4096, "ld-linux", 8);
    if (name == NULL) return -1;
    memcpy(name, "ld-absnt", 8);
    int out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0755);
    if (out < 0) return -1;
    int ok = write(out, file, size) == size;
    return close(out) == 0 && ok ? 0 : -1;
}

/* The errno of an execv of `path` in a child (0 if it ran). */
static int exec_errno(const char *path)
{
    pid_t child = fork();
    if (child == 0) {
        char *const argv[] = { (char *)path, NULL };
        execv(path, argv);
        _exit(errno);
    }
    int status = -1;
    waitpid(child, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int main(void)
{
    check_program = "dotnet";
    static char out[4096];
    char *const argv[] = { "dotnet-hello", "one", "two", NULL };
    int status = run("/tests/dotnet-hello", argv, out, sizeof out);
    CHECK("hello_exits_0", WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK("hello_greets", strstr(out, "Hello from .NET 10.") != NULL);
    CHECK("hello_args", strstr(out, "args: one two\n") != NULL);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || strstr(out, "Hello") == NULL)
        check_say("dotnet-hello said (status 0x%x): %s\n", status, out);
    /* An unhandled exception: .NET prints it on stderr and aborts (SIGABRT), as on Linux. */
    char *const throwing[] = { "dotnet-checks", "throw", NULL };
    status = run("/tests/dotnet-checks", throwing, out, sizeof out);
    CHECK("unhandled_exception_aborts", WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT);
    /* A stack overflow: the guard below the stack faults; the runtime reports it and aborts, or the
     * fault kills it (SIGSEGV), as on Linux. */
    char *const overflowing[] = { "dotnet-checks", "overflow", NULL };
    status = run("/tests/dotnet-checks", overflowing, out, sizeof out);
    CHECK("stack_overflow_dies", WIFSIGNALED(status) && (WTERMSIG(status) == SIGABRT || WTERMSIG(status) == SIGSEGV));
    if (!WIFSIGNALED(status)) check_say("the overflow ended with status 0x%x\n", status);

    char *const dynamic[] = { "dotnet-hello-dynamic", "one", "two", NULL };
    status = run("/tests/dotnet-hello-dynamic", dynamic, out, sizeof out);
    CHECK("dynamic_hello_exits_0", WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK("dynamic_hello_args", strstr(out, "Hello from .NET 10.") != NULL && strstr(out, "args: one two\n") != NULL);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || strstr(out, "Hello") == NULL)
        check_say("dotnet-hello-dynamic said (status 0x%x): %s\n", status, out);
    CHECK("missing_interpreter_enoent", copy_without_interpreter("/tests/dotnet-hello-dynamic", "/tmp/no-ld") == 0 &&
        exec_errno("/tmp/no-ld") == ENOENT);
    unlink("/tmp/no-ld");
    return SUMMARY();
}
