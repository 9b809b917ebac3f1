// Negation scopes and the sentiment classification that depends on them (reply.hpp).
#include "tuki/core/dialog/reply.hpp"

#include <algorithm>

namespace tuki::dialog {
namespace {
constexpr std::size_t negation_scope = 3;  // tokens after a negation word

// The negation whose scope is tokens [from, to) denies a problem: a problem word opens the scope
// or follows its first word ("no problems with money", "ei oo mitään ongelmia", "no money
// problems"). Further on it denies nothing: "i dont understand math problems" still names maths,
// and so, in the safe direction, does "i dont have money problems" (its student is asked).
bool denies_problem(const lexicon_sets& sets, const std::vector<token>& toks, std::size_t from,
                    std::size_t to) {
  if (sets.problem_words.empty()) return false;
  for (std::size_t k = from; k < to && k <= from + 1; ++k)
    if (sets.problem_words.match_at(toks, k, false)) return true;
  return false;
}
}  // namespace

void mark_negations(const lexicon_sets& sets, int language_bit, prepared_reply& r) {
  const auto& toks = r.folded.tokens;
  r.negated.assign(toks.size(), false);
  r.topic_cancelled.assign(toks.size(), false);
  r.last_lack = prepared_reply::no_lack;
  if (sets.negations.empty()) return;
  auto starts = [&](const phrase_set& set, std::size_t k) {
    return !set.empty() && set.match_at(toks, k, false).has_value();
  };
  sets.negations.scan(toks, false, [&](const phrase_hit& hit) {
    if (hit.tag != 0 && (hit.tag & language_bit) == 0) return;  // another language's word
    // The scope ends at punctuation and at a contrast word: "no problems but money" denies
    // only the problems.
    std::size_t scope_end = hit.end;
    for (std::size_t k = hit.end; k < toks.size() && k < hit.end + negation_scope; ++k) {
      if (toks[k].clause_start || starts(sets.contrast, k)) break;
      r.negated[k] = !r.negated[k];
      scope_end = k + 1;
    }
    if (scope_end == hit.end) return;
    // Topics: only what the negation directly denies. "i dont understand math" still names
    // maths; "not tired", "ei oo kipee" (negation "ei oo") do not name a problem.
    if (denies_problem(sets, toks, hit.end, scope_end)) {
      // "no money problems", "nav problēmu ar naudu": nothing in the scope is a problem, nor a
      // listed phrase that starts with the negation ("no money").
      for (std::size_t k = hit.begin; k < scope_end; ++k) r.topic_cancelled[k] = true;
      return;
    }
    if (starts(sets.lack_words, hit.end))
      r.last_lack = hit.end;
    else
      r.topic_cancelled[hit.end] = true;
  });
}

void prepare_reply(std::string_view raw, const lexicon_sets& sets, std::string_view language,
                   prepared_reply& out) {
  out.raw = raw;
  fold_text(raw, sets.strip_accents, out.folded.text);
  tokenize(out.folded.text, out.folded.tokens, &out.spare_tokens);
  out.language_bit = sets.language_bit(language);
  mark_negations(sets, out.language_bit, out);
  out.content_words = 0;
  for (std::size_t i = 0; i < out.folded.tokens.size(); ++i) {
    if (!out.folded.tokens[i].emoji && !sets.courtesy_at(out.folded.tokens, i)) ++out.content_words;
  }
  out.after_contrast = 0;
  // A contrast word that ends the reply ("opettaja auttaa mut", me) turns nothing around.
  if (!sets.contrast.empty())
    sets.contrast.scan(out.folded.tokens, false, [&](const phrase_hit& hit) {
      if (hit.end < out.folded.tokens.size()) out.after_contrast = hit.end;
    });
  out.clear_memo();
}

prepared_reply reply_after_contrast(const prepared_reply& r) {
  prepared_reply tail;
  tail.raw = r.raw;
  tail.folded.text = r.folded.text;
  const auto from = static_cast<std::ptrdiff_t>(std::min(r.after_contrast, r.folded.tokens.size()));
  tail.folded.tokens.assign(r.folded.tokens.begin() + from, r.folded.tokens.end());
  tail.negated.assign(r.negated.begin() + from, r.negated.end());
  tail.topic_cancelled.assign(r.topic_cancelled.begin() + from, r.topic_cancelled.end());
  if (r.last_lack != prepared_reply::no_lack && r.last_lack >= static_cast<std::size_t>(from))
    tail.last_lack = r.last_lack - static_cast<std::size_t>(from);
  tail.content_words = r.content_words;
  tail.language_bit = r.language_bit;
  return tail;
}

std::optional<int> classify_sentiment(const lexicon_sets& sets, const prepared_reply& r,
                                      bool tolerant) {
  auto& memo = r.sentiment_memo[tolerant ? 1 : 0];
  if (memo) return *memo == 2 ? std::nullopt : std::optional<int>(*memo);
  bool pos = false, neu = false, neg = r.last_lack != prepared_reply::no_lack;
  auto note = [&](const phrase_hit& hit) {
    // A phrase that itself holds the negation ("ei hyvin" listed as negative) is taken as
    // listed: only a negation before its first word flips it.
    int p = hit.tag;
    if (r.negated[hit.begin]) p = p > 0 ? -1 : (p < 0 ? 0 : -1);
    (p > 0 ? pos : p < 0 ? neg : neu) = true;
  };
  sets.sentiment.scan(r.folded.tokens, tolerant, note);
  sets.emoji_polarity.scan(r.folded.tokens, false, note);
  int result = neg ? -1 : pos ? 1 : neu ? 0 : 2;
  memo = result;
  return result == 2 ? std::nullopt : std::optional<int>(result);
}

}  // namespace tuki::dialog
