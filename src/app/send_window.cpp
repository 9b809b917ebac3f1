#include "tuki/app/send_window.hpp"

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "tuki/app/scheduler.hpp"

#include "tuki/core/effect.hpp"
#include "tuki/core/schedule/quiet_hours.hpp"
#include "tuki/core/schedule/zone_cache.hpp"

namespace tuki::app {

send_gate quiet_hours_gate(const scheduler& sched) {
  return [&sched](const core::student& student, std::optional<core::instant> last_inbound,
                  core::instant now) -> std::optional<core::instant> {
    const auto* s = sched.schedule_of(student.institution_id);
    if (!s || !s->time_zone) return std::nullopt;
    schedule::zone_cache zones;
    const date::time_zone* zone = zones.find_or(student.timezone, s->time_zone);
    if (schedule::allowed_now(now, last_inbound, s->quiet, *zone, s->holidays)) return std::nullopt;
    // No allowed day within two years (every weekday excluded): hold for a day and ask again,
    // rather than texting at night; the operator sees the reminders wait.
    return schedule::next_allowed(now, s->quiet, *zone, s->holidays)
        .value_or(now + std::chrono::hours(24));
  };
}

adapters::sqlite_store::claim_hold quiet_hours_hold(const scheduler& sched, core::instant now) {
  struct plain_answer {
    std::string institution, timezone;
    const schedule::schedule_file* sched;
    const date::time_zone* zone;
    bool allowed;
  };
  // Most messages of a claim share an institution and a zone: one answer for each pair, found
  // by comparing (no allocation per message: the claim is on P2's path).
  auto answers = std::make_shared<std::vector<plain_answer>>();
  auto zones = std::make_shared<schedule::zone_cache>();
  return [&sched, now, answers,
          zones](const adapters::hold_candidate& m) -> std::optional<core::instant> {
    auto it = std::find_if(answers->begin(), answers->end(), [&](const plain_answer& a) {
      return a.institution == m.institution_id && a.timezone == m.timezone;
    });
    if (it == answers->end()) {
      const auto* s = sched.schedule_of(std::string(m.institution_id));
      const date::time_zone* zone =
          s && s->time_zone ? zones->find_or(m.timezone, s->time_zone) : nullptr;
      const bool allowed =
          !zone || schedule::allowed_now(now, std::nullopt, s->quiet, *zone, s->holidays);
      answers->push_back(
          {std::string(m.institution_id), std::string(m.timezone), s, zone, allowed});
      it = answers->end() - 1;
    }
    if (it->allowed) return std::nullopt;
    const auto& s = *it->sched;
    const auto& zone = *it->zone;
    const std::optional<core::instant> wrote =
        m.priority == static_cast<int>(core::sms_priority::reply)
            ? std::optional<core::instant>(m.created_at)
            : std::nullopt;
    if (schedule::allowed_now(now, wrote, s.quiet, zone, s.holidays)) return std::nullopt;
    if (!schedule::allowed_now(m.created_at, wrote, s.quiet, zone, s.holidays))
      return std::nullopt;  // queued in quiet hours: meant to go then
    return schedule::next_allowed(now, s.quiet, zone, s.holidays)
        .value_or(now + std::chrono::hours(24));
  };
}

}  // namespace tuki::app
