/*
 * tty: the console through ioctl (run by linux_suite, so fds 0-2 are the console): termios round trip
 * and its mapping onto ttyd's modes, the window size, the foreground process group, and ENOTTY
 * (isatty false) for a pipe and a file (docs/design/linux.md, "The terminal").
 */
#include "check.h"
#include <fcntl.h>
#include <sys/ioctl.h>
#include <termios.h>

static void *volatile bad = (void *)8;

int main(void)
{
    check_program = "tty";
    struct termios saved, t, back;
    CHECK("isatty_stdin", isatty(0) == 1);
    CHECK("tcgetattr", tcgetattr(0, &saved) == 0);
    CHECK("default_modes", (saved.c_lflag & (ICANON | ECHO | ISIG)) == (ICANON | ECHO | ISIG) && saved.c_cc[VINTR] == 3 &&
          saved.c_cc[VEOF] == 4 && saved.c_cc[VERASE] == 0x7f && saved.c_cc[VMIN] == 1);
    t = saved;
    t.c_lflag &= ~(ICANON | ECHO);
    t.c_cc[VMIN] = 0;
    t.c_cc[VTIME] = 0;
    t.c_iflag &= ~ICRNL;
    CHECK("tcsetattr_raw", tcsetattr(0, TCSANOW, &t) == 0);
    CHECK("round_trip", tcgetattr(1, &back) == 0 && (back.c_lflag & (ICANON | ECHO)) == 0 && back.c_cc[VMIN] == 0 &&
          (back.c_iflag & ICRNL) == 0 && (back.c_lflag & ISIG) != 0);
    char c;
    CHECK("raw_read_vmin0_returns", read(0, &c, 1) == 0);
    CHECK("tcsetattr_back", tcsetattr(0, TCSAFLUSH, &saved) == 0 && tcgetattr(0, &back) == 0 &&
          (back.c_lflag & (ICANON | ECHO | ISIG)) == (ICANON | ECHO | ISIG) && back.c_cc[VMIN] == 1);
    CHECK_ERRNO("tcgetattr_bad_pointer", ioctl(0, TCGETS, bad), EFAULT);

    struct winsize ws;
    CHECK("winsize", ioctl(1, TIOCGWINSZ, &ws) == 0 && ws.ws_row == 25 && ws.ws_col == 80);
    struct winsize set = { 50, 132, 0, 0 };
    CHECK("set_winsize", ioctl(1, TIOCSWINSZ, &set) == 0 && ioctl(2, TIOCGWINSZ, &ws) == 0 && ws.ws_row == 50 && ws.ws_col == 132);

    CHECK("tcgetpgrp", tcgetpgrp(0) == getpgrp());
    CHECK("tcsetpgrp_own", tcsetpgrp(0, getpgrp()) == 0);
    CHECK_ERRNO("tcsetpgrp_none", tcsetpgrp(0, 99999), ESRCH);
    CHECK_ERRNO("tcsetpgrp_negative", tcsetpgrp(0, -1), EINVAL);
    CHECK("tcgetsid", tcgetsid(0) == getsid(0) || tcgetsid(0) == getpid());

    int dev = open("/dev/tty", O_RDWR);
    CHECK("dev_tty_is_a_tty", dev >= 0 && isatty(dev) == 1);
    close(dev);
    int p[2];
    pipe(p);
    CHECK("pipe_not_a_tty", isatty(p[0]) == 0 && errno == ENOTTY);
    CHECK_ERRNO("pipe_tcgetattr", tcgetattr(p[1], &t), ENOTTY);
    CHECK_ERRNO("pipe_winsize", ioctl(p[0], TIOCGWINSZ, &ws), ENOTTY);
    int file = open("/etc/passwd", O_RDONLY);
    CHECK("file_not_a_tty", file >= 0 && isatty(file) == 0 && errno == ENOTTY);
    CHECK_ERRNO("closed_fd", ioctl(77, TCGETS, &t), EBADF);
    return SUMMARY();
}
