#pragma once
// small_map and small_set: sorted associative containers that keep up to N entries inline, in the
// object itself, and move to one heap block beyond that. A session holds a few visits, scores,
// flags and results; with std::map every copy and every new entry allocated a tree node, and a
// dialog step copies and destroys a session. Here a step allocates nothing for them while they
// stay small.
//
// Iteration is in key order (as std::map / std::set, so JSON written from them is unchanged).
// Iterators are pointers; any insertion invalidates them. No erase: sessions only add.
#include <algorithm>
#include <cstddef>
#include <functional>
#include <initializer_list>
#include <iterator>
#include <memory>
#include <new>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace tuki::dialog {

namespace detail {

/// A vector of T sorted by KeyOf()(T), the first N elements inline. All elements are in the
/// inline slots while size_ <= N, all in heap_ beyond that. Only live inline slots hold
/// constructed objects, so that creating, copying, moving and destroying an almost empty
/// container costs almost nothing.
template <class T, std::size_t N, class KeyOf>
class small_sorted {
 public:
  using value_type = T;
  using iterator = T*;
  using const_iterator = const T*;

  small_sorted() = default;
  small_sorted(const small_sorted& o) { copy_from(o); }
  small_sorted(small_sorted&& o) noexcept { move_from(o); }
  small_sorted& operator=(const small_sorted& o) {
    if (this != &o) {
      clear();
      copy_from(o);
    }
    return *this;
  }
  small_sorted& operator=(small_sorted&& o) noexcept {
    if (this != &o) {
      clear();
      move_from(o);
    }
    return *this;
  }
  ~small_sorted() { destroy_inline(); }

  T* begin() { return data(); }
  T* end() { return data() + size_; }
  const T* begin() const { return data(); }
  const T* end() const { return data() + size_; }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  void clear() {
    destroy_inline();
    heap_.clear();
    size_ = 0;
  }

  template <class K>
  T* lower_bound(const K& key) {
    return std::lower_bound(begin(), end(), key,
                            [](const T& e, const K& k) { return std::less<>()(KeyOf()(e), k); });
  }
  template <class K>
  const T* lower_bound(const K& key) const {
    return const_cast<small_sorted*>(this)->lower_bound(key);
  }
  template <class K>
  T* find(const K& key) {
    T* it = lower_bound(key);
    return it != end() && !std::less<>()(key, KeyOf()(*it)) ? it : end();
  }
  template <class K>
  const T* find(const K& key) const {
    return const_cast<small_sorted*>(this)->find(key);
  }
  template <class K>
  std::size_t count(const K& key) const {
    return find(key) != end() ? 1 : 0;
  }

  /// Inserts `v` unless an element with its key is there; returns that element and whether
  /// `v` was inserted.
  std::pair<T*, bool> insert(T v) {
    T* at = lower_bound(KeyOf()(v));
    if (at != end() && !std::less<>()(KeyOf()(v), KeyOf()(*at))) return {at, false};
    return {insert_at(static_cast<std::size_t>(at - begin()), std::move(v)), true};
  }

  friend bool operator==(const small_sorted& a, const small_sorted& b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end());
  }

 protected:
  /// Inserts `v` before the i-th element (i <= size()); the caller keeps the order.
  T* insert_at(std::size_t i, T v) {
    if (size_ < N) {
      T* a = slots();
      if (i == size_) {
        ::new (static_cast<void*>(a + i)) T(std::move(v));
      } else {
        ::new (static_cast<void*>(a + size_)) T(std::move(a[size_ - 1]));
        std::move_backward(a + i, a + size_ - 1, a + size_);
        a[i] = std::move(v);
      }
      ++size_;
      return a + i;
    }
    if (size_ == N) {
      heap_.reserve(2 * N + 1);
      std::move(slots(), slots() + N, std::back_inserter(heap_));
      destroy_inline();
    }
    auto it = heap_.insert(heap_.begin() + static_cast<std::ptrdiff_t>(i), std::move(v));
    ++size_;
    return &*it;
  }

 private:
  bool spilled() const { return size_ > N; }
  T* slots() { return std::launder(reinterpret_cast<T*>(raw_)); }
  const T* slots() const { return std::launder(reinterpret_cast<const T*>(raw_)); }
  T* data() { return spilled() ? heap_.data() : slots(); }
  const T* data() const { return spilled() ? heap_.data() : slots(); }
  void destroy_inline() {
    if (!spilled()) std::destroy(slots(), slots() + size_);
  }
  // Both expect this container empty.
  void copy_from(const small_sorted& o) {
    if (o.spilled())
      heap_ = o.heap_;
    else
      std::uninitialized_copy(o.slots(), o.slots() + o.size_, slots());
    size_ = o.size_;
  }
  void move_from(small_sorted& o) noexcept {
    if (o.spilled())
      heap_ = std::move(o.heap_);
    else
      std::uninitialized_move(o.slots(), o.slots() + o.size_, slots());
    size_ = o.size_;
    o.clear();
  }

  alignas(T) std::byte raw_[N * sizeof(T)];
  std::vector<T> heap_;
  std::size_t size_ = 0;
};

struct first_of {
  template <class P>
  const auto& operator()(const P& p) const {
    return p.first;
  }
};
struct itself {
  template <class K>
  const K& operator()(const K& k) const {
    return k;
  }
};

}  // namespace detail

/// A sorted map from K to V with up to N entries inline. Entries are std::pair<K, V> (the key
/// is not const: do not change it through an iterator).
template <class K, class V, std::size_t N>
class small_map : public detail::small_sorted<std::pair<K, V>, N, detail::first_of> {
  using base = detail::small_sorted<std::pair<K, V>, N, detail::first_of>;

 public:
  small_map() = default;
  small_map(std::initializer_list<std::pair<K, V>> entries) {
    for (const auto& e : entries) this->insert(e);
  }
  /// The value of `key`, inserted default-constructed when missing (as std::map::operator[]).
  template <class Key>
  V& operator[](const Key& key) {
    auto* at = this->lower_bound(key);
    if (at != this->end() && !std::less<>()(key, at->first)) return at->second;
    return this
        ->insert_at(static_cast<std::size_t>(at - this->begin()), std::pair<K, V>(K(key), V()))
        ->second;
  }
};

/// A sorted set of K with up to N elements inline.
template <class K, std::size_t N>
class small_set : public detail::small_sorted<K, N, detail::itself> {
 public:
  small_set() = default;
  small_set(std::initializer_list<K> keys) {
    for (const auto& k : keys) this->insert(k);
  }
};

/// JSON as std::map and std::set write it: an object (K converts to std::string_view) and an
/// array.
template <class K, class V, std::size_t N>
void to_json(nlohmann::json& j, const small_map<K, V, N>& m) {
  j = nlohmann::json::object();
  for (const auto& [k, v] : m) j[std::string(std::string_view(k))] = v;
}
template <class K, std::size_t N>
void to_json(nlohmann::json& j, const small_set<K, N>& s) {
  j = nlohmann::json::array();
  for (const auto& k : s) j.push_back(k);
}

}  // namespace tuki::dialog
