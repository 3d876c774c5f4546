#pragma once
// The request a model is sent and the request part of the item record it ends in: shared by
// every tier and the arena, so a request's stats and failure read the same in every record.

#include <cstddef>
#include <vector>

#include <nlohmann/json.hpp>

#include "llmbench/config/registry.hpp"
#include "llmbench/http/executor.hpp"
#include "llmbench/http/types.hpp"
#include "llmbench/records/item_record.hpp"

namespace llmbench::run {

// The bytes of every message's content.
std::size_t message_bytes(const std::vector<http::ChatMessage>& messages);

// A chat request to `model` with its configured params.
http::ApiRequest chat_request(const config::ResolvedModel& model, std::vector<http::ChatMessage> messages);

// The messages of a request as a JSON array of {role, content} (an item record's "prompt").
nlohmann::json messages_json(const std::vector<http::ChatMessage>& messages);

// The token timings of an answer streamed in this run (`record.timings.streamed`): ITL between
// text chunks (to the microsecond), TTFO, and TPOT over the output tokens the server counted in
// `usage` (else the text chunks, each one token or more; output_tokens_from says which).
records::StreamStats stream_stats(const http::RequestRecord& record);

// http_status, attempts, latency_ms, ttft_ms and usage of a record (null where unknown).
nlohmann::json request_stats(const http::RequestRecord& record);
// The same fields written into the object `out` (replacing any of those names it holds).
void add_request_stats(nlohmann::json& out, const http::RequestRecord& record);

// The request part of an item record: request_stats plus error_kind and error (both null
// when the request succeeded; a truncated answer is an error here: a RAG answer or verdict
// cut off before it began cannot be scored).
nlohmann::json request_fields(const http::RequestRecord& record);
bool request_failed(const http::RequestRecord& record);  // what request_fields marks as an error

// The request part of a judge's verdict record: request_fields, and a reply cut off by the
// token budget (RequestRecord::cut_off) is an error too, kind
// "truncated": a verdict read from unfinished text is not the judge's verdict.
nlohmann::json verdict_request_fields(const http::RequestRecord& record);
bool verdict_request_failed(const http::RequestRecord& record);  // what verdict_request_fields marks

// A verdict record whose reply could not be read (error_kind "unparsed_verdict") is an item
// error a resend should fix: the reply `request` got leaves the executor's response cache
// (Executor::forget_cached), so `run --resume --retry-errors` asks the judge again.
void forget_unreadable_verdict(http::Executor& executor, const nlohmann::json& record, const http::RequestRecord& reply);

// True when the item record's "error" is set (the request or its verdict failed).
bool record_failed(const nlohmann::json& record);

// True when each role field the record names ("generation_model", "judge_model",
// "production_judge_model", "embedding_model") equals the model run's field.
bool record_applies(const nlohmann::json& record, const nlohmann::json& model_run);
bool record_applies(const records::ItemRecord& record, const nlohmann::json& model_run);

}  // namespace llmbench::run
