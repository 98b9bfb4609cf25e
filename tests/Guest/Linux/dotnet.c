/*
 * dotnet: a .NET 10 program published with NativeAOT as a static PIE (samples/hello, put beside this
 * program as /tests/dotnet-hello by ./vireo) runs through the personality: it is started with
 * arguments, its output is read through a pipe and checked, and its exit status is 0. The .NET runtime
 * at start-up makes threads (the finalizer), reserves memory with PROT_NONE and commits it with
 * mprotect, reads /proc and /sys files, and installs its signal handlers on an alternate stack. The
 * acceptance checks (DotnetChecks/, /tests/dotnet-checks) run as a program of linux_suite's own; here
 * the same program is made to end with an unhandled exception.
 */
#define _GNU_SOURCE
#include "check.h"
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
    return SUMMARY();
}
