#include "tuki/core/dialog/word_index.hpp"

#include "tuki/core/dialog/text_fold.hpp"

namespace tuki::dialog {

void word_index::place(std::size_t hash, std::uint32_t entry_index) {
  std::size_t mask = slots_.size() - 1;
  std::size_t i = hash & mask;
  while (slots_[i].entry != empty_slot) i = (i + 1) & mask;
  slots_[i] = slot{hash, entry_index};
}

void word_index::mark(std::size_t hash) {
  std::size_t bit = (hash >> 32 ^ hash) & (filter_.size() * 64 - 1);
  filter_[bit / 64] |= std::uint64_t{1} << (bit % 64);
}

void word_index::add(std::string_view key, std::uint32_t value) {
  std::size_t hash = token_hash(key);
  if (const auto* found = find(key, hash)) {
    auto& values = const_cast<std::vector<std::uint32_t>&>(*found);
    if (values.empty() || values.back() != value) values.push_back(value);
    return;
  }
  if ((entries_.size() + 1) * 2 > slots_.size()) {
    std::vector<slot> old;
    old.swap(slots_);
    slots_.assign(old.empty() ? 16 : old.size() * 2, slot{});
    for (const auto& s : old)
      if (s.entry != empty_slot) place(s.hash, s.entry);
    filter_.assign(slots_.size() * 8 / 64, 0);
    for (const auto& s : slots_)
      if (s.entry != empty_slot) mark(s.hash);
  }
  mark(hash);
  entries_.push_back(entry{std::string(key), {value}});
  place(hash, static_cast<std::uint32_t>(entries_.size() - 1));
}

}  // namespace tuki::dialog
