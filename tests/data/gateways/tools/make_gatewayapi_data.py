#!/usr/bin/env python3
"""Writes tests/data/gateways/gatewayapi/*.json (see ../README.md).

Expected requests follow GatewayAPI's documented REST API (POST /rest/mtsms, JSON, token as
basic-auth username); webhook JWTs are made here with Python's hmac/base64 (HS256, secret as
UTF-8 bytes) and checked against the jsonwebtoken-made vectors in ../vectors/ before writing.
Run from the repository root: python3 tests/data/gateways/tools/make_gatewayapi_data.py
"""
import base64, hashlib, hmac, json, os

HERE = os.path.dirname(__file__)
OUT = os.path.join(HERE, "..", "gatewayapi")
SECRET = "tuki-webhook-secret-Äö-2026"
TOKEN = "gwapi-token-123"
BASE = "https://tuki.example.fi"
PATH_SECRET = "Zq3-long_random.secret~1"
NOW_MS = 1795355910000
LT_LV = "Ąčęėįšųūž āēģīķļņ 👍"


def b64url(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def jwt(payload, secret=SECRET, header=None):
    h = b64url(json.dumps(header or {"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
    p = b64url(json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode())
    sig = b64url(hmac.new(secret.encode(), f"{h}.{p}".encode(), hashlib.sha256).digest())
    return f"{h}.{p}.{sig}"


vectors = {v["name"]: v for v in json.load(
    open(os.path.join(HERE, "..", "vectors", "gatewayapi-webhook-jwt.json"), encoding="utf-8"))["vectors"]}
# This generator's signer reproduces the library's tokens.
for name in ("tuki-dsn-undeliverable", "tuki-mo-unicode", "gwapi-doc-dsn"):
    v = vectors[name]
    h, p, s = v["token"].split(".")
    assert b64url(hmac.new(v["secret"].encode(), f"{h}.{p}".encode(), hashlib.sha256).digest()) == s

gateways = {
    "gw": {"type": "gatewayapi", "public_base_url": BASE, "clock_unix_ms": NOW_MS,
           "options": {"token": TOKEN, "webhook_secret": SECRET, "sender": "Tuki"}},
    "gw_eu": {"type": "gatewayapi", "public_base_url": BASE + "/", "clock_unix_ms": NOW_MS,
              "options": {"token": TOKEN, "webhook_secret": SECRET, "sender": "4512345678",
                          "base_url": "https://gatewayapi.eu/", "max_parts": 3,
                          "auth": {"path_secret": PATH_SECRET,
                                   "allow_ips": ["35.241.147.191", "35.233.1.105"]}}},
}

AUTH = "Basic " + base64.b64encode((TOKEN + ":").encode()).decode()
HEADERS = [["Authorization", AUTH], ["Content-Type", "application/json"],
           ["Accept", "application/json"]]
FI = "Hyvää päivää! Miten opinnot sujuvat? Hinta 5 € {ok}"


def send_case(name, gw, sms, body, base="https://gatewayapi.com"):
    return {"name": name, "gateway": gw, "sms": sms,
            "request": {"method": "POST", "target": base + "/rest/mtsms", "headers": HEADERS,
                        "body_json": body}}


send = [
    send_case("Finnish text fits GSM 03.38", "gw",
              {"message_id": 42, "to": "+358401234567", "from": "", "text": FI},
              {"sender": "Tuki", "message": FI, "recipients": [{"msisdn": 358401234567}],
               "userref": "tuki-msg-42", "callback_url": BASE + "/v1/gateways/gw/dlr"}),
    send_case("Lithuanian and Latvian letters and emoji need UCS2", "gw",
              {"message_id": 43, "to": "+37060000001", "from": "TukiLT", "text": LT_LV},
              {"sender": "TukiLT", "message": LT_LV, "recipients": [{"msisdn": 37060000001}],
               "userref": "tuki-msg-43", "callback_url": BASE + "/v1/gateways/gw/dlr",
               "encoding": "UCS2"}),
    send_case("EU host, max_parts and path secret", "gw_eu",
              {"message_id": 44, "to": "+37120000001", "text": "Sveiki!"},
              {"sender": "4512345678", "message": "Sveiki!", "recipients": [{"msisdn": 37120000001}],
               "userref": "tuki-msg-44", "max_parts": 3,
               "callback_url": BASE + "/v1/gateways/gw_eu/dlr/" + PATH_SECRET},
              base="https://gatewayapi.eu"),
    send_case("malformed number is passed on for GatewayAPI to refuse", "gw",
              {"message_id": 45, "to": "040 123", "text": "x"},
              {"sender": "Tuki", "message": "x", "recipients": [{"msisdn": "040 123"}],
               "userref": "tuki-msg-45", "callback_url": BASE + "/v1/gateways/gw/dlr"}),
]


def err(code, message):
    return json.dumps({"code": code, "incident_uuid": "d8127429-fa0c-4316-b1f2-e610c3958f43",
                       "message": message, "variables": ["358401234567"]})


responses = [
    {"name": "200 with ids", "status": 200,
     "body": json.dumps({"ids": [421332671], "usage": {"countries": {"FI": 1}, "currency": "EUR",
                                                       "total_cost": 0.05}}),
     "outcome": "accepted", "gateway_ref": "421332671"},
    {"name": "202 with ids", "status": 202, "body": json.dumps({"ids": [9007199254740993]}),
     "outcome": "accepted", "gateway_ref": "9007199254740993"},
    {"name": "200 without ids (a proxy)", "status": 200, "body": "{}", "outcome": "retryable",
     "account_refused": True, "detail": "gatewayapi http 200: not GatewayAPI's answer (no ids)"},
    {"name": "400 invalid recipient", "status": 400,
     "body": err("0x0308", "Invalid argument: recipients.0.msisdn"), "outcome": "permanent",
     "detail": "gatewayapi http 400 code 0x0308"},
    {"name": "401 invalid token", "status": 401, "body": err("0x0229", "Invalid token"),
     "outcome": "permanent", "detail": "gatewayapi http 401 code 0x0229"},
    {"name": "403 MSISDN blacklisted", "status": 403, "body": err("0x0215", "MSISDN %1 blacklisted"),
     "outcome": "opted_out", "detail": "gatewayapi http 403 code 0x0215"},
    {"name": "403 temporary blacklist", "status": 403,
     "body": err("0x0214", "Temporary blacklist for MSISDN %1"), "outcome": "retryable"},
    {"name": "403 insufficient credit", "status": 403, "body": err("0x0216", "Insufficient credit"),
     "outcome": "permanent"},
    {"name": "422 duplicate recipient", "status": 422, "body": err("0x0310", "duplicated"),
     "outcome": "permanent"},
    {"name": "429 too many connections", "status": 429, "body": "", "outcome": "retryable",
     "detail": "gatewayapi http 429"},
    {"name": "500 exception", "status": 500, "body": err("0x0201", "Unknown error"),
     "outcome": "retryable"},
    {"name": "502 proxy page", "status": 502, "body": "<html>bad gateway</html>",
     "outcome": "retryable"},
    {"name": "transport error", "status": 0, "body": "", "transport_error": "Connection refused",
     "outcome": "retryable", "detail": "gatewayapi transport error: Connection refused"},
]


def req(target, token, body, ip="35.241.147.191"):
    headers = [["Content-Type", "application/json"]]
    if token is not None:
        headers.append(["X-Gwapi-Signature", token])
    r = {"method": "POST", "target": target, "headers": headers, "remote_address": ip}
    if isinstance(body, str):
        r["body"] = body
    else:
        r["body_json"] = body
    return r


dsn_v = vectors["tuki-dsn-undeliverable"]
mo_v = vectors["tuki-mo-unicode"]


def dsn(status, userref="tuki-msg-42", **extra):
    p = {"id": 421332671, "msisdn": 37060000001, "time": 1795355904, "status": status,
         "userref": userref, "country_code": "LT", "country_prefix": 370}
    p.update(extra)
    return p


DLR = "/v1/gateways/gw/dlr"
INB = "/v1/gateways/gw/inbound"
callbacks = [
    {"name": "vector: UNDELIVERABLE DSN with code 0x1010", "gateway": "gw",
     "request": req(DLR, dsn_v["token"], dsn_v["payload_unverified"]), "auth": "ok",
     "dlr": {"message_id": 42, "state": "failed",
             "detail": "gatewayapi UNDELIVERABLE code 0x1010: Unknown subscriber (id 421332671)"}},
    {"name": "vector: MO with Finnish, Lithuanian, Latvian letters and emoji", "gateway": "gw",
     "request": req(INB, mo_v["token"], mo_v["payload_unverified"]), "auth": "ok",
     "inbound": {"from": "+358401234567", "to": "4512345678", "gateway_id": "1000002",
                 "text": "Hyvää päivää! Ąčęėįšųūž āēģīķļņ 👍", "sent_at_unix_ms": 1795355905000}},
    {"name": "MO signed, body empty: claims are used", "gateway": "gw",
     "request": req(INB, mo_v["token"], ""), "auth": "ok",
     "inbound": {"from": "+358401234567", "to": "4512345678", "gateway_id": "1000002",
                 "text": "Hyvää päivää! Ąčęėįšųūž āēģīķļņ 👍"}},
    {"name": "vector: tampered payload", "gateway": "gw",
     "request": req(DLR, vectors["tampered-payload"]["token"],
                    vectors["tampered-payload"]["payload_unverified"]),
     "auth": "unauthenticated"},
    {"name": "vector: alg none", "gateway": "gw",
     "request": req(DLR, vectors["alg-none"]["token"], vectors["alg-none"]["payload_unverified"]),
     "auth": "unauthenticated"},
    {"name": "vector: exp in the past", "gateway": "gw",
     "request": req(DLR, vectors["expired-exp-claim"]["token"],
                    vectors["expired-exp-claim"]["payload_unverified"]),
     "auth": "unauthenticated"},
    {"name": "exp in the future is fine", "gateway": "gw",
     "request": req(DLR, jwt(dsn("DELIVERED", exp=NOW_MS // 1000 + 60)),
                    dsn("DELIVERED", exp=NOW_MS // 1000 + 60)),
     "auth": "ok", "dlr": {"message_id": 42, "state": "delivered"}},
    {"name": "signed by another secret", "gateway": "gw",
     "request": req(DLR, jwt(dsn("DELIVERED"), secret="tuki-webhook-secret-Ao-2026"),
                    dsn("DELIVERED")),
     "auth": "unauthenticated"},
    {"name": "valid token, body says DELIVERED but claims UNDELIVERABLE", "gateway": "gw",
     "request": req(DLR, dsn_v["token"], dict(dsn_v["payload_unverified"], status="DELIVERED")),
     "auth": "unauthenticated"},
    {"name": "no signature header", "gateway": "gw", "request": req(DLR, None, dsn("DELIVERED")),
     "auth": "unauthenticated"},
    {"name": "HS512 token is refused (HS256 pinned)", "gateway": "gw",
     "request": req(DLR, jwt(dsn("DELIVERED"), header={"alg": "HS512", "typ": "JWT"}),
                    dsn("DELIVERED")),
     "auth": "unauthenticated"},
    {"name": "DSN ENROUTE", "gateway": "gw",
     "request": req(DLR, jwt(dsn("ENROUTE", userref="tuki-msg-7")), dsn("ENROUTE", userref="tuki-msg-7")),
     "auth": "ok", "dlr": {"message_id": 7, "state": "accepted",
                           "detail": "gatewayapi ENROUTE (id 421332671)"}},
    {"name": "DSN BUFFERED", "gateway": "gw",
     "request": req(DLR, jwt(dsn("BUFFERED")), dsn("BUFFERED")),
     "auth": "ok", "dlr": {"message_id": 42, "state": "buffered"}},
    {"name": "DSN EXPIRED", "gateway": "gw",
     "request": req(DLR, jwt(dsn("EXPIRED")), dsn("EXPIRED")),
     "auth": "ok", "dlr": {"message_id": 42, "state": "failed"}},
    {"name": "DSN for a message tuki did not send: id 0, answered 200 and ignored", "gateway": "gw",
     "request": req(DLR, jwt(dsn("DELIVERED", userref="foobar")), dsn("DELIVERED", userref="foobar")),
     "auth": "ok", "dlr": {"message_id": 0, "state": "delivered"}},
    {"name": "DSN with a status GatewayAPI does not have", "gateway": "gw",
     "request": req(DLR, jwt(dsn("FAILED")), dsn("FAILED")), "auth": "ok", "parse_error": 400},
    {"name": "IP allowlist and path secret pass", "gateway": "gw_eu",
     "request": req("/v1/gateways/gw_eu/dlr/" + PATH_SECRET, jwt(dsn("DELIVERED")),
                    dsn("DELIVERED"), ip="35.233.1.105"),
     "auth": "ok", "dlr": {"message_id": 42, "state": "delivered"}},
    {"name": "validly signed from an address not allowed", "gateway": "gw_eu",
     "request": req("/v1/gateways/gw_eu/dlr/" + PATH_SECRET, jwt(dsn("DELIVERED")),
                    dsn("DELIVERED"), ip="203.0.113.5"),
     "auth": "permission_denied"},
    {"name": "validly signed without the path secret", "gateway": "gw_eu",
     "request": req("/v1/gateways/gw_eu/dlr", jwt(dsn("DELIVERED")), dsn("DELIVERED"),
                    ip="35.233.1.105"),
     "auth": "unauthenticated"},
]

os.makedirs(OUT, exist_ok=True)
for name, data in [("gateways", gateways), ("send", send), ("responses", responses),
                   ("callbacks", callbacks)]:
    with open(os.path.join(OUT, name + ".json"), "w", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=False, indent=1)
        f.write("\n")
