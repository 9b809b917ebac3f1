#pragma once
// A small open-addressing hash map from a folded word to a list of pattern indices, looked up
// with a hash the caller already holds (tokens carry theirs): one probe sequence, no modulo by
// a prime and no rehashing of the key per word set. Filled at load; read-only afterwards, then
// safe to read from many threads.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tuki::dialog {

class word_index {
 public:
  /// Appends `value` to the list of `key` (unless it is already the list's last value).
  void add(std::string_view key, std::uint32_t value);
  /// The list of `key`, or nullptr. `hash` must be token_hash(key).
  const std::vector<std::uint32_t>* find(std::string_view key, std::size_t hash) const {
    if (slots_.empty()) return nullptr;
    std::size_t mask = slots_.size() - 1;
    for (std::size_t i = hash & mask;; i = (i + 1) & mask) {
      const slot& s = slots_[i];
      if (s.entry == empty_slot) return nullptr;
      if (s.hash == hash && entries_[s.entry].key == key) return &entries_[s.entry].values;
    }
  }
  bool empty() const { return entries_.empty(); }

 private:
  static constexpr std::uint32_t empty_slot = 0xFFFFFFFFu;
  struct slot {
    std::size_t hash = 0;
    std::uint32_t entry = empty_slot;
  };
  struct entry {
    std::string key;
    std::vector<std::uint32_t> values;
  };
  void place(std::size_t hash, std::uint32_t entry_index);
  std::vector<slot> slots_;  // size a power of two, at most half full
  std::vector<entry> entries_;
};

}  // namespace tuki::dialog
