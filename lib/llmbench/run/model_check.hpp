#pragma once
// `llmbench models test`: one minimal request per model, all at once through the executor,
// classified into an outcome with a hint naming the variable or setting to fix.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "llmbench/config/model_list.hpp"
#include "llmbench/config/registry.hpp"
#include "llmbench/http/types.hpp"

namespace llmbench::run {

enum class CheckOutcome {
  ok,
  bad_key,         // 401/403
  unknown_model,   // 404, or a 400 saying the model does not exist
  unreachable,     // connection refused, DNS, reset
  timeout,
  rate_limited,    // 429
  error,           // anything else the server or the wire did wrong
  not_configured,  // the model could not be resolved (no endpoint, missing key variable)
};
std::string_view to_string(CheckOutcome outcome);  // "ok", "bad key", "unknown model", ...

CheckOutcome classify(const http::RequestRecord& record);

struct CheckTarget {
  std::string id;
  config::Role role = config::Role::generation;
};

// The models to test. Named `ids`: each with `role` if given, else embedding for embedding
// models, else the first role whose defaults name it, else generation. No ids: the defaults
// of `role` (or of every role), deduplicated; with no defaults either, every model the config
// defines (embedding models as embedding, the others as `role` or generation).
std::vector<CheckTarget> check_targets(const config::Registry& registry, const std::vector<std::string>& ids,
                                       std::optional<config::Role> role);

struct CheckOptions {
  double timeout_s = 30;
  int concurrency = 16;
  int retries = 0;  // `models test` reports what one attempt got; the check before a run retries
};

struct CheckResult {
  std::string model;
  config::Role role = config::Role::generation;
  std::string endpoint;  // endpoint_host of the configured URL (sim:// for the simulator)
  CheckOutcome outcome = CheckOutcome::error;
  int http_status = 0;
  double latency_ms = -1;  // -1: no response
  std::string hint;        // what to check; never a key's value
};

// The one request that checks a model, for `models test` and the check before a run: an
// embedding model gets one embeddings call; a chat model a one-word prompt with its own params,
// plus max_tokens 5 only when those set no token limit (a model configured with
// max_completion_tokens is sent that alone, never both).
http::ApiRequest check_request(const config::ResolvedModel& model);

// What the record of a check request means: outcome, status, latency and a hint naming the
// variable or setting to fix.
CheckResult check_result(const config::Registry& registry, const config::ResolvedModel& model, const http::RequestRecord& record,
                         const CheckOptions& options);

// Resolves every target (a failure becomes a not_configured row), starts the embedded
// simulators the targets need, sends check_request() per model concurrently and waits for all.
std::vector<CheckResult> check_models(const config::Registry& registry, const std::vector<CheckTarget>& targets,
                                      const CheckOptions& options);

std::string render_check_results(const std::vector<CheckResult>& results, config::ListFormat format);

}  // namespace llmbench::run
