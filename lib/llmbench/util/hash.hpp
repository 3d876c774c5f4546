#pragma once
// Deterministic hashing (the simulator's decisions, option order, few-shot draws): stable across
// runs, platforms and builds (FNV-1a over bytes, finished with splitmix64), never std::hash.

#include <cstdint>
#include <string_view>

namespace llmbench::util {

// SplitMix64's finaliser: spreads every input bit over the whole output.
inline std::uint64_t splitmix_finalize(std::uint64_t x) {
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// One SplitMix64 step: the golden-ratio increment, then the finaliser.
inline std::uint64_t mix64(std::uint64_t x) { return splitmix_finalize(x + 0x9e3779b97f4a7c15ULL); }

inline std::uint64_t fnv1a64(std::string_view s, std::uint64_t h = 0xcbf29ce484222325ULL) {
  for (unsigned char c : s) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

// Hash of a seed and any number of strings/integers; parts are separated so that
// ("ab","c") and ("a","bc") differ.
class Hasher {
 public:
  explicit Hasher(std::uint64_t seed = 0) : h_(mix64(seed)) {}
  Hasher& add(std::string_view s) {
    h_ = mix64(fnv1a64(s, h_) ^ s.size());
    return *this;
  }
  Hasher& add(std::uint64_t v) {
    h_ = mix64(h_ ^ mix64(v));
    return *this;
  }
  std::uint64_t value() const { return h_; }
  // Uniform in [0, 1).
  double unit() const { return static_cast<double>(h_ >> 11) * (1.0 / 9007199254740992.0); }

 private:
  std::uint64_t h_;
};

}  // namespace llmbench::util
