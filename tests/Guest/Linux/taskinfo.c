/*
 * taskinfo: the calls issue 13 left for later (docs/design/linux.md): sync, syncfs, fsync and
 * fdatasync with Linux's errors; the task name (/proc/PID/comm and stat's second field) set by
 * prctl(PR_SET_NAME) and, for a `#!` script, from the script's file name rather than its interpreter's
 * (BusyBox's `pidof NAME.tests`); and /proc/PID/stat's starttime (field 22), the ticks since boot at
 * which the process was made, so that a child made later starts no earlier than its parent and no
 * later than /proc/uptime says now.
 */
#define _GNU_SOURCE
#include "check.h"
#include <fcntl.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>

static void *volatile bad = (void *)8;

/* /proc/PID/stat's starttime (the 22nd field, counted after the name's closing parenthesis). */
static unsigned long long start_ticks(int pid)
{
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", pid);
    if (read_file(path, buf, sizeof buf) <= 0) return 0;
    char *p = strrchr(buf, ')');
    if (!p) return 0;
    p += 2;   /* the state */
    for (int field = 3; field < 22; field++) {
        p = strchr(p, ' ');
        if (!p) return 0;
        p++;
    }
    return strtoull(p, NULL, 10);
}

static void test_sync(void)
{
    errno = 0;
    sync();
    CHECK("sync_returns", errno == 0);
    int fd = open("/taskinfo-sync", O_CREAT | O_TRUNC | O_WRONLY, 0644);   /* on the disk (diskfs) */
    CHECK("sync_open_disk_file", fd >= 0);
    CHECK("fsync_disk_file", write(fd, "durable\n", 8) == 8 && fsync(fd) == 0);
    CHECK("fdatasync_disk_file", fdatasync(fd) == 0);
    CHECK("syncfs_disk_file", syncfs(fd) == 0);
    close(fd);
    unlink("/taskinfo-sync");
    fd = open("/tmp/taskinfo-sync", O_CREAT | O_TRUNC | O_WRONLY, 0644);   /* ramfs: nothing to write back */
    CHECK("fsync_ram_file", fd >= 0 && fsync(fd) == 0);
    close(fd);
    unlink("/tmp/taskinfo-sync");
    CHECK_ERRNO("fsync_bad_fd", fsync(999), EBADF);
    CHECK_ERRNO("fdatasync_bad_fd", fdatasync(-1), EBADF);
    CHECK_ERRNO("syncfs_bad_fd", syncfs(999), EBADF);
    int p[2];
    CHECK("sync_pipe", pipe(p) == 0);
    CHECK_ERRNO("fsync_pipe", fsync(p[1]), EINVAL);
    CHECK("syncfs_pipe", syncfs(p[0]) == 0);
    close(p[0]);
    close(p[1]);
}

static void test_name(char *self)
{
    char buf[256];
    CHECK("comm_is_program_name", read_file("/proc/self/comm", buf, sizeof buf) > 0 && strcmp(buf, "taskinfo\n") == 0);
    CHECK("prctl_set_name", prctl(PR_SET_NAME, (unsigned long)"renamed-task-with-a-long-name", 0, 0, 0) == 0);
    CHECK("comm_after_prctl", read_file("/proc/self/comm", buf, sizeof buf) > 0 && strcmp(buf, "renamed-task-wi\n") == 0);
    char name[16] = "x";
    CHECK("prctl_get_name", prctl(PR_GET_NAME, (unsigned long)name, 0, 0, 0) == 0 && strcmp(name, "renamed-task-wi") == 0);
    snprintf(buf, sizeof buf, "/proc/%d/stat", getpid());
    char stat[1024];
    CHECK("stat_name_after_prctl", read_file(buf, stat, sizeof stat) > 0 && strstr(stat, " (renamed-task-wi) ") != NULL);
    CHECK_ERRNO("prctl_set_name_efault", prctl(PR_SET_NAME, (unsigned long)bad, 0, 0, 0), EFAULT);
    CHECK_ERRNO("prctl_get_name_efault", prctl(PR_GET_NAME, (unsigned long)bad, 0, 0, 0), EFAULT);
    CHECK_ERRNO("prctl_unknown_option", prctl(0x7fff, 0, 0, 0, 0), EINVAL);

    /* A child inherits the name; a `#!` script run by execve is named by the script's file. */
    pid_t child = fork();
    if (child == 0) {
        if (read_file("/proc/self/comm", buf, sizeof buf) <= 0 || strcmp(buf, "renamed-task-wi\n") != 0) _exit(3);
        int fd = open("/tmp/named-script.sh", O_CREAT | O_TRUNC | O_WRONLY, 0755);
        const char *text = "#!/bin/sh\nread n < /proc/$$/comm; [ \"$n\" = named-script.sh ] && exit 0; exit 4\n";
        write(fd, text, strlen(text));
        close(fd);
        char *args[] = { "/tmp/named-script.sh", NULL };
        execv(args[0], args);
        _exit(5);
    }
    int status = -1;
    waitpid(child, &status, 0);
    CHECK("comm_of_script_is_its_name", WIFEXITED(status) && WEXITSTATUS(status) == 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) check_say("  (child status 0x%x)\n", status);
    unlink("/tmp/named-script.sh");

    /* An ELF exec names the task by its file again. */
    child = fork();
    if (child == 0) {
        char *args[] = { self, "name-after-exec", NULL };
        execv(self, args);
        _exit(5);
    }
    waitpid(child, &status, 0);
    CHECK("comm_after_elf_exec", WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void test_start_time(void)
{
    char buf[128];
    unsigned long long mine = start_ticks(getpid());
    usleep(30000);   /* three ticks at least between the parent's start and the child's */
    int p[2];
    pipe(p);
    pid_t child = fork();
    if (child == 0) {
        close(p[1]);
        read(p[0], buf, 1);   /* until the parent has read the child's stat */
        _exit(0);
    }
    close(p[0]);
    unsigned long long its = start_ticks(child);
    write(p[1], "x", 1);
    close(p[1]);
    waitpid(child, NULL, 0);
    double uptime = 0;
    if (read_file("/proc/uptime", buf, sizeof buf) > 0) uptime = atof(buf);
    CHECK("starttime_set", mine > 0);
    CHECK("starttime_child_later", its > mine);
    CHECK("starttime_not_future", its <= (unsigned long long)(uptime * 100) + 1);
    if (!(mine > 0 && its > mine && its <= (unsigned long long)(uptime * 100) + 1))
        check_say("  (parent %llu, child %llu, uptime %.2f)\n", mine, its, uptime);
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "name-after-exec") == 0) {
        char buf[64];
        return read_file("/proc/self/comm", buf, sizeof buf) > 0 && strcmp(buf, "taskinfo\n") == 0 ? 0 : 6;
    }
    check_program = "taskinfo";
    test_sync();
    test_start_time();
    test_name(argv[0]);
    return SUMMARY();
}
