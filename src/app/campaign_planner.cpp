#include "tuki/app/campaign_planner.hpp"

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

core::result<campaign_report> plan_and_store_campaign(
    adapters::sqlite_store& store, const schedule::schedule_file& sched,
    const std::vector<adapters::campaign_candidate_row>& rows, const campaign_request& request,
    const segment_estimator& estimate, core::instant now) {
  // Zones are resolved once per distinct name; an unknown or empty zone is the institution's.
  schedule::zone_cache zones;
  std::vector<schedule::campaign_candidate> candidates;
  candidates.reserve(rows.size());
  for (const auto& r : rows) {
    schedule::campaign_candidate c;
    c.id = r.ref;
    c.zone = zones.find_or(r.timezone, nullptr);
    c.last_checkin = r.last_checkin;
    c.has_active_session = r.active;
    c.opted_out = r.opted_out;
    c.paused_until = r.paused_until;
    candidates.push_back(c);
  }
  auto settings = sched.campaign();
  auto plan = schedule::plan_campaign(candidates, settings, now);
  if (!plan) return plan.error();

  campaign_report report;
  report.selected = rows.size();
  report.planned = plan->sends.size();
  report.per_day_limit = plan->per_day;
  for (const auto& s : plan->skipped) ++report.skipped[static_cast<std::size_t>(s.reason)];

  std::vector<adapters::planned_send_row> sends;
  sends.reserve(plan->sends.size());
  for (const auto& p : plan->sends) {
    const auto& c = candidates[p.candidate];
    adapters::planned_send_row row{rows[p.candidate].id, p.day, p.at};
    if (request.immediate) {
      const auto& tz = c.zone ? *c.zone : *sched.time_zone;
      auto at = schedule::next_allowed(now, sched.quiet, tz, sched.holidays);
      if (!at) return core::status::invalid_argument("no allowed sending time within two years");
      row.day = 0;
      row.due = *at;
    }
    sends.push_back(row);
  }
  if (request.immediate) {
    if (!sends.empty()) report.per_day.emplace_back(schedule::local_day(now, *sched.time_zone), sends.size());
  } else {
    for (const auto& p : plan->sends) {
      if (report.per_day.size() <= p.day) report.per_day.emplace_back(plan->days[p.day], 0);
      ++report.per_day[p.day].second;
    }
  }
  if (estimate)
    for (const auto& p : plan->sends) report.segments += estimate(rows[p.candidate]);
  if (request.dry_run) return report;

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
  if (auto s = store.add_planned_sends(*id, sends, now); !s) return s;
  report.campaign_id = *id;
  return report;
}

}  // namespace tuki::app
