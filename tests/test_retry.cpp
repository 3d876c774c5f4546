#include <catch2/catch.hpp>

#include <chrono>

#include "llmbench/http/retry.hpp"

using namespace llmbench::http;

TEST_CASE("retry: rate limits, server errors and timeouts retry, client errors do not", "[http][retry]") {
  for (int status : {408, 429, 500, 502, 503, 504, 529}) {
    INFO(status);
    CHECK(retry_for_status(status) == Retry::yes);
  }
  for (int status : {200, 400, 401, 403, 404, 422}) {
    INFO(status);
    CHECK(retry_for_status(status) == Retry::no);
  }
}

TEST_CASE("retry: Retry-After in delta seconds is read", "[http][retry]") {
  const auto now = std::chrono::system_clock::now();
  CHECK(parse_retry_after_s("120", now) == Approx(120));
  CHECK(parse_retry_after_s(" 1.5 ", now) == Approx(1.5));
  CHECK_FALSE(parse_retry_after_s("soon", now).has_value());
  CHECK_FALSE(parse_retry_after_s("-3", now).has_value());
}

TEST_CASE("retry: Retry-After as an HTTP date is the time until that date", "[http][retry]") {
  // Wed, 21 Oct 2015 07:28:00 GMT
  const auto date = std::chrono::system_clock::from_time_t(1445412480);
  CHECK(*parse_retry_after_s("Wed, 21 Oct 2015 07:28:00 GMT", date - std::chrono::seconds(30)) ==
        Approx(30));
  CHECK(*parse_retry_after_s("Wednesday, 21-Oct-15 07:28:00 GMT", date - std::chrono::seconds(5)) ==
        Approx(5));
  CHECK(*parse_retry_after_s("Wed Oct 21 07:28:00 2015", date - std::chrono::seconds(2)) == Approx(2));
  // A date in the past means "now".
  CHECK(*parse_retry_after_s("Wed, 21 Oct 2015 07:28:00 GMT", date + std::chrono::seconds(10)) == 0);
}

TEST_CASE("retry: x-ratelimit reset durations are read in OpenAI's formats", "[http][retry]") {
  CHECK(*parse_reset_duration_s("1s") == Approx(1));
  CHECK(*parse_reset_duration_s("6m0s") == Approx(360));
  CHECK(*parse_reset_duration_s("20ms") == Approx(0.02));
  CHECK(*parse_reset_duration_s("0.5s") == Approx(0.5));
  CHECK(*parse_reset_duration_s("1h2m3.5s") == Approx(3723.5));
  CHECK(*parse_reset_duration_s("2") == Approx(2));
  CHECK_FALSE(parse_reset_duration_s("3 fortnights").has_value());
  CHECK_FALSE(parse_reset_duration_s("").has_value());
}

TEST_CASE("retry: exhausted request budget pauses until its reset", "[http][retry]") {
  const auto now = std::chrono::system_clock::now();
  RateLimitHeaders headers;
  headers.on_header("X-RateLimit-Remaining-Requests", "0", now);
  headers.on_header("x-ratelimit-reset-requests", "1.5s", now);
  headers.on_header("x-ratelimit-remaining-tokens", "1000", now);
  headers.on_header("x-ratelimit-reset-tokens", "6m0s", now);
  const auto hint = headers.hint();
  REQUIRE(hint.pause_s.has_value());
  CHECK(*hint.pause_s == Approx(1.5));  // tokens remain: their reset does not matter
  CHECK_FALSE(hint.retry_after_s.has_value());

  RateLimitHeaders plenty;
  plenty.on_header("x-ratelimit-remaining-requests", "99", now);
  plenty.on_header("x-ratelimit-reset-requests", "20ms", now);
  CHECK(plenty.hint().wait_s() == 0);

  RateLimitHeaders retry_after;
  retry_after.on_header("Retry-After", "3", now);
  CHECK(retry_after.hint().wait_s() == Approx(3));
}

TEST_CASE("retry: backoff waits stay within the doubling cap and are seeded", "[http][retry]") {
  Backoff backoff(0.5, 4.0, 42);
  Backoff same(0.5, 4.0, 42);
  CHECK(backoff.cap_s(1) == Approx(0.5));
  CHECK(backoff.cap_s(2) == Approx(1.0));
  CHECK(backoff.cap_s(3) == Approx(2.0));
  CHECK(backoff.cap_s(10) == Approx(4.0));
  double sum = 0;
  for (int retry = 1; retry <= 200; ++retry) {
    const double delay = backoff.delay_s(retry % 6 + 1);
    CHECK(delay >= 0);
    CHECK(delay <= backoff.cap_s(retry % 6 + 1));
    CHECK(delay == same.delay_s(retry % 6 + 1));
    sum += delay;
  }
  CHECK(sum > 0);  // full jitter, not always zero
}

TEST_CASE("retry: a resend may fix what the wire, the server or a rate limit failed, not the request's fault",
          "[http][retry]") {
  for (Outcome outcome : {Outcome::timeout, Outcome::connect, Outcome::rate_limited, Outcome::parse,
                          Outcome::cancelled}) {
    INFO(to_string(outcome));
    CHECK(resend_may_fix(outcome, 0));
  }
  for (int status : {200, 408, 429, 500, 503}) {
    INFO(status);
    CHECK(resend_may_fix(Outcome::http_status, status));  // 200: an error object in the body
  }
  for (int status : {400, 401, 404, 422}) {
    INFO(status);
    CHECK_FALSE(resend_may_fix(Outcome::http_status, status));
  }
  CHECK_FALSE(resend_may_fix(Outcome::ok, 200));
  CHECK_FALSE(resend_may_fix(Outcome::truncated, 200));
  CHECK_FALSE(resend_may_fix(Outcome::too_large, 200));
}

TEST_CASE("retry: x-ratelimit limit, remaining and reset make a budget, an incomplete or insane triple does not",
          "[http][retry]") {
  const auto now = std::chrono::system_clock::now();
  RateLimitHeaders headers;
  headers.on_header("X-RateLimit-Limit-Requests", "20", now);
  headers.on_header("x-ratelimit-remaining-requests", "7", now);
  headers.on_header("x-ratelimit-reset-requests", "350ms", now);
  headers.on_header("x-ratelimit-limit-tokens", "1000", now);
  headers.on_header("x-ratelimit-remaining-tokens", "4000", now);  // more than the limit: the limit
  headers.on_header("x-ratelimit-reset-tokens", "6m0s", now);
  const RateLimitHint hint = headers.hint();
  REQUIRE(hint.requests);
  CHECK(hint.requests->limit == 20);
  CHECK(hint.requests->remaining == 7);
  CHECK(hint.requests->reset_s == Approx(0.35));
  REQUIRE(hint.tokens);
  CHECK(hint.tokens->remaining == 1000);
  CHECK(hint.tokens->reset_s == Approx(360));

  RateLimitHeaders incomplete;  // no reset
  incomplete.on_header("x-ratelimit-limit-requests", "20", now);
  incomplete.on_header("x-ratelimit-remaining-requests", "0", now);
  CHECK_FALSE(incomplete.hint().requests);
  RateLimitHeaders zero_limit;
  zero_limit.on_header("x-ratelimit-limit-requests", "0", now);
  zero_limit.on_header("x-ratelimit-remaining-requests", "0", now);
  zero_limit.on_header("x-ratelimit-reset-requests", "1s", now);
  CHECK_FALSE(zero_limit.hint().requests);
}
