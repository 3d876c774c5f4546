#include "llmbench/http/types.hpp"

namespace llmbench::http {

std::string_view to_string(Outcome outcome) {
  switch (outcome) {
    case Outcome::ok: return "ok";
    case Outcome::truncated: return "truncated";
    case Outcome::http_status: return "http_status";
    case Outcome::rate_limited: return "rate_limited";
    case Outcome::timeout: return "timeout";
    case Outcome::connect: return "connect";
    case Outcome::parse: return "parse";
    case Outcome::too_large: return "too_large";
    case Outcome::cancelled: return "cancelled";
  }
  return "unknown";
}

}  // namespace llmbench::http
