#include "llmbench/perf/sample.hpp"

#include <cmath>

#include "llmbench/run/request_fields.hpp"

namespace llmbench::perf {

using nlohmann::json;

namespace {

double round_us(double ms) { return std::round(ms * 1000) / 1000; }

std::optional<double> known(double ms) { return ms >= 0 ? std::optional<double>(ms) : std::nullopt; }

template <typename T>
json or_null(const std::optional<T>& value) {
  return value ? json(*value) : json(nullptr);
}

json ms_or_null(const std::optional<double>& value) { return value ? json(round_us(*value)) : json(nullptr); }

}  // namespace

std::optional<double> RequestSample::queue_ms() const {
  if (!scheduled_ms || !sent_ms) return std::nullopt;
  return *sent_ms - *scheduled_ms;
}

std::optional<double> RequestSample::total_ttft_ms() const {
  if (!ttft_ms) return std::nullopt;
  return *ttft_ms + queue_ms().value_or(0);
}

std::optional<double> RequestSample::total_e2e_ms() const {
  if (!e2e_ms) return std::nullopt;
  return *e2e_ms + queue_ms().value_or(0);
}

RequestSample sample_of(const http::RequestRecord& record, double start_ms, bool scheduled) {
  RequestSample s;
  const http::Timings& t = record.timings;
  if (scheduled) s.scheduled_ms = start_ms;
  s.submitted_ms = start_ms;
  if (t.sent_ms >= 0) s.sent_ms = start_ms + t.sent_ms;
  if (t.done_ms >= 0) s.done_ms = start_ms + t.done_ms;
  if (record.usage.prompt_tokens >= 0) {
    s.input_tokens = record.usage.prompt_tokens;
    s.input_tokens_from = "usage";
  }
  s.e2e_ms = known(t.latency_ms());
  if (!record.ok()) {
    s.error_kind = std::string(http::to_string(record.outcome));
    s.error = http::failure_text(record);
    return s;
  }
  if (!t.streamed) {  // a server that ignored "stream": true has no token timings to give
    s.error_kind = "no_stream";
    s.error = "the server answered with a whole response, not a stream: no TTFT or ITL";
    return s;
  }
  const records::StreamStats stream = run::stream_stats(record);
  s.ttft_ms = known(t.ttft_ms());
  s.ttfo_ms = stream.ttfo_ms;
  s.itl_ms = stream.itl_ms;
  s.tpot_ms = stream.tpot_ms;
  s.output_tokens = stream.output_tokens;
  s.output_tokens_from = stream.output_tokens_from;
  s.token_times_from = stream.token_times_from;
  return s;
}

json log_line(const RequestSample& s) {
  json line = {{"request_id", s.request_id}, {"level", s.level}, {"seq", s.seq}, {"warmup", s.warmup}};
  if (s.scheduled_ms) line["scheduled_ms"] = round_us(*s.scheduled_ms);
  line["sent_ms"] = ms_or_null(s.sent_ms);
  line["ttft_ms"] = ms_or_null(s.ttft_ms);
  line["ttfo_ms"] = ms_or_null(s.ttfo_ms);
  line["e2e_ms"] = ms_or_null(s.e2e_ms);
  line["itl_ms"] = s.itl_ms;
  line["input_tokens"] = or_null(s.input_tokens);
  line["input_tokens_from"] = s.input_tokens_from.empty() ? json(nullptr) : json(s.input_tokens_from);
  line["output_tokens"] = or_null(s.output_tokens);
  line["output_tokens_from"] = s.output_tokens_from.empty() ? json(nullptr) : json(s.output_tokens_from);
  line["token_times_from"] = s.token_times_from.empty() ? json(nullptr) : json(s.token_times_from);
  line["error_kind"] = s.error_kind.empty() ? json(nullptr) : json(s.error_kind);
  line["error"] = s.error.empty() ? json(nullptr) : json(s.error);
  return line;
}

}  // namespace llmbench::perf
