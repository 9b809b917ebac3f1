#pragma once
// Phone numbers to E.164 with libphonenumber: "040 123 4567" in region FI -> "+358401234567".
// Thread-safety: libphonenumber's PhoneNumberUtil is a thread-safe singleton; this is stateless.
#include <string>
#include <string_view>

#include "tuki/core/status.hpp"

namespace tuki::adapters {

/// Parses `raw` as dialled in `region` (ISO 3166, e.g. "FI"), validates it and formats it E.164.
/// invalid_argument says why ("not a number", "not a valid number for FI").
core::result<std::string> normalize_phone(std::string_view raw, std::string_view region);

/// normalize_phone for a number tuki will text (a student's): also refuses the kinds a text
/// message cannot reach (landline, toll-free, premium-rate, shared-cost, service, voicemail and
/// pager numbers), naming the kind. Costs the same as normalize_phone.
core::result<std::string> normalize_mobile_phone(std::string_view raw, std::string_view region);

/// Whether libphonenumber knows `region` ("FI": yes; "XX", "fi": no).
bool is_phone_region(std::string_view region);

}  // namespace tuki::adapters
