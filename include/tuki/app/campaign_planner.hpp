#pragma once
// The app-side glue of campaign planning: candidates from the store -> schedule::plan_campaign
// -> one `campaigns` row and its `planned_sends`, all in the caller's transaction, so a campaign
// is stored whole or not at all and a restart neither loses nor repeats it. The scheduler pump
// later starts each planned send at its time (app/scheduler.hpp).
//
// Runs on the store thread (inside a write_queue job) or in a CLI transaction.
#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <date/date.h>

#include "tuki/adapters/store/sqlite_store.hpp"
#include "tuki/core/config/config.hpp"
#include "tuki/core/schedule/campaign_plan.hpp"
#include "tuki/core/schedule/schedule_file.hpp"

namespace tuki::app {

/// The institution's schedule: its `schedule_file` when configured (read from disk: start-up
/// only), else the defaults of docs/scheduling.md in the institution's time zone. Errors are
/// located (file:line:column) or name the institution.
core::result<schedule::schedule_file> load_institution_schedule(
    const config::institution_settings& inst);

struct campaign_request {
  std::string institution_id;
  std::string dialog_id;
  std::string rule_id = "manual";  // schedule rule id, or "manual" for the CLI
  std::string run_key;             // unique per rule: a date, a timestamp...
  /// No staggering: every accepted student is due at the next allowed moment from `now` in the
  /// student's zone (CLI --now, data triggers, milestones). Caps still apply.
  bool immediate = false;
  bool dry_run = false;  // plan and report, store nothing
  /// A recurring rule's next occurrence (its institution-local day): only the students whose
  /// campaign day comes before it are planned now, least recently checked in first (never first,
  /// then by id); the others are `deferred` to that occurrence, which plans them first. Without
  /// it, everyone accepted is planned in id order, over as many days as capacity needs.
  std::optional<date::local_days> plan_before;
};

struct campaign_report {
  std::int64_t campaign_id = 0;  // 0 for a dry run
  std::size_t selected = 0;
  std::size_t planned = 0;
  std::array<std::size_t, 4> skipped{};  // indexed by schedule::skip_reason
  std::size_t deferred = 0;  // accepted, but left to the next occurrence (plan_before)
  std::vector<std::pair<date::local_days, std::size_t>> per_day;  // institution-local days
  std::uint64_t per_day_limit = 0;  // 0 = unlimited
  std::uint64_t segments = 0;       // estimated SMS segments of the opening messages
  std::size_t skipped_total() const { return skipped[0] + skipped[1] + skipped[2] + skipped[3]; }
};

/// Opening-message segments for one candidate (e.g. conversation::opening_segments, cached).
using segment_estimator = std::function<std::size_t(const adapters::campaign_candidate_row&)>;

/// Hands each candidate (already filtered to the audience, in id order) to the visitor once:
/// e.g. a walk of sqlite_store::for_each_campaign_candidate, so that no candidate is held.
using candidate_source = std::function<void(const adapters::sqlite_store::candidate_visitor&)>;

/// Plans the candidates with the schedule's fairness and quiet hours at `now` and, unless a dry
/// run, stores the campaign and its planned sends. Holds 16 bytes per accepted student (its id,
/// last check-in and zone) and writes the planned sends in chunks, so a rule over 1,000,000
/// students fits in a small server. No candidates: nothing is stored and campaign_id stays 0.
/// already_exists when (institution, rule, run_key) was planned before. `estimate` may be empty.
core::result<campaign_report> plan_and_store_campaign(
    adapters::sqlite_store& store, const schedule::schedule_file& schedule,
    const candidate_source& candidates, const campaign_request& request,
    const segment_estimator& estimate, core::instant now);

/// plan_and_store_campaign's first half, which only reads: the candidates walked, caps and
/// `plan_before` applied, the accepted students kept (16 bytes each). The scheduler runs it on a
/// read connection, so a walk over 1,000,000 students does not hold up the writer. Move-only.
class campaign_selection {
 public:
  campaign_selection();
  ~campaign_selection();
  campaign_selection(campaign_selection&&) noexcept;
  campaign_selection& operator=(campaign_selection&&) noexcept;
  /// Counts so far (selected, skipped, planned, deferred); no campaign id, no days yet.
  const campaign_report& report() const;

 private:
  friend core::result<campaign_selection> select_campaign(const schedule::schedule_file&,
                                                          const candidate_source&,
                                                          const campaign_request&,
                                                          const segment_estimator&, core::instant);
  friend core::result<campaign_report> store_campaign(adapters::sqlite_store&,
                                                      const schedule::schedule_file&,
                                                      const campaign_selection&,
                                                      const campaign_request&, core::instant);
  struct impl;
  std::unique_ptr<impl> impl_;
};

core::result<campaign_selection> select_campaign(const schedule::schedule_file& schedule,
                                                 const candidate_source& candidates,
                                                 const campaign_request& request,
                                                 const segment_estimator& estimate,
                                                 core::instant now);

/// The second half: staggers the selection and, unless a dry run, stores the campaign and its
/// planned sends in the caller's transaction. `schedule`, `request` and `now` must be those the
/// selection was made with.
core::result<campaign_report> store_campaign(adapters::sqlite_store& store,
                                            const schedule::schedule_file& schedule,
                                            const campaign_selection& selection,
                                            const campaign_request& request, core::instant now);

/// The same over candidates already in memory (a few students: milestones, triggers, tests).
core::result<campaign_report> plan_and_store_campaign(
    adapters::sqlite_store& store, const schedule::schedule_file& schedule,
    const std::vector<adapters::campaign_candidate_row>& candidates, const campaign_request& request,
    const segment_estimator& estimate, core::instant now);

/// The value of a student's date column ("start_date" or an imported extra column), or "".
std::string student_date(const adapters::campaign_candidate_row& c, const std::string& column);

}  // namespace tuki::app
