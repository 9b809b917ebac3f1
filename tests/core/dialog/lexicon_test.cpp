// Loading lexicon files: every mistake is located; nothing is silently dropped.
#include "tuki/core/dialog/lexicon.hpp"

#include <catch2/catch.hpp>

using namespace tuki::dialog;

namespace {

// The diagnostics of loading `text` as fi.yaml, one per line.
std::string load_errors(const std::string& text) {
  lexicon lex;
  std::vector<diagnostic> diags;
  load_lexicon_text(text, "fi.yaml", lex, diags);
  return join(diags);
}

}  // namespace

TEST_CASE("a lexicon key that is not a plain name is an error, not ignored", "[dialog][lexicon]") {
  CHECK(load_errors("language: fi\n? [replies, roles]\n: x\n") ==
        "fi.yaml:2:3: error: keys must be plain names, found a list");
  CHECK(load_errors("language: fi\nreplies:\n  ? {stop: x}\n  : Selvä\n") ==
        "fi.yaml:3:5: error: replies: keys must be plain names, found a map");
}

TEST_CASE("a key given twice in a lexicon is an error at the second", "[dialog][lexicon]") {
  CHECK(load_errors("language: fi\nreplies:\n  stop: Selvä\n  stop: Okei\n") ==
        "fi.yaml:4:3: error: replies: duplicate key 'stop' (first at line 3)");
  CHECK(load_errors("language: fi\nanswers: {\"yes\": [joo]}\nanswers: {\"no\": [ei]}\n") ==
        "fi.yaml:3:1: error: duplicate key 'answers' (first at line 2)");
}

TEST_CASE("lexicon texts and keys must be valid UTF-8", "[dialog][lexicon]") {
  // A file saved as Latin-1: 'ä' is the single byte 0xE4.
  CHECK(load_errors("language: fi\nreplies:\n  stop: \"Selv\xe4\"\n") ==
        "fi.yaml:3:9: error: replies.stop: invalid UTF-8 in text (byte 0xE4 at offset 4)");
  CHECK(load_errors("language: fi\ntopics:\n  ty\xf6: [duuni]\n") ==
        "fi.yaml:3:3: error: topics: invalid UTF-8 in a key (byte 0xF6 at offset 2)");
}

TEST_CASE("a language without crisis phrases is an error: its crises would go unnoticed",
          "[dialog][lexicon]") {
  const std::string why =
      ": error: language 'fi' has no crisis phrases: a crisis message in this language would not "
      "be recognised; list them under crisis.phrases";
  CHECK(load_errors("language: fi\ncrisis:\n  phrases: []\n") == "fi.yaml:3:12" + why);
  CHECK(load_errors("language: fi\ncrisis:\n  exclude: [koe]\n") == "fi.yaml:3:3" + why);
  CHECK(load_errors("language: fi\nname: suomi\n") == "fi.yaml:1:1" + why);
  CHECK(load_errors("language: fi\ncrisis:\n  phrases: [itsemurha*]\n").empty());
  // Reported once, as what it is, when the section has the wrong type.
  CHECK(load_errors("language: fi\ncrisis:\n  phrases: {a: b}\n") ==
        "fi.yaml:3:12: error: crisis.phrases must be a list of strings, found a map");
}

TEST_CASE("a reply with a placeholder tuki does not fill for it is an error", "[dialog][lexicon]") {
  const std::string crisis = "crisis: {phrases: [itsemurha*]}\n";
  CHECK(load_errors("language: fi\nreplies:\n  crisis: \"Soita {helpine}\"\n" + crisis) ==
        "fi.yaml:3:11: error: replies.crisis: unknown placeholder {helpine} (did you mean "
        "{helpline}?); known placeholders: {helpline}");
  CHECK(load_errors("language: fi\nreplies:\n  ticket_seen: \"{helpline} luki viestisi\"\n" +
                    crisis) ==
        "fi.yaml:3:16: error: replies.ticket_seen: unknown placeholder {helpline}; known "
        "placeholders: {staff_role}");
  CHECK(load_errors("language: fi\nreplies:\n  pause: \"Tauko {paused_until} asti; {helpline}\"\n"
                    "  ticket_seen: \"{staff_role} luki viestisi\"\n" + crisis)
            .empty());
}

TEST_CASE("a reply longer than gateways send is an error, one over 4 segments a warning",
          "[dialog][lexicon]") {
  const std::string crisis = "crisis: {phrases: [itsemurha*]}\n";
  std::string long_reply, longer_reply;
  for (int i = 0; i < 4; ++i) long_reply += "Kiitos viestistäsi, palaamme asiaan pian. ";  // 168
  for (int i = 0; i < 40; ++i) longer_reply += "Kiitos viestistäsi. ";                     // 800
  CHECK(load_errors("language: fi\nreplies:\n  help: \"" + long_reply + "\"\n" + crisis).empty());
  CHECK(load_errors("language: fi\nreplies:\n  help: \"" + long_reply + long_reply + long_reply +
                    long_reply + "\"\n" + crisis) ==
        "fi.yaml:3:9: warning: replies.help is 5 SMS segments long (672 GSM-7 characters); each "
        "segment is billed and read in pieces on an old phone: 4 at most is advised");
  CHECK(load_errors("language: fi\nreplies:\n  help: \"" + longer_reply + longer_reply + "\"\n" +
                    crisis) ==
        "fi.yaml:3:9: error: replies.help is 11 SMS segments long (1600 GSM-7 characters); "
        "gateways send at most 10 (Kannel's max-messages, Twilio's 1,600 characters): shorten it");
}

TEST_CASE("a reply with a brace that makes no placeholder is an error", "[dialog][lexicon]") {
  const std::string crisis = "crisis: {phrases: [itsemurha*]}\n";
  CHECK(load_errors("language: fi\nreplies:\n  help: \"Apua: {helpline\"\n" + crisis) ==
        "fi.yaml:3:9: error: replies.help: '{' at character 7 is never closed: '{helpline' (tuki "
        "has no escape for a literal brace)");
  CHECK(load_errors("language: fi\nreplies:\n  ticket_seen: \"{staff role} luki viestisi :}\"\n" +
                    crisis) ==
        "fi.yaml:3:16: error: replies.ticket_seen: malformed placeholder {staff role} at character "
        "1: a placeholder name has only letters, digits and _\n"
        "fi.yaml:3:16: error: replies.ticket_seen: '}' at character 29 has no '{' before it (tuki "
        "has no escape for a literal brace)");
}

TEST_CASE("contact lists must be lists of strings; an unknown contact list is a warning",
          "[dialog][lexicon]") {
  const std::string crisis = "crisis: {phrases: [itsemurha*]}\n";
  CHECK(load_errors("language: fi\ncontact:\n  wanted: [soittakaa]\n  declined: [\"älä soita\"]\n" +
                    crisis)
            .empty());
  CHECK(load_errors("language: fi\ncontact:\n  wanted: {a: soittakaa}\n" + crisis) ==
        "fi.yaml:3:11: error: contact.wanted must be a list of strings, found a map");
  CHECK(load_errors("language: fi\ncontact:\n  declined: [[\"älä soita\"]]\n" + crisis) ==
        "fi.yaml:3:14: error: contact.declined must be a string, found a list");
  CHECK(load_errors("language: fi\ncontact: [soittakaa]\n" + crisis) ==
        "fi.yaml:2:10: error: contact must be a map, found a list");
  CHECK(load_errors("language: fi\ncontact:\n  wantd: [soittakaa]\n" + crisis) ==
        "fi.yaml:3:3: warning: unknown key 'wantd' in contact (ignored); did you mean 'wanted'?");
}

TEST_CASE("a lexicon's contact lists are kept per class", "[dialog][lexicon]") {
  lexicon lex;
  std::vector<diagnostic> diags;
  load_lexicon_text(
      "language: sv\ncontact:\n  wanted: [\"ring mig\", \"kan nån ringa mig\"]\n"
      "  declined: [\"ring mig inte\"]\ncrisis: {phrases: [\"vill dö\"]}\n",
      "sv.yaml", lex, diags);
  CHECK(diags.empty());
  const auto& contact = lex.languages.at("sv").contact;
  CHECK(contact.at("wanted") == std::vector<std::string>{"ring mig", "kan nån ringa mig"});
  CHECK(contact.at("declined") == std::vector<std::string>{"ring mig inte"});
}
