// P3 baseline: how fast libphonenumber alone parses, validates and formats phone numbers on one
// core. Reads one number per line from a file (the same CSV column tuki imports) and prints
// "numbers seconds rate".
// Usage: bench_phone_parse FILE REGION
#include <chrono>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include <phonenumbers/phonenumberutil.h>

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: bench_phone_parse FILE REGION\n";
    return 2;
  }
  std::ifstream in(argv[1]);
  std::vector<std::string> numbers;
  for (std::string line; std::getline(in, line);) numbers.push_back(line);
  using i18n::phonenumbers::PhoneNumber;
  using i18n::phonenumbers::PhoneNumberUtil;
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  std::size_t valid = 0;
  auto t0 = std::chrono::steady_clock::now();
  for (const auto& raw : numbers) {
    PhoneNumber n;
    if (util.Parse(raw, argv[2], &n) != PhoneNumberUtil::NO_PARSING_ERROR) continue;
    if (!util.IsValidNumber(n)) continue;
    std::string out;
    util.Format(n, PhoneNumberUtil::E164, &out);
    valid += !out.empty();
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::cout << valid << " " << secs << " " << (secs > 0 ? valid / secs : 0) << "\n";
  return valid == numbers.size() ? 0 : 1;
}
