#include "llmbench/data/sampling.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <numeric>

#include <fmt/format.h>

#include "llmbench/error.hpp"
#include "llmbench/util/hash.hpp"

namespace llmbench::data {
namespace {

[[noreturn]] void bad_limit(const std::string& text, std::string_view hint) {
  throw Error(fmt::format("--limit: expected a count like 30 or a fraction like 0.1, got '{}'{}",
                          text, hint));
}

}  // namespace

SampleLimit parse_limit(const std::string& text) {
  if (text.empty()) return {};
  const char* begin = text.data();
  const char* end = text.data() + text.size();
  if (text.find_first_of(".eE") == std::string::npos) {
    std::size_t count = 0;
    const auto [ptr, ec] = std::from_chars(begin, end, count);
    if (ec == std::errc::result_out_of_range) bad_limit(text, " (too large)");
    if (ec != std::errc() || ptr != end) bad_limit(text, "");
    if (count == 0) bad_limit(text, " (0 items would evaluate nothing; omit --limit for all)");
    return {SampleLimit::Kind::count, count, 0};
  }
  // A fraction: plain decimal digits with one point (from_chars alone would also take
  // exponents, and it is locale-independent, unlike strtod).
  if (text.find_first_not_of("0123456789.") != std::string::npos ||
      std::count(text.begin(), text.end(), '.') != 1 || text == ".") {
    bad_limit(text, "");
  }
  double fraction = 0;
  const auto [ptr, ec] = std::from_chars(begin, end, fraction, std::chars_format::fixed);
  if (ec != std::errc() || ptr != end) bad_limit(text, "");
  if (!(fraction > 0 && fraction < 1)) {
    bad_limit(text, " (a fraction must be between 0 and 1, exclusive; omit --limit for all)");
  }
  return {SampleLimit::Kind::fraction, 0, fraction};
}

std::size_t resolve_limit(const SampleLimit& limit, std::size_t total) {
  switch (limit.kind) {
    case SampleLimit::Kind::all: return total;
    case SampleLimit::Kind::count: return std::min(limit.count, total);
    case SampleLimit::Kind::fraction: {
      const auto n = static_cast<std::size_t>(std::ceil(static_cast<double>(total) * limit.fraction));
      return std::min(n, total);
    }
  }
  return total;
}

std::uint64_t sample_key(std::uint64_t seed, std::string_view task, std::string_view id) {
  return SampleKeys(seed, task).key(id);
}

SampleKeys::SampleKeys(std::uint64_t seed, std::string_view task) {
  char seed_bytes[8];
  for (int k = 0; k < 8; ++k) seed_bytes[k] = static_cast<char>((seed >> (8 * k)) & 0xFF);
  std::uint64_t h = util::fnv1a64(std::string_view(seed_bytes, 8));
  h = util::fnv1a64(task, h);
  basis_ = util::fnv1a64(std::string_view("\0", 1), h);
}

std::uint64_t SampleKeys::key(std::string_view prefix, std::string_view rest) const {
  return util::splitmix_finalize(util::fnv1a64(rest, util::fnv1a64(prefix, basis_)));
}

std::vector<std::size_t> smallest_keys(const std::vector<std::uint64_t>& keys, const SampleLimit& limit) {
  const std::size_t n = resolve_limit(limit, keys.size());
  std::vector<std::size_t> order(keys.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  if (n == keys.size()) return order;
  const auto by_key = [&](std::size_t a, std::size_t b) {
    return keys[a] != keys[b] ? keys[a] < keys[b] : a < b;
  };
  std::nth_element(order.begin(), order.begin() + static_cast<long>(n), order.end(), by_key);
  order.resize(n);
  std::sort(order.begin(), order.end());
  return order;
}

std::vector<std::size_t> sample_indices(const std::vector<Item>& items, const SampleLimit& limit,
                                        std::uint64_t seed, std::string_view task) {
  std::vector<std::uint64_t> keys(items.size());
  if (resolve_limit(limit, items.size()) < items.size()) {  // (all items need no keys)
    const SampleKeys keyer(seed, task);
    for (std::size_t k = 0; k < items.size(); ++k) keys[k] = keyer.key(items[k].id);
  }
  return smallest_keys(keys, limit);
}

std::vector<Item> sample_items(const std::vector<Item>& items, const SampleLimit& limit,
                               std::uint64_t seed, std::string_view task) {
  std::vector<Item> chosen;
  for (const std::size_t k : sample_indices(items, limit, seed, task)) chosen.push_back(items[k]);
  return chosen;
}

}  // namespace llmbench::data
