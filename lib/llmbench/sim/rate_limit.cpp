#include "llmbench/sim/rate_limit.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace llmbench::sim {
namespace {

// OpenAI's reset format: "20ms" below a second, else seconds ("1s", "1.5s"); rounded up, so a
// client that waits exactly this long finds the budget there.
std::string reset_text(double seconds) {
  const double ms = std::ceil(std::max(0.0, seconds) * 1000);
  if (ms < 1000) return fmt::format("{}ms", ms);
  return fmt::format("{}s", ms / 1000);
}

}  // namespace

RequestRateLimit::RequestRateLimit(double requests_per_s)
    : rate_per_s_(requests_per_s), tokens_(requests_per_s), last_(Clock::now()) {}

RateDecision RequestRateLimit::take(Clock::time_point now) {
  std::lock_guard lock(mutex_);
  const double capacity = rate_per_s_;
  if (now > last_) {
    tokens_ = std::min(capacity, tokens_ + std::chrono::duration<double>(now - last_).count() * rate_per_s_);
    last_ = now;
  }
  RateDecision decision;
  decision.admitted = tokens_ >= 1;
  if (decision.admitted) tokens_ -= 1;
  decision.headers = fmt::format(
      "x-ratelimit-limit-requests: {}\r\nx-ratelimit-remaining-requests: {}\r\nx-ratelimit-reset-requests: {}\r\n",
      std::llround(capacity), static_cast<long long>(std::floor(tokens_)), reset_text((capacity - tokens_) / rate_per_s_));
  if (!decision.admitted) {
    const double wait_s = (1 - tokens_) / rate_per_s_;
    decision.headers += fmt::format("Retry-After: {}\r\n", std::max(1.0, std::ceil(wait_s)));
  }
  return decision;
}

}  // namespace llmbench::sim
