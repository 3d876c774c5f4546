#pragma once
// The vocabulary of one API request and its outcome. A request always ends as exactly
// one RequestRecord; failures are values (Outcome), never exceptions.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace llmbench::http {

enum class Stream { no, yes };
enum class ApiKind { chat, embeddings, models };
std::string_view to_string(ApiKind kind);  // "chat", "embeddings", "models"

// Where a request goes and how it authenticates. `api_key` is a secret: it is only ever
// put in the Authorization header of a request to `base_url`, and never printed, logged
// or stored. `api_key_env` (the variable's name) is safe to show.
struct Endpoint {
  std::string provider;  // provider name (models.yaml) or role name for env-only models
  std::string base_url;  // scheme://host[:port][/path], no trailing slash, e.g. https://api.mistral.ai/v1
  std::string api_key;   // may be empty (local servers need none)
  std::string api_key_env;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers from models.yaml
  double timeout_s = 0;  // 0 = the executor's default
  // What identifies this endpoint in the response cache; "" = base_url. The embedded
  // simulator keeps its sim:// URL here, since its loopback port changes every run.
  std::string cache_url;
};

struct ChatMessage {
  std::string role;  // system | user | assistant
  std::string content;
};

struct ApiRequest {
  ApiKind kind = ApiKind::chat;
  Endpoint endpoint;
  std::string model;                  // the model name the API expects
  std::vector<ChatMessage> messages;  // chat
  std::vector<std::string> inputs;    // embeddings
  nlohmann::json params = nlohmann::json::object();  // temperature, max_tokens, seed, ...
  Stream stream = Stream::no;
  int repeat_index = 0;  // distinguishes repeats of one prompt (consistency runs)
  // A streamed chat answer as it arrives (`arena ask` shows it live): called on the loop thread
  // after each SSE chunk that added content, with the content this attempt received so far (a
  // retried attempt starts again from the beginning, so the text may get shorter). Not part of
  // the request's identity; never called for a cached, merged or non-streamed response (the
  // record's content is the answer then). Must not throw.
  std::function<void(std::string_view content_so_far)> on_content;

  bool streamed() const { return stream == Stream::yes && kind == ApiKind::chat; }
};

// What a provider admits (models.yaml `limits:`), enforced per provider by the executor.
struct ProviderLimits {
  int max_concurrency = 0;  // 0: only the global limit
  double rpm = 0;           // requests per minute, 0: unlimited
  double tpm = 0;           // tokens per minute (prompt estimate + max_tokens), 0: unlimited
};

// How a request ended, after all retries.
enum class Outcome {
  ok,
  truncated,     // finish_reason "length" with empty content
  http_status,   // a non-retryable HTTP status (400, 401, 403, 404, 422, ...) or 5xx after retries
  rate_limited,  // 429 after all retries
  timeout,       // total, stall or connect timeout after all retries
  connect,       // connection refused / reset / DNS after all retries
  parse,         // body was not the expected JSON (or SSE) after all retries
  too_large,     // the decoded body, an SSE line or an SSE event passed its cap (not retried)
  cancelled,     // the run was stopped before the request finished
};
std::string_view to_string(Outcome outcome);
// The Outcome named `name` (as to_string spells it), or nullopt for any other text.
std::optional<Outcome> outcome_from_string(std::string_view name);

struct Usage {
  std::int64_t prompt_tokens = -1;  // -1: the server did not say
  std::int64_t completion_tokens = -1;
  std::int64_t total_tokens = -1;
  bool known() const { return prompt_tokens >= 0 || completion_tokens >= 0; }
};

// Steady-clock offsets in milliseconds from submission; -1 = did not happen.
// sent/first_byte/first_token/done describe the final attempt. The token times exist only
// for a streamed reply: a whole response has no first token apart from its last byte.
struct Timings {
  double sent_ms = -1;
  double first_byte_ms = -1;
  double first_token_ms = -1;   // the first chunk carrying content or reasoning text (streamed)
  double first_answer_ms = -1;  // the chunk that began the answer, after any reasoning (streamed)
  double done_ms = -1;
  bool streamed = false;  // the answer came as a stream of chunks (SSE)
  // Arrival of every chunk that carried text, in order (streamed; empty otherwise).
  std::vector<double> token_ms;
  // How many of token_ms are the kernel's receive times of their bytes (SO_TIMESTAMPNS); the
  // rest are when the executor's loop read them.
  std::size_t kernel_token_times = 0;
  double latency_ms() const { return done_ms >= 0 && sent_ms >= 0 ? done_ms - sent_ms : -1; }
  double ttft_ms() const { return first_token_ms >= 0 && sent_ms >= 0 ? first_token_ms - sent_ms : -1; }
  double ttfo_ms() const { return first_answer_ms >= 0 && sent_ms >= 0 ? first_answer_ms - sent_ms : -1; }
};

struct RequestRecord {
  std::uint64_t id = 0;  // as returned by Executor::submit
  Outcome outcome = Outcome::cancelled;
  int http_status = 0;  // last HTTP status seen, 0 = none
  std::string error;    // one line, human readable, valid UTF-8, never holds a secret
  int attempts = 0;
  Timings timings;
  Usage usage;
  std::string content;    // answer text, <think> blocks removed
  std::string reasoning;  // reasoning_content / reasoning fields and <think> blocks
  std::string finish_reason;
  std::vector<std::vector<float>> embeddings;  // embeddings, in input order
  std::vector<std::string> model_ids;          // models list
  bool cached = false;  // served from the response cache (timings are the original request's)
  std::string cache_key;  // the response cache's key of the reply (read or stored), else "": Executor::forget_cached
  bool ok() const { return outcome == Outcome::ok; }
  // The token budget ran out before the reply was finished: finish_reason "length", with an
  // answer begun (Outcome::ok) or without one (Outcome::truncated, e.g. a reasoning model that
  // spent the budget reasoning). Such a reply is unfinished text, not an answer.
  bool cut_off() const {
    return outcome == Outcome::truncated || (outcome == Outcome::ok && finish_reason == "length");
  }
};

// A failed record's error for a person: the executor's text as it is when it already says what
// happened ("HTTP 400: ...", "timeout: ..."), else prefixed with the outcome ("parse: ...").
// Never doubles a prefix. "" for an ok record.
std::string failure_text(const RequestRecord& record);

}  // namespace llmbench::http
