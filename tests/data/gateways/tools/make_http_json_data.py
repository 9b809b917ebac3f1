#!/usr/bin/env python3
"""Writes tests/data/gateways/http_json/*.json (see ../README.md).

Signatures are HMAC-SHA256 computed here with Python's hmac over the exact body bytes (and
"{timestamp}.{body}" when a timestamp header is configured), independently of the C++ driver.
Run from the repository root: python3 tests/data/gateways/tools/make_http_json_data.py
"""
import base64, hashlib, hmac, json, os

OUT = os.path.join(os.path.dirname(__file__), "..", "http_json")
SECRET = "hj-shared-secret-Šš-2026"
BASE = "https://tuki.example.fi"
NOW = 1795355910  # unix seconds; the gateways' fixed clock
LT_LV = "Ąčęėįšųūž āēģīķļņ 👍"

gateways = {
    "hj": {"type": "http_json", "public_base_url": BASE, "clock_unix_ms": NOW * 1000,
           "options": {
               "send": {"url": "https://sms.example.com/api/v2/messages",
                        "headers": {"Authorization": "Bearer tok-123"},
                        "fields": {"to": "recipient", "from": "originator", "text": "body",
                                   "id": "/meta/reference", "callback": "status_url"},
                        "response_id": "/data/message_id"},
               "inbound": {"fields": {"from": "/sender/msisdn", "to": "destination",
                                      "text": "body", "id": "message_id"}},
               "dlr": {"fields": {"id": "reference", "status": "state", "detail": "error"},
                       "status_map": {"DELIVERED": "delivered", "FAILED": "failed",
                                      "QUEUED": "accepted", "BUFFERED": "buffered",
                                      "BLOCKED": "opted_out"}},
               "signature": {"secret": SECRET, "header": "X-Hub-Signature-256",
                             "prefix": "sha256=", "timestamp_header": "X-Timestamp",
                             "max_age_seconds": 300}}},
    "hj_plain": {"type": "http_json", "public_base_url": BASE,
                 "options": {"send": {"url": "http://127.0.0.1:18081/send", "method": "PUT"},
                             "dlr": {"status_map": {"ok": "delivered", "err": "failed"}},
                             "signature": {"secret": SECRET, "encoding": "base64"},
                             "auth": {"allow_ips": ["192.0.2.0/24", "2001:db8::/32"]}}},
}

def msgsig(msgid, secret=SECRET):
    """tuki's tag on the message id of a callback URL: HMAC-SHA256 of "tuki-dlr-msgid:{id}"."""
    text = f"tuki-dlr-msgid:{msgid}"
    return hmac.new(secret.encode(), text.encode(), hashlib.sha256).hexdigest()[:32]


send = [
    {"name": "mapped fields, nested id, callback URL and bearer token", "gateway": "hj",
     "sms": {"message_id": 42, "to": "+358401234567", "from": "Tuki", "text": "Hyvää päivää! " + LT_LV},
     "request": {"method": "POST", "target": "https://sms.example.com/api/v2/messages",
                 "headers": [["Content-Type", "application/json"], ["Accept", "application/json"],
                             ["Authorization", "Bearer tok-123"]],
                 "body_json": {"recipient": "+358401234567", "originator": "Tuki",
                               "body": "Hyvää päivää! " + LT_LV, "meta": {"reference": 42},
                               "status_url": BASE + "/v1/gateways/hj/dlr?msgid=42&msgsig=" + msgsig(42)}}},
    {"name": "default fields, PUT, no sender", "gateway": "hj_plain",
     "sms": {"message_id": 7, "to": "+37120000001", "from": "", "text": "Sveiki"},
     "request": {"method": "PUT", "target": "http://127.0.0.1:18081/send",
                 "headers": [["Content-Type", "application/json"], ["Accept", "application/json"]],
                 "body_json": {"to": "+37120000001", "text": "Sveiki", "id": 7}}},
]

responses = [
    {"name": "202 with nested id", "status": 202,
     "body": json.dumps({"data": {"message_id": "abc-123"}}), "outcome": "accepted",
     "gateway_ref": "abc-123"},
    {"name": "200 with numeric id", "status": 200, "body": json.dumps({"data": {"message_id": 991}}),
     "outcome": "accepted", "gateway_ref": "991"},
    {"name": "200 without the id", "status": 200, "body": "{}", "outcome": "retryable",
     "account_refused": True, "detail": "hj http 200: no '/data/message_id' in the answer"},
    {"name": "400 invalid number", "status": 400, "body": json.dumps({"error": "invalid msisdn"}),
     "outcome": "permanent", "detail": "hj http 400"},
    {"name": "401 bad token", "status": 401, "body": "", "outcome": "permanent"},
    {"name": "429 throttled", "status": 429, "body": "", "outcome": "retryable"},
    {"name": "503 unavailable", "status": 503, "body": "", "outcome": "retryable"},
    {"name": "transport error", "status": 0, "body": "", "transport_error": "SSL connect error",
     "outcome": "retryable", "detail": "hj transport error: SSL connect error"},
]


def signed(target, body_obj, ts=NOW, gw="hj", secret=SECRET, ip="198.51.100.4", tamper=None,
           encoding="hex", prefix="sha256=", header="X-Hub-Signature-256", with_ts=True):
    body = json.dumps(body_obj, ensure_ascii=False, separators=(",", ":"))
    text = (f"{ts}." if with_ts else "") + body
    digest = hmac.new(secret.encode(), text.encode(), hashlib.sha256).digest()
    sig = digest.hex() if encoding == "hex" else base64.b64encode(digest).decode()
    headers = [["Content-Type", "application/json"], [header, prefix + sig]]
    if with_ts:
        headers.append(["X-Timestamp", str(ts)])
    return {"method": "POST", "target": target, "headers": headers,
            "body": tamper(body) if tamper else body, "remote_address": ip}


mo = {"message_id": "mo-981", "sender": {"msisdn": "+37060000001"}, "destination": "+358451234567",
      "body": "Labas! " + LT_LV}
mo_expect = {"from": "+37060000001", "to": "+358451234567", "text": "Labas! " + LT_LV,
             "gateway_id": "mo-981"}
INB = "/v1/gateways/hj/inbound"
DLR = "/v1/gateways/hj/dlr"
callbacks = [
    {"name": "inbound with Lithuanian and Latvian letters and emoji", "gateway": "hj",
     "request": signed(INB, mo), "auth": "ok", "inbound": mo_expect},
    {"name": "inbound 299 s old is inside the window", "gateway": "hj",
     "request": signed(INB, mo, ts=NOW - 299), "auth": "ok", "inbound": mo_expect},
    {"name": "replay 301 s after signing is refused", "gateway": "hj",
     "request": signed(INB, mo, ts=NOW - 301), "auth": "unauthenticated"},
    {"name": "timestamp too far in the future", "gateway": "hj",
     "request": signed(INB, mo, ts=NOW + 301), "auth": "unauthenticated"},
    {"name": "timestamp header changed after signing", "gateway": "hj",
     "request": dict(signed(INB, mo, ts=NOW - 1000),
                     headers=[h if h[0] != "X-Timestamp" else ["X-Timestamp", str(NOW)]
                              for h in signed(INB, mo, ts=NOW - 1000)["headers"]]),
     "auth": "unauthenticated"},
    {"name": "body changed after signing", "gateway": "hj",
     "request": signed(INB, mo, tamper=lambda b: b.replace("Labas", "Labaa")),
     "auth": "unauthenticated"},
    {"name": "wrong secret", "gateway": "hj",
     "request": signed(INB, mo, secret="hj-shared-secret-Ss-2026"), "auth": "unauthenticated"},
    {"name": "signature without the prefix", "gateway": "hj",
     "request": signed(INB, mo, prefix=""), "auth": "unauthenticated"},
    {"name": "upper-case hex is accepted", "gateway": "hj",
     "request": dict(signed(INB, mo), headers=[
         [h[0], "sha256=" + h[1][7:].upper()] if h[0] == "X-Hub-Signature-256" else h
         for h in signed(INB, mo)["headers"]]),
     "auth": "ok", "inbound": mo_expect},
    {"name": "inbound without the sender", "gateway": "hj",
     "request": signed(INB, {"body": "x"}), "auth": "ok", "parse_error": 400},
    {"name": "DLR delivered with reference as string", "gateway": "hj",
     "request": signed(DLR, {"reference": "42", "state": "DELIVERED"}), "auth": "ok",
     "dlr": {"message_id": 42, "state": "delivered", "detail": "hj DELIVERED"}},
    {"name": "DLR failed with error detail", "gateway": "hj",
     "request": signed(DLR, {"reference": 43, "state": "FAILED", "error": "absent subscriber"}),
     "auth": "ok", "dlr": {"message_id": 43, "state": "failed",
                           "detail": "hj FAILED: absent subscriber"}},
    {"name": "DLR mapped to opted_out", "gateway": "hj",
     "request": signed(DLR, {"reference": 44, "state": "BLOCKED"}), "auth": "ok",
     "dlr": {"message_id": 44, "state": "failed", "opted_out": True}},
    {"name": "DLR id from the callback URL", "gateway": "hj",
     "request": signed(DLR + "?msgid=45&msgsig=" + msgsig(45), {"state": "BUFFERED"}),
     "auth": "ok", "dlr": {"message_id": 45, "state": "buffered"}},
    # The signature covers the body, not the URL: the same signed body replayed for another
    # message must not pass, whether the tag is left out or taken from another message's URL.
    {"name": "DLR id from the callback URL without tuki's msgsig", "gateway": "hj",
     "request": signed(DLR + "?msgid=46", {"state": "BUFFERED"}), "auth": "ok",
     "parse_error": 401},
    {"name": "DLR body and signature replayed with another msgid", "gateway": "hj",
     "request": signed(DLR + "?msgid=46&msgsig=" + msgsig(45), {"state": "BUFFERED"}),
     "auth": "ok", "parse_error": 401},
    {"name": "DLR msgsig made with another secret", "gateway": "hj",
     "request": signed(DLR + "?msgid=46&msgsig=" + msgsig(46, "hj-shared-secret-Ss-2026"),
                       {"state": "BUFFERED"}),
     "auth": "ok", "parse_error": 401},
    {"name": "DLR id in the body wins over the callback URL's", "gateway": "hj",
     "request": signed(DLR + "?msgid=46", {"reference": 47, "state": "DELIVERED"}),
     "auth": "ok", "dlr": {"message_id": 47, "state": "delivered"}},
    {"name": "DLR with unmapped status", "gateway": "hj",
     "request": signed(DLR, {"reference": 42, "state": "WEIRD"}), "auth": "ok", "parse_error": 400},
    {"name": "DLR without any id", "gateway": "hj",
     "request": signed(DLR, {"state": "DELIVERED"}), "auth": "ok", "parse_error": 400},
    {"name": "base64 signature, no timestamp, allowed v6 source", "gateway": "hj_plain",
     "request": signed("/v1/gateways/hj_plain/dlr", {"id": 9, "status": "ok"}, gw="hj_plain",
                       encoding="base64", prefix="", header="X-Signature", with_ts=False,
                       ip="2001:db8:5::1"),
     "auth": "ok", "dlr": {"message_id": 9, "state": "delivered"}},
    {"name": "base64 signature from a source outside the allowlist", "gateway": "hj_plain",
     "request": signed("/v1/gateways/hj_plain/dlr", {"id": 9, "status": "ok"}, gw="hj_plain",
                       encoding="base64", prefix="", header="X-Signature", with_ts=False,
                       ip="203.0.113.1"),
     "auth": "permission_denied"},
]

os.makedirs(OUT, exist_ok=True)
for name, data in [("gateways", gateways), ("send", send), ("responses", responses),
                   ("callbacks", callbacks)]:
    with open(os.path.join(OUT, name + ".json"), "w", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=False, indent=1)
        f.write("\n")
