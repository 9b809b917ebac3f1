#include <catch2/catch.hpp>

#include <vector>

#include "tuki/core/routing/disengagement.hpp"

using namespace tuki::routing;
using o = checkin_outcome;

namespace {

std::string category_after(std::vector<o> outcomes, disengagement_settings s = {}) {
  auto r = disengagement_check(outcomes, student_ref{"s-1", "", "", "", "", "fi", ""}, s);
  return r ? r->category : "-";
}

}  // namespace

TEST_CASE(
    "disengagement: K unanswered in a row -> no_reply; failed deliveries -> "
    "delivery_failed",
    "[routing]") {
  CHECK(category_after({}) == "-");
  CHECK(category_after({o::unanswered}) == "-");
  CHECK(category_after({o::unanswered, o::unanswered}) == "no_reply");
  CHECK(category_after({o::unanswered, o::answered, o::unanswered}) == "-");
  CHECK(category_after({o::unanswered, o::unanswered, o::unanswered}) == "-");  // raised at 2
  CHECK(category_after({o::unanswered, o::unanswered, o::unanswered, o::unanswered}) == "no_reply");
  CHECK(category_after({o::delivery_failed, o::delivery_failed}) == "delivery_failed");
  CHECK(category_after({o::unanswered, o::delivery_failed}) == "-");
  CHECK(category_after({o::unanswered, o::unanswered, o::unanswered}, {3, 2}) == "no_reply");
  CHECK(category_after({o::unanswered, o::unanswered}, {0, 2}) == "-");  // disabled
  auto r = disengagement_check(std::vector<o>{o::unanswered, o::unanswered},
                               student_ref{"s-9", "", "K", "G", "", "fi", "t@x.fi"}, {});
  REQUIRE(r.has_value());
  CHECK(r->student.teacher_email == "t@x.fi");
  CHECK(r->urgency == tuki::core::urgency::normal);
}
