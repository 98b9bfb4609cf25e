#!/usr/bin/env python3
# One power-cut run of ./vireo test (docs/design/testing.md, "Power cut"): boots QEMU (the command
# after --) whose guest runs `powercut` on a virtio-blk disk IMAGE, kills QEMU with SIGKILL DELAY_MS
# milliseconds after the guest's CUT-th `DURABLE PATH SIZE CRC32` line (a file fsync'd after its
# directory), then judges the image as a machine would find it after the power came back:
#   1. `e2fsck -fy` repairs it: exit status 0, 1 or 2 (nothing wrong, errors corrected, corrected and
#      a reboot advised); 4 and above (errors left, an operational error) fail;
#   2. every DURABLE file is there with exactly that size and CRC-32 (`debugfs -R 'cat PATH'`);
#   3. `e2fsck -fn` then finds nothing.
# The serial output goes to LOG, e2fsck's and debugfs's to LOG.fsck. Exit status 0 on a pass, 1 on a
# failure (the reason on stdout), 124 when the cut point never came within TIMEOUT seconds.
#   usage: powercut.py CUT DELAY_MS LOG IMAGE TIMEOUT -- QEMU-COMMAND...
import os, re, select, shutil, signal, subprocess, sys, time, zlib

DURABLE = re.compile(rb'DURABLE (\S+) (\d+) (\d+)')


def tool(name):
    return shutil.which(name) or '/usr/sbin/' + name


def run_guest(cut, delay, log, timeout, command):
    """Boots the guest and kills it after the cut-th DURABLE line; returns ({path: (size, crc)}, error)."""
    durable, seen, error = {}, b'', None
    qemu = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=open(log + '.qemu', 'wb'))
    deadline = time.monotonic() + timeout
    count, pending = 0, b''
    with open(log, 'wb') as out:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                error = 'timed out after %d s with %d DURABLE lines (want %d)' % (timeout, count, cut)
                break
            ready, _, _ = select.select([qemu.stdout], [], [], left)
            if not ready:
                continue
            chunk = os.read(qemu.stdout.fileno(), 4096)
            if not chunk:
                error = 'QEMU ended (status %s) after %d DURABLE lines (want %d)' % (qemu.wait(), count, cut)
                break
            out.write(chunk)
            pending += chunk
            lines = pending.split(b'\n')
            pending = lines.pop()
            for line in lines:
                if b'POWERCUT FAIL' in line or b'POWERCUT DONE' in line:
                    error = 'the guest said %r before the cut (after %d DURABLE lines, want %d)' % (line.strip().decode('ascii', 'replace'), count, cut)
                    break
                m = DURABLE.search(line)
                if m:
                    durable[m.group(1).decode()] = (int(m.group(2)), int(m.group(3)))
                    count += 1
                    if count == cut:
                        break
            if error or count >= cut:
                break
        if not error and delay > 0:
            time.sleep(delay / 1000)
        qemu.send_signal(signal.SIGKILL)
        qemu.wait()
        # What the guest printed before it died, for the log only: a file fsync'd after the cut-th
        # line may not have been answered, so it is not checked.
        out.write(qemu.stdout.read() or b'')
    return durable, error


def judge(image, durable, report):
    """e2fsck -fy, every durable file, e2fsck -fn; returns the first failure, or None."""
    repair = subprocess.run([tool('e2fsck'), '-fy', image], capture_output=True)
    report.write(b'== e2fsck -fy: exit status %d\n' % repair.returncode + repair.stdout + repair.stderr)
    if repair.returncode >= 4:
        return 'e2fsck -fy left errors (exit status %d)' % repair.returncode
    for path, (size, crc) in sorted(durable.items()):
        cat = subprocess.run([tool('debugfs'), '-R', 'cat ' + path, image], capture_output=True)
        # debugfs prints its version banner on stderr; anything else there is an error (not found).
        errors = [l for l in cat.stderr.decode('ascii', 'replace').splitlines() if l and not l.startswith('debugfs ')]
        report.write(('== %s: want %d bytes crc %d, got %d bytes crc %d %s\n' % (
            path, size, crc, len(cat.stdout), zlib.crc32(cat.stdout), ' '.join(errors))).encode())
        if cat.returncode != 0 or errors:
            return 'fsync\'d file %s is gone after the repair (%s)' % (path, ' '.join(errors))
        if len(cat.stdout) != size or zlib.crc32(cat.stdout) != crc:
            return 'fsync\'d file %s holds %d bytes crc %d, want %d bytes crc %d' % (
                path, len(cat.stdout), zlib.crc32(cat.stdout), size, crc)
    check = subprocess.run([tool('e2fsck'), '-fn', image], capture_output=True)
    report.write(b'== e2fsck -fn: exit status %d\n' % check.returncode + check.stdout + check.stderr)
    if check.returncode != 0:
        return 'e2fsck -fn after the repair found problems (exit status %d)' % check.returncode
    return None


def main():
    if len(sys.argv) < 7 or sys.argv[6] != '--':
        print('usage: powercut.py CUT DELAY_MS LOG IMAGE TIMEOUT -- QEMU-COMMAND...', file=sys.stderr)
        return 2
    cut, delay, log, image, timeout = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4], int(sys.argv[5])
    durable, error = run_guest(cut, delay, log, timeout, sys.argv[7:])
    if error:
        print(error)
        return 124 if error.startswith('timed out') else 1
    with open(log + '.fsck', 'wb') as report:
        error = judge(image, durable, report)
    if error:
        print(error)
        return 1
    print('%d fsync\'d files intact' % len(durable))
    return 0


if __name__ == '__main__':
    sys.exit(main())
