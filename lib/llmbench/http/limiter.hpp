#pragma once
// Per-provider admission control: a concurrency cap that adapts to 429s, request and token
// budgets per minute (token buckets), pauses asked for by the server (Retry-After), and the
// budgets a server announces in x-ratelimit-{limit,remaining,reset}-{requests,tokens}: what it
// says remains is spent, then admission waits for its reset instead of sending into a 429.
// Time is passed in (`now`), so tests drive it exactly.
//
// Not thread-safe: owned by the executor's loop thread.

#include <chrono>
#include <cstdint>
#include <optional>

#include "llmbench/http/retry.hpp"
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

// A provider's admissions so far, counted when a request is admitted (itself included). A
// response's announced budget is read against what was admitted after its request.
struct AdmissionMark {
  std::uint64_t requests = 0;
  double tokens = 0;
};

// A budget announced by the server (RateBudget): `remaining` from the request that carried it,
// `limit` once its reset has passed, less whatever was admitted after that request and,
// since parallel requests reach the server in any order, less what was still in flight.
// Until a reset passes, each response can only lower the estimate (the least of what the
// responses said, each read against what was sent since); the latest reset counts. A
// response without a budget ends it.
class AnnouncedBudget {
 public:
  bool known() const { return known_; }
  // `mark`: the admissions counted when the responding request was admitted; `admitted`: so
  // far; `pending`: others still in flight, which the server may count after this response.
  void learn(const std::optional<RateBudget>& budget, double mark, double admitted, double pending,
             SteadyTime now);
  void forget() { known_ = false; }
  // What may be admitted at `now`, `admitted` being the admissions so far; may be negative.
  double available(double admitted, SteadyTime now) const;
  SteadyTime reset_at() const { return reset_at_; }
  double limit() const { return limit_; }

 private:
  bool known_ = false;
  double limit_ = 0;
  double remaining_ = 0;  // as of mark_
  double pending_ = 0;    // in flight when last learned: counted against the limit after a reset
  double mark_ = -1;
  SteadyTime reset_at_{};
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

  // The admissions so far: right after `started`, the mark of the request just admitted.
  AdmissionMark mark() const { return {admitted_requests_, admitted_tokens_}; }

  // Learns the budgets a response announced, or that it announced none (its request admitted
  // at `mark`; call after its on_finish()). A budget whose reset lies past `max_wait_s` is not believed (it would hold the
  // provider that long): it counts as none.
  void learn(const RateLimitHint& hint, AdmissionMark mark, SteadyTime now, double max_wait_s);

  // A started request's attempt ended (whatever the outcome).
  void on_finish();
  // Outcome signals for adaptive concurrency.
  void on_success();
  void on_rate_limited(SteadyTime now);
  // Sends nothing new before `until` (a later pause wins over an earlier one).
  void pause_until(SteadyTime until);

  bool paused(SteadyTime now) const { return paused_until_ > now; }
  SteadyTime paused_until() const { return paused_until_; }
  // When the budget the server announced is spent: the reset the last refused admission waits
  // for (until a request is admitted again); else a time not after `now`.
  SteadyTime budget_reset_at() const { return budget_reset_at_; }
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
  SteadyTime budget_reset_at_{};
  // When the announced budgets admit `tokens` more: `now`, a later time (their reset), or
  // max() when only a response can tell (the budget is spent and its reset has passed).
  SteadyTime announced_admission(double tokens, SteadyTime now);

  TokenBucket requests_;
  TokenBucket tokens_;
  std::uint64_t admitted_requests_ = 0;
  double admitted_tokens_ = 0;
  AnnouncedBudget announced_requests_;
  AnnouncedBudget announced_tokens_;
};

}  // namespace llmbench::http
