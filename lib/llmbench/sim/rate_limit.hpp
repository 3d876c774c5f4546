#pragma once
// The simulator's provider rate limit (`llmbench sim --requests-per-s N`): a token bucket that
// admits N requests per second with a burst of N, the way OpenAI describes its limits, and
// says so on every answer in OpenAI's headers:
//   x-ratelimit-limit-requests: N
//   x-ratelimit-remaining-requests: requests the bucket admits now (after this one)
//   x-ratelimit-reset-requests: time until the bucket is full again ("350ms", "1s")
// A request beyond the budget is refused: 429 with those headers and Retry-After (whole
// seconds until the next request is admitted, at least 1, as real providers round it).
//
// Thread-safe: the server's workers share one limit.

#include <chrono>
#include <mutex>
#include <string>

namespace llmbench::sim {

struct RateDecision {
  bool admitted = true;
  std::string headers;  // "name: value\r\n" lines for the response head
};

class RequestRateLimit {
 public:
  using Clock = std::chrono::steady_clock;
  explicit RequestRateLimit(double requests_per_s);  // > 0
  RateDecision take(Clock::time_point now);

 private:
  std::mutex mutex_;
  double rate_per_s_;
  double tokens_;
  Clock::time_point last_;
};

}  // namespace llmbench::sim
