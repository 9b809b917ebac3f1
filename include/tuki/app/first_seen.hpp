#pragma once
// Where each string was first seen: the import's duplicate check over a million student ids and a
// million phone numbers. A flat open-addressing table (linear probing) over one character arena
// instead of std::unordered_map's node per entry: a million-row import spent about a tenth of its
// writer thread finding and allocating those nodes.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tuki::app {

class first_seen {
 public:
  using hash_function = std::uint64_t (*)(std::string_view);
  /// `hash` is for tests that need colliding keys; the default is std::hash.
  explicit first_seen(hash_function hash = nullptr);

  /// Room for `keys` strings without growing the table.
  void reserve(std::size_t keys);
  /// The line `key` was first added with; or nothing, when this is its first time (it is then
  /// remembered with `line`).
  std::optional<std::size_t> add(std::string_view key, std::size_t line);
  /// The line `key` was first added with, if it was.
  std::optional<std::size_t> find(std::string_view key) const;
  std::size_t size() const { return used_; }

 private:
  struct slot {
    std::uint64_t hash = 0;  // 0: empty (hashes are never 0, see hash_of)
    std::uint32_t offset = 0;  // of the key in arena_: a 4-byte length, then the bytes
    std::uint32_t line = 0;
  };
  std::uint64_t hash_of(std::string_view key) const;
  std::string_view key_at(std::uint32_t offset) const;
  void rehash(std::size_t slots);

  hash_function hash_;
  std::vector<slot> slots_;
  std::string arena_;
  std::size_t used_ = 0;
};

}  // namespace tuki::app
