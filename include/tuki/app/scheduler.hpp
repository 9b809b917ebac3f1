#pragma once
// The scheduler's store-side work, driven by the scheduler pump (service, io thread) through
// write_queue jobs, so everything here runs on the store thread inside a batch transaction,
// except select_recurring, which only reads and runs on the read connection's thread:
//
//  - evaluate_rules: every institution's schedule rules at `now`. A recurring occurrence whose
//    time has come (and is at most a day old) becomes one campaign (planned with fairness and
//    staggering); milestones due within the last 7 days and data triggers that fire on newly
//    imported events become small immediate campaigns. Each rule run is recorded in `rule_runs`
//    in the same transaction as its planned sends: a crash neither loses nor repeats a run.
//    The pump plans a recurring occurrence in three steps: due_recurring (write job, with the
//    milestones and triggers), select_recurring (read job: the walk of the audience) and
//    store_recurring (write job: the run recorded and the campaign stored). Students changed
//    between the second and third steps are still checked when their send starts.
//  - start_due: starts due planned sends through conversation::start_checkin (which skips
//    opted-out, paused and active students), skipping students whose last check-in started less
//    than min_days_between_checkins ago, at most `limit`, and none while the SMS outbox is
//    deeper than `max_outbox_depth` (backpressure). A send due in quiet hours (the pump was late)
//    is postponed to the next allowed moment in the student's zone, so the opening message
//    never goes out at night; replies are not affected (they are not planned sends).
//
// Thread-safety: immutable after construction except through the store passed in.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tuki/app/campaign_planner.hpp"
#include "tuki/app/conversation.hpp"

namespace tuki::app {

struct rules_report {
  std::size_t campaigns = 0;  // campaigns created
  std::size_t planned = 0;    // planned sends created
  std::size_t deferred = 0;   // accepted by a recurring rule, left to its next occurrence
  void add(const rules_report& r);
};

/// A recurring rule's occurrence that is due and not recorded in `rule_runs` yet.
struct recurring_run {
  std::string institution_id;
  const schedule::recurring_rule* rule = nullptr;  // in the scheduler's schedules
  std::string run_key;                             // the occurrence's local date
  std::optional<date::local_days> plan_before;     // the rule's next occurrence, if any
};

struct start_report {
  std::size_t started = 0;
  std::size_t skipped = 0;     // capped, or start_checkin declined (opted out, paused, active)
  std::size_t postponed = 0;   // quiet hours
  bool held_back = false;      // backpressure: the outbox was too deep
};

class scheduler {
 public:
  /// `schedules` by institution id; institutions without one get the defaults.
  scheduler(const config::config& cfg, std::map<std::string, schedule::schedule_file> schedules,
            conversation& conv);

  /// Every rule of every institution at `now`, in the caller's transaction. Without
  /// `recurring`, only milestones and triggers: the service plans recurring occurrences in the
  /// three steps below instead.
  core::result<rules_report> evaluate_rules(adapters::sqlite_store& store, core::instant now,
                                            bool recurring = true) const;
  /// Recurring occurrences due at `now` (at most 24 hours old) whose run is not recorded yet.
  /// Reads only.
  std::vector<recurring_run> due_recurring(adapters::sqlite_store& store, core::instant now) const;
  /// Walks the run's audience and selects its students (caps, `plan_before`). Reads only, so a
  /// read connection will do: the walk over 1,000,000 students then does not hold up the writer.
  core::result<campaign_selection> select_recurring(adapters::sqlite_store& store,
                                                    const recurring_run& run,
                                                    core::instant now) const;
  /// Records the run and stores its campaign, in the caller's transaction, with the `now` the
  /// selection was made with. Nothing when the run was recorded since due_recurring found it.
  core::result<rules_report> store_recurring(adapters::sqlite_store& store, const recurring_run& run,
                                             const campaign_selection& selection,
                                             core::instant now) const;
  core::result<start_report> start_due(adapters::sqlite_store& store, core::instant now, int limit,
                                       std::int64_t max_outbox_depth) const;
  const schedule::schedule_file* schedule_of(const std::string& institution_id) const;
  /// Up to `n` students with new events, a data trigger looks each one up by id; more, and it
  /// walks the institution's students once (default 100,000; tests set 0 to take the walk).
  void set_trigger_lookup_limit(std::size_t n) { trigger_lookup_limit_ = n; }

 private:
  campaign_request request_of(const recurring_run& run) const;
  core::result<rules_report> evaluate(adapters::sqlite_store& store,
                                      const config::institution_settings& inst,
                                      const schedule::schedule_file& sched, core::instant now) const;
  const config::config& cfg_;
  std::map<std::string, schedule::schedule_file> schedules_;
  conversation& conv_;
  std::size_t trigger_lookup_limit_;
};

}  // namespace tuki::app
