#include "tuki/adapters/phone/phone_normalizer.hpp"

#include <phonenumbers/phonenumberutil.h>

namespace tuki::adapters {

core::result<std::string> normalize_phone(std::string_view raw, std::string_view region) {
  using i18n::phonenumbers::PhoneNumber;
  using i18n::phonenumbers::PhoneNumberUtil;
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  PhoneNumber number;
  auto err = util.Parse(std::string(raw), std::string(region), &number);
  if (err != PhoneNumberUtil::NO_PARSING_ERROR)
    return core::status::invalid_argument("'" + std::string(raw) + "' is not a phone number");
  if (!util.IsValidNumber(number))
    return core::status::invalid_argument("'" + std::string(raw) + "' is not a valid number for " +
                                          std::string(region));
  std::string out;
  util.Format(number, PhoneNumberUtil::E164, &out);
  return out;
}

bool is_phone_region(std::string_view region) {
  using i18n::phonenumbers::PhoneNumberUtil;
  return PhoneNumberUtil::GetInstance()->GetCountryCodeForRegion(std::string(region)) != 0;
}

}  // namespace tuki::adapters
