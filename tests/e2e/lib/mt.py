#!/usr/bin/env python3
"""Reads the messages Kannel delivered to the long-running MT fakesmsc (its log).

Usage: mt.py [--log FILE] [--to NUMBER] [--wait N --timeout S] [--last] [--count] [--json]

Parses `Got message N: <from to type data>` lines; glues texts that contained a newline (the
line protocol splits them into extra `Got message` lines that are not `from to type data`);
reassembles concatenated `udh` parts (IEI 0x00 or 0x08 in the UDH; the payload is decoded as
UTF-16BE when it is not plain UTF-8 text, else as UTF-8); decodes `ucs-2` (URL-encoded
UTF-16BE). Parts of a long message that have not all arrived yet are not listed.

Output (messages in order of their first part):
  default       one line per message: FROM<TAB>TO<TAB>TEXT (newlines in TEXT shown as \\n)
  --last        only the last message: its exact TEXT (with --json: one object)
  --count       only the number of messages
  --json        a JSON list of {"from", "to", "coding", "text", "parts"}
  --wait N      first wait until at least N messages (to --to NUMBER) exist; exit 1 with a
                message on stderr after --timeout S seconds (default 20)
The log defaults to $FAKESMSC_MT_LOG (exported by peers_start). Standard library only.
"""
import argparse
import json
import os
import re
import sys
import time
import urllib.parse

GOT = re.compile(r"Got message \d+: <(.*)>$")
MESSAGE = re.compile(r"^(\S+) (\S+) (text|data|ucs-2|udh)(?: (.*))?$", re.S)


def unquote(data):
    """Kannel's URL encoding: `+` is a space."""
    return urllib.parse.unquote_to_bytes(data.replace("+", " "))


def decode_payload(raw):
    """The `udh` line does not say the coding: UTF-16BE text has NULs or C0 controls that SMS
    text in UTF-8 never has (or is not valid UTF-8 at all)."""
    try:
        text = raw.decode("utf-8")
        if not any(ord(c) < 9 for c in text):
            return text, "utf-8"
    except UnicodeDecodeError:
        pass
    if len(raw) % 2 == 0:
        try:
            return raw.decode("utf-16-be"), "ucs-2"
        except UnicodeDecodeError:
            pass
    return raw.decode("utf-8", "replace"), "binary"


def parse_udh(udh):
    """(reference, total, sequence) from a concatenation UDH, or None."""
    if not udh or udh[0] + 1 > len(udh):
        return None
    i, end = 1, udh[0] + 1
    while i + 1 < end:
        iei, length = udh[i], udh[i + 1]
        value = udh[i + 2:i + 2 + length]
        if iei == 0x00 and length == 3:
            return value[0], value[1], value[2]
        if iei == 0x08 and length == 4:
            return (value[0] << 8) | value[1], value[2], value[3]
        i += 2 + length
    return None


def read_lines(path):
    try:
        with open(path, "rb") as f:
            data = f.read().decode("utf-8", "replace")
    except FileNotFoundError:
        return []
    lines = data.split("\n")
    if not data.endswith("\n"):
        lines = lines[:-1]  # the last line may still be being written
    return lines


def parse(path):
    """The complete messages in the log, in order of their first part."""
    messages = []  # dicts; concatenated ones carry "_parts" until complete
    pending = {}  # (from, to, ref, total) -> message
    last_text = None  # the last `text` message, for gluing continuation lines
    for line in read_lines(path):
        got = GOT.search(line)
        if not got:
            continue
        body = got.group(1)
        m = MESSAGE.match(body)
        if not m:
            if last_text is not None:
                last_text["text"] += "\n" + body
            continue
        sender, receiver, kind, data = m.group(1), m.group(2), m.group(3), m.group(4) or ""
        last_text = None
        msg = {"from": sender, "to": receiver, "parts": 1}
        if kind == "text":
            msg.update(coding="text", text=data)
            last_text = msg
        elif kind == "ucs-2":
            msg.update(coding="ucs-2", text=unquote(data).decode("utf-16-be", "replace"))
        elif kind == "data":
            msg["text"], msg["coding"] = decode_payload(unquote(data))
        else:  # udh: "<udh> [data|text] <payload>"
            fields = data.split(" ")
            udh = unquote(fields[0])
            payload = unquote(fields[-1]) if len(fields) > 1 else b""
            concat = parse_udh(udh)
            if concat is None or concat[1] <= 1:
                msg["text"], msg["coding"] = decode_payload(payload)
            else:
                ref, total, seq = concat
                key = (sender, receiver, ref, total)
                group = pending.get(key)
                if group is None or seq in group["_parts"]:
                    group = {"from": sender, "to": receiver, "parts": total, "_parts": {}}
                    pending[key] = group
                    messages.append(group)
                group["_parts"][seq] = payload
                if len(group["_parts"]) == total:
                    joined = b"".join(group["_parts"][k] for k in sorted(group["_parts"]))
                    group["text"], group["coding"] = decode_payload(joined)
                    del group["_parts"]
                    del pending[key]
                continue
        messages.append(msg)
    return [m for m in messages if "_parts" not in m]


def select(messages, to):
    keys = ("from", "to", "coding", "text", "parts")
    return [{k: m[k] for k in keys} for m in messages if to is None or m["to"] == to]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--log", default=os.environ.get("FAKESMSC_MT_LOG"))
    parser.add_argument("--to", help="only messages to this number (as sent, e.g. +358...)")
    parser.add_argument("--wait", type=int, metavar="N", help="wait for at least N messages")
    parser.add_argument("--timeout", type=float, default=20.0, help="for --wait (default 20 s)")
    parser.add_argument("--last", action="store_true")
    parser.add_argument("--count", action="store_true")
    parser.add_argument("--json", action="store_true")
    opts = parser.parse_args()
    if not opts.log:
        parser.error("no --log and FAKESMSC_MT_LOG is not set")

    messages = select(parse(opts.log), opts.to)
    if opts.wait is not None:
        deadline = time.monotonic() + opts.timeout
        while len(messages) < opts.wait:
            if time.monotonic() > deadline:
                who = f" to {opts.to}" if opts.to else ""
                print(f"mt.py: timed out after {opts.timeout:g}s waiting for {opts.wait} "
                      f"message(s){who}; have {len(messages)}", file=sys.stderr)
                for m in messages[-3:]:
                    print(f"  {m['from']} -> {m['to']}: {m['text']!r}", file=sys.stderr)
                return 1
            time.sleep(0.1)
            messages = select(parse(opts.log), opts.to)

    if opts.count:
        print(len(messages))
    elif opts.last:
        if not messages:
            print("mt.py: no messages", file=sys.stderr)
            return 1
        if opts.json:
            print(json.dumps(messages[-1], ensure_ascii=False))
        else:
            sys.stdout.write(messages[-1]["text"] + "\n")
    elif opts.json:
        print(json.dumps(messages, ensure_ascii=False, indent=1))
    else:
        for m in messages:
            print(f"{m['from']}\t{m['to']}\t{m['text']}".replace("\n", "\\n"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
