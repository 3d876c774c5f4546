#pragma once
// Everything `llmbench perf` was asked to do. Filled by apps/cmd_perf.cpp from flags; read by
// the perf recipe (perf.hpp). Stored in the perf record as `flags` (options_json).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "llmbench/run/options.hpp"

namespace llmbench::perf {

// How the open loop spaces its arrivals: Poisson (exponential gaps), or gamma gaps whose
// shape is the burstiness (below 1 burstier than Poisson, above 1 more even; 1 is Poisson).
enum class Arrival { poisson, gamma };

// How an exact output length is asked of the server: `max_tokens` alone (any OpenAI-compatible
// server; the model may stop sooner), or `ignore_eos` (vLLM, llama.cpp, the simulator):
// min_tokens = max_tokens = the target and ignore_eos = true, so every answer has the target
// length.
enum class OutputControl { max_tokens, ignore_eos };

// Service-level objectives: a request meets them when each one given holds (ms).
struct Slo {
  std::optional<double> ttft_ms, tpot_ms, e2e_ms;
  bool any() const { return ttft_ms || tpot_ms || e2e_ms; }
};

struct PerfOptions : run::SessionOptions {
  PerfOptions() {
    retries = 0;      // a retried request's timings measure the retry, not the load
    no_cache = true;  // every request goes to the server
  }
  std::string model;                     // --model: the model id in the config
  std::vector<int> concurrency_levels;   // closed loop: requests kept in flight, one level each
  std::vector<double> rates;             // open loop: scheduled requests/s, one level each
  Arrival arrival = Arrival::poisson;
  double burstiness = 1.0;               // gamma shape
  std::optional<int> max_concurrency;    // open loop: at most this many in flight (others queue)
  std::uint64_t seed = 0;                // arrival schedule and prompt choice
  std::optional<std::int64_t> requests;  // per level (after warm-up); or
  std::optional<double> duration_s;      // per level
  int warmup = 0;                        // requests per level sent first, left out of figures
  std::optional<int> input_tokens;       // synthetic prompts of about this many tokens
  std::optional<int> output_tokens;      // output length asked (see OutputControl)
  OutputControl output_control = OutputControl::max_tokens;
  std::string dataset;                   // prompts from a JSONL/JSON file ("prompt" field)
  std::vector<std::string> tasks;        // prompts from the shipped tasks' questions
  std::optional<int> max_tokens;         // cap on output tokens (dataset/tasks prompts)
  Slo slo;
  bool find_max_rate = false;            // search the highest rate meeting the SLOs
  bool open_loop() const { return !rates.empty() || find_max_rate; }
};

std::string_view to_string(Arrival arrival);              // "poisson" | "gamma"
std::string_view to_string(OutputControl control);        // "max_tokens" | "ignore_eos"

// "500ms", "2.5s", "60" (seconds), "2m" in milliseconds; nullopt unless a positive time.
std::optional<double> parse_duration_ms(std::string_view text);

// --slo "ttft=500ms,tpot=50ms,e2e=10s" (any of the three, each once). Throws InputError naming
// the part that is wrong.
Slo parse_slo(std::string_view text);
// The SLOs given, in ms: {"ttft_ms": 500, ...}.
nlohmann::json slo_json(const Slo& slo);

// "1,8,64": whole numbers in [1, 4096] (--concurrency); "2,5.5,10": numbers > 0 (--rate).
// Throws InputError naming `flag` and the bad element.
std::vector<int> parse_concurrency_list(const std::string& text, const std::string& flag);
std::vector<double> parse_rate_list(const std::string& text, const std::string& flag);

// The record's `flags`: every perf flag (never a key).
nlohmann::json options_json(const PerfOptions& options);

// Checks what the flags' own validators cannot (exactly one of --concurrency / --rate, one of
// --requests / --duration, the prompt source, ...). Throws InputError naming the flag.
void validate(const PerfOptions& options);

}  // namespace llmbench::perf
