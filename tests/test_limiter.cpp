#include <catch2/catch.hpp>

#include <chrono>

#include "llmbench/http/limiter.hpp"

using namespace llmbench::http;
using std::chrono::milliseconds;

TEST_CASE("limiter: a provider's max_concurrency caps requests in flight", "[http][limiter]") {
  const SteadyTime t0{};
  ProviderLimiter limiter({/*max_concurrency=*/3, 0, 0}, 32, t0);
  SteadyTime retry_at{};
  for (int i = 0; i < 3; ++i) CHECK(limiter.try_start(10, t0, retry_at) == Admit::started);
  CHECK(limiter.try_start(10, t0, retry_at) == Admit::full);
  limiter.on_finish();
  CHECK(limiter.try_start(10, t0, retry_at) == Admit::started);
  CHECK(limiter.in_flight() == 3);
}

TEST_CASE("limiter: without max_concurrency the global concurrency is the cap", "[http][limiter]") {
  ProviderLimiter limiter({}, 5, SteadyTime{});
  CHECK(limiter.limit() == 5);
}

TEST_CASE("limiter: rpm allows a one-second burst, then spaces requests at the rate", "[http][limiter]") {
  const SteadyTime t0{};
  ProviderLimiter limiter({0, /*rpm=*/600, 0}, 100, t0);
  SteadyTime retry_at{};
  int started = 0;
  while (limiter.try_start(0, t0, retry_at) == Admit::started) {
    limiter.on_finish();
    ++started;
  }
  CHECK(started == 10);  // 600 rpm = 10/s: one second's burst
  CHECK(retry_at > t0);
  CHECK(retry_at - t0 <= milliseconds(101));
  CHECK(retry_at - t0 >= milliseconds(99));
  CHECK(limiter.try_start(0, retry_at, retry_at) == Admit::started);
  CHECK(limiter.try_start(0, retry_at, retry_at) == Admit::later);
}

TEST_CASE("limiter: 20 requests at rpm 600 need at least about one second", "[http][limiter]") {
  SteadyTime now{};
  ProviderLimiter limiter({0, 600, 0}, 100, now);
  int started = 0;
  while (started < 20) {
    SteadyTime retry_at{};
    if (limiter.try_start(0, now, retry_at) == Admit::started) {
      limiter.on_finish();
      ++started;
    } else {
      now = retry_at;
    }
  }
  CHECK(now - SteadyTime{} >= milliseconds(990));
  CHECK(now - SteadyTime{} <= milliseconds(1010));
}

TEST_CASE("limiter: tpm budgets tokens; an oversized request waits for a full bucket", "[http][limiter]") {
  const SteadyTime t0{};
  ProviderLimiter limiter({0, 0, /*tpm=*/6000}, 100, t0);  // 100 tokens/s, capacity 100
  SteadyTime retry_at{};
  CHECK(limiter.try_start(60, t0, retry_at) == Admit::started);
  CHECK(limiter.try_start(60, t0, retry_at) == Admit::later);
  CHECK(retry_at - t0 >= milliseconds(200));  // 20 more tokens at 100/s
  CHECK(retry_at - t0 <= milliseconds(201));
  // 500 tokens exceed the capacity: admitted once the bucket is full (after 0.6 s), then in debt.
  const SteadyTime t1 = t0 + milliseconds(600);
  CHECK(limiter.try_start(500, t1, retry_at) == Admit::started);
  CHECK(limiter.try_start(1, t1 + milliseconds(1000), retry_at) == Admit::later);
}

TEST_CASE("limiter: a pause blocks admission until it ends", "[http][limiter]") {
  const SteadyTime t0{};
  ProviderLimiter limiter({}, 4, t0);
  limiter.pause_until(t0 + milliseconds(500));
  limiter.pause_until(t0 + milliseconds(100));  // an earlier pause does not shorten it
  SteadyTime retry_at{};
  CHECK(limiter.paused(t0));
  CHECK(limiter.try_start(1, t0, retry_at) == Admit::later);
  CHECK(retry_at == t0 + milliseconds(500));
  CHECK(limiter.try_start(1, t0 + milliseconds(500), retry_at) == Admit::started);
}

TEST_CASE("limiter: repeated 429s halve concurrency to 1; successes recover it additively", "[http][limiter]") {
  SteadyTime now{};
  AdaptiveOptions adaptive;
  adaptive.recover_every = 4;
  adaptive.halve_cooldown_s = 1.0;
  ProviderLimiter limiter({16, 0, 0}, 64, now, adaptive);
  limiter.on_rate_limited(now);
  CHECK(limiter.limit() == 8);
  limiter.on_rate_limited(now + milliseconds(10));  // same burst: no second halving
  CHECK(limiter.limit() == 8);
  for (int i = 0; i < 6; ++i) {
    now += milliseconds(1500);
    limiter.on_rate_limited(now);
  }
  CHECK(limiter.limit() == 1);  // floor
  for (int i = 0; i < 4 * 3; ++i) limiter.on_success();
  CHECK(limiter.limit() == 4);
  for (int i = 0; i < 4 * 100; ++i) limiter.on_success();
  CHECK(limiter.limit() == 16);  // back to its max, not beyond
  CHECK(limiter.max_limit() == 16);
}
