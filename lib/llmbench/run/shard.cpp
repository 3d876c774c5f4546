#include "llmbench/run/shard.hpp"

#include <charconv>

#include <fmt/format.h>

#include "llmbench/error.hpp"
#include "llmbench/util/hash.hpp"
#include "llmbench/util/sha256.hpp"

namespace llmbench::run {

bool Shard::holds(std::string_view key) const { return !sharded() || shard_of(key, count) == index; }

std::uint64_t shard_hash(std::string_view key) { return util::splitmix_finalize(util::fnv1a64(key)); }

std::size_t shard_of(std::string_view key, std::size_t count) {
  return static_cast<std::size_t>(shard_hash(key) % static_cast<std::uint64_t>(count));
}

namespace {

bool parse_number(std::string_view text, std::size_t& out) {
  if (text.empty() || text.size() > 9) return false;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

}  // namespace

Shard parse_shard(const std::string& text) {
  const auto slash = text.find('/');
  Shard shard;
  const bool parsed = slash != std::string::npos &&
                      parse_number(std::string_view(text).substr(0, slash), shard.index) &&
                      parse_number(std::string_view(text).substr(slash + 1), shard.count);
  if (!parsed || shard.count < 1 || shard.count > kMaxShards || shard.index >= shard.count) {
    throw Error(fmt::format("--shard: expected I/N with 0 <= I < N <= {} (shards count from 0: the first of 4 "
                            "is 0/4, the last 3/4), got \"{}\"",
                            kMaxShards, text),
                ExitCode::bad_input);
  }
  return shard;
}

std::string to_string(const Shard& shard) { return fmt::format("{}/{}", shard.index, shard.count); }

std::string plan_fingerprint(const nlohmann::json& flags) {
  nlohmann::json plan = flags;
  for (const char* session_only : {"shard", "env_file", "concurrency", "retries", "timeout_s", "timeout_given",
                                   "max_response_bytes", "max_retry_wait_s", "no_cache", "cache_dir", "baselines"}) {
    plan.erase(session_only);
  }
  return util::sha256_hex(plan.dump()).substr(0, 16);
}

nlohmann::json shard_json(const Shard& shard, const nlohmann::json& flags) {
  return {{"index", shard.index}, {"count", shard.count}, {"plan_fingerprint", plan_fingerprint(flags)}};
}

}  // namespace llmbench::run
