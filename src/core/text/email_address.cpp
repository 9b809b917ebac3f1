#include "tuki/core/text/email_address.hpp"

namespace tuki::core {

bool is_email_address(std::string_view text) {
  if (text.empty() || text.size() > 254) return false;
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x21 || u > 0x7e) return false;
  }
  if (text.find_first_of("<>,;\"()") != std::string_view::npos) return false;
  const auto at = text.find('@');
  return at != std::string_view::npos && at > 0 && at + 1 < text.size() &&
         text.find('@', at + 1) == std::string_view::npos;
}

}  // namespace tuki::core
