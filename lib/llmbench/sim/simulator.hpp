#pragma once
// The embedded OpenAI-compatible simulator: a loopback HTTP server that answers
// /v1/chat/completions (streaming and not), /v1/embeddings and /v1/models like a real
// provider would, with configurable latency, pacing and injected faults. It simulates
// models; it measures nothing about real ones.
//
// Determinism: every decision (right or wrong answer, answer style, injected fault) is a
// pure function of the seed, the model and the request content (and, for faults, how many
// times the same request body has been seen), so retries and reruns are reproducible.
//
// Output length as vLLM and llama.cpp take it: `max_tokens` cuts the answer (finish_reason
// "length"); `ignore_eos: true` pads it with filler tokens up to max_tokens, and `min_tokens` up
// to that count (how `llmbench perf --output-control ignore_eos` gets exact lengths).
//
// Per-request commands for tests, as request headers (tests send them through the
// Endpoint's extra headers):
//   X-Sim-Fault: 429|500|503|502html|drop|truncate|stall|400|401|404|422|empty_length|length
//   X-Sim-Fault-Attempts: N   the fault applies to the first N times this body is seen (default 1;
//                             0 = always)
//   X-Sim-Latency-Ms: N       overrides latency_ms for this request
//
// Pacing follows a schedule from the moment the reply is scheduled (its request read and its
// answer chosen): a streamed reply's k-th token (from 0) is written at scheduled + latency_ms +
// ttft_ms + k / tokens_per_s, so a late wake-up never delays the tokens after it, and the
// simulator's own delay before then (a busy machine) never runs the head and tokens together. The handler hands the whole schedule to
// the server's Pacer (sim/pacer.hpp: two epoll loops write every stream's tokens on time, no
// thread per stream wakes per token). With write_log set, the simulator
// records when it really wrote each token (sim/write_log.hpp has the format).

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace llmbench::sim {

// Questions the simulator recognises, with their gold answers, so that a simulated model
// answers a known benchmark question right with its configured accuracy.
class AnswerBook;

struct SimModel {
  std::string id;
  double accuracy = 0.7;  // share of recognised questions answered right, in [0,1]
};

// Shares of requests, in [0,1], that get each fault.
struct FaultOptions {
  double rate_limit = 0;        // 429 with Retry-After: retry_after_s
  double server_error = 0;      // 500 or 503 with a JSON error body
  double bad_gateway_html = 0;  // 502 with an HTML body
  double drop = 0;              // connection closed without a response
  double truncate = 0;          // 200 whose JSON body is cut short
  double stall = 0;             // headers (or nothing) then silence for stall_s
  double length = 0;            // chat: 200 with finish_reason "length" whose content is cut in
                                // mid-reasoning, its tail naming the answer the model meant
                                // ("...the one that said B", "...the one that said 42")
  bool first_attempt_only = true;  // a retry of the same body succeeds
  double retry_after_s = 1;
  double stall_s = 30;
};

struct SimOptions {
  std::string host = "127.0.0.1";
  int port = 0;                  // 0: any free port
  double latency_ms = 0;         // before the response (or the first SSE event) starts
  double ttft_ms = 0;            // streaming: extra wait before the first token
  double tokens_per_s = 0;       // streaming pace; 0: all tokens at once
  std::vector<SimModel> models;  // empty: sim-small (0.45), sim-medium (0.65), sim-large (0.85)
  std::string api_key;           // non-empty: requests with another bearer key get 401
  FaultOptions faults;
  std::uint64_t seed = 0;
  int threads = 256;             // worker threads: connections served at once
  double requests_per_s = 0;     // > 0: a provider rate limit (sim/rate_limit.hpp); 0: none
  std::shared_ptr<const AnswerBook> answers;  // null: built from the shipped datasets
  std::string write_log;         // non-empty: the write-time log's path (sim/write_log.hpp),
                                 // created by start() and complete once stop() returns
  bool keep_answers = true;      // answers() lists every recognised answer (memory grows with the
                                 // requests); false: it stays empty (a run's embedded simulators
                                 // and `llmbench sim`, which nobody asks)
};

// What the simulator answered to a recognised question: the ground truth for score checks.
struct SimAnswer {
  std::string model;
  std::string question_key;  // AnswerBook key of the recognised question
  std::string gold;          // the gold letter/number/text as it appeared in this prompt
  std::string given;         // what the simulated model meant to answer
  bool correct = false;
};

struct SimStats {
  std::uint64_t requests = 0;
  std::map<std::string, std::uint64_t> by_path;    // "/v1/chat/completions" -> count
  std::map<std::string, std::uint64_t> faults;     // "429" -> count injected
  std::uint64_t rate_limited = 0;                  // refused by requests_per_s
};

class Simulator {
 public:
  explicit Simulator(SimOptions options);
  ~Simulator();  // stops the server
  Simulator(const Simulator&) = delete;
  Simulator& operator=(const Simulator&) = delete;

  // Binds and serves on background threads; returns the port. Throws Error if it cannot bind.
  int start();
  void stop();
  int port() const;
  std::string base_url() const;  // "http://127.0.0.1:<port>/v1"

  SimStats stats() const;
  // Every recognised answer so far (SimOptions::keep_answers; else none).
  std::vector<SimAnswer> answers() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace llmbench::sim
