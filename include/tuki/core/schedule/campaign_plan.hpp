#pragma once
// Campaign planning: who gets a check-in, and when, so that students are not flooded and staff
// are not sent more support needs per day than they can answer.
#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include <date/tz.h>

#include "tuki/core/instant.hpp"
#include "tuki/core/schedule/holiday_calendar.hpp"
#include "tuki/core/schedule/quiet_hours.hpp"
#include "tuki/core/status.hpp"

namespace tuki::schedule {

/// Per-student caps and staff capacity of an institution.
struct fairness {
  /// At most one new check-in per this period, counted in calendar days of the institution's
  /// zone (gap_allows): a student whose last check-in was sent fewer days before `now` is
  /// skipped (capped). Default 7 days.
  std::chrono::days min_gap{7};
  /// Support needs staff can take per day (all staff of the institution), >= 1. Default 60.
  int capacity_per_day = 60;
  /// Historical support needs per check-in sent, in [0, 1]; e.g. 1,167 needs / 50,458 check-ins
  /// = 0.023. 0 disables staggering (everyone on the first day). Default 0.028.
  double need_rate = 0.028;
};

/// One student who could receive the campaign's check-in. Filled by the app from its store.
struct campaign_candidate {
  std::string_view id;  // not owned, not read by the planner; for the caller
  /// The student's zone; nullptr = the institution's. Resolve names once (zone_cache), not per
  /// student: the planner compares pointers to group students by zone.
  const date::time_zone* zone = nullptr;
  std::optional<core::instant> last_checkin;  // when the last check-in was sent, if ever
  bool has_active_session = false;            // a dialog is in progress: never start another
  bool opted_out = false;
  std::optional<core::instant> paused_until;  // skipped while now < paused_until
};

struct campaign_settings {
  const date::time_zone* institution_zone = nullptr;  // required; its days are the campaign days
  quiet_hours quiet;                                  // send_from/until in each student's own zone
  holiday_calendar holidays;                          // no sends on these local days
  fairness fair;
  /// The first campaign day is today (in the institution's zone) only if at least this much of
  /// today's sending window is left at `now`; otherwise the next allowed day. Default 2 hours.
  std::chrono::minutes min_first_day_window{120};
};

enum class skip_reason : std::uint8_t { opted_out, paused, active, capped };
std::string_view to_string(skip_reason r);

struct planned_send {
  std::uint32_t candidate;  // index into the candidates passed to plan_campaign
  std::uint32_t day;        // campaign day k (index into campaign_plan::days)
  core::instant at;         // UTC, whole seconds; allowed by quiet hours in the student's zone
};

struct skipped_candidate {
  std::uint32_t candidate;  // index into the candidates
  skip_reason reason;       // the first that applies, in enum order
};

struct campaign_plan {
  std::vector<planned_send> sends;         // in candidate order; day is non-decreasing
  std::vector<skipped_candidate> skipped;  // in candidate order
  std::vector<date::local_days> days;      // institution-local date of each campaign day
  /// Students per campaign day: floor(capacity_per_day / need_rate), so that expected needs per
  /// day (students * need_rate) stay <= capacity_per_day. 0 = unlimited (need_rate 0).
  std::uint64_t per_day = 0;
};

/// Whether a student whose last check-in was sent at `last` may be sent a new one at `now`:
/// `min_gap` counts calendar days in `zone` (the institution's), whatever the hour. So with the
/// default 7 days last Tuesday's check-in, sent at 17:30 late in a staggered day, allows this
/// Tuesday's at 10:00: counted in hours, a weekly rule would reach each student every other week.
bool gap_allows(core::instant last, core::instant now, std::chrono::days min_gap,
                const date::time_zone& zone);
/// The same for a send on the institution-local date `day` (a campaign day).
bool gap_allows(core::instant last, date::local_days day, std::chrono::days min_gap,
                const date::time_zone& zone);

/// The first reason in enum order that skips `c` at `now`, of those that do not depend on the
/// day the student would be sent: opted out, paused, active. The cap does (a student staggered
/// to Thursday is judged on Thursday): `capped_on`.
std::optional<skip_reason> skip_of(const campaign_candidate& c, core::instant now);

/// Whether `c`'s last check-in caps it on campaign day `day` (institution-local, in `zone`):
/// sent fewer than `fair.min_gap` calendar days before it (gap_allows).
bool capped_on(const campaign_candidate& c, date::local_days day, const fairness& fair,
               const date::time_zone& zone);

/// Steps 2 and 3 of plan_campaign one accepted student at a time, in candidate order, so that a
/// caller can plan a million students while holding none of them: memory is O(zones), and the
/// days are found as the students reach them. `settings` must outlive the stagger.
class campaign_stagger {
 public:
  /// Validates `settings` (the errors of plan_campaign) for `accepted` students at `now`.
  static core::result<campaign_stagger> start(const campaign_settings& settings, core::instant now,
                                              std::uint64_t accepted);

  struct slot {
    std::uint32_t day;  // campaign day k (index into days())
    core::instant at;   // UTC, whole seconds
  };
  /// The slot of the next accepted student, whose zone is `zone` (nullptr = the institution's).
  /// invalid_argument when no allowed day is found within two years; called at most `accepted`
  /// times.
  core::result<slot> next(const date::time_zone* zone);
  /// The campaign day (institution-local date) the next slot falls on, without taking it: a
  /// caller judges a student's cap on the day it would be sent (capped_on), then gives it the
  /// slot or passes it over, so a capped student takes no one's place. Opens the day if needed.
  core::result<date::local_days> coming_day();

  /// The campaign days reached so far (all of them once every student has had its slot).
  const std::vector<date::local_days>& days() const { return days_; }
  /// As campaign_plan::per_day: students per day, 0 = unlimited.
  std::uint64_t per_day() const { return per_day_; }

 private:
  using window = std::pair<core::instant, core::instant>;  // [first, end)
  campaign_stagger(const campaign_settings& s, core::instant now, std::uint64_t accepted);
  core::status open_next_day();

  const campaign_settings* settings_;
  core::instant now_;
  std::uint64_t accepted_ = 0;
  std::uint64_t per_day_ = 0;    // as reported
  std::uint64_t batch_cap_ = 1;  // per_day_, or everyone when unlimited
  std::uint64_t index_ = 0;      // accepted students given a slot so far
  std::uint64_t batch_ = 0;      // size of the current day's batch
  std::uint64_t batch_first_ = 0;
  date::local_days next_day_;    // where the search for the next campaign day starts
  std::vector<date::local_days> days_;
  std::vector<std::pair<const date::time_zone*, window>> windows_;  // the current day's, per zone
};

/// Plans a campaign over `candidates` (at most 2^32 - 1) at `now`.
///
/// 1. Skips, with a reason: opted out; paused (now < paused_until); has an active session;
///    capped (fewer than min_gap calendar days from last_checkin to the student's own campaign
///    day: capped_on). A capped student takes no slot: the next student is judged on the same day.
/// 2. Staggering: accepted students, in candidate order, are cut into batches of `per_day`;
///    batch k goes out on campaign day k, the k-th allowed day (allowed weekday, not a holiday)
///    counted in the institution's zone from today (see min_first_day_window).
/// 3. Within a day, a batch of b students is spread evenly over the sending window: the j-th
///    student is sent at start + (end - start) * j / b of the window in the student's own zone on
///    that local date, never before `now`. If a student's own window on day 0 has already closed
///    at `now`, the window of that zone's next allowed day is used.
///
/// Cost: O(n + zones * days) time, one to_instant per (zone, day); no per-student allocation
/// beyond the output. Errors (invalid_argument): missing institution zone, capacity_per_day < 1,
/// need_rate outside [0, 1], send_from >= send_until, no allowed weekday, no allowed day within
/// two years.
core::result<campaign_plan> plan_campaign(std::span<const campaign_candidate> candidates,
                                          const campaign_settings& settings, core::instant now);

}  // namespace tuki::schedule
