#include <catch2/catch.hpp>

#include <chrono>
#include <utility>
#include <vector>

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

TEST_CASE("limiter: tpm budgets tokens, an oversized request waits for a full bucket", "[http][limiter]") {
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

TEST_CASE("limiter: repeated 429s halve concurrency to 1, successes recover it additively", "[http][limiter]") {
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

namespace {

// A hint announcing a request budget: `remaining` now, `limit` after `reset_s`.
RateLimitHint request_budget(double limit, double remaining, double reset_s) {
  RateLimitHint hint;
  hint.requests = RateBudget{limit, remaining, reset_s};
  return hint;
}

// Starts requests at `now` (never finishing them) until one is not admitted; returns how many were.
int start_all(ProviderLimiter& limiter, SteadyTime now, SteadyTime& retry_at, Admit& stopped_by) {
  int started = 0;
  while ((stopped_by = limiter.try_start(0, now, retry_at)) == Admit::started) ++started;
  return started;
}

}  // namespace

TEST_CASE("limiter: an announced request budget is spent, then admission waits for its reset, not a 429",
          "[http][limiter]") {
  const SteadyTime t0{};
  ProviderLimiter limiter({}, 64, t0);
  SteadyTime retry_at{};
  REQUIRE(limiter.try_start(0, t0, retry_at) == Admit::started);
  const AdmissionMark first = limiter.mark();
  limiter.on_finish();
  limiter.learn(request_budget(20, 2, 1.0), first, t0, 60);  // "2 more now, 20 in 1 s"

  Admit stopped_by{};
  CHECK(start_all(limiter, t0, retry_at, stopped_by) == 2);
  CHECK(stopped_by == Admit::later);
  CHECK(retry_at >= t0 + milliseconds(1000));  // the reset, not before
  CHECK(retry_at <= t0 + milliseconds(1020));
  CHECK(limiter.budget_reset_at() == retry_at);  // what the progress line says it waits for
  // After the reset: the whole limit, less the two sent since the announcing request.
  CHECK(start_all(limiter, retry_at, retry_at, stopped_by) == 18);
  CHECK(limiter.budget_reset_at() <= retry_at);  // admitted again: no reset awaited
  CHECK(stopped_by == Admit::full);  // spent since its reset: the next response brings news
}

TEST_CASE("limiter: before a reset, responses in any order only lower the budget, one without a budget ends it",
          "[http][limiter]") {
  const SteadyTime t0{};
  ProviderLimiter limiter({}, 64, t0);
  SteadyTime retry_at{};
  REQUIRE(limiter.try_start(0, t0, retry_at) == Admit::started);
  const AdmissionMark first = limiter.mark();
  REQUIRE(limiter.try_start(0, t0, retry_at) == Admit::started);
  const AdmissionMark second = limiter.mark();
  // The second request reached the server last ("0 left"); the first's answer, which the server
  // counted earlier ("9 left"), arrives after it and raises nothing.
  limiter.on_finish();
  limiter.learn(request_budget(10, 0, 0.5), second, t0, 60);
  limiter.on_finish();
  limiter.learn(request_budget(10, 9, 0.5), first, t0, 60);
  CHECK(limiter.try_start(0, t0, retry_at) == Admit::later);
  CHECK(retry_at >= t0 + milliseconds(500));
  REQUIRE(limiter.try_start(0, retry_at, retry_at) == Admit::started);
  limiter.on_finish();
  limiter.learn(RateLimitHint{}, limiter.mark(), retry_at, 60);  // the server stopped announcing one
  Admit stopped_by{};
  CHECK(start_all(limiter, retry_at, retry_at, stopped_by) == 64);
  CHECK(stopped_by == Admit::full);  // only the concurrency cap
}

TEST_CASE("limiter: an announced token budget holds a request it cannot cover until its reset",
          "[http][limiter]") {
  const SteadyTime t0{};
  ProviderLimiter limiter({}, 64, t0);
  SteadyTime retry_at{};
  REQUIRE(limiter.try_start(100, t0, retry_at) == Admit::started);
  limiter.on_finish();
  RateLimitHint hint;
  hint.tokens = RateBudget{1000, 150, 2.0};
  limiter.learn(hint, limiter.mark(), t0, 60);
  CHECK(limiter.try_start(100, t0, retry_at) == Admit::started);
  CHECK(limiter.try_start(100, t0, retry_at) == Admit::later);  // 50 left
  CHECK(retry_at >= t0 + milliseconds(2000));
  // After the reset: the whole budget less the 100 tokens sent since the announcing request.
  CHECK(limiter.try_start(900, retry_at, retry_at) == Admit::started);
  CHECK(limiter.try_start(1, retry_at, retry_at) == Admit::full);
}

TEST_CASE("limiter: lying or malformed rate-limit headers neither hang admission nor crash it",
          "[http][limiter]") {
  const auto now_wall = std::chrono::system_clock::now();
  const std::vector<std::vector<std::pair<const char*, const char*>>> lies = {
      {{"x-ratelimit-limit-requests", "20"}, {"x-ratelimit-remaining-requests", "-3"},
       {"x-ratelimit-reset-requests", "1s"}},
      {{"x-ratelimit-limit-requests", "20"}, {"x-ratelimit-remaining-requests", "0"},
       {"x-ratelimit-reset-requests", "-1s"}},
      {{"x-ratelimit-limit-requests", "20"}, {"x-ratelimit-remaining-requests", "0"},
       {"x-ratelimit-reset-requests", "999999999999h"}},
      {{"x-ratelimit-limit-requests", "1e309"}, {"x-ratelimit-remaining-requests", "0"},
       {"x-ratelimit-reset-requests", "1s"}},
      {{"x-ratelimit-limit-requests", "0"}, {"x-ratelimit-remaining-requests", "0"},
       {"x-ratelimit-reset-requests", "1s"}},
      {{"x-ratelimit-limit-requests", "garbage"}, {"x-ratelimit-remaining-requests", "\x01\xff"},
       {"x-ratelimit-reset-requests", "soon"}},
      {{"x-ratelimit-limit-requests", "5"}, {"x-ratelimit-remaining-requests", "99999999999999999999999"},
       {"x-ratelimit-reset-requests", "1s"}},
      {{"x-ratelimit-limit-tokens", "10"}, {"x-ratelimit-remaining-tokens", "0"},
       {"x-ratelimit-reset-tokens", "9999999999999999999999999999999999999999s"}},
  };
  for (const auto& headers : lies) {
    RateLimitHeaders parsed;
    for (const auto& [name, value] : headers) parsed.on_header(name, value, now_wall);
    const SteadyTime t0{};
    ProviderLimiter limiter({}, 8, t0);
    SteadyTime retry_at{};
    REQUIRE(limiter.try_start(1, t0, retry_at) == Admit::started);
    limiter.on_finish();
    limiter.learn(parsed.hint(), limiter.mark(), t0, /*max_wait_s=*/60);
    // Every request is admitted at once or after a wait within the cap; never stuck.
    SteadyTime now = t0;
    for (int i = 0; i < 30; ++i) {
      const Admit admit = limiter.try_start(1, now, retry_at);
      REQUIRE(admit != Admit::full);
      if (admit == Admit::later) {
        REQUIRE(retry_at - now <= std::chrono::seconds(61));
        now = retry_at;
      } else {
        limiter.on_finish();
      }
    }
  }
}
