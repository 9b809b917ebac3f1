#include "tuki/core/schedule/campaign_plan.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

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

bool gap_allows(core::instant last, date::local_days day, std::chrono::days min_gap,
                const date::time_zone& zone) {
  return day - local_day(last, zone) >= min_gap;
}

bool gap_allows(core::instant last, core::instant now, std::chrono::days min_gap,
                const date::time_zone& zone) {
  return gap_allows(last, local_day(now, zone), min_gap, zone);
}

std::optional<skip_reason> skip_of(const campaign_candidate& c, core::instant now) {
  if (c.opted_out) return skip_reason::opted_out;
  if (c.paused_until && now < *c.paused_until) return skip_reason::paused;
  if (c.has_active_session) return skip_reason::active;
  return std::nullopt;
}

bool capped_on(const campaign_candidate& c, date::local_days day, const fairness& fair,
               const date::time_zone& zone) {
  return c.last_checkin && !gap_allows(*c.last_checkin, day, fair.min_gap, zone);
}

campaign_stagger::campaign_stagger(const campaign_settings& s, core::instant now,
                                   std::uint64_t accepted)
    : settings_(&s), now_(now), accepted_(accepted) {}

core::result<campaign_stagger> campaign_stagger::start(const campaign_settings& settings,
                                                       core::instant now, std::uint64_t accepted) {
  if (auto st = validate(settings); !st) return st;
  campaign_stagger g(settings, now, accepted);
  g.per_day_ = settings.fair.need_rate > 0
                   // The epsilon keeps 60 / 0.03 at 2000 despite binary rounding of 0.03.
                   ? static_cast<std::uint64_t>(std::floor(settings.fair.capacity_per_day /
                                                           settings.fair.need_rate * (1 + 1e-12)))
                   : 0;
  g.batch_cap_ = g.per_day_ == 0 ? std::max<std::uint64_t>(accepted, 1) : g.per_day_;
  // Campaign days in the institution's zone: today only with enough of its window left.
  const auto& inst = *settings.institution_zone;
  auto d = local_day(now, inst);
  if (!(day_allowed(d, settings) &&
        now + settings.min_first_day_window <= to_instant(d, settings.quiet.send_until, inst))) {
    d += date::days{1};
  }
  g.next_day_ = d;
  return g;
}

core::status campaign_stagger::open_next_day() {
  int searched = 0;
  while (!day_allowed(next_day_, *settings_)) {
    if (++searched > k_search_days) {
      return core::status::invalid_argument("campaign: no allowed sending day within two years");
    }
    next_day_ += date::days{1};
  }
  days_.push_back(next_day_);
  next_day_ += date::days{1};
  batch_first_ = index_;
  batch_ = std::min(batch_cap_, accepted_ - index_);
  windows_.clear();
  return core::status::ok();
}

core::result<date::local_days> campaign_stagger::coming_day() {
  if (index_ >= accepted_) {
    return core::status::invalid_argument("campaign: more students than were counted");
  }
  if (days_.empty() || index_ - batch_first_ >= batch_) {
    if (auto st = open_next_day(); !st) return st;
  }
  return days_.back();
}

core::result<campaign_stagger::slot> campaign_stagger::next(const date::time_zone* zone) {
  if (auto day = coming_day(); !day) return day.error();
  const auto* z = zone ? zone : settings_->institution_zone;
  // A handful of zones per institution: a linear search beats a hash map here.
  auto w = std::find_if(windows_.begin(), windows_.end(), [z](const auto& e) { return e.first == z; });
  if (w == windows_.end()) {
    windows_.emplace_back(z, zone_window(days_.back(), *z, *settings_, now_));
    w = std::prev(windows_.end());
  }
  const auto& [start, end] = w->second;
  const std::uint64_t j = index_ - batch_first_;
  ++index_;
  // (end - start) is at most ~25 h in ms and j < batch <= 2^32: the product fits in int64.
  auto offset = (end - start) * static_cast<std::int64_t>(j) / static_cast<std::int64_t>(batch_);
  return slot{static_cast<std::uint32_t>(days_.size() - 1),
              start + std::chrono::floor<std::chrono::seconds>(offset)};  // < end
}

core::result<campaign_plan> plan_campaign(std::span<const campaign_candidate> candidates,
                                          const campaign_settings& settings, core::instant now) {
  if (auto st = validate(settings); !st) return st;
  if (candidates.size() >= std::numeric_limits<std::uint32_t>::max()) {
    return core::status::invalid_argument("campaign: too many candidates");
  }
  campaign_plan plan;
  plan.sends.reserve(candidates.size());
  std::vector<std::uint32_t> open;  // not skipped at now; the cap is judged on their days
  for (std::uint32_t i = 0; i < candidates.size(); ++i) {
    if (auto why = skip_of(candidates[i], now))
      plan.skipped.push_back({i, *why});
    else
      open.push_back(i);
  }
  // The days only: a stagger counted for all of them gives each student the day it would be
  // sent on, and a capped one no slot.
  auto days = campaign_stagger::start(settings, now, open.size());
  if (!days) return days.error();
  bool capped_any = false;
  for (auto i : open) {
    auto day = days->coming_day();
    if (!day) return day.error();
    if (capped_on(candidates[i], *day, settings.fair, *settings.institution_zone)) {
      plan.skipped.push_back({i, skip_reason::capped});
      capped_any = true;
    } else if (auto taken = days->next(nullptr); !taken) {
      return taken.error();
    } else {
      plan.sends.push_back({i, 0, now});
    }
  }
  if (capped_any)
    std::sort(plan.skipped.begin(), plan.skipped.end(),
              [](const auto& a, const auto& b) { return a.candidate < b.candidate; });
  auto stagger = campaign_stagger::start(settings, now, plan.sends.size());
  if (!stagger) return stagger.error();
  plan.per_day = stagger->per_day();
  for (auto& send : plan.sends) {
    auto s = stagger->next(candidates[send.candidate].zone);
    if (!s) return s.error();
    send.day = s->day;
    send.at = s->at;
  }
  plan.days = stagger->days();
  return plan;
}

}  // namespace tuki::schedule
