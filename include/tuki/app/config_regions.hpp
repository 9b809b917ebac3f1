#pragma once
// Each institution's `country` is the region its students' local numbers are dialled in. The
// configuration parser checks its form (two capital letters); whether libphonenumber knows the
// region is checked here, with the key's line, so that "XX" is reported at start and not as
// "'0401234567' is not a phone number" on every row of the next student import.
#include "tuki/core/config/config.hpp"
#include "tuki/core/status.hpp"

namespace tuki::app {

/// ok when every `institutions[i].country` the file sets is a region libphonenumber knows; else
/// one line per institution, "file:line:col: institutions[0].country: ...".
core::status check_config_regions(const config::config& cfg);

}  // namespace tuki::app
