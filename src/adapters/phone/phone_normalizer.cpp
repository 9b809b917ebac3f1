#include "tuki/adapters/phone/phone_normalizer.hpp"

#include <phonenumbers/phonenumberutil.h>

namespace tuki::adapters {
namespace {

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

// What a number of this type is called in an error, or nullptr when a text message can reach
// it. FIXED_LINE_OR_MOBILE (regions where the two share a range, as in the US) and the kinds
// that forward (personal numbers, VoIP) are given the benefit of the doubt.
const char* unreachable_by_sms(PhoneNumberUtil::PhoneNumberType type) {
  switch (type) {
    case PhoneNumberUtil::FIXED_LINE:
      return "a landline number";
    case PhoneNumberUtil::TOLL_FREE:
      return "a toll-free number";
    case PhoneNumberUtil::PREMIUM_RATE:
      return "a premium-rate number";
    case PhoneNumberUtil::SHARED_COST:
      return "a shared-cost number";
    case PhoneNumberUtil::UAN:
      return "a service number";
    case PhoneNumberUtil::VOICEMAIL:
      return "a voicemail number";
    case PhoneNumberUtil::PAGER:
      return "a pager number";
    default:
      return nullptr;
  }
}

core::result<PhoneNumber> parse(std::string_view raw, std::string_view region) {
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  PhoneNumber number;
  auto err = util.Parse(std::string(raw), std::string(region), &number);
  if (err != PhoneNumberUtil::NO_PARSING_ERROR)
    return core::status::invalid_argument("'" + std::string(raw) + "' is not a phone number");
  return number;
}

core::status not_valid(std::string_view raw, std::string_view region) {
  return core::status::invalid_argument("'" + std::string(raw) + "' is not a valid number for " +
                                        std::string(region));
}

std::string e164(const PhoneNumber& number) {
  std::string out;
  PhoneNumberUtil::GetInstance()->Format(number, PhoneNumberUtil::E164, &out);
  return out;
}

}  // namespace

core::result<std::string> normalize_phone(std::string_view raw, std::string_view region) {
  auto number = parse(raw, region);
  if (!number) return number.error();
  if (!PhoneNumberUtil::GetInstance()->IsValidNumber(*number)) return not_valid(raw, region);
  return e164(*number);
}

core::result<std::string> normalize_mobile_phone(std::string_view raw, std::string_view region) {
  auto number = parse(raw, region);
  if (!number) return number.error();
  // GetNumberType does the work IsValidNumber does (UNKNOWN is exactly "not valid"), so knowing
  // the type costs nothing more.
  const auto type = PhoneNumberUtil::GetInstance()->GetNumberType(*number);
  if (type == PhoneNumberUtil::UNKNOWN) return not_valid(raw, region);
  if (const char* kind = unreachable_by_sms(type))
    return core::status::invalid_argument("'" + std::string(raw) + "' is " + kind +
                                          "; text messages cannot reach it (give a mobile number)");
  return e164(*number);
}

bool is_phone_region(std::string_view region) {
  return PhoneNumberUtil::GetInstance()->GetCountryCodeForRegion(std::string(region)) != 0;
}

}  // namespace tuki::adapters
