#include "llmbench/run/request_fields.hpp"

#include <cmath>
#include <optional>

#include "llmbench/records/fields.hpp"
#include "llmbench/records/item_record.hpp"

namespace llmbench::run {

namespace field = records::field;
namespace error_kind = records::error_kind;

using nlohmann::json;

std::size_t message_bytes(const std::vector<http::ChatMessage>& messages) {
  std::size_t bytes = 0;
  for (const auto& m : messages) bytes += m.content.size();
  return bytes;
}

http::ApiRequest chat_request(const config::ResolvedModel& model, std::vector<http::ChatMessage> messages) {
  http::ApiRequest request;
  request.kind = http::ApiKind::chat;
  request.endpoint = model.endpoint;
  request.model = model.api_model;
  request.messages = std::move(messages);
  request.params = model.params;
  request.stream = model.stream ? http::Stream::yes : http::Stream::no;
  return request;
}

json messages_json(const std::vector<http::ChatMessage>& messages) {
  // Each object filled in place: an initializer list would build and check a pair per field.
  json out = json::array();
  auto& array = out.get_ref<json::array_t&>();
  array.reserve(messages.size());
  for (const auto& m : messages) {
    auto& fields = array.emplace_back(json::value_t::object).get_ref<json::object_t&>();
    fields.emplace("role", m.role);
    fields.emplace("content", m.content);
  }
  return out;
}

namespace {

double round_us(double ms) { return std::round(ms * 1000) / 1000; }

}  // namespace

records::StreamStats stream_stats(const http::RequestRecord& record) {
  const http::Timings& t = record.timings;
  records::StreamStats stats;
  if (t.ttfo_ms() >= 0) stats.ttfo_ms = t.ttfo_ms();
  stats.itl_ms.reserve(t.token_ms.size());
  for (std::size_t i = 1; i < t.token_ms.size(); ++i) stats.itl_ms.push_back(round_us(t.token_ms[i] - t.token_ms[i - 1]));
  const bool counted = record.usage.completion_tokens >= 0;
  stats.output_tokens = counted ? record.usage.completion_tokens : static_cast<std::int64_t>(t.token_ms.size());
  stats.output_tokens_from = counted ? "usage" : "chunks";
  const std::size_t stamped = t.kernel_token_times;
  stats.token_times_from = stamped == 0 ? "read" : stamped == t.token_ms.size() ? "kernel" : "mixed";
  if (stats.output_tokens >= 2 && t.ttft_ms() >= 0 && t.latency_ms() >= 0) {
    stats.tpot_ms = (t.latency_ms() - t.ttft_ms()) / static_cast<double>(stats.output_tokens - 1);
  }
  return stats;
}

json request_stats(const http::RequestRecord& record) {
  json out = json::object();
  add_request_stats(out, record);
  return out;
}

void add_request_stats(json& out, const http::RequestRecord& record) {
  // A cached answer took no time in this run: its timings (the original request's) are kept
  // apart as cached_latency_ms, so no latency statistic counts them as new.
  const double latency_ms = record.timings.latency_ms();
  const double ttft_ms = record.timings.ttft_ms();
  auto known = [](bool keep, double ms) { return keep && ms >= 0 ? std::optional<double>(ms) : std::nullopt; };
  records::RequestTimings timings;
  timings.cached = record.cached;
  timings.latency_ms = known(!record.cached, latency_ms);
  timings.ttft_ms = known(!record.cached, ttft_ms);
  timings.cached_latency_ms = known(record.cached, latency_ms);
  if (record.usage.known()) timings.usage = records::Usage{record.usage.prompt_tokens, record.usage.completion_tokens};
  if (record.timings.streamed && !record.cached) timings.stream = stream_stats(record);
  records::put_request_stats(out, {record.http_status, record.attempts, timings});
}

bool request_failed(const http::RequestRecord& record) { return !record.ok(); }

json request_fields(const http::RequestRecord& record) {
  json out = request_stats(record);
  out[field::kErrorKind] = nullptr;
  out[field::kError] = nullptr;
  if (request_failed(record)) {
    out[field::kErrorKind] = std::string(http::to_string(record.outcome));
    out[field::kError] = record.outcome == http::Outcome::truncated && record.error.empty()
                       ? "the answer was cut off (finish_reason length) before any text; raise max_tokens"
                       : record.error;
  }
  return out;
}

bool verdict_request_failed(const http::RequestRecord& record) {
  return request_failed(record) || record.cut_off();
}

void forget_unreadable_verdict(http::Executor& executor, const json& record, const http::RequestRecord& reply) {
  const auto kind = record.find(field::kErrorKind);
  if (kind != record.end() && *kind == error_kind::kUnparsedVerdict) executor.forget_cached(reply);
}

json verdict_request_fields(const http::RequestRecord& record) {
  json out = request_fields(record);
  if (!request_failed(record) && record.cut_off()) {
    out[field::kErrorKind] = error_kind::kTruncated;
    out[field::kError] =
        "the judge's reply was cut off (finish_reason length) before its verdict was complete; raise max_tokens";
  }
  return out;
}

bool record_failed(const json& record) {
  auto it = record.find(field::kError);
  return it != record.end() && !it->is_null();
}

bool record_applies(const nlohmann::json& record, const nlohmann::json& model_run) {
  for (const char* name : field::kRoleModels) {
    auto it = record.find(name);
    if (it == record.end() || it->is_null()) continue;
    auto mr = model_run.find(name);
    if (mr == model_run.end() || *mr != *it) return false;
  }
  return true;
}

bool record_applies(const records::ItemRecord& record, const nlohmann::json& model_run) {
  const std::optional<std::string>* named[] = {&record.generation_model, &record.judge_model,
                                               &record.production_judge_model, &record.embedding_model};
  static_assert(std::size(named) == field::kRoleModels.size());
  for (std::size_t i = 0; i < field::kRoleModels.size(); ++i) {
    if (!*named[i]) continue;
    auto mr = model_run.find(field::kRoleModels[i]);
    if (mr == model_run.end() || *mr != **named[i]) return false;
  }
  return true;
}

}  // namespace llmbench::run
