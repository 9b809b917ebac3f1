// Worker processes give exactly what normalize_mobile_phone gives in-process, in order, for batches
// larger than a socket's buffer and from several threads at once.
#include "tuki/adapters/phone/phone_workers.hpp"

#include <string>
#include <thread>
#include <vector>

#include <signal.h>

#include <catch2/catch.hpp>

#include "tuki/adapters/phone/phone_normalizer.hpp"

using namespace tuki;
using tuki::adapters::normalize_mobile_phone;
using tuki::adapters::phone_workers;

namespace {

// Valid, invalid and landline numbers mixed, with and without spaces, national and international.
std::vector<std::string> numbers(int n, int seed) {
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) {
    const int v = (i * 7919 + seed) % 10'000'000;
    switch (i % 6) {
      case 0: out.push_back("040" + std::to_string(1'000'000 + v)); break;
      case 1: out.push_back("+358 50 " + std::to_string(1'000'000 + v)); break;
      case 2: out.push_back(std::to_string(v % 100)); break;  // too short: invalid
      case 3: out.push_back("not a number " + std::to_string(v)); break;
      case 4:
        out.push_back("09 " + std::to_string(1'000'000 + v));
        break;  // landline: refused
      default: out.push_back(""); break;
    }
  }
  return out;
}

void check_same_as_in_process(const std::vector<std::string>& raw,
                              const std::vector<core::result<std::string>>& got) {
  REQUIRE(got.size() == raw.size());
  for (std::size_t i = 0; i < raw.size(); ++i) {
    auto want = normalize_mobile_phone(raw[i], "FI");
    CAPTURE(i, raw[i]);
    REQUIRE(static_cast<bool>(got[i]) == static_cast<bool>(want));
    if (want) CHECK(*got[i] == *want);
    else CHECK(got[i].error().message() == want.error().message());
  }
}

std::vector<std::string_view> views(const std::vector<std::string>& v) {
  return {v.begin(), v.end()};
}

}  // namespace

TEST_CASE("phone workers normalise a batch exactly as in-process, in order", "[phone]") {
  auto pool = phone_workers::start(1, "FI");
  REQUIRE(pool);
  CHECK((*pool)->size() == 1);
  // 20,000 numbers: several hundred kilobytes each way, far more than a socket buffer holds.
  auto raw = numbers(20'000, 1);
  auto got = (*pool)->normalize(0, views(raw));
  REQUIRE(got);
  check_same_as_in_process(raw, *got);
  auto empty = (*pool)->normalize(0, {});
  REQUIRE(empty);
  CHECK(empty->empty());
}

TEST_CASE("each thread uses its own phone worker", "[phone]") {
  auto pool = phone_workers::start(2, "FI");
  REQUIRE(pool);
  REQUIRE((*pool)->size() == 2);
  std::vector<std::string> raw[2] = {numbers(5'000, 3), numbers(5'000, 11)};
  core::result<std::vector<core::result<std::string>>> got[2] = {
      core::status::internal("not run"), core::status::internal("not run")};
  std::vector<std::thread> threads;
  for (unsigned k = 0; k < 2; ++k)
    threads.emplace_back([&, k] {
      for (int round = 0; round < 3; ++round) got[k] = (*pool)->normalize(k, views(raw[k]));
    });
  for (auto& t : threads) t.join();
  for (unsigned k = 0; k < 2; ++k) {
    REQUIRE(got[k]);
    check_same_as_in_process(raw[k], *got[k]);
  }
}

TEST_CASE("a phone worker that died is an error of the call, not a crash", "[phone]") {
  auto pool = phone_workers::start(1, "FI");
  REQUIRE(pool);
  auto raw = numbers(10, 5);
  REQUIRE((*pool)->normalize(0, views(raw)));
  REQUIRE(::kill((*pool)->pid(0), SIGKILL) == 0);
  auto got = (*pool)->normalize(0, views(raw));
  REQUIRE_FALSE(got);
  CHECK_THAT(got.error().message(), Catch::Contains("phone worker 0"));
}
