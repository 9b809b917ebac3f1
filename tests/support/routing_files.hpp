#pragma once
// Routing files the app tests share.

namespace tuki::testing {

// Crisis routing with two on-call people and a crisis contact; study_counsellor is the
// fallback role (an ordinary role a crisis ticket must never be handed down to).
inline constexpr const char* crisis_routing = R"(tuki_routing: 1
institution:
  id: varia
  time_zone: Europe/Helsinki
  crisis_contact: kriisi@varia.test
fallback_role: study_counsellor
rules:
  - category: crisis
    roles: [psychologist, nurse]
    pick: all_on_call
    notify_crisis_contact: true
staff:
  - {email: hoitaja@varia.test, roles: [nurse], on_call: true}
  - {email: psykologi@varia.test, roles: [psychologist], on_call: true}
)";

}  // namespace tuki::testing
