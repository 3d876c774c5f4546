#include "llmbench/http/retry.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <ctime>
#include <string>

namespace llmbench::http {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  return text;
}

// A non-negative decimal number filling all of `text`.
std::optional<double> parse_number(std::string_view text) {
  if (text.empty()) return std::nullopt;
  for (char c : text) {
    if (!(std::isdigit(static_cast<unsigned char>(c)) || c == '.')) return std::nullopt;
  }
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<double> parse_http_date_s(std::string_view value,
                                        std::chrono::system_clock::time_point now) {
  const std::string text(value);
  static const char* const kFormats[] = {
      "%a, %d %b %Y %H:%M:%S",  // IMF-fixdate (GMT suffix ignored)
      "%A, %d-%b-%y %H:%M:%S",  // RFC 850
      "%a %b %d %H:%M:%S %Y",   // asctime
  };
  for (const char* format : kFormats) {
    std::tm tm{};
    const char* end = strptime(text.c_str(), format, &tm);
    if (end == nullptr) continue;
    const std::time_t at = timegm(&tm);
    if (at == static_cast<std::time_t>(-1)) continue;
    const double delta_s =
        std::chrono::duration<double>(std::chrono::system_clock::from_time_t(at) - now).count();
    return std::max(0.0, delta_s);
  }
  return std::nullopt;
}

std::optional<RateBudget> budget(std::optional<double> limit, std::optional<double> remaining,
                                 std::optional<double> reset_s) {
  if (!limit || !remaining || !reset_s) return std::nullopt;
  if (!std::isfinite(*limit) || !std::isfinite(*remaining) || !std::isfinite(*reset_s)) return std::nullopt;
  if (*limit < 1) return std::nullopt;
  return RateBudget{std::floor(*limit), std::min(std::floor(*remaining), std::floor(*limit)), *reset_s};
}

}  // namespace

Retry retry_for_status(int http_status) {
  if (http_status >= 500 && http_status <= 599) return Retry::yes;
  switch (http_status) {
    case 408: case 409: case 425: case 429: return Retry::yes;
    default: return Retry::no;
  }
}

bool resend_may_fix(Outcome outcome, int http_status) {
  switch (outcome) {
    case Outcome::timeout:
    case Outcome::connect:
    case Outcome::rate_limited:
    case Outcome::parse:
    case Outcome::cancelled:
      return true;
    case Outcome::http_status:
      // An error object in a 2xx body was retried like a server error; a 4xx is the request's fault.
      return http_status < 400 || retry_for_status(http_status) == Retry::yes;
    case Outcome::ok:
    case Outcome::truncated:
    case Outcome::too_large:
      return false;
  }
  return false;
}

std::optional<double> parse_retry_after_s(std::string_view value,
                                          std::chrono::system_clock::time_point now) {
  value = trim(value);
  if (auto seconds = parse_number(value)) return seconds;
  return parse_http_date_s(value, now);
}

std::optional<double> parse_reset_duration_s(std::string_view value) {
  value = trim(value);
  if (value.empty()) return std::nullopt;
  if (auto seconds = parse_number(value)) return seconds;
  double total_s = 0;
  while (!value.empty()) {
    std::size_t digits = 0;
    while (digits < value.size() &&
           (std::isdigit(static_cast<unsigned char>(value[digits])) || value[digits] == '.')) {
      ++digits;
    }
    const auto number = parse_number(value.substr(0, digits));
    if (!number) return std::nullopt;
    value.remove_prefix(digits);
    std::size_t letters = 0;
    while (letters < value.size() && std::isalpha(static_cast<unsigned char>(value[letters]))) ++letters;
    const std::string_view unit = value.substr(0, letters);
    value.remove_prefix(letters);
    double scale = 0;
    if (unit == "h") scale = 3600;
    else if (unit == "m") scale = 60;
    else if (unit == "s") scale = 1;
    else if (unit == "ms") scale = 1e-3;
    else if (unit == "us" || unit == "\xC2\xB5s") scale = 1e-6;
    else if (unit == "ns") scale = 1e-9;
    else return std::nullopt;
    total_s += *number * scale;
  }
  return total_s;
}

double RateLimitHint::wait_s() const {
  return std::max(retry_after_s.value_or(0.0), pause_s.value_or(0.0));
}

void RateLimitHeaders::on_header(std::string_view name, std::string_view value,
                                 std::chrono::system_clock::time_point now) {
  if (iequals(name, "retry-after")) {
    retry_after_s_ = parse_retry_after_s(value, now);
  } else if (iequals(name, "retry-after-ms")) {
    if (auto ms = parse_number(trim(value))) retry_after_s_ = *ms / 1000.0;
  } else if (iequals(name, "x-ratelimit-limit-requests")) {
    limit_requests_ = parse_number(trim(value));
  } else if (iequals(name, "x-ratelimit-limit-tokens")) {
    limit_tokens_ = parse_number(trim(value));
  } else if (iequals(name, "x-ratelimit-remaining-requests")) {
    remaining_requests_ = parse_number(trim(value));
  } else if (iequals(name, "x-ratelimit-remaining-tokens")) {
    remaining_tokens_ = parse_number(trim(value));
  } else if (iequals(name, "x-ratelimit-reset-requests")) {
    reset_requests_s_ = parse_reset_duration_s(value);
  } else if (iequals(name, "x-ratelimit-reset-tokens")) {
    reset_tokens_s_ = parse_reset_duration_s(value);
  }
}

RateLimitHint RateLimitHeaders::hint() const {
  RateLimitHint hint;
  hint.retry_after_s = retry_after_s_;
  double pause_s = 0;
  if (remaining_requests_ && *remaining_requests_ <= 0 && reset_requests_s_) {
    pause_s = std::max(pause_s, *reset_requests_s_);
  }
  if (remaining_tokens_ && *remaining_tokens_ <= 0 && reset_tokens_s_) {
    pause_s = std::max(pause_s, *reset_tokens_s_);
  }
  if (pause_s > 0) hint.pause_s = pause_s;
  hint.requests = budget(limit_requests_, remaining_requests_, reset_requests_s_);
  hint.tokens = budget(limit_tokens_, remaining_tokens_, reset_tokens_s_);
  return hint;
}

Backoff::Backoff(double base_s, double max_s, std::uint64_t seed)
    : base_s_(std::max(0.0, base_s)), max_s_(std::max(0.0, max_s)), random_(seed) {}

double Backoff::cap_s(int retry_number) const {
  const int exponent = std::clamp(retry_number - 1, 0, 62);
  return std::min(max_s_, base_s_ * std::ldexp(1.0, exponent));
}

double Backoff::delay_s(int retry_number) {
  const double cap = cap_s(retry_number);
  if (cap <= 0) return 0;
  return std::uniform_real_distribution<double>(0.0, cap)(random_);
}

}  // namespace llmbench::http
