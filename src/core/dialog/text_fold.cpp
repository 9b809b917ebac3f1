#include "tuki/core/dialog/text_fold.hpp"

#include <cctype>

#include <array>
#include <cstdlib>
#include <memory>

#include <utf8proc.h>

#include "tuki/core/text/utf8_validity.hpp"

namespace tuki::dialog {
namespace {

bool is_ascii(std::string_view s) {
  for (unsigned char c : s)
    if (c >= 0x80) return false;
  return true;
}

// Replaces each invalid UTF-8 byte with U+FFFD so that utf8proc accepts the text.
std::string sanitize(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  while (!s.empty()) {
    std::size_t valid = core::valid_utf8_prefix(s);
    out.append(s.substr(0, valid));
    s.remove_prefix(valid);
    if (s.empty()) break;
    out += "\xEF\xBF\xBD";
    s.remove_prefix(1);
  }
  return out;
}

bool is_ascii_alnum(utf8proc_int32_t c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool is_clause_break(utf8proc_int32_t cp) {
  switch (cp) {
    case '.': case ',': case ';': case ':': case '!': case '?': case '\n': case '\r':
      return true;
    default:
      return false;
  }
}

int fold_options(bool strip_accents) {
  int options = UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD |
                UTF8PROC_IGNORE;
  if (strip_accents) options |= UTF8PROC_STRIPMARK;
  return options;
}

// Precomputed folds of the code points below U+0250 (Latin, Latin-1, Latin Extended-A/B: every
// letter of fi, sv, en, et, lv, lt). These never compose with a neighbour (composition needs a
// combining mark, U+0300 and up), so folding them one by one equals folding the text with
// utf8proc. Built once, from utf8proc itself, before main().
struct latin_fold_table {
  static constexpr char32_t limit = 0x250;
  std::array<std::string, limit> folded[2];  // [strip_accents][code point]
  latin_fold_table() {
    for (int strip = 0; strip < 2; ++strip)
      for (char32_t cp = 0; cp < limit; ++cp) {
        utf8proc_uint8_t in[4];
        auto n = utf8proc_encode_char(static_cast<utf8proc_int32_t>(cp), in);
        utf8proc_uint8_t* out = nullptr;
        auto m = utf8proc_map(in, n, &out, static_cast<utf8proc_option_t>(fold_options(strip)));
        if (m >= 0) folded[strip][cp].assign(reinterpret_cast<const char*>(out),
                                             static_cast<std::size_t>(m));
        std::free(out);
      }
  }
};
const latin_fold_table latin_table;

// Emoji blocks: no decomposition and no case, so they fold to themselves.
bool is_plain_emoji(char32_t cp) { return cp >= 0x1F300 && cp <= 0x1FAFF; }

// Folds text made only of code points the table or the emoji rule covers; false otherwise.
bool fold_fast(std::string_view utf8, bool strip_accents, std::string& out) {
  out.clear();
  out.reserve(utf8.size());
  const auto& table = latin_table.folded[strip_accents ? 1 : 0];
  std::size_t i = 0;
  while (i < utf8.size()) {
    unsigned char c = static_cast<unsigned char>(utf8[i]);
    if (c < 0x80) {
      out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : static_cast<char>(c);
      ++i;
      continue;
    }
    std::size_t len = (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (len == 0 || i + len > utf8.size()) return false;
    char32_t cp = len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
    for (std::size_t k = 1; k < len; ++k) {
      unsigned char cc = static_cast<unsigned char>(utf8[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if (cp < latin_fold_table::limit && len == 2) {
      out += table[cp];
    } else if (cp == 0xFE0F || cp == 0x200D) {
      // default-ignorable: dropped, as UTF8PROC_IGNORE does
    } else if (len == 4 && is_plain_emoji(cp)) {
      out.append(utf8.data() + i, len);
    } else {
      return false;
    }
    i += len;
  }
  return true;
}

// The length of the ASCII emoticon `s` starts with (folded, so ":D" is ":d"), or 0.
std::size_t emoticon_length(std::string_view s) {
  if (s.empty() || (s[0] != ':' && s[0] != ';' && s[0] != '=' && s[0] != '<')) return 0;
  static constexpr std::string_view emoticons[] = {
      ":'-(", ":'(", ":-)", ":-(", ":-d", ":-/", ":-|", ":-p", ";-)", "</3",
      ":)",   ":(",  ":d",  ":/",  ":|",  ":p",  ";)",  "=)",  "=(",  "<3"};
  for (auto e : emoticons) {
    if (s.substr(0, e.size()) != e) continue;
    // ":d" and ":p" only when not followed by more letters (":data" is not a smiley).
    char last = e.back();
    if ((last == 'd' || last == 'p') && s.size() > e.size() &&
        std::isalnum(static_cast<unsigned char>(s[e.size()])))
      continue;
    // "<3" not inside a number ("<30").
    if (e == "<3" && s.size() > 2 && std::isdigit(static_cast<unsigned char>(s[2]))) continue;
    return e.size();
  }
  return 0;
}

std::string fold_with_utf8proc(std::string_view utf8, bool strip_accents);

}  // namespace

std::string fold_text(std::string_view utf8, bool strip_accents) {
  std::string out;
  fold_text(utf8, strip_accents, out);
  return out;
}

void fold_text(std::string_view utf8, bool strip_accents, std::string& out) {
  if (is_ascii(utf8)) {
    out.assign(utf8);
    for (char& c : out)
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return;
  }
  if (fold_fast(utf8, strip_accents, out)) return;
  out = fold_with_utf8proc(utf8, strip_accents);
}

namespace {

std::string fold_with_utf8proc(std::string_view utf8, bool strip_accents) {
  int options = fold_options(strip_accents);
  utf8proc_uint8_t* mapped = nullptr;
  auto n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(utf8.data()),
                        static_cast<utf8proc_ssize_t>(utf8.size()), &mapped,
                        static_cast<utf8proc_option_t>(options));
  if (n < 0) {
    std::free(mapped);
    std::string clean = sanitize(utf8);
    mapped = nullptr;
    n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(clean.data()),
                     static_cast<utf8proc_ssize_t>(clean.size()), &mapped,
                     static_cast<utf8proc_option_t>(options));
    if (n < 0) {
      std::free(mapped);
      return {};
    }
  }
  std::unique_ptr<utf8proc_uint8_t, decltype(&std::free)> owned(mapped, &std::free);
  return std::string(reinterpret_cast<const char*>(mapped), static_cast<std::size_t>(n));
}

}  // namespace

void tokenize(std::string_view folded, std::vector<token>& out, std::vector<token>* spare) {
  // Reuses the tokens already in `out` (and their string capacity): a step allocates little.
  std::size_t used = 0;
  auto emit = [&](std::string_view bytes, bool emoji, bool clause_start) {
    if (used == out.size()) {
      if (spare && !spare->empty()) {
        out.push_back(std::move(spare->back()));
        spare->pop_back();
      } else {
        out.emplace_back();
      }
    }
    token& t = out[used++];
    t.text.assign(bytes);
    t.emoji = emoji;
    t.clause_start = clause_start;
    t.resolved_in = 0;
  };
  auto base = reinterpret_cast<const utf8proc_uint8_t*>(folded.data());
  utf8proc_ssize_t size = static_cast<utf8proc_ssize_t>(folded.size());
  utf8proc_ssize_t pos = 0;
  bool in_word = false;
  bool pending_break = false;
  std::size_t pending_apostrophe = 0;  // bytes of an apostrophe that may join two word parts
  while (pos < size) {
    // ASCII emoticons (":)", "<3", ":'(") are emoji tokens, not punctuation: old phones send
    // them instead of emoji. Checked before '<' or ':' would be dropped as punctuation.
    if (auto len = emoticon_length(folded.substr(static_cast<std::size_t>(pos))); len > 0) {
      in_word = false;
      pending_apostrophe = 0;
      emit(folded.substr(static_cast<std::size_t>(pos), len), true, pending_break || used == 0);
      pending_break = false;
      pos += static_cast<utf8proc_ssize_t>(len);
      continue;
    }
    utf8proc_int32_t cp = base[pos];
    utf8proc_ssize_t n = 1;
    if (cp >= 0x80) n = utf8proc_iterate(base + pos, size - pos, &cp);
    if (n <= 0) {  // cannot happen after fold_text; treat as a separator
      in_word = false;
      pos += 1;
      continue;
    }
    std::string_view bytes(folded.data() + pos, static_cast<std::size_t>(n));
    pos += n;
    utf8proc_category_t cat;
    if (cp < 0x80) {
      cat = is_ascii_alnum(cp) ? UTF8PROC_CATEGORY_LL : UTF8PROC_CATEGORY_PO;
    } else {
      cat = utf8proc_category(cp);
    }
    bool word_char = (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO) ||
                     (cat >= UTF8PROC_CATEGORY_MN && cat <= UTF8PROC_CATEGORY_ME) ||
                     (cat >= UTF8PROC_CATEGORY_ND && cat <= UTF8PROC_CATEGORY_NO);
    if (word_char) {
      if (cp < 0x80) {
        // The ASCII letters and digits that follow join in one append (no emoticon starts
        // with one, so none is skipped).
        auto end = pos;
        while (end < size && is_ascii_alnum(base[end])) ++end;
        bytes = folded.substr(static_cast<std::size_t>(pos - n),
                              static_cast<std::size_t>(end - pos + n));
        pos = end;
      }
      if (in_word) {
        if (pending_apostrophe) out[used - 1].text += '\'';
        out[used - 1].text.append(bytes);
      } else {
        emit(bytes, false, pending_break || used == 0);
        pending_break = false;
        in_word = true;
      }
      pending_apostrophe = 0;
      continue;
    }
    if (in_word && !pending_apostrophe && (cp == '\'' || cp == 0x2019)) {
      pending_apostrophe = static_cast<std::size_t>(n);
      continue;
    }
    in_word = false;
    pending_apostrophe = 0;
    if (cat == UTF8PROC_CATEGORY_SO) {
      emit(bytes, true, pending_break || used == 0);
      pending_break = false;
    } else if (is_clause_break(cp)) {
      pending_break = true;
    }
  }
  if (spare)
    while (out.size() > used) {
      spare->push_back(std::move(out.back()));
      out.pop_back();
    }
  out.resize(used);
  for (auto& t : out) t.hash = token_hash(t.text);
}

std::size_t token_hash(std::string_view text) { return hash_pieces(text, {}); }

folded_text fold_and_tokenize(std::string_view utf8, bool strip_accents) {
  folded_text f;
  f.text = fold_text(utf8, strip_accents);
  tokenize(f.text, f.tokens);
  return f;
}

std::size_t codepoint_count(std::string_view utf8) {
  std::size_t n = 0;
  for (unsigned char c : utf8)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

std::size_t decode_utf8(std::string_view utf8, char32_t* out, std::size_t cap) {
  std::size_t n = 0;
  std::size_t i = 0;
  while (i < utf8.size() && n < cap) {
    unsigned char c = static_cast<unsigned char>(utf8[i]);
    char32_t cp;
    std::size_t len;
    if (c < 0x80) { cp = c; len = 1; }
    else if ((c >> 5) == 0x6) { cp = c & 0x1F; len = 2; }
    else if ((c >> 4) == 0xE) { cp = c & 0x0F; len = 3; }
    else { cp = c & 0x07; len = 4; }
    for (std::size_t k = 1; k < len && i + k < utf8.size(); ++k)
      cp = (cp << 6) | (static_cast<unsigned char>(utf8[i + k]) & 0x3F);
    out[n++] = cp;
    i += len;
  }
  return n;
}

std::string_view utf8_prefix(std::string_view utf8, std::size_t max_bytes) {
  if (utf8.size() <= max_bytes) return utf8;
  std::size_t end = max_bytes;
  while (end > 0 && (static_cast<unsigned char>(utf8[end]) & 0xC0) == 0x80) --end;
  return utf8.substr(0, end);
}

}  // namespace tuki::dialog
