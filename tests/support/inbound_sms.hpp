#pragma once
// An inbound SMS as a gateway driver hands it to conversation::handle_inbound.
#include <string>

#include "tuki/adapters/gateway/sms_gateway.hpp"

namespace tuki::testing {

inline adapters::inbound_sms inbound_sms(const std::string& from, const std::string& text,
                                         const std::string& gateway_id) {
  adapters::inbound_sms m;
  m.from = from;
  m.text = text;
  m.gateway_id = gateway_id;
  return m;
}

}  // namespace tuki::testing
