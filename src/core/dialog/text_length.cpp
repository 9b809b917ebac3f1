#include "tuki/core/dialog/text_length.hpp"

#include "tuki/core/text/sms_encoding.hpp"

namespace tuki::dialog {

std::optional<text_length_finding> text_length_finding_for(std::string_view text) {
  const auto cost = core::measure_sms(text);
  if (cost.segments <= advised_text_segments) return std::nullopt;
  const std::string size =
      "is " + std::to_string(cost.segments) + " SMS segments long (" + std::to_string(cost.units) +
      (cost.coding == core::sms_coding::gsm7 ? " GSM-7" : " UCS-2") + " characters)";
  if (cost.segments > max_text_segments)
    return text_length_finding{true, size + "; gateways send at most " +
                                         std::to_string(max_text_segments) +
                                         " (Kannel's max-messages, Twilio's 1,600 characters): "
                                         "shorten it"};
  return text_length_finding{false, size +
                                        "; each segment is billed and read in pieces on an "
                                        "old phone: " +
                                        std::to_string(advised_text_segments) +
                                        " at most is advised"};
}

}  // namespace tuki::dialog
