#!/usr/bin/env python3
"""Lists the mails smtp-sink received (one file per mail transaction in its dump directory).

Usage: mail.py [--dir DIR] [--to ADDRESS] [--wait N --timeout S] [--json | --links | --count]

A file is complete once smtp-sink has closed it (it holds it open from MAIL FROM until the end
of DATA): with $SMTP_SINK_PID set (peers_start exports it) open files are found through
/proc/PID/fd; without it, empty files and files changed in the last second are skipped.

Output (mails in order of their file names, i.e. of arrival time, then name):
  default   one line per mail: FILE<TAB>RECIPIENTS<TAB>SUBJECT
  --json    a JSON list of {"file", "sender", "recipients", "subject", "headers", "text"}:
            recipients from the X-Rcpt-Args lines, subject RFC 2047 decoded, text = the first
            text/plain part decoded (quoted-printable/base64, its charset)
  --links   every http(s) URL found in the text parts, one per line
  --count   the number of mails
  --to      only mails with this recipient (case-insensitive)
  --wait N  first wait until at least N mails exist; exit 1 after --timeout S (default 20)
The directory defaults to $SMTP_SINK_DIR. Standard library only.
"""
import argparse
import email
import email.header
import email.policy
import json
import os
import re
import sys
import time

URL = re.compile(r"https?://[^\s<>\"')\]]+")


def open_files(pid):
    """Paths smtp-sink currently holds open, or None when that cannot be known."""
    if not pid:
        return None
    try:
        fd_dir = f"/proc/{pid}/fd"
        paths = set()
        for fd in os.listdir(fd_dir):
            try:
                paths.add(os.readlink(os.path.join(fd_dir, fd)))
            except OSError:
                pass
        return paths
    except OSError:
        return None


def complete_files(directory, pid):
    try:
        names = sorted(n for n in os.listdir(directory) if n.startswith("mail-"))
    except FileNotFoundError:
        return []
    held = open_files(pid)
    result = []
    for name in names:
        path = os.path.realpath(os.path.join(directory, name))
        try:
            st = os.stat(path)
        except OSError:
            continue
        if st.st_size == 0:
            continue
        if held is not None:
            if path in held:
                continue
        elif time.time() - st.st_mtime < 1.0:
            continue
        result.append(path)
    return result


def decode_header(value):
    if value is None:
        return None
    return str(email.header.make_header(email.header.decode_header(value)))


def text_part(message):
    for part in message.walk():
        if part.get_content_type() == "text/plain" and not part.is_multipart():
            payload = part.get_payload(decode=True) or b""
            charset = part.get_content_charset() or "us-ascii"
            try:
                return payload.decode(charset)
            except (LookupError, UnicodeDecodeError):
                # Undeclared 8-bit text (or a wrong label): UTF-8 is what tuki sends.
                return payload.decode("utf-8", "replace")
    return ""


def parse_mail(path):
    with open(path, "rb") as f:
        raw = f.read()
    message = email.message_from_bytes(raw, policy=email.policy.compat32)
    recipients = [r.strip().strip("<>").split(" ")[0].rstrip(">")
                  for r in message.get_all("X-Rcpt-Args", [])]
    sender = (message.get("X-Mail-Args") or "").strip().strip("<>").split(" ")[0].rstrip(">")
    # smtp-sink's own lines come first; the rest are the headers as the client sent them.
    own = {"x-client-addr", "x-client-proto", "x-helo-args", "x-mail-args", "x-rcpt-args",
           "received"}
    headers = {}
    for key, value in message.items():
        if key.lower() not in own:
            headers.setdefault(key, decode_header(value))
    return {
        "file": path,
        "sender": sender,
        "recipients": recipients,
        "subject": decode_header(message.get("Subject")),
        "headers": headers,
        "text": text_part(message),
    }


def load(directory, pid, to):
    mails = [parse_mail(p) for p in complete_files(directory, pid)]
    if to:
        mails = [m for m in mails if to.lower() in (r.lower() for r in m["recipients"])]
    return mails


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dir", default=os.environ.get("SMTP_SINK_DIR"))
    parser.add_argument("--to", help="only mails to this address")
    parser.add_argument("--wait", type=int, metavar="N", help="wait for at least N mails")
    parser.add_argument("--timeout", type=float, default=20.0, help="for --wait (default 20 s)")
    output = parser.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true")
    output.add_argument("--links", action="store_true")
    output.add_argument("--count", action="store_true")
    opts = parser.parse_args()
    if not opts.dir:
        parser.error("no --dir and SMTP_SINK_DIR is not set")
    pid = os.environ.get("SMTP_SINK_PID")

    mails = load(opts.dir, pid, opts.to)
    if opts.wait is not None:
        deadline = time.monotonic() + opts.timeout
        while len(mails) < opts.wait:
            if time.monotonic() > deadline:
                who = f" to {opts.to}" if opts.to else ""
                print(f"mail.py: timed out after {opts.timeout:g}s waiting for {opts.wait} "
                      f"mail(s){who} in {opts.dir}; have {len(mails)}", file=sys.stderr)
                return 1
            time.sleep(0.1)
            mails = load(opts.dir, pid, opts.to)

    if opts.json:
        print(json.dumps(mails, ensure_ascii=False, indent=1))
    elif opts.links:
        for m in mails:
            for url in URL.findall(m["text"]):
                print(url.rstrip(".,;:!?"))
    elif opts.count:
        print(len(mails))
    else:
        for m in mails:
            print(f"{m['file']}\t{','.join(m['recipients'])}\t{m['subject']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
