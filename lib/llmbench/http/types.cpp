#include "llmbench/http/types.hpp"

namespace llmbench::http {

std::string_view to_string(ApiKind kind) {
  switch (kind) {
    case ApiKind::chat: return "chat";
    case ApiKind::embeddings: return "embeddings";
    case ApiKind::models: return "models";
  }
  return "chat";
}

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

std::optional<Outcome> outcome_from_string(std::string_view name) {
  for (Outcome outcome : {Outcome::ok, Outcome::truncated, Outcome::http_status, Outcome::rate_limited,
                          Outcome::timeout, Outcome::connect, Outcome::parse, Outcome::too_large,
                          Outcome::cancelled}) {
    if (to_string(outcome) == name) return outcome;
  }
  return std::nullopt;
}

std::string failure_text(const RequestRecord& record) {
  if (record.ok()) return "";
  const std::string kind(to_string(record.outcome));
  const std::string& error = record.error;
  if (error.empty()) return record.http_status ? "HTTP " + std::to_string(record.http_status) : kind;
  if (record.outcome == Outcome::http_status && record.http_status != 0 && error.rfind("HTTP ", 0) != 0) {
    return "HTTP " + std::to_string(record.http_status) + ": " + error;
  }
  for (std::string_view prefix : {std::string_view("HTTP "), std::string_view(kind), std::string_view("timeout"),
                                  std::string_view("connection"), std::string_view("response too large")}) {
    if (error.rfind(prefix, 0) == 0) return error;
  }
  return kind + ": " + error;
}

}  // namespace llmbench::http
