#include "tuki/core/dialog/session_layout.hpp"

#include <charconv>
#include <cstdint>
#include <cstring>

#include "tuki/core/text/utf8_validity.hpp"

namespace tuki::dialog {

namespace {

// A cursor over the text; every read either takes exactly what it expects or fails.
class layout_reader {
 public:
  explicit layout_reader(std::string_view t) : p_(t.data()), end_(t.data() + t.size()) {}

  bool at_end() const { return p_ == end_; }

  bool literal(std::string_view l) {
    if (static_cast<std::size_t>(end_ - p_) < l.size() || std::memcmp(p_, l.data(), l.size()) != 0)
      return false;
    p_ += l.size();
    return true;
  }

  bool next_is(char c) const { return p_ != end_ && *p_ == c; }

  // A string without escapes or control characters (to_text escapes those; such a text goes to
  // the full reader).
  bool string(std::string_view& out) {
    if (!literal("\"")) return false;
    const char* start = p_;
    while (p_ != end_ && *p_ != '"') {
      if (*p_ == '\\' || static_cast<unsigned char>(*p_) < 0x20) return false;
      ++p_;
    }
    if (p_ == end_) return false;
    out = {start, static_cast<std::size_t>(p_ - start)};
    ++p_;
    return true;
  }

  // An integer as JSON writes it (no '+', no leading zero) that fits T.
  template <class T>
  bool integer(T& out) {
    const char* digits = p_ != end_ && *p_ == '-' ? p_ + 1 : p_;
    if (digits == end_ ||
        (*digits == '0' && digits + 1 != end_ && *(digits + 1) >= '0' && *(digits + 1) <= '9'))
      return false;
    const auto r = std::from_chars(p_, end_, out);
    if (r.ec != std::errc()) return false;
    p_ = r.ptr;
    return true;
  }

  // "{" entries "}" with `value` reading each entry's value after "key":.
  template <class Read>
  bool object(Read&& value) {
    if (!literal("{")) return false;
    if (literal("}")) return true;
    do {
      std::string_view key;
      if (!string(key) || !literal(":") || !value(key)) return false;
    } while (literal(","));
    return literal("}");
  }

 private:
  const char* p_;
  const char* end_;
};

}  // namespace

bool read_written_layout(std::string_view text, session& s) {
  // The full reader rejects invalid UTF-8; so does this one (to_text never writes it).
  if (core::valid_utf8_prefix(text) != text.size()) return false;
  layout_reader r(text);
  std::string_view v;
  std::int64_t ms = 0;
  if (!r.literal(R"({"dialog":)") || !r.string(v)) return false;
  s.dialog_id = v;
  if (!r.literal(R"(,"expires":)") || !r.integer(ms)) return false;
  s.expires = core::from_unix_ms(ms);
  if (!r.literal(R"(,"flags":[)")) return false;
  if (!r.next_is(']')) {
    do {
      if (!r.string(v)) return false;
      s.flags.insert(short_string(v));
    } while (r.literal(","));
  }
  if (!r.literal(R"(],"format":1,"hints_used":)") || !r.integer(s.hints_used)) return false;
  if (!r.literal(R"(,"last_category":)") || !r.string(v)) return false;
  s.last_category = v;
  if (!r.literal(R"(,"node":)") || !r.string(v)) return false;
  s.node = v;
  // Written only when a node's reply is kept.
  if (r.literal(R"(,"quotes":)") && !r.object([&](std::string_view k) {
        std::string_view value;
        if (!r.string(value)) return false;
        s.quotes[k] = std::string(value);
        return true;
      }))
    return false;
  if (!r.literal(R"(,"reminders_sent":)") || !r.integer(s.reminders_sent)) return false;
  if (!r.literal(R"(,"results":)") || !r.object([&](std::string_view k) {
        std::string_view value;
        if (!r.string(value)) return false;
        s.results[k] = short_string(value);
        return true;
      }))
    return false;
  if (!r.literal(R"(,"scores":)") ||
      !r.object([&](std::string_view k) { return r.integer(s.scores[k]); }))
    return false;
  if (!r.literal(R"(,"started":)") || !r.integer(ms)) return false;
  s.started = core::from_unix_ms(ms);
  if (!r.literal(R"(,"token":)") || !r.integer(s.token)) return false;
  if (!r.literal(R"(,"version":)") || !r.string(v)) return false;
  s.dialog_version = short_string(v);
  if (!r.literal(R"(,"visits":)") ||
      !r.object([&](std::string_view k) { return r.integer(s.visits[k]); }))
    return false;
  return r.literal("}") && r.at_end();
}

}  // namespace tuki::dialog
