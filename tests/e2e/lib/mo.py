#!/usr/bin/env python3
"""Injects one student reply (MO) into Kannel through the `fake-mo` SMS centre.

Usage: mo.py [--timeout S] FROM TO TEXT
       mo.py [--timeout S] --raw "FROM TO TYPE DATA"

Runs one short fakesmsc in command-line mode (`-m 1 -i 0 -v 0`) against FAKESMSC_MO_PORT,
waits until bearerbox's admin status shows the `fake-mo` SMSC's received counter went up (the
message was read; fakesmsc may lose unflushed output if stopped earlier), then SIGINTs it.
GSM-7 text is sent as fakesmsc type `text`, anything else (non-GSM letters, control characters,
leading/trailing blanks) as `ucs2` (URL-encoded UTF-16BE); with `mo-recode = true` the bot
receives both as UTF-8. Runs are serialised with the lock file $PEERS_DIR/mo.lock (one fakesmsc
client per fake SMSC at a time). Exits 1 at once if the SMSC logs `invalid message syntax`.

Environment (exported by peers_start): FAKESMSC_MO_PORT, KANNEL_ADMIN_URL,
KANNEL_ADMIN_PASSWORD, PEERS_DIR; optional FAKESMSC_BIN.
Appends fakesmsc's output to $PEERS_DIR/fakesmsc-mo.log. Standard library only.
"""
import argparse
import fcntl
import os
import re
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request

# GSM 03.38 default alphabet and its extension table (characters that need an escape).
GSM7_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = "^{}\\[~]|€"


def is_plain_gsm7(text):
    """True when fakesmsc's `text` type carries TEXT unchanged: GSM-7 only, one line, and no
    leading/trailing blanks (the line protocol is whitespace-separated)."""
    if not text or "\n" in text or "\r" in text or text != text.strip():
        return False
    return all(c in GSM7_BASIC or c in GSM7_EXTENSION for c in text)


def fakesmsc_line(sender, receiver, text):
    if is_plain_gsm7(text):
        return f"{sender} {receiver} text {text}"
    data = urllib.parse.quote_from_bytes(text.encode("utf-16-be"), safe="")
    return f"{sender} {receiver} ucs2 {data}"


def env(name):
    value = os.environ.get(name)
    if not value:
        sys.exit(f"mo.py: {name} is not set (source tests/e2e/lib/peers.sh and run peers_start)")
    return value


def received_count(admin_url, password):
    """bearerbox's `rcvd: sms N` for the SMSC whose admin id is fake-mo."""
    url = f"{admin_url}/status.txt?password={urllib.parse.quote(password)}"
    with urllib.request.urlopen(url, timeout=2) as reply:
        status = reply.read().decode("utf-8", "replace")
    match = re.search(r"\[fake-mo\][^\n]*?rcvd: sms (\d+)", status)
    if not match:
        raise RuntimeError(f"no fake-mo SMSC in the admin status:\n{status}")
    return int(match.group(1))


def file_size(path):
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def new_text(path, offset):
    try:
        with open(path, "rb") as f:
            f.seek(offset)
            return f.read().decode("utf-8", "replace")
    except OSError:
        return ""


def register(peers_dir, pid):
    """Lists the run in $PEERS_DIR/pids so that peers.sh's watchdog stops it if the test dies
    (with the start time as `ps -o lstart=` prints it, to recognise the process)."""
    start = subprocess.run(["ps", "-o", "lstart=", "-p", str(pid)], capture_output=True,
                           text=True).stdout.replace(" ", "").strip()
    with open(os.path.join(peers_dir, "pids"), "a") as f:
        f.write(f"fakesmsc-mo {pid} {start}\n")


def stop(proc):
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGINT)
    except ProcessLookupError:
        return
    try:
        proc.wait(timeout=3)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=3)


def inject(line, timeout):
    port = env("FAKESMSC_MO_PORT")
    admin_url = env("KANNEL_ADMIN_URL")
    password = env("KANNEL_ADMIN_PASSWORD")
    peers_dir = env("PEERS_DIR")
    fakesmsc = os.environ.get("FAKESMSC_BIN", "/usr/lib/kannel/test/fakesmsc")
    smsc_log = os.path.join(peers_dir, "smsc-fake.log")

    with open(os.path.join(peers_dir, "mo.lock"), "w") as lock:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    sys.exit(f"mo.py: lock {lock.name} still held after {timeout}s")
                time.sleep(0.05)

        before = received_count(admin_url, password)
        log_offset = file_size(smsc_log)
        with open(os.path.join(peers_dir, "fakesmsc-mo.log"), "ab") as out:
            proc = subprocess.Popen(
                [fakesmsc, "-H", "127.0.0.1", "-r", port, "-i", "0", "-v", "0", "-m", "1", line],
                stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True)
        register(peers_dir, proc.pid)
        try:
            deadline = time.monotonic() + timeout
            while True:
                if "invalid message syntax" in new_text(smsc_log, log_offset):
                    sys.exit(f"mo.py: bearerbox rejected the line (invalid message syntax): {line}")
                if received_count(admin_url, password) > before:
                    return
                if proc.poll() is not None:
                    sys.exit(f"mo.py: fakesmsc exited early with status {proc.returncode}")
                if time.monotonic() > deadline:
                    sys.exit(f"mo.py: fake-mo received counter stayed at {before} for {timeout}s")
                time.sleep(0.05)
        finally:
            stop(proc)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds (default 10)")
    parser.add_argument("--raw", help="a complete fakesmsc line: FROM TO TYPE DATA")
    parser.add_argument("args", nargs="*", metavar="FROM TO TEXT")
    opts = parser.parse_args()
    if opts.raw is not None:
        if opts.args:
            parser.error("--raw takes no positional arguments")
        line = opts.raw
    elif len(opts.args) == 3:
        line = fakesmsc_line(*opts.args)
    else:
        parser.error("expected FROM TO TEXT")
    inject(line, opts.timeout)


if __name__ == "__main__":
    main()
