#pragma once
// The OpenAI-compatible wire format: request URLs and bodies, and parsing of chat
// completion (plain and streamed), embeddings and model-list responses into a
// RequestRecord. Pure functions and small state machines; no I/O.

#include <cstdint>
#include <string>
#include <string_view>

#include "llmbench/http/types.hpp"

namespace llmbench::http {

// "<base_url>/chat/completions", "<base_url>/embeddings" or "<base_url>/models".
std::string request_url(const ApiRequest& request);

// "POST" for chat and embeddings, "GET" for models.
std::string_view request_method(const ApiRequest& request);

// The JSON body: model, messages (chat) or input (embeddings), params merged in at the top
// level (params may override anything but model/messages/input); for streams also
// "stream": true and "stream_options": {"include_usage": true}. Empty for models.
std::string request_body(const ApiRequest& request);

// Token cost of a request for tpm budgets: prompt characters / 4 (rounded up) plus
// params.max_tokens (or max_completion_tokens) when set.
std::int64_t estimate_tokens(const ApiRequest& request);

// Splits model output into answer and reasoning: `<think>...</think>` blocks anywhere go to
// reasoning; an unclosed `<think>` makes the rest reasoning; a `</think>` without an
// opening tag makes everything before it reasoning (templates that put `<think>` in the
// prompt). Surrounding whitespace of the answer is trimmed. Appends to `reasoning`.
void split_think(std::string_view raw, std::string& content, std::string& reasoning);

// What a response body turned out to be.
enum class ParseStatus {
  ok,         // record filled in
  api_error,  // a JSON `error` object; `message` holds its text
  malformed,  // not the expected JSON; `message` says what is wrong
};

struct ParseResult {
  ParseStatus status = ParseStatus::ok;
  std::string message;
  int error_code = 0;  // numeric `error.code` or `error.status` when the server gave one
};

// Parses a complete (non-streamed) response body for `kind` into `record`: content,
// reasoning, finish_reason and usage (chat); vectors in input order (embeddings);
// model ids (models).
ParseResult parse_response(ApiKind kind, std::string_view body, RequestRecord& record);

// Accumulates a streamed chat completion from the `data:` payloads of its SSE events, and
// when each chunk that carried text arrived.
class ChatStreamAccumulator {
 public:
  enum class Event { none, token, done, error };

  // Feeds one event's data, which arrived `at_ms` after submission (a time before the last
  // token's counts as the last token's: times never go back). Returns token for a chunk
  // that carries non-empty content or reasoning, done for "[DONE]", error for an `error`
  // object or a payload that is not JSON (see error()).
  Event on_data(std::string_view data, double at_ms);

  // on_data reading the chunk through a JSON tree: what on_data falls back on for a chunk with
  // an `error` member, and the reference its tests compare it with. Same contract.
  Event on_data_tree(std::string_view data, double at_ms);

  bool saw_done() const { return saw_done_; }
  bool has_finish_reason() const { return !finish_reason_.empty(); }
  bool has_error() const { return error_.status != ParseStatus::ok; }
  const ParseResult& error() const { return error_; }

  // A stream is complete when it saw [DONE] or a finish_reason.
  bool complete() const { return saw_done_ || has_finish_reason(); }

  // The raw content received so far (a <think> block not yet split off).
  std::string_view content_so_far() const { return raw_content_; }

  // Moves the result into `record`: content with <think> split off, reasoning, finish reason,
  // usage, and the token times (timings.first_token_ms, first_answer_ms, token_ms). The
  // answer begins with the chunk that holds its first character: a <think> block streamed as
  // content counts as reasoning, like a reasoning_content field.
  void finish(RequestRecord& record);

  void reset();

 private:
  struct Mark {
    double at_ms;
    std::size_t content_end;  // raw content bytes received up to and with this chunk
  };
  std::string raw_content_;
  std::string reasoning_;
  std::string finish_reason_;
  Usage usage_;
  ParseResult error_;
  std::vector<Mark> marks_;  // one per chunk that carried text
  bool saw_done_ = false;
  // Marks a chunk that carried text, received at `at_ms` (never before the one before it).
  Event mark_token(double at_ms);
};

}  // namespace llmbench::http
