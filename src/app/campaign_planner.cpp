#include "tuki/app/campaign_planner.hpp"

#include <algorithm>
#include <cstdint>
#include <limits>

#include <nlohmann/json.hpp>

#include "tuki/core/schedule/local_time.hpp"
#include "tuki/core/schedule/zone_cache.hpp"

namespace tuki::app {

core::result<schedule::schedule_file> load_institution_schedule(
    const config::institution_settings& inst) {
  if (!inst.schedule_file.empty()) {
    auto s = schedule::load_schedule(inst.schedule_file);
    if (!s) return s.error();
    if (s->institution != inst.id)
      return core::status::invalid_argument(inst.schedule_file + ": institution '" +
                                            s->institution + "' does not match institutions[] id '" +
                                            inst.id + "'");
    return s;
  }
  schedule::schedule_file s;
  s.institution = inst.id;
  s.time_zone_name = inst.timezone;
  auto zone = schedule::find_zone(inst.timezone);
  if (!zone) return core::status::invalid_argument("institution '" + inst.id + "': " +
                                                   zone.error().message());
  s.time_zone = *zone;
  return s;
}

std::string student_date(const adapters::campaign_candidate_row& c, const std::string& column) {
  if (column == "start_date") return c.start_date;
  auto extra = nlohmann::json::parse(c.extra_json, nullptr, false);
  if (!extra.is_object()) return {};
  auto it = extra.find(column);
  if (it == extra.end() || !it->is_string()) return {};
  return it->get<std::string>();
}

namespace {

// What planning keeps of an accepted student: 16 bytes, not the row.
struct accepted_student {
  std::int64_t id;
  std::uint32_t last_checkin_minute;  // minutes since 1970; 0: never
  std::uint16_t zone;                 // index into the planner's zone list
  std::uint16_t segments;             // of its opening message (the estimate), capped at 65,535
};
static_assert(sizeof(accepted_student) == 16);

// The distinct zones of a campaign's students (usually one or a few), by index.
class zone_list {
 public:
  std::uint16_t index_of(const date::time_zone* zone) {
    auto it = std::find(zones_.begin(), zones_.end(), zone);
    if (it != zones_.end()) return static_cast<std::uint16_t>(it - zones_.begin());
    zones_.push_back(zone);  // at most the ~600 zones of the tz database
    return static_cast<std::uint16_t>(zones_.size() - 1);
  }
  const date::time_zone* operator[](std::uint16_t i) const { return zones_[i]; }

 private:
  std::vector<const date::time_zone*> zones_;
};

std::uint32_t minute_of(const std::optional<core::instant>& at) {
  if (!at) return 0;
  const auto m = core::to_unix_ms(*at) / 60'000;
  return static_cast<std::uint32_t>(
      std::clamp<std::int64_t>(m, 1, std::numeric_limits<std::uint32_t>::max()));
}

// The last check-in again, to the minute (enough for its calendar day: zones' offsets are whole
// minutes).
std::optional<core::instant> last_checkin_of(const accepted_student& a) {
  if (a.last_checkin_minute == 0) return std::nullopt;
  return core::from_unix_ms(std::int64_t{a.last_checkin_minute} * 60'000);
}

// Planned sends are written this many at a time (add_planned_sends then inserts 128 per statement).
constexpr std::size_t sends_per_chunk = 4096;

}  // namespace

struct campaign_selection::impl {
  campaign_report report;
  std::vector<accepted_student> accepted;
  zone_list zone_index;
  std::uint64_t stagger_total = 0;  // the count the stagger was started with (before plan_before)
};

campaign_selection::campaign_selection() : impl_(std::make_unique<impl>()) {}
campaign_selection::~campaign_selection() = default;
campaign_selection::campaign_selection(campaign_selection&&) noexcept = default;
campaign_selection& campaign_selection::operator=(campaign_selection&&) noexcept = default;
const campaign_report& campaign_selection::report() const { return impl_->report; }

core::result<campaign_selection> select_campaign(const schedule::schedule_file& sched,
                                                 const candidate_source& candidates,
                                                 const campaign_request& request,
                                                 const segment_estimator& estimate,
                                                 core::instant now) {
  const auto settings = sched.campaign();
  campaign_selection selection;
  auto& report = selection.impl_->report;
  auto& accepted = selection.impl_->accepted;
  auto& zone_index = selection.impl_->zone_index;
  // Step 1 while the rows go by: skips at `now` are counted, the other students kept as (id,
  // last check-in, zone, segments). Zones are resolved once per distinct name; an unknown or
  // empty zone is the institution's. The cap is judged below, on each student's campaign day.
  schedule::zone_cache zones;
  candidates([&](const adapters::campaign_candidate_row& r) {
    ++report.selected;
    schedule::campaign_candidate c;
    c.has_active_session = r.active;
    c.opted_out = r.opted_out;
    c.paused_until = r.paused_until;
    if (auto why = schedule::skip_of(c, now)) {
      ++report.skipped[static_cast<std::size_t>(*why)];
      return;
    }
    const std::size_t segments = estimate ? estimate(r) : 0;
    accepted.push_back({r.id, minute_of(r.last_checkin),
                        zone_index.index_of(zones.find_or(r.timezone, nullptr)),
                        static_cast<std::uint16_t>(std::min<std::size_t>(segments, 65'535))});
  });
  if (report.selected == 0) return selection;  // nobody: nothing planned, nothing stored
  if (request.plan_before && !request.immediate) {
    // Those who have waited longest first; then as many as have a campaign day before the next
    // occurrence, and always the first campaign day's batch, even when that day is already the
    // next occurrence's (a rule late in the day whose first campaign day is tomorrow). The rest
    // are deferred: the next occurrence finds them least recently checked in. The sort is in
    // place (a stable sort's buffer was another 24 MB for 1,000,000 students); ids are unique,
    // so (minute, id) is the stable order all the same.
    std::sort(accepted.begin(), accepted.end(), [](const auto& a, const auto& b) {
      return a.last_checkin_minute != b.last_checkin_minute
                 ? a.last_checkin_minute < b.last_checkin_minute
                 : a.id < b.id;
    });
  }
  // Each student's cap on the day it would be sent: last week's Thursday student, staggered to
  // Thursday again, is judged on Thursday, not on the Tuesday of the rule (there it is six days).
  // A stagger counted for all of them finds the days (the zone changes a slot's time, not its
  // day); a capped student takes no slot. The students kept are moved to the front in order.
  const auto& inst_zone = *settings.institution_zone;
  auto capped = [&](const accepted_student& a, date::local_days day) {
    schedule::campaign_candidate c;
    c.last_checkin = last_checkin_of(a);
    return schedule::capped_on(c, day, settings.fair, inst_zone);
  };
  auto& capped_count = report.skipped[static_cast<std::size_t>(schedule::skip_reason::capped)];
  std::size_t kept = 0, next = 0;
  if (request.immediate) {
    // Everyone at the next allowed moment: judged on its day.
    const auto first = schedule::next_allowed(now, sched.quiet, inst_zone, sched.holidays);
    const auto day = schedule::local_day(first.value_or(now), inst_zone);
    for (; next < accepted.size(); ++next) {
      if (capped(accepted[next], day))
        ++capped_count;
      else
        accepted[kept++] = accepted[next];
    }
  } else {
    auto days = schedule::campaign_stagger::start(settings, now, accepted.size());
    if (!days) return days.error();
    for (; next < accepted.size(); ++next) {
      auto day = days->coming_day();
      if (!day) return day.error();
      if (request.plan_before && days->days().size() > 1 && *day >= *request.plan_before) break;
      if (capped(accepted[next], *day)) {
        ++capped_count;
        continue;
      }
      if (auto taken = days->next(nullptr); !taken) return taken.error();
      accepted[kept++] = accepted[next];
    }
    // Left to the next occurrence (plan_before): deferred, or capped if they would be capped on
    // its day too.
    for (; next < accepted.size(); ++next) {
      if (capped(accepted[next], request.plan_before.value()))
        ++capped_count;
      else
        ++report.deferred;
    }
  }
  accepted.resize(kept);
  for (const auto& a : accepted) report.segments += a.segments;
  selection.impl_->stagger_total = accepted.size();
  auto stagger = schedule::campaign_stagger::start(settings, now, accepted.size());
  if (!stagger) return stagger.error();
  report.planned = accepted.size();
  report.per_day_limit = stagger->per_day();
  return selection;
}

core::result<campaign_report> store_campaign(adapters::sqlite_store& store,
                                            const schedule::schedule_file& sched,
                                            const campaign_selection& selection,
                                            const campaign_request& request, core::instant now) {
  auto report = selection.impl_->report;
  if (report.selected == 0) return report;
  const auto& accepted = selection.impl_->accepted;
  const auto& zone_index = selection.impl_->zone_index;
  const auto settings = sched.campaign();
  auto stagger = schedule::campaign_stagger::start(settings, now, selection.impl_->stagger_total);
  if (!stagger) return stagger.error();
  std::int64_t campaign_id = 0;
  if (!request.dry_run) {
    adapters::campaign_row c;
    c.institution_id = request.institution_id;
    c.rule_id = request.rule_id;
    c.run_key = request.run_key;
    c.dialog_id = request.dialog_id;
    c.selected = static_cast<std::int64_t>(report.selected);
    c.planned = static_cast<std::int64_t>(report.planned);
    c.skipped = static_cast<std::int64_t>(report.skipped_total());
    c.segments_estimate = static_cast<std::int64_t>(report.segments);
    auto id = store.create_campaign(c, now);
    if (!id) return id.error();
    campaign_id = *id;
  }
  // Steps 2 and 3, one student at a time; the sends go to the store a chunk at a time (the
  // caller's transaction keeps the campaign whole or absent).
  std::vector<adapters::planned_send_row> chunk;
  chunk.reserve(std::min(accepted.size(), sends_per_chunk));
  // A dry run stores nothing, but its chunks are emptied all the same (held, they were 24 MB).
  auto flush = [&]() -> core::status {
    auto st = request.dry_run || chunk.empty() ? core::status::ok()
                                                : store.add_planned_sends(campaign_id, chunk, now);
    chunk.clear();
    return st;
  };
  // Without staggering every student is due at the next allowed moment in its own zone.
  std::vector<std::pair<const date::time_zone*, core::instant>> immediate_at;
  for (const auto& a : accepted) {
    adapters::planned_send_row row{a.id, 0, now};
    if (request.immediate) {
      const auto* zone = zone_index[a.zone];
      const auto* tz = zone ? zone : sched.time_zone;
      auto known = std::find_if(immediate_at.begin(), immediate_at.end(),
                                [tz](const auto& e) { return e.first == tz; });
      if (known == immediate_at.end()) {
        auto at = schedule::next_allowed(now, sched.quiet, *tz, sched.holidays);
        if (!at) return core::status::invalid_argument("no allowed sending time within two years");
        known = immediate_at.insert(immediate_at.end(), {tz, *at});
      }
      row.due = known->second;
    } else {
      auto slot = stagger->next(zone_index[a.zone]);
      if (!slot) return slot.error();
      row.day = slot->day;
      row.due = slot->at;
      if (report.per_day.size() <= slot->day)
        report.per_day.emplace_back(stagger->days()[slot->day], 0);
      ++report.per_day[slot->day].second;
    }
    chunk.push_back(row);
    if (chunk.size() == sends_per_chunk)
      if (auto st = flush(); !st) return st;
  }
  if (request.immediate && !accepted.empty()) {
    // The day they go: the next allowed moment's in the institution's zone, not today's (on a
    // Friday at 21:30, Monday's).
    const auto first =
        schedule::next_allowed(now, sched.quiet, *sched.time_zone, sched.holidays).value_or(now);
    report.per_day.emplace_back(schedule::local_day(first, *sched.time_zone), accepted.size());
  }
  if (auto st = flush(); !st) return st;
  report.campaign_id = campaign_id;
  return report;
}

core::result<campaign_report> plan_and_store_campaign(
    adapters::sqlite_store& store, const schedule::schedule_file& sched,
    const candidate_source& candidates, const campaign_request& request,
    const segment_estimator& estimate, core::instant now) {
  auto selection = select_campaign(sched, candidates, request, estimate, now);
  if (!selection) return selection.error();
  return store_campaign(store, sched, *selection, request, now);
}

core::result<campaign_report> plan_and_store_campaign(
    adapters::sqlite_store& store, const schedule::schedule_file& sched,
    const std::vector<adapters::campaign_candidate_row>& candidates, const campaign_request& request,
    const segment_estimator& estimate, core::instant now) {
  return plan_and_store_campaign(
      store, sched,
      [&candidates](const adapters::sqlite_store::candidate_visitor& visit) {
        for (const auto& c : candidates) visit(c);
      },
      request, estimate, now);
}

}  // namespace tuki::app
