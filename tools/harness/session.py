#!/usr/bin/env python3
"""Runs QEMU with the serial console on stdin/stdout and types one line of input after each shell prompt,
as a person would, instead of all of it at once. Typed-ahead input is echoed by ttyd as it arrives and
can split an output line the test expects (issue 5's closing note); waiting for the prompt cannot.
Used by ./vireo test for the shell sessions (session_case) and by ./vireo bench for boot_to_shell.

usage: session.py INPUT_FILE LOG_FILE TIMEOUT_SECONDS PROMPT -- QEMU_COMMAND...
Writes everything QEMU prints to LOG_FILE; exits with QEMU's status, or 124 after TIMEOUT_SECONDS
(QEMU is killed then). Lines after the last prompt that appears (poweroff) are typed all the same.
A line may name a process by what `ps` printed before it: `{pid:NAME}` becomes the pid of the last
`ps` row for NAME in the output so far (`ps` then `kill {pid:ttyd}`), so a test does not depend on
the order in which init starts things; with no such row it is typed as it is (and the command fails).
A line `{after:S}TEXT` is typed S seconds after the line before it, without waiting for a prompt and
without its newline (`{nl}` in it types one): keys for a program that is running (`vi`, Ctrl-C or
Ctrl-Z for `sleep`); it answers no prompt, so the line after it waits for the prompt the one before
it waited for, plus one. (Input lines end at LF or CR: type Enter as LF.) A line `{prompt}` types
nothing and only takes the next prompt: for output that shows the prompt again (ash redrawing its
line after Tab or Up), so that the line after it waits for the real one.
"""
import re
import subprocess
import sys
import threading
import time


def main():
    input_file, log_file, timeout, prompt = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4].encode()
    if sys.argv[5] != "--":
        print(__doc__, file=sys.stderr)
        return 2
    command = sys.argv[6:]
    with open(input_file, "rb") as f:
        lines = f.read().splitlines(keepends=True)

    deadline = time.monotonic() + timeout
    seen = bytearray()
    changed = threading.Condition()
    with open(log_file, "wb") as log:
        qemu = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE)

        def copy_output():
            while True:
                chunk = qemu.stdout.read1(4096)
                if not chunk:
                    break
                log.write(chunk)
                log.flush()
                with changed:
                    seen.extend(chunk)
                    changed.notify_all()
            with changed:
                changed.notify_all()

        reader = threading.Thread(target=copy_output, daemon=True)
        reader.start()
        try:
            typed = 0   # lines typed at a prompt
            for line in lines:
                after = AFTER.match(line)
                if after:
                    time.sleep(float(after.group(1)))
                    if qemu.poll() is not None:
                        break
                    qemu.stdin.write(after.group(2).replace(b"{nl}", b"\n"))
                    qemu.stdin.flush()
                    continue
                redrawn = line.rstrip(b"\r\n") == b"{prompt}"
                # The (typed + 1)th prompt answers this line; the first comes with the boot.
                with changed:
                    while seen.count(prompt) <= typed and qemu.poll() is None:
                        left = deadline - time.monotonic()
                        if left <= 0:
                            raise TimeoutError
                        changed.wait(min(left, 0.5))
                if qemu.poll() is not None:
                    break
                if redrawn:
                    typed += 1
                    continue
                with changed:
                    line = with_pids(line, bytes(seen))
                qemu.stdin.write(line)
                qemu.stdin.flush()
                typed += 1
            qemu.stdin.close()
            status = qemu.wait(timeout=max(0.0, deadline - time.monotonic()))
        except (TimeoutError, subprocess.TimeoutExpired):
            qemu.kill()
            qemu.wait()
            status = 124
        except BrokenPipeError:
            status = qemu.wait()
        reader.join(timeout=5)
    return status


AFTER = re.compile(rb"\{after:([0-9.]+)\}(.*?)\r?\n?$", re.DOTALL)


def with_pids(line, output):
    """Replaces each {pid:NAME} in line with NAME's pid from the last `ps` row for it in output
    (PID PARENT NAME, or PID PARENT CPU NAME as sys:/ps prints it)."""
    def pid(match):
        name = re.escape(match.group(1))
        rows = re.findall(rb"^ *([0-9]+) +[0-9]+ +(?:[0-9]+ +)?" + name + rb"\r?$", output, re.MULTILINE)
        return rows[-1] if rows else match.group(0)   # left as it is: the command then fails visibly
    return re.sub(rb"\{pid:([A-Za-z0-9_.-]+)\}", pid, line)


if __name__ == "__main__":
    sys.exit(main())
