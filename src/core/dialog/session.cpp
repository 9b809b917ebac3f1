#include "tuki/core/dialog/session.hpp"

#include <charconv>
#include <cstdint>
#include <limits>

#include <nlohmann/json.hpp>

#include "tuki/core/dialog/session_layout.hpp"
#include "tuki/core/text/utf8_repair.hpp"
#include "tuki/core/text/utf8_validity.hpp"

namespace tuki::dialog {

namespace {

constexpr int session_format = 1;

// ------------------------------------------------------------------ writing

// Appends `s` as a JSON string the way nlohmann::json::dump() writes it (UTF-8 kept, only '"',
// '\\' and control characters escaped, \u00xx in lower case). Invalid UTF-8 is written as
// U+FFFD, where dump() would throw.
void put_string(std::string& out, std::string_view s) {
  std::string repaired;
  if (core::valid_utf8_prefix(s) != s.size()) {
    repaired = core::repair_utf8(s);
    s = repaired;
  }
  static constexpr char hex[] = "0123456789abcdef";
  static constexpr std::string_view short_escaped = "\b\f\n\r\t", short_escapes = "bfnrt";
  out += '"';
  for (const char c : s) {
    const auto b = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (b >= 0x20) {
      out += c;
    } else if (const auto at = short_escaped.find(c); at != std::string_view::npos) {
      out += '\\';
      out += short_escapes[at];
    } else {
      out += "\\u00";
      out += hex[b >> 4];
      out += hex[b & 0xF];
    }
  }
  out += '"';
}

void put_int(std::string& out, std::int64_t v) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

void put_key(std::string& out, std::string_view key) {
  if (out.back() != '{') out += ',';
  out += '"';
  out += key;  // the field names need no escaping
  out += "\":";
}

// An object of `m`'s entries (already in key order), each value written by `put_value`.
template <class Map, class PutValue>
void put_map(std::string& out, const Map& m, PutValue put_value) {
  out += '{';
  for (const auto& [k, v] : m) {
    if (out.back() != '{') out += ',';
    put_string(out, k);
    out += ':';
    put_value(out, v);
  }
  out += '}';
}

// ------------------------------------------------------------------ reading

// The session's fields, in the sorted order the text has them; `unknown` is any other key
// (skipped, as a newer writer may add fields).
// clang-format off
enum class field : unsigned {
  dialog, expires, flags, format, hints_used, last_category, node, quotes, reminders_sent,
  results, scores, started, token, version, visits, unknown
};
constexpr const char* field_names[] = {
  "dialog", "expires", "flags", "format", "hints_used", "last_category", "node", "quotes",
  "reminders_sent", "results", "scores", "started", "token", "version", "visits", "?"};
// clang-format on
constexpr unsigned field_count = static_cast<unsigned>(field::unknown);
// Every field but `quotes`, which to_text writes only when a reply is kept.
constexpr unsigned all_fields =
    ((1u << field_count) - 1) & ~(1u << static_cast<unsigned>(field::quotes));

field field_of(std::string_view k) {
  for (unsigned i = 0; i < field_count; ++i)
    if (field_names[i] == k) return static_cast<field>(i);
  return field::unknown;
}

const char* name_of(field f) { return field_names[static_cast<unsigned>(f)]; }

// A nlohmann SAX handler that fills a session as the parser reads, without a JSON tree. Every
// field must be there once (`quotes` may be missing); numbers must be integers in range; the maps
// hold only numbers (or strings, for results and quotes) and the flags only strings. Values of
// unknown keys are skipped whole.
class session_reader {
 public:
  explicit session_reader(session& s) : s_(s) {}

  std::string error;

  bool complete() {
    if (!error.empty()) return false;
    if ((seen_ & all_fields) != all_fields) {
      for (unsigned i = 0; i < field_count; ++i)
        if ((all_fields & (1u << i)) && !(seen_ & (1u << i)))
          return fail(std::string("no '") + name_of(static_cast<field>(i)) + "'");
    }
    return true;
  }

  bool null() { return scalar_of_wrong_type("null"); }
  bool boolean(bool) { return scalar_of_wrong_type("true or false"); }
  bool number_float(double, const std::string&) { return scalar_of_wrong_type("a fraction"); }
  bool binary(nlohmann::json::binary_t&) { return scalar_of_wrong_type("binary data"); }
  bool number_unsigned(std::uint64_t v) {
    if (skipping()) return true;
    if (depth_ == 0) return fail("not a JSON object");
    if (depth_ == 1 && field_ == field::unknown) return true;
    if (v > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
      return fail(std::string("'") + name_of(field_) + "' is out of range");
    return number(static_cast<std::int64_t>(v));
  }
  bool number_integer(std::int64_t v) {
    if (skipping()) return true;
    return number(v);
  }

  bool string(std::string& v) {
    if (skipping()) return true;
    if (depth_ == 2) {
      if (field_ == field::flags) {
        s_.flags.insert(short_string(v));
        return true;
      }
      if (field_ == field::results) {
        s_.results[map_key_] = short_string(v);
        return true;
      }
      if (field_ == field::quotes) {
        s_.quotes[map_key_] = std::move(v);
        return true;
      }
      return wrong_type();
    }
    if (!top_level_value()) return false;
    switch (field_) {
      case field::dialog:
        s_.dialog_id = std::move(v);
        return true;
      case field::version:
        s_.dialog_version = short_string(v);
        return true;
      case field::node:
        s_.node = std::move(v);
        return true;
      case field::last_category:
        s_.last_category = std::move(v);
        return true;
      case field::unknown:
        return true;
      default:
        return wrong_type();
    }
  }

  bool start_object(std::size_t) {
    if (skipping()) return enter();
    if (depth_ == 0) return enter();
    if (depth_ == 1) {
      if (!top_level_value()) return false;
      if (field_ == field::unknown) return skip();
      if (field_ == field::visits)
        s_.visits = {};
      else if (field_ == field::scores)
        s_.scores = {};
      else if (field_ == field::results)
        s_.results = {};
      else if (field_ == field::quotes)
        s_.quotes = {};
      else
        return wrong_type();
      return enter();
    }
    return wrong_type();
  }
  bool start_array(std::size_t) {
    if (skipping()) return enter();
    if (depth_ == 0) return fail("not a JSON object");
    if (depth_ == 1) {
      if (!top_level_value()) return false;
      if (field_ == field::unknown) return skip();
      if (field_ != field::flags) return wrong_type();
      s_.flags = {};
      return enter();
    }
    return wrong_type();
  }
  bool end_object() { return leave(); }
  bool end_array() { return leave(); }

  bool key(std::string& k) {
    if (skipping()) return true;
    if (depth_ == 1)
      field_ = field_of(k);
    else
      map_key_ = short_string(k);
    return true;
  }

  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& e) {
    if (error.empty()) error = e.what();
    return false;
  }

 private:
  bool fail(std::string why) {
    if (error.empty()) error = std::move(why);
    return false;
  }
  bool wrong_type() { return fail(std::string("'") + name_of(field_) + "' has the wrong type"); }
  bool scalar_of_wrong_type(const char* what) {
    if (skipping()) return true;
    if (depth_ == 0) return fail("not a JSON object");
    if (depth_ == 1 && field_ == field::unknown) return true;
    return fail(std::string("'") + name_of(field_) + "' is " + what);
  }

  bool skipping() const { return skip_from_ >= 0; }
  bool enter() {
    ++depth_;
    return true;
  }
  bool skip() {
    skip_from_ = depth_;
    return enter();
  }
  bool leave() {
    --depth_;
    if (skipping() && depth_ == skip_from_) skip_from_ = -1;
    return true;
  }

  // A value of a known top-level field starts: counts it as seen.
  bool top_level_value() {
    if (depth_ == 0) return fail("not a JSON object");
    if (field_ != field::unknown) seen_ |= 1u << static_cast<unsigned>(field_);
    return true;
  }

  static bool to_int(std::int64_t v, int& out) {
    if (v < std::numeric_limits<int>::min() || v > std::numeric_limits<int>::max()) return false;
    out = static_cast<int>(v);
    return true;
  }

  bool number(std::int64_t v) {
    if (depth_ == 2) {
      int n = 0;
      if (field_ == field::visits && to_int(v, n)) {
        s_.visits[map_key_] = n;
        return true;
      }
      if (field_ == field::scores && to_int(v, n)) {
        s_.scores[map_key_] = n;
        return true;
      }
      return wrong_type();
    }
    if (!top_level_value()) return false;
    switch (field_) {
      case field::format:
        if (v != session_format) return fail("unknown format " + std::to_string(v));
        return true;
      case field::token:
        s_.token = v;
        return true;
      case field::started:
        s_.started = core::from_unix_ms(v);
        return true;
      case field::expires:
        s_.expires = core::from_unix_ms(v);
        return true;
      case field::reminders_sent:
        return to_int(v, s_.reminders_sent) || wrong_type();
      case field::hints_used:
        return to_int(v, s_.hints_used) || wrong_type();
      case field::unknown:
        return true;
      default:
        return wrong_type();
    }
  }

  session& s_;
  int depth_ = 0;       // 1 inside the session object, 2 inside one of its maps or the flags
  int skip_from_ = -1;  // while skipping an unknown key's object or array: the depth it is at
  field field_ = field::unknown;
  short_string map_key_;
  unsigned seen_ = 0;
};

}  // namespace

std::string session::to_text() const {
  std::string out;
  out.reserve(256);
  out += '{';
  put_key(out, "dialog");
  put_string(out, dialog_id);
  put_key(out, "expires");
  put_int(out, core::to_unix_ms(expires));
  put_key(out, "flags");
  out += '[';
  for (const auto& f : flags) {
    if (out.back() != '[') out += ',';
    put_string(out, f);
  }
  out += ']';
  put_key(out, "format");
  put_int(out, session_format);
  put_key(out, "hints_used");
  put_int(out, hints_used);
  put_key(out, "last_category");
  put_string(out, last_category);
  put_key(out, "node");
  put_string(out, node);
  if (!quotes.empty()) {
    put_key(out, "quotes");
    put_map(out, quotes, put_string);
  }
  put_key(out, "reminders_sent");
  put_int(out, reminders_sent);
  put_key(out, "results");
  put_map(out, results, put_string);
  put_key(out, "scores");
  put_map(out, scores, put_int);
  put_key(out, "started");
  put_int(out, core::to_unix_ms(started));
  put_key(out, "token");
  put_int(out, token);
  put_key(out, "version");
  put_string(out, dialog_version);
  put_key(out, "visits");
  put_map(out, visits, put_int);
  out += '}';
  return out;
}

core::result<session> session::from_text(std::string_view text) {
  // Nearly every stored session is laid out as to_text wrote it: read that without a parser.
  if (session fast; read_written_layout(text, fast)) return fast;
  // nlohmann's parser takes a NUL byte for the end of the text: what follows one would pass
  // unread.
  if (text.find('\0') != std::string_view::npos)
    return core::status::invalid_argument("session: a NUL byte in the text");
  session s;
  session_reader reader(s);
  const bool parsed = nlohmann::json::sax_parse(text.begin(), text.end(), &reader);
  if (!parsed || !reader.complete())
    return core::status::invalid_argument(
        "session: " + (reader.error.empty() ? std::string("not a session") : reader.error));
  return s;
}

}  // namespace tuki::dialog
