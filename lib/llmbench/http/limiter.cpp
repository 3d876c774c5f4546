#include "llmbench/http/limiter.hpp"

#include <algorithm>
#include <cmath>

namespace llmbench::http {
namespace {

SteadyClock::duration seconds(double s) {
  return std::chrono::duration_cast<SteadyClock::duration>(std::chrono::duration<double>(s));
}

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
  if (at > now) {
    retry_at = at;
    return Admit::later;
  }
  requests_.take(1, now);
  tokens_.take(tokens, now);
  ++in_flight_;
  return Admit::started;
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
