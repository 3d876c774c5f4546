#pragma once
// Per-provider admission control: a concurrency cap that adapts to 429s, request and token
// budgets per minute (token buckets), and pauses asked for by the server (Retry-After,
// x-ratelimit-*). Time is passed in (`now`), so tests drive it exactly.
//
// Not thread-safe: owned by the executor's loop thread.

#include <chrono>
#include <cstdint>

#include "llmbench/http/types.hpp"

namespace llmbench::http {

using SteadyClock = std::chrono::steady_clock;
using SteadyTime = SteadyClock::time_point;

// A token bucket refilled continuously at `per_minute / 60` per second up to `capacity`
// (starts full). A take larger than the capacity is allowed once the bucket is full and
// leaves it in debt, so an oversized request waits instead of starving. per_minute <= 0:
// unlimited.
class TokenBucket {
 public:
  TokenBucket() = default;
  TokenBucket(double per_minute, double capacity, SteadyTime now);

  bool unlimited() const { return rate_per_s_ <= 0; }
  // When `cost` can be taken: `now` or later.
  SteadyTime available_at(double cost, SteadyTime now);
  void take(double cost, SteadyTime now);
  double tokens(SteadyTime now);

 private:
  void refill(SteadyTime now);

  double rate_per_s_ = 0;
  double capacity_ = 0;
  double tokens_ = 0;
  SteadyTime last_{};
};

struct AdaptiveOptions {
  int recover_every = 8;          // successes (without a 429) per +1 of the concurrency limit
  double halve_cooldown_s = 1.0;  // 429s within this long after a halving do not halve again
};

enum class Admit { started, later, full };  // full: wait for a request of this provider to end

class ProviderLimiter {
 public:
  // `global_concurrency` is the cap when limits.max_concurrency is 0.
  ProviderLimiter(ProviderLimits limits, int global_concurrency, SteadyTime now,
                  AdaptiveOptions adaptive = {});

  // Admits a request costing `tokens` if concurrency, pause and budgets allow: counts it in
  // flight and takes one request and `tokens` from the budgets. Else sets `retry_at` (for
  // `later`) to when it may be admitted.
  Admit try_start(double tokens, SteadyTime now, SteadyTime& retry_at);

  // A started request's attempt ended (whatever the outcome).
  void on_finish();
  // Outcome signals for adaptive concurrency.
  void on_success();
  void on_rate_limited(SteadyTime now);
  // Sends nothing new before `until` (a later pause wins over an earlier one).
  void pause_until(SteadyTime until);

  bool paused(SteadyTime now) const { return paused_until_ > now; }
  SteadyTime paused_until() const { return paused_until_; }
  int limit() const { return limit_; }      // current adaptive concurrency cap
  int max_limit() const { return max_limit_; }
  int in_flight() const { return in_flight_; }

 private:
  AdaptiveOptions adaptive_;
  int max_limit_;
  int limit_;
  int in_flight_ = 0;
  int successes_ = 0;
  bool halved_before_ = false;
  SteadyTime last_halving_{};
  SteadyTime paused_until_{};
  TokenBucket requests_;
  TokenBucket tokens_;
};

}  // namespace llmbench::http
