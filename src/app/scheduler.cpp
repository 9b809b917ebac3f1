#include "tuki/app/scheduler.hpp"

#include <algorithm>

#include "tuki/core/schedule/calendar_date.hpp"
#include "tuki/core/schedule/local_time.hpp"
#include "tuki/core/schedule/zone_cache.hpp"

namespace tuki::app {
namespace {

constexpr auto recurring_lookback = std::chrono::hours(24);
constexpr auto milestone_lookback = std::chrono::days(7);
// Up to this many students with new events, a trigger looks each one up by id (about 1.3 us a
// student); more, and it walks the institution once (about 0.5 s per 1,000,000 students), which
// costs less only when a large share of the students have new events. Measured with 1,000,000
// students, store thread CPU walking all / looking up: 200 students with events 0.57 / 0.02 s;
// 50,000, 1.1 / 0.7 s; 200,000, 2.4 / 2.1 s.
constexpr std::size_t default_trigger_lookup_limit = 100000;

std::string day_text(date::local_days d) { return date::format("%F", d); }

bool in_audience(const schedule::audience& a, const adapters::campaign_candidate_row& c) {
  return a.matches({c.group, c.campus, c.programme});
}

}  // namespace

scheduler::scheduler(const config::config& cfg,
                     std::map<std::string, schedule::schedule_file> schedules, conversation& conv)
    : cfg_(cfg), schedules_(std::move(schedules)), conv_(conv),
      trigger_lookup_limit_(default_trigger_lookup_limit) {}

const schedule::schedule_file* scheduler::schedule_of(const std::string& institution_id) const {
  auto it = schedules_.find(institution_id);
  return it == schedules_.end() ? nullptr : &it->second;
}

void rules_report::add(const rules_report& r) {
  campaigns += r.campaigns;
  planned += r.planned;
  deferred += r.deferred;
}

core::result<rules_report> scheduler::evaluate_rules(adapters::sqlite_store& store,
                                                     core::instant now, bool recurring) const {
  rules_report total;
  for (const auto& inst : cfg_.institutions) {
    const auto* sched = schedule_of(inst.id);
    if (!sched) continue;
    auto r = evaluate(store, inst, *sched, now);
    if (!r) return r;
    total.add(*r);
  }
  if (!recurring) return total;
  for (const auto& run : due_recurring(store, now)) {
    auto selection = select_recurring(store, run, now);
    if (!selection) return selection.error();
    auto r = store_recurring(store, run, *selection, now);
    if (!r) return r;
    total.add(*r);
  }
  return total;
}

std::vector<recurring_run> scheduler::due_recurring(adapters::sqlite_store& store,
                                                    core::instant now) const {
  std::vector<recurring_run> out;
  for (const auto& inst : cfg_.institutions) {
    const auto* sched = schedule_of(inst.id);
    if (!sched) continue;
    const auto& tz = *sched->time_zone;
    for (const auto& rule : sched->recurring) {
      // Only the newest occurrence in the lookback is planned. Two fit in it after the spring
      // DST change (a daily rule's sends 23 hours apart) or at the window's exact edge; the
      // older one is then superseded, not planned as well: it would plan the same students
      // again.
      const auto found = schedule::occurrences(rule, tz, now - recurring_lookback,
                                               now + std::chrono::milliseconds(1), sched->holidays);
      if (found.empty()) continue;
      const auto at = found.back();
      std::string key = day_text(schedule::local_day(at, tz));
      if (store.has_rule_run(inst.id, rule.id, 0, key)) continue;
      // Plan only what goes out before the rule's next occurrence, which takes the rest
      // first: a rule over more students than capacity allows in one period no longer plans
      // everyone months ahead again at every occurrence (1,000,000 students: 384 days of
      // planned sends, written again each week).
      std::optional<date::local_days> next_day;
      const auto next = schedule::occurrences(rule, tz, at + std::chrono::milliseconds(1),
                                              at + std::chrono::days(14 * rule.every_weeks + 14),
                                              sched->holidays);
      if (!next.empty()) next_day = schedule::local_day(next.front(), tz);
      out.push_back({inst.id, &rule, std::move(key), next_day});
    }
  }
  return out;
}

campaign_request scheduler::request_of(const recurring_run& run) const {
  campaign_request req;
  req.institution_id = run.institution_id;
  req.dialog_id = run.rule->dialog;
  req.rule_id = run.rule->id;
  req.run_key = run.run_key;
  req.plan_before = run.plan_before;
  return req;
}

core::result<campaign_selection> scheduler::select_recurring(adapters::sqlite_store& store,
                                                             const recurring_run& run,
                                                             core::instant now) const {
  const auto* sched = schedule_of(run.institution_id);
  if (!sched) return core::status::not_found("no schedule for " + run.institution_id);
  // Everyone is walked, never held: 1,000,000 students read into memory took 355 MB.
  const candidate_source audience = [&](const adapters::sqlite_store::candidate_visitor& visit) {
    store.for_each_campaign_candidate(run.institution_id, "all",
                                      adapters::sqlite_store::candidate_detail::profile,
                                      [&](const adapters::campaign_candidate_row& c) {
                                        if (in_audience(run.rule->students, c)) visit(c);
                                      });
  };
  return select_campaign(*sched, audience, request_of(run), {}, now);
}

core::result<rules_report> scheduler::store_recurring(adapters::sqlite_store& store,
                                                      const recurring_run& run,
                                                      const campaign_selection& selection,
                                                      core::instant now) const {
  rules_report out;
  const auto* sched = schedule_of(run.institution_id);
  if (!sched) return core::status::not_found("no schedule for " + run.institution_id);
  // Recorded in the same transaction as the campaign: a crash neither loses nor repeats it.
  auto fresh = store.add_rule_run(run.institution_id, run.rule->id, 0, run.run_key, now);
  if (!fresh) return fresh.error();
  if (!*fresh) return out;  // recorded since it was found due: planned already
  auto r = store_campaign(store, *sched, selection, request_of(run), now);
  if (!r) return r.error();
  if (r->campaign_id != 0) {  // 0: nobody selected, nothing stored
    out.campaigns = 1;
    out.planned = r->planned;
    out.deferred = r->deferred;
  }
  return out;
}

core::result<rules_report> scheduler::evaluate(adapters::sqlite_store& store,
                                               const config::institution_settings& inst,
                                               const schedule::schedule_file& sched,
                                               core::instant now) const {
  rules_report out;
  if (sched.milestones.empty() && sched.triggers.empty()) return out;
  const auto& tz = *sched.time_zone;
  const std::string stamp = std::to_string(core::to_unix_ms(now));
  // Everyone is walked, never held: 1,000,000 students read into memory took 355 MB and 1.8 s
  // of the store thread at every evaluation.
  auto every_student = [&](const adapters::sqlite_store::candidate_visitor& visit) {
    store.for_each_campaign_candidate(inst.id, "all",
                                      adapters::sqlite_store::candidate_detail::profile, visit);
  };
  auto plan = [&](const std::string& rule, const std::string& dialog, const std::string& key,
                  const auto& who, bool immediate) -> core::status {
    campaign_request req;
    req.institution_id = inst.id;
    req.dialog_id = dialog;
    req.rule_id = rule;
    req.run_key = key;
    req.immediate = immediate;
    auto r = plan_and_store_campaign(store, sched, who, req, {}, now);
    if (!r) return r.error();
    if (r->campaign_id == 0) return core::status::ok();  // nobody selected: nothing stored
    ++out.campaigns;
    out.planned += r->planned;
    return core::status::ok();
  };

  schedule::zone_cache zones;
  for (const auto& rule : sched.milestones) {
    std::vector<adapters::campaign_candidate_row> who;
    core::status failed = core::status::ok();
    const auto [first, last] = schedule::milestone_dates_in_reach(rule, now, milestone_lookback);
    store.for_each_candidate_dated(
        inst.id, rule.date_column, day_text(date::local_days{first}), day_text(date::local_days{last}),
        [&](const adapters::campaign_candidate_row& c) {
          if (!failed || !in_audience(rule.students, c)) return;
          const std::string date_text = student_date(c, rule.date_column);
          auto ymd = schedule::parse_calendar_date(date_text);
          if (!ymd) return;
          const date::time_zone* zone = zones.find_or(c.timezone, &tz);
          auto due = schedule::milestone_time(rule, *ymd, *zone);
          if (!due || *due > now || *due <= now - milestone_lookback) return;
          auto fresh = store.add_rule_run(inst.id, rule.id, c.id, date_text, now);
          if (!fresh) failed = fresh.error();
          else if (*fresh) who.push_back(c);
        });
    if (!failed) return failed;
    if (who.empty()) continue;
    if (auto s = plan(rule.id, rule.dialog, stamp, who, true); !s) return s;
  }

  const date::local_days today = schedule::local_day(now, tz);
  for (const auto& rule : sched.triggers) {
    const std::string mark = "trigger:" + inst.id + ":" + rule.id;
    auto [students, max_id] =
        store.students_with_new_events(inst.id, rule.event, store.scheduler_mark(mark).value_or(0));
    if (students.empty()) continue;
    std::vector<adapters::campaign_candidate_row> who;
    core::status failed = core::status::ok();
    auto consider = [&](const adapters::campaign_candidate_row& c) {
      if (!failed || !in_audience(rule.students, c)) return;
      auto last = store.last_rule_run(inst.id, rule.id, c.id);
      std::optional<date::local_days> last_day;
      if (last)
        if (auto ymd = schedule::parse_calendar_date(*last)) last_day = date::local_days(*ymd);
      std::vector<schedule::student_event> events;
      for (auto& e : store.student_events(c.id, rule.event, last.value_or("")))
        if (auto ymd = schedule::parse_calendar_date(e.day))
          events.push_back({c.ref, e.event, date::local_days(*ymd), e.value});
      auto fired = schedule::latest_firing(rule, events, last_day);
      if (!fired) return;
      auto fresh = store.add_rule_run(inst.id, rule.id, c.id, day_text(*fired), now);
      if (!fresh) failed = fresh.error();
      // An episode that ended more than a window ago (history imported late) is recorded, so
      // it never fires, but says nothing of the student now: no check-in for it.
      else if (*fresh && *fired > today - date::days{rule.within_days})
        who.push_back(c);
    };
    if (students.size() <= trigger_lookup_limit_) {
      store.for_each_candidate_in(inst.id, students, consider);
    } else {
      std::size_t k = 0;
      every_student([&](const adapters::campaign_candidate_row& c) {  // both ascending by id
        while (k < students.size() && students[k] < c.id) ++k;
        if (k < students.size() && students[k] == c.id) consider(c);
      });
    }
    if (!failed) return failed;
    if (auto s = store.set_scheduler_mark(mark, max_id); !s) return s;
    if (who.empty()) continue;
    if (auto s = plan(rule.id, rule.dialog, stamp, who, true); !s) return s;
  }
  return out;
}

core::result<start_report> scheduler::start_due(adapters::sqlite_store& store, core::instant now,
                                                int limit, std::int64_t max_outbox_depth) const {
  start_report out;
  // Nothing due (the common case, checked on the partial due index) costs no outbox count.
  if (store.due_planned_sends(now, 1).empty()) return out;
  const auto depth = store.sms_outbox_depth();
  if (depth >= max_outbox_depth) {
    out.held_back = true;
    return out;
  }
  limit = static_cast<int>(std::min<std::int64_t>(limit, max_outbox_depth - depth));
  schedule::zone_cache zones;
  for (const auto& p : store.due_planned_sends(now, limit)) {
    auto student = store.get_student(p.student_id);
    if (!student) {
      if (auto s = store.finish_planned_send(p.id, "skipped", now); !s) return s;
      ++out.skipped;
      continue;
    }
    const auto* sched = schedule_of(student->institution_id);
    // The cap holds when the send starts, not only when it was planned: a student planned by two
    // campaigns (an oversubscribed weekly rule planned again the next week, or a milestone and a
    // recurring rule) must still get at most one new check-in per min_days_between_checkins.
    if (sched && p.last_checkin &&
        !schedule::gap_allows(*p.last_checkin, now, sched->fair.min_gap, *sched->time_zone)) {
      if (auto s = store.finish_planned_send(p.id, "skipped", now); !s) return s;
      ++out.skipped;
      continue;
    }
    if (sched) {
      const date::time_zone* zone = zones.find_or(student->timezone, sched->time_zone);
      if (!schedule::is_allowed(now, sched->quiet, *zone, sched->holidays)) {
        auto next = schedule::next_allowed(now, sched->quiet, *zone, sched->holidays);
        auto s = next ? store.postpone_planned_send(p.id, *next, now)
                      : store.finish_planned_send(p.id, "skipped", now);
        if (!s) return s;
        ++(next ? out.postponed : out.skipped);
        continue;
      }
    }
    if (!conv_.library()->find(p.dialog_id)) {  // removed since it was planned
      if (auto s = store.finish_planned_send(p.id, "skipped", now); !s) return s;
      ++out.skipped;
      continue;
    }
    auto started = conv_.start_checkin(store, p.student_id, p.dialog_id, now);
    if (!started) return started.error();
    if (*started)
      if (auto s = store.set_last_checkin(p.student_id, now); !s) return s;
    if (auto s = store.finish_planned_send(p.id, *started ? "started" : "skipped", now); !s)
      return s;
    ++(*started ? out.started : out.skipped);
  }
  return out;
}

}  // namespace tuki::app
