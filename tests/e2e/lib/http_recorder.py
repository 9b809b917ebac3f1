#!/usr/bin/env python3
"""A tiny HTTP server standing in for tuki in the peers self-test: records every GET.

Usage: http_recorder.py PORT OUTFILE

Answers every GET with 202 and appends one JSON line per request to OUTFILE:
{"path": ..., "query": {name: value}} (the query parsed as UTF-8 form data; the last value wins).
Listens on 127.0.0.1 with a listen backlog of 1024 (smsbox opens many connections at once; the
default backlog of 5 causes SYN-retransmit stalls). Runs until signalled. Standard library only.
"""
import http.server
import json
import sys
import threading
import urllib.parse

lock = threading.Lock()


class Recorder(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(url.query, keep_blank_values=True, encoding="utf-8"))
        with lock, open(sys.argv[2], "a", encoding="utf-8") as out:
            out.write(json.dumps({"path": url.path, "query": query}, ensure_ascii=False) + "\n")
        self.send_response(202)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, fmt, *args):
        sys.stderr.write("http_recorder: " + (fmt % args) + "\n")


class Server(http.server.ThreadingHTTPServer):
    request_queue_size = 1024
    daemon_threads = True


if __name__ == "__main__":
    Server(("127.0.0.1", int(sys.argv[1])), Recorder).serve_forever()
