#include "tuki/core/dialog/session_layout.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "support/sessions.hpp"

using namespace tuki;
using namespace tuki::dialog;

namespace {

session sample() { return testing::mid_checkin_session(); }

// The sample's text with `from` replaced by `to` (which must be there).
std::string edited(const std::string& from, const std::string& to) {
  std::string text = sample().to_text();
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

}  // namespace

TEST_CASE("the written layout is read without a parser", "[dialog][session]") {
  session empty;  // empty strings, maps and flags; zero times
  session many = sample();
  for (int i = 0; i < 12; ++i) {
    many.visits["node_with_a_long_name_" + std::to_string(i)] = i;
    many.flags.insert("flag_" + std::to_string(i));
    many.results["r" + std::to_string(i)] = "ääkkönen 👍 " + std::to_string(i);
  }
  many.token = -5;  // any int64, as the full reader takes it
  session quoting = sample();
  quoting.quotes[std::string("ready")] = "no money for the bus card 😕";
  quoting.quotes[std::string("how")] = "oon ollu kipee";
  for (const session& s : {sample(), empty, many, quoting}) {
    session out;
    REQUIRE(read_written_layout(s.to_text(), out));
    CHECK(out == s);
  }
}

TEST_CASE("any other layout goes to the full reader, which reads it the same or names the error",
          "[dialog][session]") {
  const session s = sample();
  const std::string text = s.to_text();
  struct variant {
    std::string text;
    bool valid;  // the full reader reads it as the sample
  };
  const std::vector<variant> variants = {
      {nlohmann::json::parse(text).dump(2), true},                         // an operator's edit
      {edited(R"("node":"q2")", R"("node":"q\u0032")"), true},             // an escape
      {edited(R"({"dialog")", R"({"added_later":[1],"dialog")"), true},    // a newer key
      {edited(R"("hints_used":2)", R"("hints_used":02)"), false},          // a leading zero
      {edited(R"("format":1)", R"("format":2)"), false},                   // another format
      {edited(R"("hints_used":2)", R"("hints_used":5000000000)"), false},  // out of range
      {edited(R"("hints_used":2)", R"("hints_used":2.0)"), false},         // a fraction
      {edited(R"("hints_used":2)", R"("hints_used":+2)"), false},          // not JSON
      {edited(R"("node":"q2")", "\"node\":\"q\xC3\""), false},             // invalid UTF-8
      {edited(R"("node":"q2")", "\"node\":\"q\t2\""), false},              // a raw tab
      {text.substr(0, text.size() - 1), false},                            // truncated
      {text + " ", true},                                                  // trailing space
      {text + "x", false},                                                 // trailing text
  };
  for (const auto& v : variants) {
    CAPTURE(v.text);
    session fast;
    CHECK_FALSE(read_written_layout(v.text, fast));
    auto full = session::from_text(v.text);
    CHECK(full.is_ok() == v.valid);
    if (full.is_ok() && v.valid) CHECK(full.value() == s);
  }
}
