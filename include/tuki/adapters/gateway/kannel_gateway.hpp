#pragma once
// Kannel (1.4.x) driver. Sends with the sendsms HTTP API (GET, URL-encoded UTF-8 with
// charset=UTF-8, and coding=2 when the text does not fit GSM-7: without it Kannel turns Baltic
// letters into '?'). Success is HTTP 202 "0: Accepted for delivery" or "3: Queued for later
// delivery". Kannel's answer carries no message id, so each request passes dlr-mask and a
// dlr-url holding tuki's own id. Receives the sms-service get-url MO request
// (from, to, text, time, id, coding, charset) and the dlr-url callbacks.
//
// Options: sendsms_url (required), username, password (required), dlr_mask (default 31:
// delivered, failed, buffered, SMSC accepted, SMSC rejected), and auth (see inbound_auth.hpp
// when present: allow_ips, basic, path_secret).
#include "tuki/adapters/gateway/sms_gateway.hpp"

namespace tuki::adapters {

core::result<std::unique_ptr<sms_gateway>> make_kannel_gateway(const gateway_settings& settings);

}  // namespace tuki::adapters
