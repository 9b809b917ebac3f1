#pragma once
// Data triggers: "when absences >= 5 within 14 days, send dialog X", over imported student events.
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <date/date.h>

#include "tuki/core/schedule/audience.hpp"
#include "tuki/core/status.hpp"

namespace tuki::schedule {

/// One imported fact about a student (a row of the events CSV).
struct student_event {
  std::string student_id;
  std::string event;      // e.g. "absence", "late_assignment"
  date::local_days date;  // the institution-local day it happened
  double value = 1;       // e.g. 1 per absence, or hours absent
};

/// An event name as the events import takes it: 1-64 characters of a-z, 0-9, _ or -. A trigger
/// naming anything else could never fire, so the schedule loader refuses it too.
bool valid_event_name(std::string_view name);

enum class trigger_aggregate { sum, count };  // sum of `value`, or number of events
enum class trigger_comparison { at_least, more_than, at_most, less_than };  // >= > <= <

/// ">=", ">", "<=" or "<" to a comparison.
core::result<trigger_comparison> parse_comparison(std::string_view text);
core::result<trigger_aggregate> parse_aggregate(std::string_view text);  // "sum" | "count"

struct trigger_rule {
  std::string id;      // unique within a schedule file
  std::string dialog;  // dialog id to start when the rule fires
  std::string event;   // which events count
  trigger_aggregate aggregate = trigger_aggregate::sum;
  trigger_comparison comparison = trigger_comparison::at_least;
  double threshold = 1;
  /// Window length in days, >= 1: on day d the window is (d - within_days, d], i.e. d and the
  /// within_days - 1 days before it.
  int within_days = 14;
  audience students;
};

/// The first day on which `rule` fires for one student, or nullopt.
///
/// `events` are that student's events, in any order (student_id is not looked at; events of
/// other kinds are ignored). The rule is evaluated on each day that has a matching event, over
/// the matching events in the window ending that day. A rule never fires twice for the same
/// events: only events dated after `last_fired` (the day it last fired for this student, which
/// the caller stores) count. So five absences fire once, and it takes five new ones within the
/// window to fire again. The day returned is when the condition became true; the caller sends at
/// the next allowed moment from its own `now`.
std::optional<date::local_days> next_firing(const trigger_rule& rule,
                                            std::span<const student_event> events,
                                            std::optional<date::local_days> last_fired);

/// The last day on which `rule` fires over the events after `last_fired` (the rules of
/// next_firing, each episode counted once), or nullopt: the episode the student is in now, or
/// the latest one. The scheduler acts on it, so a backlog of events (history imported at once,
/// a rule added mid-year) starts one check-in, about the latest episode, rather than one per
/// import about each old episode in turn.
std::optional<date::local_days> latest_firing(const trigger_rule& rule,
                                              std::span<const student_event> events,
                                              std::optional<date::local_days> last_fired);

/// Every firing over `events` from scratch, ascending (repeated next_firing); for previews/tests.
std::vector<date::local_days> all_firings(const trigger_rule& rule,
                                          std::span<const student_event> events);

}  // namespace tuki::schedule
