#pragma once
// short_string: an immutable string of up to 22 bytes held inline (longer ones on the heap), for
// the names a session keeps (node ids, score names, flags, result keys and values). Unlike a
// std::string, copying and moving an inline one is a fixed 24-byte copy, so a session with a few
// of them is copied and moved without allocating and without a call per string.
#include <compare>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace tuki::dialog {

class short_string {
 public:
  static constexpr std::size_t inline_capacity = 22;

  short_string() noexcept { std::memset(raw_, 0, sizeof raw_); }
  short_string(std::string_view s) { assign(s); }  // NOLINT: implicit, as std::string's
  short_string(const std::string& s) : short_string(std::string_view(s)) {}  // NOLINT
  short_string(const char* s) : short_string(std::string_view(s)) {}         // NOLINT
  short_string(const short_string& o) {
    if (o.on_heap())
      assign(o.view());
    else
      std::memcpy(raw_, o.raw_, sizeof raw_);
  }
  short_string(short_string&& o) noexcept {
    std::memcpy(raw_, o.raw_, sizeof raw_);
    std::memset(o.raw_, 0, sizeof o.raw_);
  }
  short_string& operator=(const short_string& o) {
    if (this != &o) *this = short_string(o);
    return *this;
  }
  short_string& operator=(short_string&& o) noexcept {
    if (this != &o) {
      release();
      std::memcpy(raw_, o.raw_, sizeof raw_);
      std::memset(o.raw_, 0, sizeof o.raw_);
    }
    return *this;
  }
  ~short_string() { release(); }

  std::string_view view() const {
    if (!on_heap()) return {raw_, static_cast<std::size_t>(tag())};
    heap h;
    std::memcpy(&h, raw_, sizeof h);
    return {h.data, h.size};
  }
  operator std::string_view() const { return view(); }  // NOLINT: implicit on purpose
  std::string str() const { return std::string(view()); }
  const char* data() const { return view().data(); }
  std::size_t size() const { return view().size(); }
  bool empty() const { return size() == 0; }

  friend bool operator==(const short_string& a, const short_string& b) {
    return a.view() == b.view();
  }
  friend std::strong_ordering operator<=>(const short_string& a, const short_string& b) {
    return a.view() <=> b.view();
  }
  friend bool operator==(const short_string& a, std::string_view b) { return a.view() == b; }
  friend std::strong_ordering operator<=>(const short_string& a, std::string_view b) {
    return a.view() <=> b;
  }
  friend bool operator==(const short_string& a, const std::string& b) { return a.view() == b; }
  friend std::strong_ordering operator<=>(const short_string& a, const std::string& b) {
    return a.view() <=> std::string_view(b);
  }
  friend bool operator==(const short_string& a, const char* b) {
    return a.view() == std::string_view(b);
  }

 private:
  struct heap {
    char* data;
    std::size_t size;
  };
  static constexpr unsigned char heap_tag = 0xff;

  unsigned char tag() const { return static_cast<unsigned char>(raw_[sizeof raw_ - 1]); }
  bool on_heap() const { return tag() == heap_tag; }
  void assign(std::string_view s) {
    std::memset(raw_, 0, sizeof raw_);
    if (s.size() <= inline_capacity) {
      if (!s.empty()) std::memcpy(raw_, s.data(), s.size());
      raw_[sizeof raw_ - 1] = static_cast<char>(s.size());
      return;
    }
    heap h{new char[s.size()], s.size()};
    std::memcpy(h.data, s.data(), s.size());
    std::memcpy(raw_, &h, sizeof h);
    raw_[sizeof raw_ - 1] = static_cast<char>(heap_tag);
  }
  void release() {
    if (!on_heap()) return;
    heap h;
    std::memcpy(&h, raw_, sizeof h);
    delete[] h.data;
  }

  // Inline: the bytes, then zeros; the last byte is the length. On the heap: a `heap` at the
  // start, the last byte heap_tag.
  char raw_[inline_capacity + 2];
};

inline void to_json(nlohmann::json& j, const short_string& s) { j = std::string(s.view()); }
inline void from_json(const nlohmann::json& j, short_string& s) {
  s = short_string(j.get_ref<const std::string&>());
}

}  // namespace tuki::dialog
