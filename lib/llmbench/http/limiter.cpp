#include "llmbench/http/limiter.hpp"

#include <algorithm>
#include <cmath>

namespace llmbench::http {
namespace {

SteadyClock::duration seconds(double s) {
  return std::chrono::duration_cast<SteadyClock::duration>(std::chrono::duration<double>(s));
}

// Waking this long after an announced reset finds it passed on the server too (its clock
// started when it answered, a moment before the answer arrived).
constexpr auto kResetMargin = std::chrono::milliseconds(5);
constexpr double kMaxResetS = 7 * 24 * 3600;  // keeps the time arithmetic finite

}  // namespace

TokenBucket::TokenBucket(double per_minute, double capacity, SteadyTime now)
    : rate_per_s_(per_minute > 0 ? per_minute / 60.0 : 0),
      capacity_(std::max(1.0, capacity)),
      tokens_(capacity_),
      last_(now) {}

void TokenBucket::refill(SteadyTime now) {
  if (now <= last_) return;
  const double elapsed_s = std::chrono::duration<double>(now - last_).count();
  tokens_ = std::min(capacity_, tokens_ + elapsed_s * rate_per_s_);
  last_ = now;
}

double TokenBucket::tokens(SteadyTime now) {
  refill(now);
  return tokens_;
}

SteadyTime TokenBucket::available_at(double cost, SteadyTime now) {
  if (unlimited()) return now;
  refill(now);
  const double needed = std::min(cost, capacity_);
  if (tokens_ >= needed) return now;
  // A tiny margin so that waking at the returned time finds the tokens there.
  return now + seconds((needed - tokens_) / rate_per_s_) + std::chrono::microseconds(50);
}

void TokenBucket::take(double cost, SteadyTime now) {
  if (unlimited()) return;
  refill(now);
  tokens_ -= cost;
}

void AnnouncedBudget::learn(const std::optional<RateBudget>& budget, double mark, double admitted,
                            double pending, SteadyTime now) {
  if (!budget) {
    known_ = false;
    return;
  }
  const SteadyTime reset_at = now + seconds(std::clamp(budget->reset_s, 0.0, kMaxResetS)) + kResetMargin;
  double remaining = budget->remaining - std::max(0.0, admitted - mark) - pending;
  const bool before_reset = known_ && now < reset_at_;
  if (before_reset) remaining = std::min(remaining, available(admitted, now));
  known_ = true;
  limit_ = budget->limit;
  remaining_ = remaining;
  pending_ = pending;
  mark_ = admitted;
  reset_at_ = before_reset ? std::max(reset_at_, reset_at) : reset_at;
}

double AnnouncedBudget::available(double admitted, SteadyTime now) const {
  const double since = std::max(0.0, admitted - mark_);
  return (now >= reset_at_ ? limit_ - pending_ : remaining_) - since;
}

ProviderLimiter::ProviderLimiter(ProviderLimits limits, int global_concurrency, SteadyTime now,
                                 AdaptiveOptions adaptive)
    : adaptive_(adaptive),
      max_limit_(std::max(1, limits.max_concurrency > 0 ? limits.max_concurrency : global_concurrency)),
      limit_(max_limit_) {
  // Burst capacity: one second's worth of budget (at least one request), so a fresh
  // provider may send a small burst and then settles to the rate.
  if (limits.rpm > 0) requests_ = TokenBucket(limits.rpm, limits.rpm / 60.0, now);
  if (limits.tpm > 0) tokens_ = TokenBucket(limits.tpm, limits.tpm / 60.0, now);
}

Admit ProviderLimiter::try_start(double tokens, SteadyTime now, SteadyTime& retry_at) {
  if (in_flight_ >= limit_) return Admit::full;
  SteadyTime at = std::max(now, paused_until_);
  at = std::max(at, requests_.available_at(1, now));
  at = std::max(at, tokens_.available_at(tokens, now));
  const SteadyTime announced = announced_admission(tokens, now);
  at = std::max(at, announced);
  if (at == SteadyTime::max()) return Admit::full;
  budget_reset_at_ = announced > now ? announced : SteadyTime{};
  if (at > now) {
    retry_at = at;
    return Admit::later;
  }
  requests_.take(1, now);
  tokens_.take(tokens, now);
  ++admitted_requests_;
  admitted_tokens_ += tokens;
  ++in_flight_;
  return Admit::started;
}

SteadyTime ProviderLimiter::announced_admission(double tokens, SteadyTime now) {
  SteadyTime at = now;
  const auto check = [&](AnnouncedBudget& budget, double cost, double admitted) {
    if (!budget.known() || budget.available(admitted, now) >= std::min(cost, budget.limit())) return;
    if (now < budget.reset_at()) {
      at = std::max(at, budget.reset_at());
    } else if (in_flight_ > 0) {
      at = SteadyTime::max();  // spent since its reset: the next response brings news
    } else {
      budget.forget();  // spent, and no response is coming to renew it: start afresh
    }
  };
  check(announced_requests_, 1, static_cast<double>(admitted_requests_));
  // An oversized request waits for a fresh budget, like the token bucket's debt.
  check(announced_tokens_, tokens, admitted_tokens_);
  return at;
}

void ProviderLimiter::learn(const RateLimitHint& hint, AdmissionMark mark, SteadyTime now, double max_wait_s) {
  // A mark from before the last reconfiguration (or a lie past the cap) teaches nothing.
  if (mark.requests > admitted_requests_) return;
  const auto believable = [max_wait_s](const std::optional<RateBudget>& budget) {
    return budget && budget->reset_s <= max_wait_s ? budget : std::nullopt;
  };
  announced_requests_.learn(believable(hint.requests), static_cast<double>(mark.requests),
                            static_cast<double>(admitted_requests_), in_flight_, now);
  // Tokens in flight are not tracked per request: the token budget is read without them.
  announced_tokens_.learn(believable(hint.tokens), mark.tokens, admitted_tokens_, 0, now);
}

void ProviderLimiter::on_finish() {
  if (in_flight_ > 0) --in_flight_;
}

void ProviderLimiter::on_success() {
  if (limit_ >= max_limit_) return;
  if (++successes_ >= adaptive_.recover_every) {
    successes_ = 0;
    ++limit_;
  }
}

void ProviderLimiter::on_rate_limited(SteadyTime now) {
  successes_ = 0;
  if (halved_before_ && now - last_halving_ < seconds(adaptive_.halve_cooldown_s)) return;
  limit_ = std::max(1, limit_ / 2);
  last_halving_ = now;
  halved_before_ = true;
}

void ProviderLimiter::pause_until(SteadyTime until) {
  paused_until_ = std::max(paused_until_, until);
}

}  // namespace llmbench::http
