#include "tuki/core/routing/action_page_wording.hpp"

#include <catch2/catch.hpp>

#include <regex>
#include <set>

using namespace tuki::routing;

namespace {

constexpr action_message last_message = action_message::stays_with;
constexpr action_button last_button = action_button::not_mine_leave;

std::set<std::string> placeholders(const std::string& pattern_text) {
  std::set<std::string> out;
  const std::regex re("\\{[a-z]+\\}");
  for (auto it = std::sregex_iterator(pattern_text.begin(), pattern_text.end(), re);
       it != std::sregex_iterator(); ++it)
    out.insert(it->str());
  return out;
}

// Facts whose values are the placeholders themselves, so that the worded text shows which
// placeholders a language's sentence uses.
const action_page_facts echo{"{id}", "{people}", "{role}", {"{roles}"}, "{status}"};

}  // namespace

TEST_CASE("action pages: every text exists in fi, sv and en, with the same placeholders",
          "[routing][language]") {
  for (int i = 0; i <= static_cast<int>(last_message); ++i) {
    const auto m = static_cast<action_message>(i);
    const std::string en = word_action_message(m, echo, "en");
    CAPTURE(i, en);
    REQUIRE_FALSE(en.empty());
    for (const char* lang : {"fi", "sv"}) {
      const std::string text = word_action_message(m, echo, lang);
      CAPTURE(lang, text);
      CHECK_FALSE(text.empty());
      CHECK(text != en);
      CHECK(placeholders(text) == placeholders(en));  // also catches a table out of order
    }
  }
  for (int i = 0; i <= static_cast<int>(last_button); ++i) {
    const auto b = static_cast<action_button>(i);
    CAPTURE(i);
    CHECK(word_action_button(b, "fi") != word_action_button(b, "en"));
    CHECK(word_action_button(b, "sv") != word_action_button(b, "en"));
  }
  for (const char* lang : {"fi", "sv", "en"}) {
    const auto c = word_action_page_chrome("17", lang);
    CAPTURE(lang);
    CHECK_FALSE(c.title_done.empty());
    CHECK_FALSE(c.title_not_done.empty());
    CHECK_THAT(c.title_ticket, Catch::EndsWith(" 17"));
    CHECK_FALSE(c.ticket_page.empty());
    CHECK_FALSE(c.try_again_later.empty());
  }
}

TEST_CASE("action pages: the wording uses the terms of the staff emails", "[routing][language]") {
  const action_page_facts f{.ticket_id = "17", .people = "a@varia.fi,b@varia.fi"};
  CHECK(word_action_message(action_message::stays_with, f, "fi") ==
        "Tiketti 17 jää muille käsittelijöille: a@varia.fi,b@varia.fi.");
  CHECK(word_action_message(action_message::stays_with, f, "sv") ==
        "Ärende 17 stannar hos a@varia.fi,b@varia.fi.");
  CHECK(word_action_message(action_message::stays_with, f, "en") ==
        "Ticket 17 stays with a@varia.fi,b@varia.fi.");
  CHECK(word_action_message(action_message::link_expired, f, "fi") ==
        "Tämä linkki on vanhentunut.");
  CHECK(word_action_message(action_message::link_expired, f, "sv-FI") ==
        "Den här länken har gått ut.");
  CHECK(word_action_message(action_message::link_expired, f, "et") == "This link has expired.");
  CHECK(word_action_button(action_button::acknowledge, "fi") == "Kuittaa");
  CHECK(word_action_button(action_button::acknowledge, "sv") == "Kvittera");
  CHECK(word_action_page_chrome("17", "fi").title_ticket == "Tiketti 17");
  CHECK(word_action_page_chrome("17", "sv").title_ticket == "Ärende 17");
}

TEST_CASE("action pages: the link's language, then Accept-Language, then the institution's",
          "[routing][language]") {
  // 1. The link (the email's language) wins over the browser.
  CHECK(action_page_language("sv", "fi, en", "fi") == "sv");
  CHECK(action_page_language("fi", "sv", "sv") == "fi");
  // An unsupported or missing link language goes on to the browser.
  CHECK(action_page_language("de", "sv", "fi") == "sv");
  // 2. Accept-Language by q-value, the first range with staff wording.
  CHECK(action_page_language("", "sv;q=0.9, fi;q=0.8", "en") == "sv");
  CHECK(action_page_language("", "fi;q=0.8, sv;q=0.9", "en") == "sv");
  CHECK(action_page_language("", "de-DE, de;q=0.9, sv-FI;q=0.5, fi;q=0.4", "en") == "sv");
  CHECK(action_page_language("", "en-GB", "fi") == "en");
  CHECK(action_page_language("", "FI-fi", "sv") == "fi");
  CHECK(action_page_language("", "sv;q=0, fi;q=0.1", "en") == "fi");  // q=0: not acceptable
  // 3. Nothing supported (or only "*"): the institution's default, when it has wording.
  CHECK(action_page_language("", "de, et;q=0.5, *;q=0.1", "fi") == "fi");
  CHECK(action_page_language("", "", "sv") == "sv");
  // 4. Else English.
  CHECK(action_page_language("", "de", "et") == "en");
  CHECK(action_page_language("", "", "") == "en");
  CHECK(action_page_language("", "garbage;;;q=x", "") == "en");
}

TEST_CASE("action pages: roles are shown by the names the app gives them, in the page's language",
          "[routing][language][roles]") {
  const action_page_facts f{.ticket_id = "17",
                            .role = "astrologer",
                            .known_roles = {"social_worker", "study_counsellor"}};
  // Without names, the ids (as configured).
  CHECK(word_action_message(action_message::unknown_role, f, "en") ==
        "Ticket 17 was not passed on: role 'astrologer' is not configured (known roles: "
        "social_worker, study_counsellor).");
  // The namer is asked in the language of the wording ("sv-FI" is worded in sv, "et" in en).
  std::vector<std::string> asked;
  const role_naming names = [&](const std::string& role, std::string_view language) {
    asked.push_back(std::string(language) + ":" + role);
    if (role == "astrologer") return role;  // nobody configures it: no name
    return "<" + std::string(language) + " " + role + ">";
  };
  CHECK(word_action_message(action_message::unknown_role, f, "sv-FI", names) ==
        "Ärende 17 flyttades inte: rollen 'astrologer' finns inte i inställningarna. Roller som "
        "finns: <sv social_worker>, <sv study_counsellor>.");
  CHECK(asked ==
        std::vector<std::string>{"sv:social_worker", "sv:study_counsellor", "sv:astrologer"});
  CHECK(word_action_message(action_message::nobody_holds_role, {.ticket_id = "17", .role = "nurse"},
                            "et", names) ==
        "Ticket 17 was not passed on: nobody has the role '<en nurse>'.");
  // A message without roles never asks.
  asked.clear();
  CHECK(word_action_message(action_message::resolved, {.ticket_id = "17"}, "fi", names) ==
        "Tiketti 17 on merkitty ratkaistuksi.");
  CHECK(asked.empty());
}
