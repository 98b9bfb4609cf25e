/*
 * exec: execve in the personality (docs/design/linux.md, "Exec"). There is no fork yet, so the
 * process replaces itself, in three images of this same program: the first checks execve's errors
 * (the process goes on after each), copies itself to /tmp (ramfs, which lends its pages: the image is
 * mapped from the file) and runs a `#!` script whose interpreter is that copy, with an argument; the
 * second, started as that interpreter, checks its
 * argv and that the close-on-exec fd went while the other stayed, and re-executes itself through
 * /proc/self/exe with an argument, as BusyBox does with an applet name; the third reports it. The
 * counts of passed and failed checks travel in argv, so that the last image's summary covers all.
 */
#include "check.h"
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>

static char *const no_env[] = { "EXEC_TEST=1", NULL };
static void *volatile bad = (void *)8;

static void write_file(const char *path, const char *text, mode_t mode)
{
    int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, mode);
    write(fd, text, strlen(text));
    close(fd);
    chmod(path, mode);
}

static void counts_from(const char *passed, const char *failed)
{
    check_passed = atoi(passed);
    check_failed = atoi(failed);
}

int main(int argc, char **argv)
{
    check_program = "exec";
    char passed[16], failed[16], keep[16], gone[16];

    if (argc >= 7 && strcmp(argv[1], "script-arg") == 0) {
        /* The script's interpreter: argv = interpreter, its argument, the script, the script's args. */
        counts_from(argv[4], argv[5]);
        CHECK("script_interpreter_argv", strcmp(argv[0], "/tmp/exec-copy") == 0);
        CHECK("script_path_argv", strcmp(argv[2], "/tmp/exec-script") == 0 && strcmp(argv[3], "one") == 0);
        CHECK("environment_passed", getenv("EXEC_TEST") != NULL && strcmp(getenv("EXEC_TEST"), "1") == 0);
        int closed = atoi(argv[6]), kept = atoi(argv[7]);
        errno = 0;
        CHECK("close_on_exec_closed", fcntl(closed, F_GETFD) == -1 && errno == EBADF);
        CHECK("other_fd_kept", fcntl(kept, F_GETFD) == 0 && lseek(kept, 0, SEEK_CUR) == 3);
        char exe[256];
        ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
        exe[n < 0 ? 0 : n] = 0;
        CHECK("proc_self_exe_is_interpreter", strcmp(exe, "/tmp/exec-copy") == 0);
        CHECK("running_file_not_writable", open("/tmp/exec-copy", O_WRONLY) == -1);
        snprintf(passed, sizeof passed, "%d", check_passed);
        snprintf(failed, sizeof failed, "%d", check_failed);
        char *again[] = { "exec", "again", "applet", passed, failed, NULL };
        execve("/proc/self/exe", again, no_env);
        CHECK("reexec_proc_self_exe", 0);
        return SUMMARY();
    }
    if (argc == 5 && strcmp(argv[1], "again") == 0) {
        counts_from(argv[3], argv[4]);
        CHECK("reexec_argument", strcmp(argv[0], "exec") == 0 && strcmp(argv[2], "applet") == 0);
        return SUMMARY();
    }

    /* The first image: errors, each leaving the process as it was. */
    char *args[] = { "x", NULL };
    CHECK_ERRNO("missing", execve("/nosuch", args, no_env), ENOENT);
    CHECK_ERRNO("not_directory", execve("/etc/passwd/x", args, no_env), ENOTDIR);
    CHECK_ERRNO("directory", execve("/tmp", args, no_env), EACCES);
    CHECK_ERRNO("proc_file", execve("/proc/self/stat", args, no_env), EACCES);
    CHECK_ERRNO("proc_meminfo", execve("/proc/meminfo", args, no_env), EACCES);
    write_file("/tmp/exec-plain", "#!/bin/true\n", 0644);
    CHECK_ERRNO("not_executable", execve("/tmp/exec-plain", args, no_env), EACCES);
    write_file("/tmp/exec-garbage", "this is no program\n", 0755);
    CHECK_ERRNO("unknown_format", execve("/tmp/exec-garbage", args, no_env), ENOEXEC);
    write_file("/tmp/exec-loop", "#!/tmp/exec-loop\n", 0755);
    CHECK_ERRNO("script_loop", execve("/tmp/exec-loop", args, no_env), ELOOP);
    write_file("/tmp/exec-nointerp", "#!\n", 0755);
    CHECK_ERRNO("script_without_interpreter", execve("/tmp/exec-nointerp", args, no_env), ENOEXEC);
    CHECK_ERRNO("path_bad_pointer", execve(bad, args, no_env), EFAULT);
    CHECK_ERRNO("argv_bad_pointer", execve("/tmp/exec-garbage", bad, no_env), EFAULT);
    char *bad_args[] = { "x", bad, NULL };
    CHECK_ERRNO("argv_string_bad_pointer", execve("/tmp/exec-garbage", bad_args, no_env), EFAULT);
    static char huge[200 * 1024];
    memset(huge, 'a', sizeof huge - 1);
    char *huge_args[] = { "x", huge, NULL };
    CHECK_ERRNO("argument_too_long", execve("/tests/exec", huge_args, no_env), E2BIG);
    CHECK("still_running", getpid() > 0);

    /* A copy of this program on ramfs: refused while open for writing, as Linux's ETXTBSY. */
    int from = open("/tests/exec", O_RDONLY);
    int to = open("/tmp/exec-copy", O_CREAT | O_TRUNC | O_WRONLY, 0755);
    char chunk[4096];
    ssize_t n;
    while ((n = read(from, chunk, sizeof chunk)) > 0) write(to, chunk, n);
    close(from);
    struct stat st;
    CHECK("copy_executable", fstat(to, &st) == 0 && (st.st_mode & 0777) == 0755);
    CHECK_ERRNO("open_for_writing", execve("/tmp/exec-copy", args, no_env), ETXTBSY);
    close(to);

    /* A script run by execve, with a close-on-exec fd and one that stays. */
    write_file("/tmp/exec-script", "#!/tmp/exec-copy script-arg\necho never\n", 0755);
    int closed = open("/tmp/exec-plain", O_RDONLY | O_CLOEXEC);
    int kept = open("/tmp/exec-plain", O_RDONLY);
    lseek(kept, 3, SEEK_SET);
    snprintf(passed, sizeof passed, "%d", check_passed + 1);   /* counts the check below */
    snprintf(failed, sizeof failed, "%d", check_failed);
    snprintf(gone, sizeof gone, "%d", closed);
    snprintf(keep, sizeof keep, "%d", kept);
    CHECK("script_fds_open", closed >= 3 && kept >= 3);
    char *script_args[] = { "exec-script", "one", passed, failed, gone, keep, NULL };
    execve("/tmp/exec-script", script_args, no_env);
    CHECK("script_ran", 0);
    return SUMMARY();
}
