#pragma once
// The retry policy: which failures are worth another attempt, how long to wait before it
// (exponential backoff with full jitter, seeded), and what a server's rate-limit headers
// (Retry-After, x-ratelimit-*) ask us to wait. Pure functions and a seeded generator.

#include <chrono>
#include <cstdint>
#include <optional>
#include <random>
#include <string_view>

#include "llmbench/http/types.hpp"

namespace llmbench::http {

enum class Retry { no, yes };

// 408, 409, 425, 429 and every 5xx are retried; other statuses (400, 401, 403, 404, 422, ...)
// are deterministic client errors and are not. 2xx/3xx are not failures: Retry::no.
Retry retry_for_status(int http_status);

// The one answer to "can sending this failed request again, unchanged, end differently?":
// yes when the wire, the server or a rate limit failed it (timeout, connect, rate_limited,
// parse, cancelled; http_status with a status retry_for_status retries, or an error object in
// a 2xx body), no when the request itself was refused or its answer unusable (a 4xx the
// policy does not retry, too_large, truncated). ok is no failure: false. The executor retries
// statuses by retry_for_status; the end-of-run advice (run/failures) and the pre-run check
// (run/preflight) ask this of finished requests.
bool resend_may_fix(Outcome outcome, int http_status);

// Retry-After: delta seconds ("120", "1.5") or an HTTP date ("Wed, 21 Oct 2015 07:28:00 GMT",
// also RFC 850 and asctime forms). Returns seconds from `now` (never negative), or nullopt
// when the value is not understood.
std::optional<double> parse_retry_after_s(std::string_view value,
                                          std::chrono::system_clock::time_point now);

// x-ratelimit-reset-requests / -tokens: Go-style durations ("1s", "6m0s", "20ms", "0.5s",
// "1h2m3.5s", "150us") or a plain number of seconds ("2", "0.25"). nullopt when not understood.
std::optional<double> parse_reset_duration_s(std::string_view value);

// A budget a server announced in x-ratelimit-{limit,remaining,reset}-{requests,tokens}: after
// this request, `remaining` more may be sent now, and `limit` once `reset_s` has passed.
// Only a complete, sane triple becomes a budget: limit >= 1, remaining <= limit (whole
// units), every value finite. Not bounded here: the limiter refuses resets past its cap.
struct RateBudget {
  double limit = 0;
  double remaining = 0;
  double reset_s = 0;
};

// What rate-limit headers of one response ask for.
struct RateLimitHint {
  std::optional<double> retry_after_s;  // Retry-After
  std::optional<double> pause_s;        // remaining-{requests,tokens} == 0: wait for its reset
  std::optional<RateBudget> requests;   // x-ratelimit-*-requests
  std::optional<RateBudget> tokens;     // x-ratelimit-*-tokens
  // The longest wait asked for, 0 when none.
  double wait_s() const;
};

// Collects rate-limit headers one at a time (names compared case-insensitively).
class RateLimitHeaders {
 public:
  void on_header(std::string_view name, std::string_view value,
                 std::chrono::system_clock::time_point now);
  RateLimitHint hint() const;
  void reset() { *this = RateLimitHeaders{}; }

 private:
  std::optional<double> retry_after_s_;
  std::optional<double> limit_requests_;
  std::optional<double> limit_tokens_;
  std::optional<double> remaining_requests_;
  std::optional<double> remaining_tokens_;
  std::optional<double> reset_requests_s_;
  std::optional<double> reset_tokens_s_;
};

// Exponential backoff with full jitter: the wait before retry n (n >= 1) is uniform in
// [0, min(max_s, base_s * 2^(n-1))]. Deterministic for a seed.
class Backoff {
 public:
  Backoff(double base_s, double max_s, std::uint64_t seed);
  double delay_s(int retry_number);
  double cap_s(int retry_number) const;

 private:
  double base_s_;
  double max_s_;
  std::mt19937_64 random_;
};

}  // namespace llmbench::http
