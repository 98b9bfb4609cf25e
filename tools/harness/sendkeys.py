#!/usr/bin/env python3
"""Types keys into a running guest through QEMU's human monitor (sendkey), once the guest's
serial log shows that the keyboard driver is ready. Used by ./vireo test for the keyboard test.

usage: sendkeys.py SERIAL_LOG MONITOR_SOCKET KEY...   (gives up after 60 s, or when QEMU is gone)
"""
import os
import socket
import sys
import time

READY = b"keyboard: ready"


def main():
    log, sock_path, keys = sys.argv[1], sys.argv[2], sys.argv[3:]
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with open(log, "rb") as f:
                if READY in f.read():
                    break
        except OSError:
            pass
        time.sleep(0.05)
    else:
        return 1
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        s.connect(sock_path)
    except OSError:
        return 1
    for key in keys:
        s.sendall(b"sendkey " + key.encode() + b"\n")
        time.sleep(0.05)
    time.sleep(0.2)
    s.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
