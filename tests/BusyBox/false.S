/*
 * false: exit(1) whatever its name and arguments, as Debian's /bin/false (coreutils') does. The BusyBox
 * suite's disk gets it in place of the applet link (./vireo, make_busybox_tests_disk), because
 * start-stop-daemon.tests runs `start-stop-daemon -S -x /bin/false -a qwerty false`: BusyBox's false,
 * started as "qwerty", looks for an applet of that name (the test's own comment: it "fails if /bin/false
 * is a busybox symlink"). Assembled by ./vireo; no binary is kept in the repository.
 */
    .text
    .globl _start
_start:
    movl $60, %eax                  /* exit(1) */
    movl $1, %edi
    syscall
