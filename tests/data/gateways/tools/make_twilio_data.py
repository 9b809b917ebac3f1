#!/usr/bin/env python3
"""Writes tests/data/gateways/twilio/*.json: the recorded exchanges the C++ runner replays.

The expected requests and signatures are computed here with Python's own urllib/hmac/base64,
independently of the C++ driver, from Twilio's documented formats (docs/../reference twilio.md):
form encoding of To/From|MessagingServiceSid/Body/StatusCallback, HTTP basic auth, and
X-Twilio-Signature = base64(HMAC-SHA1(token, url + sorted name+value)).
Run from the repository root: python3 tests/data/gateways/tools/make_twilio_data.py
"""
import base64, hashlib, hmac, json, os
from urllib.parse import quote

OUT = os.path.join(os.path.dirname(__file__), "..", "twilio")
SID = "AC00000000000000000000000000000001"
TOKEN = "0123456789abcdef0123456789abcdef"
BASE = "https://tuki.example.fi"
SECRET = "Zq3-long_random.secret~1"
FI = "Hyvää päivää! Miten opinnot sujuvat?"
LT_LV = "Ąčęėįšųūž āēģīķļņ 👍"


def enc(pairs):
    return "&".join(quote(k, safe="-._~") + "=" + quote(v, safe="-._~") for k, v in pairs)


def basic(user, password):
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def sign(token, url, params):
    s = url
    names = sorted(set(k for k, _ in params))
    for n in names:
        for v in sorted(set(v for k, v in params if k == n)):
            s += n + v
    return base64.b64encode(hmac.new(token.encode(), s.encode(), hashlib.sha1).digest()).decode()


gateways = {
    "tw": {"type": "twilio", "public_base_url": BASE + "/",
           "options": {"account_sid": SID, "auth_token": TOKEN, "from": "+15005550006"}},
    "tw_ms": {"type": "twilio", "public_base_url": BASE,
              "options": {"account_sid": SID, "auth_token": TOKEN,
                          "api_key_sid": "SK00000000000000000000000000000009",
                          "api_key_secret": "api-key-secret",
                          "messaging_service_sid": "MG00000000000000000000000000000002",
                          "base_url": "http://127.0.0.1:18080/",
                          "auth": {"path_secret": SECRET}}},
}

MSG_URL = f"https://api.twilio.com/2010-04-01/Accounts/{SID}/Messages.json"
FORM_HEADERS = [["Content-Type", "application/x-www-form-urlencoded"],
                ["Accept", "application/json"]]
send = [
    {"name": "finnish text from the configured number", "gateway": "tw",
     "sms": {"message_id": 42, "to": "+358401234567", "from": "", "text": FI},
     "request": {"method": "POST", "target": MSG_URL,
                 "headers": [["Authorization", basic(SID, TOKEN)]] + FORM_HEADERS,
                 "body": enc([("To", "+358401234567"), ("From", "+15005550006"), ("Body", FI),
                              ("StatusCallback", f"{BASE}/v1/gateways/tw/dlr?msgid=42")])}},
    {"name": "sender of the message overrides the configured one", "gateway": "tw",
     "sms": {"message_id": 7, "to": "+37060000001", "from": "+15005550007", "text": "Labas & ačiū"},
     "request": {"method": "POST", "target": MSG_URL,
                 "headers": [["Authorization", basic(SID, TOKEN)]] + FORM_HEADERS,
                 "body": enc([("To", "+37060000001"), ("From", "+15005550007"),
                              ("Body", "Labas & ačiū"),
                              ("StatusCallback", f"{BASE}/v1/gateways/tw/dlr?msgid=7")])}},
    {"name": "messaging service, API key and path secret", "gateway": "tw_ms",
     "sms": {"message_id": 9007199254740993, "to": "+37120000001", "from": "+15005550007",
             "text": LT_LV},
     "request": {"method": "POST",
                 "target": f"http://127.0.0.1:18080/2010-04-01/Accounts/{SID}/Messages.json",
                 "headers": [["Authorization",
                              basic("SK00000000000000000000000000000009", "api-key-secret")]]
                 + FORM_HEADERS,
                 "body": enc([("To", "+37120000001"),
                              ("MessagingServiceSid", "MG00000000000000000000000000000002"),
                              ("Body", LT_LV),
                              ("StatusCallback",
                               f"{BASE}/v1/gateways/tw_ms/dlr/{SECRET}?msgid=9007199254740993")])}},
]


def err(code, status, msg):
    return json.dumps({"code": code, "message": msg,
                       "more_info": f"https://www.twilio.com/docs/errors/{code}", "status": status})


created = json.dumps({"sid": "SM0123456789abcdef0123456789abcdef", "status": "queued",
                      "num_segments": "1", "error_code": None, "price": None})
responses = [
    {"name": "201 created", "status": 201, "body": created, "outcome": "accepted",
     "gateway_ref": "SM0123456789abcdef0123456789abcdef"},
    {"name": "200 also accepted", "status": 200, "body": created, "outcome": "accepted",
     "gateway_ref": "SM0123456789abcdef0123456789abcdef"},
    {"name": "202 without Twilio's answer (a proxy)", "status": 202, "body": "",
     "outcome": "retryable", "account_refused": True,
     "detail": "twilio http 202: not Twilio's answer (no sid)"},
    {"name": "400 invalid To number", "status": 400,
     "body": err(21211, 400, "The 'To' number +3584 is not a valid phone number."),
     "outcome": "permanent", "detail": "twilio http 400 code 21211"},
    {"name": "400 unsubscribed recipient", "status": 400,
     "body": err(21610, 400, "Attempt to send to unsubscribed recipient"),
     "outcome": "opted_out", "detail": "twilio http 400 code 21610"},
    {"name": "401 bad credentials", "status": 401, "body": err(20003, 401, "Authenticate"),
     "outcome": "permanent", "detail": "twilio http 401 code 20003"},
    {"name": "404 wrong account", "status": 404, "body": err(20404, 404, "Not found"),
     "outcome": "permanent"},
    {"name": "429 too many requests", "status": 429,
     "body": err(20429, 429, "Too Many Requests"), "outcome": "retryable",
     "detail": "twilio http 429 code 20429"},
    {"name": "500 server error", "status": 500, "body": "", "outcome": "retryable",
     "detail": "twilio http 500"},
    {"name": "503 html page", "status": 503, "body": "<html>down</html>", "outcome": "retryable"},
    {"name": "transport error", "status": 0, "body": "", "transport_error": "Operation timed out",
     "outcome": "retryable", "detail": "twilio transport error: Operation timed out"},
]

inbound_params = [
    ("ToCountry", "US"), ("ToState", "CA"), ("SmsMessageSid", "SM0123456789abcdef0123456789abcdef"),
    ("NumMedia", "0"), ("ToCity", ""), ("FromZip", ""),
    ("SmsSid", "SM0123456789abcdef0123456789abcdef"), ("FromState", ""), ("SmsStatus", "received"),
    ("FromCity", ""), ("Body", "Hyvää päivää! " + LT_LV), ("FromCountry", "FI"),
    ("To", "+15005550006"), ("ToZip", ""), ("NumSegments", "1"),
    ("MessageSid", "SM0123456789abcdef0123456789abcdef"), ("AccountSid", SID),
    ("From", "+358401234567"), ("ApiVersion", "2010-04-01")]


def req(target, params, signature=None, extra=None, ip="203.0.113.9"):
    headers = [["Content-Type", "application/x-www-form-urlencoded"]]
    if signature is not None:
        headers.append(["X-Twilio-Signature", signature])
    headers += extra or []
    return {"method": "POST", "target": target, "headers": headers, "body": enc(params),
            "remote_address": ip}


def status_params(status, code=None, sid="SM0123456789abcdef0123456789abcdef"):
    p = [("SmsSid", sid), ("SmsStatus", status), ("MessageStatus", status),
         ("To", "+358401234567"), ("MessageSid", sid), ("AccountSid", SID),
         ("From", "+15005550006"), ("ApiVersion", "2010-04-01")]
    if code:
        p.append(("ErrorCode", code))
    return p


inb = "/v1/gateways/tw/inbound"
inbound_expect = {"from": "+358401234567", "to": "+15005550006", "text": "Hyvää päivää! " + LT_LV,
                  "gateway_id": "SM0123456789abcdef0123456789abcdef"}
callbacks = [
    {"name": "inbound with Finnish, Lithuanian, Latvian letters and emoji", "gateway": "tw",
     "request": req(inb, inbound_params, sign(TOKEN, BASE + inb, inbound_params)),
     "auth": "ok", "inbound": inbound_expect},
    {"name": "inbound signed over the URL with :443", "gateway": "tw",
     "request": req(inb, inbound_params,
                    sign(TOKEN, "https://tuki.example.fi:443" + inb, inbound_params)),
     "auth": "ok", "inbound": inbound_expect},
    {"name": "inbound signed with another token", "gateway": "tw",
     "request": req(inb, inbound_params, sign("f" * 32, BASE + inb, inbound_params)),
     "auth": "unauthenticated"},
    {"name": "inbound body changed after signing", "gateway": "tw",
     "request": req(inb, [(k, "Hyvaa" if k == "Body" else v) for k, v in inbound_params],
                    sign(TOKEN, BASE + inb, inbound_params)),
     "auth": "unauthenticated"},
    {"name": "inbound signed over http instead of https", "gateway": "tw",
     "request": req(inb, inbound_params,
                    sign(TOKEN, "http://tuki.example.fi" + inb, inbound_params)),
     "auth": "unauthenticated"},
    {"name": "inbound without signature", "gateway": "tw",
     "request": req(inb, inbound_params), "auth": "unauthenticated"},
    {"name": "inbound without MessageSid", "gateway": "tw",
     "request": req(inb, [("From", "+358401234567"), ("Body", "x")],
                    sign(TOKEN, BASE + inb, [("From", "+358401234567"), ("Body", "x")])),
     "auth": "ok", "parse_error": 400},
    {"name": "status delivered", "gateway": "tw",
     "request": req("/v1/gateways/tw/dlr?msgid=42", status_params("delivered"),
                    sign(TOKEN, BASE + "/v1/gateways/tw/dlr?msgid=42", status_params("delivered"))),
     "auth": "ok",
     "dlr": {"message_id": 42, "state": "delivered", "opted_out": False,
             "detail": "twilio delivered sid SM0123456789abcdef0123456789abcdef"}},
    {"name": "status sent", "gateway": "tw",
     "request": req("/v1/gateways/tw/dlr?msgid=42", status_params("sent"),
                    sign(TOKEN, BASE + "/v1/gateways/tw/dlr?msgid=42", status_params("sent"))),
     "auth": "ok", "dlr": {"message_id": 42, "state": "accepted", "opted_out": False}},
    {"name": "status undelivered 30003", "gateway": "tw",
     "request": req("/v1/gateways/tw/dlr?msgid=43", status_params("undelivered", "30003"),
                    sign(TOKEN, BASE + "/v1/gateways/tw/dlr?msgid=43",
                         status_params("undelivered", "30003"))),
     "auth": "ok",
     "dlr": {"message_id": 43, "state": "failed", "opted_out": False,
             "detail": "twilio undelivered error 30003 sid SM0123456789abcdef0123456789abcdef"}},
    {"name": "status failed 21610 is an opt-out", "gateway": "tw",
     "request": req("/v1/gateways/tw/dlr?msgid=44", status_params("failed", "21610"),
                    sign(TOKEN, BASE + "/v1/gateways/tw/dlr?msgid=44",
                         status_params("failed", "21610"))),
     "auth": "ok", "dlr": {"message_id": 44, "state": "failed", "opted_out": True}},
    {"name": "status with msgid changed after signing", "gateway": "tw",
     "request": req("/v1/gateways/tw/dlr?msgid=45", status_params("delivered"),
                    sign(TOKEN, BASE + "/v1/gateways/tw/dlr?msgid=42", status_params("delivered"))),
     "auth": "unauthenticated"},
    {"name": "status unknown to tuki", "gateway": "tw",
     "request": req("/v1/gateways/tw/dlr?msgid=42", status_params("partially_delivered"),
                    sign(TOKEN, BASE + "/v1/gateways/tw/dlr?msgid=42",
                         status_params("partially_delivered"))),
     "auth": "ok", "parse_error": 400},
    {"name": "status without tuki's msgid (another system's message): ignored", "gateway": "tw",
     "request": req("/v1/gateways/tw/dlr", status_params("delivered"),
                    sign(TOKEN, BASE + "/v1/gateways/tw/dlr", status_params("delivered"))),
     "auth": "ok",
     "dlr": {"message_id": 0, "state": "accepted",
             "detail": "twilio status callback without tuki's msgid"}},
    {"name": "path secret gateway: signed status with the secret", "gateway": "tw_ms",
     "request": req(f"/v1/gateways/tw_ms/dlr/{SECRET}?msgid=5", status_params("delivered"),
                    sign(TOKEN, f"{BASE}/v1/gateways/tw_ms/dlr/{SECRET}?msgid=5",
                         status_params("delivered"))),
     "auth": "ok", "dlr": {"message_id": 5, "state": "delivered", "opted_out": False}},
    {"name": "path secret gateway: validly signed but without the secret", "gateway": "tw_ms",
     "request": req("/v1/gateways/tw_ms/dlr?msgid=5", status_params("delivered"),
                    sign(TOKEN, f"{BASE}/v1/gateways/tw_ms/dlr?msgid=5",
                         status_params("delivered"))),
     "auth": "unauthenticated"},
]

os.makedirs(OUT, exist_ok=True)
for name, data in [("gateways", gateways), ("send", send), ("responses", responses),
                   ("callbacks", callbacks)]:
    with open(os.path.join(OUT, name + ".json"), "w", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=False, indent=1)
        f.write("\n")
