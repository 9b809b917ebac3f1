#include <stdexcept>
#include <string_view>

#include "tuki/core/routing/routing_config.hpp"

namespace tuki::routing {

// Keep identical to config/routing/default.yaml (routing_config_test compares them).
std::string_view default_routing_yaml() {
  static constexpr std::string_view text =
      R"yaml(# tuki's built-in routing defaults, for reading: tuki does NOT read this file. An institution
# without a routing file of its own (institutions[].routing_file, else config/routing/<id>.yaml)
# runs on the copy built into the program (src/core/routing/default_routing.cpp; a test keeps the
# two identical), so editing this file changes nothing. To change an institution's routing, copy
# this file to config/routing/<institution id>.yaml and edit the copy. Format: docs/routing.md.
tuki_routing: 1
strategy: round_robin
fallback_role: study_counsellor
rules:
  - category: studies
    roles: [special_needs_teacher, teacher]
    pick: first_available
  - category: wellbeing
    roles: [social_worker, nurse, psychologist]
    pick: pool
  - category: life
    roles: [social_worker]
  - category: other
    roles: [study_counsellor]
  - category: crisis
    roles: [psychologist, nurse, social_worker]
    pick: all_on_call
    notify_crisis_contact: true
  - category: no_reply
    roles: [teacher]
  - category: delivery_failed
    roles: [study_counsellor]
  - category: followup
    roles: [study_counsellor]
sla:
  remind_after: 48h
  escalate_after: 96h
  crisis_remind_after: 30m
  crisis_escalate_after: 60m
  escalate_repeat_after: 48h
  still_open_after: 5d
  followup_after: 14d
disengagement:
  unanswered_in_a_row: 2
  failed_deliveries_in_a_row: 2
)yaml";
  return text;
}

routing_config default_routing_config() {
  auto c = parse_routing_config(default_routing_yaml(), "<built-in default>");
  // The built-in text is tested; a failure here is a build defect, not a configuration error.
  if (!c) throw std::logic_error(c.error().to_string());
  return std::move(c).value();
}

}  // namespace tuki::routing
