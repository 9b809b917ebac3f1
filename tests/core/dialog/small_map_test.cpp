#include "tuki/core/dialog/small_map.hpp"

#include <catch2/catch.hpp>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "tuki/core/dialog/short_string.hpp"

using namespace tuki::dialog;

namespace {

// The inline capacity is 3: sizes 0..8 cross it, so every operation runs inline and spilled.
using map3 = small_map<short_string, int, 3>;
using set3 = small_set<short_string, 3>;

std::vector<std::pair<std::string, int>> entries(const map3& m) {
  std::vector<std::pair<std::string, int>> out;
  for (const auto& [k, v] : m) out.emplace_back(k.str(), v);
  return out;
}

std::vector<std::pair<std::string, int>> entries(const std::map<std::string, int>& m) {
  return {m.begin(), m.end()};
}

}  // namespace

TEST_CASE("small_map behaves as std::map inline and spilled", "[dialog][small_map]") {
  // Keys inserted out of order, one repeated, one longer than a short_string holds inline.
  const std::vector<std::string> keys = {"q3", "q1", std::string(30, 'x'), "thanks", "q1",
                                         "a",  "q2", "ticket_opened",      "b"};
  map3 m;
  std::map<std::string, int> expected;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    CAPTURE(i, keys[i]);
    m[keys[i]] += static_cast<int>(i) + 1;
    expected[keys[i]] += static_cast<int>(i) + 1;
    CHECK(entries(m) == entries(expected));
    CHECK(m.size() == expected.size());
    map3 copy = m;
    CHECK(copy == m);
    map3 moved = std::move(copy);
    CHECK(entries(moved) == entries(expected));
    CHECK(copy.empty());  // NOLINT: moved-from is empty
    map3 assigned{{"zz", 9}};
    assigned = m;
    CHECK(assigned == m);
    assigned = std::move(moved);
    CHECK(entries(assigned) == entries(expected));
  }
  CHECK(m.find(std::string("q2")) != m.end());
  CHECK(m.find(std::string("q2"))->second == 7);
  CHECK(m.find(std::string("nope")) == m.end());
  CHECK(m.count(std::string("thanks")) == 1);
  CHECK(m.count(std::string("q")) == 0);
}

TEST_CASE("small_set keeps unique sorted keys inline and spilled", "[dialog][small_map]") {
  set3 s;
  std::set<std::string> expected;
  for (std::string k : {"needs_support", "high_need", "needs_support", "a", "z", "m", "a"}) {
    CAPTURE(k);
    bool inserted = s.insert(k).second;
    CHECK(inserted == expected.insert(k).second);
    CHECK(std::vector<std::string>(s.begin(), s.end()) ==
          std::vector<std::string>(expected.begin(), expected.end()));
  }
  set3 init{"b", "a", "b"};
  CHECK(std::vector<std::string>(init.begin(), init.end()) == std::vector<std::string>{"a", "b"});
}

TEST_CASE("small_map and small_set write the JSON std::map and std::set write",
          "[dialog][small_map]") {
  map3 m{{"q2", 2}, {"q1", 1}, {"thanks", 1}, {"a", 5}};
  std::map<std::string, int> sm{{"q2", 2}, {"q1", 1}, {"thanks", 1}, {"a", 5}};
  CHECK(nlohmann::json(m).dump() == nlohmann::json(sm).dump());
  set3 s{"needs_support", "high_need"};
  std::set<std::string> ss{"needs_support", "high_need"};
  CHECK(nlohmann::json(s).dump() == nlohmann::json(ss).dump());
  CHECK(nlohmann::json(map3{}).dump() == "{}");
  CHECK(nlohmann::json(set3{}).dump() == "[]");
}
