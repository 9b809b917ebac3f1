#pragma once
// Resolves IANA zone names ("Europe/Helsinki") to date::time_zone pointers once, so that hot
// paths (campaign planning over 100,000 students) compare pointers instead of searching the tzdb.
#include <string>
#include <string_view>
#include <unordered_map>

#include <date/tz.h>

#include "tuki/core/status.hpp"

namespace tuki::schedule {

/// Not thread-safe (one cache per thread or per planning run). The returned pointers refer to
/// the process-wide tzdb and stay valid for the whole process, after the cache is gone.
class zone_cache {
 public:
  /// not_found: `unknown time zone "Europe/Helsinky"`.
  core::result<const date::time_zone*> find(std::string_view name);
  /// The zone named `name` when it is set and known, else `fallback`: a student's own zone with
  /// the institution's as the default (an unknown name was reported at import).
  const date::time_zone* find_or(std::string_view name, const date::time_zone* fallback);

 private:
  struct string_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, const date::time_zone*, string_hash, std::equal_to<>> zones_;
};

/// One uncached lookup, with the same error as zone_cache::find.
core::result<const date::time_zone*> find_zone(std::string_view name);

}  // namespace tuki::schedule
