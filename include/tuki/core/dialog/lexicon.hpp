#pragma once
// The language lexicons under dialogs/lang/ (schema: docs/lexicons.md): number words, yes/no
// answers, negations, sentiment and topic words, global keywords, staff role names, fixed reply
// texts and crisis phrases per language, plus emoji classes (common.yaml). Entries are kept as
// written; matchers fold them at dialog load with the dialog's accent setting.
#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "tuki/core/dialog/diagnostic.hpp"
#include "tuki/core/status.hpp"

namespace tuki::dialog {

struct language_lexicon {
  std::string language;  // ISO 639-1
  std::string name;
  std::vector<std::pair<std::string, int>> numbers;
  std::map<std::string, std::vector<std::string>> answers;  // "yes", "no", "unsure"
  /// The scale after a rating ("out of 5", "av 5", "viidestä"): a number followed by it is a
  /// rating anywhere in a reply ("i'd say 4 out of 5").
  std::vector<std::string> rating_scale;
  /// Words that may follow a rating's scale without making it a count: a time ("4 out of 5 this
  /// week", "4 viidestä tällä viikolla") or a hedge ("2 out of 5 tbh"). "i cry 4 out of 5 days"
  /// stays no rating.
  std::vector<std::string> rating_tail;
  std::vector<std::string> negations;
  /// Negations that are ordinary words in another language (Finnish "en" is Swedish "a"):
  /// they negate only in replies of students whose language is this one.
  std::vector<std::string> negations_own_language;
  /// Topic words whose lack is the problem: a negation right before them does not cancel them
  /// ("ei oo rahaa", no money; "en oo jaksanu"), as it cancels "ei stressaa" or "not tired".
  std::vector<std::string> lack_words;
  /// "Problem" words: a negation whose next word or the one after is one of them denies a
  /// problem with whatever its scope names ("no money problems", "nav problēmu ar naudu").
  std::vector<std::string> problem_words;
  /// Answer words that are ordinary words in another language (English "no" is Finnish "well",
  /// Finnish "en" Swedish "a"): for students of other languages they count only as the whole
  /// reply ("no kyllä" is yes, "no" alone no).
  std::vector<std::string> answers_own_language;
  /// Words that turn a reply around ("but", "mutta"): what follows the last of them decides
  /// whether a case's `unless` vetoes it ("ihan hyvin, mut mua kiusataan").
  std::vector<std::string> contrast;
  std::map<std::string, std::vector<std::string>> sentiment;  // positive, neutral, negative
  std::map<std::string, std::vector<std::string>> topics;     // studies, wellbeing, life, ...
  /// Phrases that ask for contact ("call me", "soittakaa", "kan nån ringa mig") under
  /// "wanted", and that decline it ("dont call", "älä soita", "nezvaniet") under "declined":
  /// read by `{contact: wanted}` and `{contact: declined}` at the dialogs' contact questions.
  std::map<std::string, std::vector<std::string>> contact;
  std::map<std::string, std::vector<std::string>> keywords;   // stop, start, help, pause
  /// Single words that may stand beside a keyword without making it a sentence ("stop pls",
  /// "lopeta kiitos").
  std::vector<std::string> courtesy;
  /// Everyday words that are never read as a typo of another lexicon's word ("trying" is not
  /// "crying", Estonian "rauda", iron, is not Latvian "raudu", I cry). They match nothing.
  std::vector<std::string> not_typos;
  std::map<std::string, std::string> roles;
  std::map<std::string, std::string> replies;                 // stop, start, help, pause, crisis
  std::vector<std::string> crisis_phrases;
  std::vector<std::string> crisis_exclude;
};

struct lexicon {
  std::map<std::string, language_lexicon> languages;          // by language code
  std::map<std::string, std::vector<std::string>> emoji;      // class -> emoji

  /// A reply text (replies.<key>) in `language`, else English, else any language; empty if none.
  const std::string& reply(const std::string& language, const std::string& key) const;
  /// Every entry of `lists` member `class_name` over all languages (see matchers).
  std::vector<std::string> all_words(
      std::map<std::string, std::vector<std::string>> language_lexicon::*lists,
      const std::string& class_name) const;
};

/// The classes of a lexicon's `contact` map: "wanted", "declined", "talk".
const std::vector<std::string>& contact_classes();

/// Loads dir/*.yaml: each <lang>.yaml and common.yaml. Problems are appended to `diags`
/// (unknown keys are warnings so that a newer lexicon still loads). A missing directory, a
/// language without crisis phrases and a reply placeholder tuki does not fill for that reply
/// (placeholders.hpp) are errors.
lexicon load_lexicon(const std::filesystem::path& dir, std::vector<diagnostic>& diags);
/// Loads one language file's text (for tests); `file` names it in diagnostics.
void load_lexicon_text(const std::string& text, const std::string& file, lexicon& into,
                       std::vector<diagnostic>& diags);

}  // namespace tuki::dialog
