#include "tuki/core/schedule/campaign_plan.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <unordered_map>

#include "tuki/core/schedule/local_time.hpp"

namespace tuki::schedule {
namespace {
constexpr int k_search_days = 2 * 366;

using window = std::pair<core::instant, core::instant>;  // [first, end)

core::status validate(const campaign_settings& s) {
  if (s.institution_zone == nullptr) {
    return core::status::invalid_argument("campaign settings: institution_zone is required");
  }
  if (s.fair.capacity_per_day < 1) {
    return core::status::invalid_argument("campaign settings: capacity_per_day must be >= 1, got " +
                                          std::to_string(s.fair.capacity_per_day));
  }
  if (!(s.fair.need_rate >= 0 && s.fair.need_rate <= 1)) {  // also rejects NaN
    return core::status::invalid_argument("campaign settings: need_rate must be in [0, 1], got " +
                                          std::to_string(s.fair.need_rate));
  }
  if (!(s.quiet.send_from < s.quiet.send_until)) {
    return core::status::invalid_argument("campaign settings: send_from must be before send_until");
  }
  if (s.quiet.weekdays.empty()) {
    return core::status::invalid_argument("campaign settings: no weekday allowed");
  }
  return core::status::ok();
}

bool day_allowed(date::local_days d, const campaign_settings& s) {
  return s.quiet.weekdays.contains(date::weekday{d}) && !s.holidays.contains(d);
}

// The sending window of `zone` on local date `d`, starting no earlier than `now`; if that is
// empty (the zone's day is over), the window of the zone's next allowed day.
window zone_window(date::local_days d, const date::time_zone& zone, const campaign_settings& s,
                   core::instant now) {
  auto first = std::max(
      std::chrono::ceil<std::chrono::seconds>(now),
      std::chrono::time_point_cast<std::chrono::seconds>(to_instant(d, s.quiet.send_from, zone)));
  auto end = to_instant(d, s.quiet.send_until, zone);
  if (first < end) return {first, end};  // whole seconds: send_from is whole minutes
  auto next = next_allowed(std::chrono::ceil<std::chrono::seconds>(now), s.quiet, zone, s.holidays);
  if (!next) return {first, first};  // unreachable after validation and the day search
  return {*next, to_instant(local_day(*next, zone), s.quiet.send_until, zone)};
}
}  // namespace

std::string_view to_string(skip_reason r) {
  switch (r) {
    case skip_reason::opted_out:
      return "opted_out";
    case skip_reason::paused:
      return "paused";
    case skip_reason::active:
      return "active";
    case skip_reason::capped:
      return "capped";
  }
  return "unknown";
}

core::result<campaign_plan> plan_campaign(std::span<const campaign_candidate> candidates,
                                          const campaign_settings& settings, core::instant now) {
  if (auto st = validate(settings); !st) return st;
  if (candidates.size() >= std::numeric_limits<std::uint32_t>::max()) {
    return core::status::invalid_argument("campaign: too many candidates");
  }
  const auto& inst = *settings.institution_zone;
  campaign_plan plan;

  // Pass 1: skip reasons, and a dense zone index per accepted student (students sharing a zone
  // are usually consecutive, so the last-hit check saves most hash lookups).
  std::vector<const date::time_zone*> zones;
  std::unordered_map<const date::time_zone*, std::uint32_t> zone_index;
  std::vector<std::uint32_t> send_zone;
  plan.sends.reserve(candidates.size());
  send_zone.reserve(candidates.size());
  const date::time_zone* last_zone = nullptr;
  std::uint32_t last_index = 0;
  for (std::uint32_t i = 0; i < candidates.size(); ++i) {
    const auto& c = candidates[i];
    std::optional<skip_reason> why;
    if (c.opted_out)
      why = skip_reason::opted_out;
    else if (c.paused_until && now < *c.paused_until)
      why = skip_reason::paused;
    else if (c.has_active_session)
      why = skip_reason::active;
    else if (c.last_checkin && now - *c.last_checkin < settings.fair.min_gap) {
      why = skip_reason::capped;
    }
    if (why) {
      plan.skipped.push_back({i, *why});
      continue;
    }
    const auto* z = c.zone ? c.zone : &inst;
    if (z != last_zone || zones.empty()) {
      auto [it, added] = zone_index.try_emplace(z, static_cast<std::uint32_t>(zones.size()));
      if (added) zones.push_back(z);
      last_zone = z;
      last_index = it->second;
    }
    plan.sends.push_back({i, 0, now});
    send_zone.push_back(last_index);
  }

  const std::uint64_t accepted = plan.sends.size();
  plan.per_day = settings.fair.need_rate > 0
                     // The epsilon keeps 60 / 0.03 at 2000 despite binary rounding of 0.03.
                     ? static_cast<std::uint64_t>(std::floor(settings.fair.capacity_per_day /
                                                             settings.fair.need_rate * (1 + 1e-12)))
                     : 0;
  const std::uint64_t per_day =
      plan.per_day == 0 ? std::max<std::uint64_t>(accepted, 1) : plan.per_day;

  // Campaign days in the institution's zone.
  auto d = local_day(now, inst);
  if (!(day_allowed(d, settings) &&
        now + settings.min_first_day_window <= to_instant(d, settings.quiet.send_until, inst))) {
    d += date::days{1};
  }
  std::vector<window> windows(zones.size());
  for (std::uint64_t first = 0; first < accepted; first += per_day) {
    int searched = 0;
    while (!day_allowed(d, settings)) {
      if (++searched > k_search_days) {
        return core::status::invalid_argument("campaign: no allowed sending day within two years");
      }
      d += date::days{1};
    }
    const auto k = static_cast<std::uint32_t>(plan.days.size());
    plan.days.push_back(d);
    for (std::size_t z = 0; z < zones.size(); ++z)
      windows[z] = zone_window(d, *zones[z], settings, now);
    const std::uint64_t batch = std::min(per_day, accepted - first);
    for (std::uint64_t j = 0; j < batch; ++j) {
      auto& send = plan.sends[first + j];
      const auto& [start, end] = windows[send_zone[first + j]];
      // (end - start) is at most ~25 h in ms and j < batch <= 2^32: the product fits in int64.
      auto offset = (end - start) * static_cast<std::int64_t>(j) / static_cast<std::int64_t>(batch);
      send.day = k;
      send.at = start + std::chrono::floor<std::chrono::seconds>(offset);  // < end
    }
    d += date::days{1};
  }
  return plan;
}

}  // namespace tuki::schedule
