#pragma once
// One perf level on the run session's executor:
//   closed loop: `concurrency` requests are sent at once and each one that ends is replaced by
//     the next, until the level's requests are sent (--requests) or its time is up (--duration:
//     nothing new is sent after duration_s from the level's start);
//   open loop: every send time is computed before the level starts (schedule.hpp) and handed to
//     the executor with the request (Executor::submit_at), so no response delays a send; with
//     --max-concurrency the requests past it queue in the executor, and that queueing counts in
//     the level's queue-inclusive figures.
// The first `warmup` requests (in send order) are sent and logged but left out of the figures.
// Each request's sample is appended to the request log as it ends.
//
// Over-saturation (open loop): once 20 measured requests have ended, and again every 10, the
// ended ones are ordered by planned send time; when the median queue-inclusive TTFT of the last
// quarter is more than 3 times that of the first quarter and more than 500 ms above it, the
// queue is growing without bound: the requests not yet sent are cancelled, those in flight end,
// and the level is marked stopped_early "saturated".

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "llmbench/config/registry.hpp"
#include "llmbench/perf/options.hpp"
#include "llmbench/perf/prompts.hpp"
#include "llmbench/perf/sample.hpp"
#include "llmbench/records/journal.hpp"
#include "llmbench/run/session.hpp"

namespace llmbench::perf {

struct LevelPlan {
  int index = 0;                     // into perf.levels
  std::optional<int> concurrency;    // closed loop
  std::optional<double> rate;        // open loop, requests/s
  std::int64_t requests = 0;         // measured requests (after warm-up); 0 with duration_s
  std::optional<double> duration_s;  // instead of `requests`
  int warmup = 0;
};

struct LevelResult {
  std::vector<RequestSample> samples;  // every request handed to the executor, in end order
  bool interrupted = false;            // Ctrl-C stopped it
  std::string stopped_early;           // "saturated" or ""
};

// The saturation rule above over the level's ended measured samples (pure).
bool saturated(const std::vector<RequestSample>& samples);

class LevelRunner {
 public:
  // `model` is streamed; all references must outlive the runner.
  // Each request carries X-Request-Id: <run_id>-<level>-<seq> (in its log line as request_id),
  // so a server's own log of it can be matched.
  LevelRunner(run::RunSession& session, const PerfOptions& options, const config::ResolvedModel& model,
              const PromptSet& prompts, records::JournalWriter& log, std::string run_id);
  LevelResult run(const LevelPlan& plan);

 private:
  struct Level;
  void submit_next(Level& level);
  void submit_scheduled(Level& level);
  void on_done(Level& level, RequestSample sample);
  http::ApiRequest request_for(const Level& level, std::int64_t seq) const;
  std::string request_id(const Level& level, std::int64_t seq) const;

  run::RunSession& session_;
  const PerfOptions& options_;
  const config::ResolvedModel& model_;
  const PromptSet& prompts_;
  records::JournalWriter& log_;
  std::string run_id_;
};

}  // namespace llmbench::perf
