#pragma once
// One perf request as measured: steady-clock offsets from the level's start, the service
// timings from the actual send, token counts and how they were counted, and the error kind.
// Built from the executor's record (record raw, aggregate later); one line of the request log.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "llmbench/http/types.hpp"

namespace llmbench::perf {

struct RequestSample {
  std::string request_id;              // the X-Request-Id it was sent with
  int level = 0;                       // index into perf.levels
  std::int64_t seq = 0;                // request number within the level, in send order
  bool warmup = false;                 // left out of the level's figures
  std::optional<double> scheduled_ms;  // open loop: planned send time since the level started
  double submitted_ms = 0;             // closed loop: when it was handed to the executor
  std::optional<double> sent_ms;       // actual send since the level started; null: never sent
  std::optional<double> done_ms;       // since the level started; null: no end recorded
  // Service figures, from the actual send.
  std::optional<double> ttft_ms, ttfo_ms, e2e_ms;
  std::vector<double> itl_ms;          // every gap between text chunks, in order
  std::optional<double> tpot_ms;       // (e2e - ttft) / (output tokens - 1)
  std::optional<std::int64_t> input_tokens, output_tokens;
  std::string input_tokens_from;       // "usage" | "estimate" (the prompt's own estimate) | ""
  std::string output_tokens_from;      // "usage" | "chunks" | "" (no output)
  std::string token_times_from;        // "kernel" | "read" | "mixed" (records::StreamStats) | ""
  std::string error_kind;              // "" = ok; else http::to_string(Outcome) or "no_stream"
  std::string error;                   // one line, redacted by the executor
  bool cancelled() const { return error_kind == "cancelled"; }
  bool ok() const { return error_kind.empty(); }
  // Queue-inclusive figures: from the scheduled send in the open loop, else the service ones.
  std::optional<double> queue_ms() const;
  std::optional<double> total_ttft_ms() const;
  std::optional<double> total_e2e_ms() const;
};

// The sample of `record`, a request handed to the executor `start_ms` after the level started
// (its timings are offsets from then); `scheduled` marks an open-loop request whose start_ms is
// its planned send time.
RequestSample sample_of(const http::RequestRecord& record, double start_ms, bool scheduled);

// Its request-log line (docs/report-format.md "perf request log").
nlohmann::json log_line(const RequestSample& sample);

}  // namespace llmbench::perf
