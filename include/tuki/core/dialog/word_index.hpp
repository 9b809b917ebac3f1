#pragma once
// A small open-addressing hash map from a folded word to a list of pattern indices, looked up
// with a hash the caller already holds (tokens carry theirs): one probe sequence, no modulo by
// a prime and no rehashing of the key per word set. Filled at load; read-only afterwards, then
// safe to read from many threads.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tuki/core/dialog/word_key.hpp"

namespace tuki::dialog {

class word_index {
 public:
  /// Appends `value` to the list of `key` (unless it is already the list's last value).
  void add(std::string_view key, std::uint32_t value);
  /// The list of `key`, or nullptr. `hash` must be token_hash(key).
  const std::vector<std::uint32_t>* find(std::string_view key, std::size_t hash) const {
    return find(key, {}, hash);
  }
  /// The list of `key` cut out of `text` (word_key.hpp), or nullptr.
  const std::vector<std::uint32_t>* find(std::string_view text, const word_key& key) const {
    if (!may_hold(key.hash)) return nullptr;
    return find(key.head(text), key.tail(text), key.hash);
  }
  /// The list of the key head + tail, or nullptr. `hash` must be hash_pieces(head, tail).
  const std::vector<std::uint32_t>* find(std::string_view head, std::string_view tail,
                                         std::size_t hash) const {
    if (!may_hold(hash)) return nullptr;
    std::size_t mask = slots_.size() - 1;
    for (std::size_t i = hash & mask;; i = (i + 1) & mask) {
      const slot& s = slots_[i];
      if (s.entry == empty_slot) return nullptr;
      if (s.hash == hash) {
        std::string_view key = entries_[s.entry].key;
        if (key.size() == head.size() + tail.size() && key.substr(0, head.size()) == head &&
            key.substr(head.size()) == tail)
          return &entries_[s.entry].values;
      }
    }
  }
  bool empty() const { return entries_.empty(); }
  /// False when no key with this hash was added (a Bloom filter test: true may be wrong).
  bool may_hold(std::size_t hash) const {
    if (filter_.empty()) return false;
    std::size_t bit = (hash >> 32 ^ hash) & (filter_.size() * 64 - 1);
    return filter_[bit / 64] >> (bit % 64) & 1;
  }

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
  void mark(std::size_t hash);
  std::vector<slot> slots_;  // size a power of two, at most half full
  // One bit per slot pair and more (a one-hash Bloom filter, 16+ bits per key): most words of a
  // reply are in no index, and this small bitmap answers them without touching the slots, whose
  // cache misses dominated lookups in the large crisis and deletion indexes.
  std::vector<std::uint64_t> filter_;
  std::vector<entry> entries_;
};

}  // namespace tuki::dialog
