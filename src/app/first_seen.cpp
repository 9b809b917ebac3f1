#include "tuki/app/first_seen.hpp"

#include <cstring>
#include <functional>

namespace tuki::app {

namespace {

// At most 7 of 10 slots used: linear probing stays short.
bool too_full(std::size_t used, std::size_t slots) { return used * 10 >= slots * 7; }

std::size_t slots_for(std::size_t keys) {
  std::size_t n = 16;
  while (too_full(keys + 1, n)) n *= 2;
  return n;
}

}  // namespace

first_seen::first_seen(hash_function hash) : hash_(hash) {}

std::uint64_t first_seen::hash_of(std::string_view key) const {
  const std::uint64_t h = hash_ ? hash_(key) : std::hash<std::string_view>{}(key);
  return h == 0 ? 1 : h;
}

std::string_view first_seen::key_at(std::uint32_t offset) const {
  std::uint32_t length = 0;
  std::memcpy(&length, arena_.data() + offset, sizeof length);
  return std::string_view(arena_.data() + offset + sizeof length, length);
}

void first_seen::reserve(std::size_t keys) {
  if (slots_for(keys) > slots_.size()) rehash(slots_for(keys));
  arena_.reserve(keys * 20);  // a length and an id or an E.164 number
}

void first_seen::rehash(std::size_t slots) {
  std::vector<slot> old = std::move(slots_);
  slots_.assign(slots, slot{});
  const std::size_t mask = slots - 1;
  for (const auto& s : old) {
    if (s.hash == 0) continue;
    std::size_t i = s.hash & mask;
    while (slots_[i].hash != 0) i = (i + 1) & mask;
    slots_[i] = s;
  }
}

std::optional<std::size_t> first_seen::add(std::string_view key, std::size_t line) {
  if (slots_.empty() || too_full(used_ + 1, slots_.size())) rehash(slots_for(used_ + 1) * 2);
  const std::uint64_t h = hash_of(key);
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t i = h & mask;; i = (i + 1) & mask) {
    auto& s = slots_[i];
    if (s.hash == 0) {
      s.hash = h;
      s.offset = static_cast<std::uint32_t>(arena_.size());
      s.line = static_cast<std::uint32_t>(line);
      const auto length = static_cast<std::uint32_t>(key.size());
      arena_.append(reinterpret_cast<const char*>(&length), sizeof length);
      arena_.append(key);
      ++used_;
      return std::nullopt;
    }
    if (s.hash == h && key_at(s.offset) == key) return s.line;
  }
}

std::optional<std::size_t> first_seen::find(std::string_view key) const {
  if (slots_.empty()) return std::nullopt;
  const std::uint64_t h = hash_of(key);
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t i = h & mask;; i = (i + 1) & mask) {
    const auto& s = slots_[i];
    if (s.hash == 0) return std::nullopt;
    if (s.hash == h && key_at(s.offset) == key) return s.line;
  }
}

}  // namespace tuki::app
