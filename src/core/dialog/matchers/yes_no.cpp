// `yes_no`: the first yes/no answer word of any language in the reply is the given one
// (`{yes_no: yes}`): "kyl tarviin apua" -> yes, "ei kiitos" -> no, "no thanks" -> no. An
// "unsure" answer ("en tiedä", "not sure") is neither (`{yes_no: unsure}` matches it); an
// own-language answer word of another language counts only as the whole reply (a Finnish "no
// kyllä" is yes, "no" alone no), and so does an answer of one letter ("y", "k", "e"). A negated
// answer word is no answer ("not ok").
//
// `{yes_no: {answer: "no", whole_reply: true}}`: the reply is nothing but that answer (courtesy
// words, emoji, punctuation and a repeat aside): "ei kiitos", "ok 👍", "joo joo", but not "en
// haluu mennä kotiin" nor "yes i need help". For a message that answers no question.
#include "tuki/core/dialog/matcher.hpp"

namespace tuki::dialog {
namespace {

class yes_no_matcher final : public matcher {
 public:
  yes_no_matcher(int tag, bool whole, const lexicon_sets& sets)
      : tag_(tag), whole_(whole), sets_(sets) {}
  bool matches(const prepared_reply& r, bool tolerant) const override {
    // A whole-reply answer is memoised apart from the first answer, under a key of its own.
    const void* key = whole_ ? static_cast<const void*>(&whole_reply_key) : &sets_.answers;
    auto memo = r.recall(key, tolerant);
    if (!memo) {
      memo = whole_ ? bare_answer(r, tolerant) : first_answer(r, tolerant);
      r.remember(key, tolerant, *memo);
    }
    return *memo == tag_;
  }
  std::string describe() const override {
    std::string s = tag_ == 1 ? "yes" : tag_ == 0 ? "no" : "unsure";
    return whole_ ? s + " (whole reply)" : s;
  }

 private:
  // The first answer word that counts for the student: an own-language answer of another
  // language (English "no", Finnish "well"; Finnish "en", Swedish "a") and a one-letter answer
  // only as the whole reply; a negated one not at all. -1: none; 2: unsure. An "ok" (a yes that
  // is also a sentiment word: "ok", "labi", "gerai") that a no follows is unsure, so the
  // student is asked again: "ok no thanks", "okei, ei tarvii" were a yes.
  int first_answer(const prepared_reply& r, bool tolerant) const {
    const auto& toks = r.folded.tokens;
    bool ok_said = false;  // the first answer that counts was an "ok": a yes, unless a no follows
    for (std::size_t i = 0; i < toks.size(); ++i) {
      auto hit = sets_.answers.match_at(toks, i, tolerant);
      if (!hit) continue;
      i = hit->end - 1;
      const bool whole = hit->begin == 0 && hit->end == toks.size();
      if (r.negated[hit->begin]) continue;
      // "y", "k", "e": only the reply's one word ("y 👍" too), never a letter in a sentence.
      if (hit->end - hit->begin == 1 && codepoint_count(toks[hit->begin].text) == 1 &&
          r.content_words != 1)
        continue;
      const int languages = lexicon_sets::answer_languages(hit->tag);
      if (languages != 0 && (languages & r.language_bit) == 0 && !whole) continue;
      const int value = lexicon_sets::answer_value(hit->tag);
      if (ok_said) {
        if (value == 0) return 2;  // an "ok" and then a no
        continue;
      }
      if (value != 1 || !sets_.sentiment.match_at(toks, hit->begin, tolerant)) return value;
      ok_said = true;
    }
    return ok_said ? 1 : -1;
  }
  // The answer when the reply holds answers of one value and otherwise only courtesy words
  // and emoji; -1 otherwise.
  int bare_answer(const prepared_reply& r, bool tolerant) const {
    const auto& toks = r.folded.tokens;
    int value = -1;
    for (std::size_t i = 0; i < toks.size();) {
      if (auto hit = sets_.answers.match_at(toks, i, tolerant)) {
        const int v = lexicon_sets::answer_value(hit->tag);
        if (value != -1 && v != value) return -1;
        value = v;
        i = hit->end;
        continue;
      }
      if (!toks[i].emoji && !sets_.courtesy_at(toks, i)) return -1;
      ++i;
    }
    return value;
  }
  static constexpr char whole_reply_key = 0;
  int tag_;
  bool whole_;
  const lexicon_sets& sets_;
};

int answer_tag(const YAML::Node& n) {
  if (!n.IsScalar()) return -1;
  const std::string& s = n.Scalar();
  return s == "yes" ? 1 : s == "no" ? 0 : s == "unsure" ? 2 : -1;
}

core::result<std::unique_ptr<matcher>> make(const YAML::Node& arg,
                                            const matcher_build_context& ctx) {
  if (int tag = answer_tag(arg); tag >= 0)
    return std::unique_ptr<matcher>(std::make_unique<yes_no_matcher>(tag, false, ctx.sets));
  if (arg.IsMap()) {
    bool whole = false, ok = arg["answer"].IsDefined();
    for (auto it = arg.begin(); it != arg.end() && ok; ++it) {
      const std::string key = it->first.Scalar();
      if (key == "whole_reply" && it->second.IsScalar() &&
          (it->second.Scalar() == "true" || it->second.Scalar() == "false"))
        whole = it->second.Scalar() == "true";
      else if (key != "answer")
        ok = false;
    }
    if (int tag = ok ? answer_tag(arg["answer"]) : -1; tag >= 0)
      return std::unique_ptr<matcher>(std::make_unique<yes_no_matcher>(tag, whole, ctx.sets));
  }
  return core::status::invalid_argument(
      "expects yes, no or unsure, or {answer: yes|no|unsure, whole_reply: true|false}");
}

const matcher_registration registration{"yes_no", make};

}  // namespace
}  // namespace tuki::dialog
