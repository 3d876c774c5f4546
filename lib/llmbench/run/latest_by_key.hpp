#pragma once
// The latest value of each key, in the order of each key's latest put: what aggregating an
// item log needs when "a key seen twice counts once, last wins" (a --retry-errors resume
// appends a new record for a key whose failed record stays earlier in the journal).
//
// for_each() visits exactly the values a pass over the whole log would keep: each key once,
// at the position of its last put. Memory: the key and the value per distinct key, plus an
// empty slot per replaced put.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace llmbench::run {

template <typename T>
class LatestByKey {
 public:
  // Stores `value` for `key`; an earlier value of the key is dropped.
  void put(std::string_view key, T value) {
    auto [it, inserted] = index_.try_emplace(std::string(key), slots_.size());
    if (!inserted) {
      slots_[it->second].reset();
      it->second = slots_.size();
    }
    slots_.emplace_back(std::move(value));
  }

  // Distinct keys put so far.
  std::size_t size() const { return index_.size(); }

  // Calls f(const T&) on each key's latest value, in the order of those puts.
  template <typename F>
  void for_each(F&& f) const {
    for (const auto& slot : slots_) {
      if (slot) f(*slot);
    }
  }

 private:
  std::unordered_map<std::string, std::size_t> index_;
  std::vector<std::optional<T>> slots_;
};

}  // namespace llmbench::run
