// Role names as students read them in the "seen" SMS ({staff_role}).
#include "tuki/app/role_names.hpp"

#include <catch2/catch.hpp>

using namespace tuki;

TEST_CASE("a role without a name reads as a staff member in the student's language, never its id",
          "[app][roles]") {
  auto shipped = app::role_names::load(std::string(TUKI_SOURCE_DIR) + "/dialogs");
  REQUIRE(shipped);
  // Every language the shipped lexicons cover has the generic phrase.
  // A plain noun, like the other role names: texts put it in context ("A {staff_role} from
  // school", "Koulun {staff_role}").
  const std::vector<std::pair<std::string, std::string>> generic{
      {"fi", "työntekijä"}, {"sv", "medarbetare"}, {"en", "staff member"},
      {"et", "töötaja"},    {"lv", "darbinieks"},  {"lt", "darbuotojas"}};
  for (const auto& [language, phrase] : generic) {
    INFO(language);
    CHECK(shipped->name("erityisopettaja_2", language) == phrase);
  }
  // Named roles keep their names.
  CHECK(shipped->name("social_worker", "fi") == "kuraattori");
  CHECK(shipped->name("crisis_contact", "en") == "crisis worker");

  // A role named in English only: a Finnish student reads the Finnish generic phrase, not English.
  app::role_names names;
  names.set("en", "job_coach", "job coach");
  names.set("en", "staff_member", "staff member");
  names.set("fi", "staff_member", "työntekijä");
  CHECK(names.name("job_coach", "fi") == "työntekijä");
  CHECK(names.name("job_coach", "en") == "job coach");
  // A language without a lexicon falls back to English.
  CHECK(names.name("job_coach", "ru") == "job coach");
  CHECK(names.name("erityisopettaja_2", "ru") == "staff member");
}

TEST_CASE("staff read a role's own name, else its English one, else its id; not the generic one",
          "[app][roles]") {
  auto shipped = app::role_names::load(std::string(TUKI_SOURCE_DIR) + "/dialogs");
  REQUIRE(shipped);
  CHECK(shipped->staff_name("study_counsellor", "fi") == "opinto-ohjaaja");
  CHECK(shipped->staff_name("study_counsellor", "sv") == "studiehandledare");
  CHECK(shipped->staff_name("study_counsellor", "en") == "study counsellor");
  CHECK(shipped->staff_name("erityisopettaja_2", "fi") == "erityisopettaja_2");

  app::role_names names;
  names.set("en", "job_coach", "job coach");
  names.set("fi", "staff_member", "työntekijä");
  CHECK(names.staff_name("job_coach", "fi") == "job coach");
  CHECK(names.staff_name("job_coach", "ru") == "job coach");
  CHECK(names.staff_name("astrologer", "fi") == "astrologer");
}
