#include "tuki/core/schedule/local_time.hpp"

namespace tuki::schedule {

core::instant to_instant(date::local_days day, time_of_day t, const date::time_zone& tz) {
  auto local = date::local_seconds{day} + t.since_midnight;
  auto info = tz.get_info(local);
  // unique: first is the only offset. nonexistent: first is the offset before the gap, so the
  // result lands after the transition shifted by the gap. ambiguous: first is the earlier offset.
  auto utc = date::sys_seconds{(local - info.first.offset).time_since_epoch()};
  return std::chrono::time_point_cast<core::duration>(utc);
}

date::local_seconds local_time(core::instant t, const date::time_zone& tz) {
  return tz.to_local(std::chrono::floor<std::chrono::seconds>(t));
}

date::local_days local_day(core::instant t, const date::time_zone& tz) {
  return date::floor<date::days>(local_time(t, tz));
}

}  // namespace tuki::schedule
