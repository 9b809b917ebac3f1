#include "tuki/core/dialog/lexicon.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "tuki/core/dialog/placeholders.hpp"
#include "tuki/core/dialog/text_length.hpp"
#include "tuki/core/dialog/yaml_reader.hpp"
#include "tuki/core/yaml_syntax.hpp"
#include "tuki/core/yaml_file_name.hpp"

namespace tuki::dialog {
namespace {

void read_lists(yaml_reader& r, const YAML::Node& n, std::string_view what,
                std::map<std::string, std::vector<std::string>>& into) {
  if (!n || !r.is_map(n, what)) return;
  for (auto it = n.begin(); it != n.end(); ++it) {
    auto key = r.string(it->first, what);
    if (!key) continue;
    if (auto list = r.strings(it->second, std::string(what) + "." + *key)) into[*key] = *list;
  }
}

void read_strings(yaml_reader& r, const YAML::Node& n, std::string_view what,
                  std::map<std::string, std::string>& into) {
  if (!n || !r.is_map(n, what)) return;
  for (auto it = n.begin(); it != n.end(); ++it) {
    auto key = r.string(it->first, what);
    auto value = r.string(it->second, std::string(what) + " text");
    if (key && value) into[*key] = *value;
  }
}

// A reply with a placeholder tuki does not fill for it, or with a brace that makes no
// placeholder, would reach students as written.
void check_reply_placeholders(yaml_reader& r, const YAML::Node& replies) {
  if (!replies || !replies.IsMap()) return;
  for (auto it = replies.begin(); it != replies.end(); ++it) {
    if (!it->first.IsScalar() || !it->second.IsScalar()) continue;
    const std::string key = it->first.Scalar();
    for (auto& msg :
         placeholder_errors(text_template(it->second.Scalar()), reply_placeholders(key)))
      r.error(it->second, "replies." + key + ": " + msg);
    if (auto f = text_length_finding_for(it->second.Scalar())) {
      auto msg = "replies." + key + " " + f->message;
      f->error ? r.error(it->second, std::move(msg)) : r.warning(it->second, std::move(msg));
    }
  }
}

// Like yaml_reader::map, but unknown keys are warnings: lexicons grow more often than code.
void warn_unknown(yaml_reader& r, const YAML::Node& n, const std::vector<std::string>& allowed,
                  std::string_view what) {
  for (auto it = n.begin(); it != n.end(); ++it) {
    if (!it->first.IsScalar()) continue;
    const std::string& key = it->first.Scalar();
    if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
    std::string msg = "unknown key '" + key + "' in " + std::string(what) + " (ignored)";
    if (auto near = nearest(key, allowed); !near.empty()) msg += "; did you mean '" + near + "'?";
    r.warning(it->first, std::move(msg));
  }
}

}  // namespace

const std::vector<std::string>& contact_classes() {
  static const std::vector<std::string> classes{"wanted", "declined", "talk"};
  return classes;
}

const std::string& lexicon::reply(const std::string& language, const std::string& key) const {
  static const std::string empty;
  for (const std::string& lang : {language, std::string("en")}) {
    auto l = languages.find(lang);
    if (l == languages.end()) continue;
    if (auto it = l->second.replies.find(key); it != l->second.replies.end()) return it->second;
  }
  for (const auto& [code, l] : languages)
    if (auto it = l.replies.find(key); it != l.replies.end()) return it->second;
  return empty;
}

std::vector<std::string> lexicon::all_words(
    std::map<std::string, std::vector<std::string>> language_lexicon::*lists,
    const std::string& class_name) const {
  std::vector<std::string> out;
  for (const auto& [code, l] : languages)
    if (auto it = (l.*lists).find(class_name); it != (l.*lists).end())
      out.insert(out.end(), it->second.begin(), it->second.end());
  return out;
}

void load_lexicon_text(const std::string& text, const std::string& file, lexicon& into,
                       std::vector<diagnostic>& diags) {
  yaml_reader r(file, diags);
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    r.error_at(e.mark, core::yaml_syntax_message(e, text));
    return;
  }
  if (!r.sound_structure(root) || !r.is_map(root, "a lexicon file")) return;
  if (root["emoji"] && !root["language"]) {  // common.yaml
    warn_unknown(r, root, {"emoji"}, "common lexicon");
    read_lists(r, root["emoji"], "emoji", into.emoji);
    return;
  }
  warn_unknown(r, root,
               {"language",
                "name",
                "numbers",
                "rating_scale",
                "rating_tail",
                "answers",
                "answers_own_language",
                "negations",
                "negations_own_language",
                "lack_words",
                "problem_words",
                "contrast",
                "sentiment",
                "topics",
                "contact",
                "courtesy",
                "not_typos",
                "keywords",
                "roles",
                "replies",
                "crisis"},
               "lexicon");
  if (!r.require(root, "language")) return;
  auto code = r.string(root["language"], "language");
  if (!code) return;
  language_lexicon& l = into.languages[*code];
  l.language = *code;
  if (root["name"])
    if (auto s = r.string(root["name"], "name")) l.name = *s;
  if (const auto& n = root["numbers"]; n && r.is_map(n, "numbers")) {
    for (auto it = n.begin(); it != n.end(); ++it) {
      auto word = r.string(it->first, "number word");
      auto value = r.integer(it->second, "number value");
      if (word && value) l.numbers.emplace_back(*word, static_cast<int>(*value));
    }
  }
  if (root["rating_scale"])
    if (auto s = r.strings(root["rating_scale"], "rating_scale")) l.rating_scale = *s;
  if (root["rating_tail"])
    if (auto s = r.strings(root["rating_tail"], "rating_tail")) l.rating_tail = *s;
  if (root["answers"] && root["answers"].IsMap())
    warn_unknown(r, root["answers"], {"yes", "no", "unsure"}, "answers");
  read_lists(r, root["answers"], "answers", l.answers);
  if (root["answers_own_language"])
    if (auto s = r.strings(root["answers_own_language"], "answers_own_language"))
      l.answers_own_language = *s;
  if (root["contrast"])
    if (auto s = r.strings(root["contrast"], "contrast")) l.contrast = *s;
  if (root["negations"])
    if (auto s = r.strings(root["negations"], "negations")) l.negations = *s;
  if (root["negations_own_language"])
    if (auto s = r.strings(root["negations_own_language"], "negations_own_language"))
      l.negations_own_language = *s;
  if (root["lack_words"])
    if (auto s = r.strings(root["lack_words"], "lack_words")) l.lack_words = *s;
  if (root["problem_words"])
    if (auto s = r.strings(root["problem_words"], "problem_words")) l.problem_words = *s;
  read_lists(r, root["sentiment"], "sentiment", l.sentiment);
  read_lists(r, root["topics"], "topics", l.topics);
  if (root["contact"] && root["contact"].IsMap())
    warn_unknown(r, root["contact"], contact_classes(), "contact");
  read_lists(r, root["contact"], "contact", l.contact);
  read_lists(r, root["keywords"], "keywords", l.keywords);
  if (root["courtesy"])
    if (auto s = r.strings(root["courtesy"], "courtesy")) l.courtesy = *s;
  if (root["not_typos"])
    if (auto s = r.strings(root["not_typos"], "not_typos")) l.not_typos = *s;
  read_strings(r, root["roles"], "roles", l.roles);
  read_strings(r, root["replies"], "replies", l.replies);
  check_reply_placeholders(r, root["replies"]);
  const YAML::Node c = root["crisis"];
  const bool crisis_map = c && r.is_map(c, "crisis");
  const bool has_phrases = crisis_map && c["phrases"];
  if (crisis_map) {
    warn_unknown(r, c, {"phrases", "exclude"}, "crisis");
    if (has_phrases)
      if (auto s = r.strings(c["phrases"], "crisis.phrases")) l.crisis_phrases = *s;
    if (c["exclude"])
      if (auto s = r.strings(c["exclude"], "crisis.exclude")) l.crisis_exclude = *s;
  }
  // Without phrases a crisis written in this language is never recognised: no urgent ticket,
  // no helpline answer. That must stop the load, not pass quietly. (A `crisis` or `phrases` of
  // the wrong type has been reported already.)
  const bool reported = (c && !crisis_map) || (has_phrases && !c["phrases"].IsSequence());
  if (l.crisis_phrases.empty() && !reported)
    r.error(has_phrases ? c["phrases"] : crisis_map ? c : root,
            "language '" + *code + "' has no crisis phrases: a crisis message in this language "
            "would not be recognised; list them under crisis.phrases");
}

lexicon load_lexicon(const std::filesystem::path& dir, std::vector<diagnostic>& diags) {
  lexicon lex;
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    diags.push_back({diagnostic::severity::error, dir.string(), 0, 0, "",
                     "lexicon directory not found"});
    return lex;
  }
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec))
    if (core::is_yaml_file_name(e.path())) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    load_lexicon_text(ss.str(), f.string(), lex, diags);
  }
  return lex;
}

}  // namespace tuki::dialog
