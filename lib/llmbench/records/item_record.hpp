#pragma once
// One line of a run's item log (runs/<id>/items.jsonl), typed: the envelope every tier's
// record shares, and the tier's own fields kept as JSON (`payload`). Field names are those of
// records/fields.hpp; docs/report-format.md says what each holds.
//
// The round trip is exact: to_json(from_json(line)) dumps to the bytes of the line, for every
// record a tier writes. from_json takes a field into the envelope only when it has the type
// the envelope gives it; anything else (a field of another type, a field the envelope does not
// know) stays in `payload` as it was, and to_json writes `payload` over the envelope. A record
// that lacks "error" or "error_kind" gains them as null, as every tier writes them.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace llmbench::records {

// Token counts a server reported ("usage": {prompt_tokens, completion_tokens}).
struct Usage {
  std::int64_t prompt_tokens = 0;
  std::int64_t completion_tokens = 0;
};

// A streamed answer's token timings, from steady-clock times of the chunks that carried text
// (run/request_fields.hpp request_stats()). ttft_ms beside it is the first chunk's.
struct StreamStats {
  std::optional<double> ttfo_ms;  // to the chunk that began the answer, after any reasoning; null: no answer
  std::optional<double> tpot_ms;  // (latency - ttft) / (output_tokens - 1); null below 2 tokens
  std::vector<double> itl_ms;     // the gap before each text chunk after the first, in order
  std::int64_t output_tokens = 0;
  std::string output_tokens_from;  // "usage": the server's count; "chunks": text chunks counted
  // "kernel": every text chunk timed by the kernel's receive time of its bytes; "read": by when
  // the client read it; "mixed": some of each; "": not recorded (a record written before).
  std::string token_times_from;
};

// A chat request's timings and usage (run/tier.hpp request_stats()). A cached answer took no
// time in this run: its timings are kept apart as cached_latency_ms, latency_ms and ttft_ms
// are null (nullopt), so no latency statistic counts them as new.
struct RequestTimings {
  bool cached = false;
  std::optional<double> latency_ms;         // null: cached, or not known
  std::optional<double> ttft_ms;            // null: cached, not streamed, or no text streamed
  std::optional<double> cached_latency_ms;  // null unless cached
  std::optional<Usage> usage;               // null: the server reported none
  std::optional<StreamStats> stream;        // absent unless the answer was streamed in this run
};

// How the item's request went. An embedding request's record, or that of an item whose
// request was never sent (http_status 0, attempts 0), carries no timings.
struct RequestStats {
  int http_status = 0;  // 0: no HTTP response
  int attempts = 0;
  std::optional<RequestTimings> timings;  // absent from the record when nullopt
};

struct ItemRecord {
  // Set in every record: the tier's name ("standard", "tier_2", ...) and the key that is
  // unique within the run. Written when not empty.
  std::string tier;
  std::string key;
  // Absent from the record when nullopt.
  std::optional<std::string> task;
  std::optional<std::string> item_id;  // tier_0's records (one per model) have null: in payload
  std::optional<std::string> model;    // the model that made this record's request
  std::optional<std::string> role;     // "generation", "judge", "production_judge", "embedding"
  std::optional<int> repeat;
  // The model run(s) the record belongs to, by role (see run/tier.hpp record_applies()).
  std::optional<std::string> generation_model;
  std::optional<std::string> judge_model;
  std::optional<std::string> production_judge_model;
  std::optional<std::string> embedding_model;
  std::optional<RequestStats> request;
  // Null (nullopt) unless the item failed; error_kind is a value of records/fields.hpp
  // error_kind or a request outcome. A truncated reply has error_kind "truncated" and no error.
  std::optional<std::string> error;
  std::optional<std::string> error_kind;
  // Every other field, as the tier wrote it (an object).
  nlohmann::json payload = nlohmann::json::object();

  bool failed() const { return error.has_value(); }
};

// nlohmann's conversions (`json j = record;`, `j.get<ItemRecord>()`). from_json of a value
// that is not an object throws Error (read_journal returns objects only).
void to_json(nlohmann::json& out, const ItemRecord& record);
void from_json(const nlohmann::json& in, ItemRecord& record);

// The same as from_json, moving the tier's fields out of `record` instead of copying them.
ItemRecord item_record_from_json(nlohmann::json&& record);

// The envelope of `record` alone, its tier's fields left out (payload holds only envelope fields
// of another type): for a reader that needs no tier field, without copying them.
ItemRecord item_envelope(const nlohmann::json& record);

// The fields request_stats() writes, as they appear in a record.
void put_request_stats(nlohmann::json& out, const RequestStats& stats);

}  // namespace llmbench::records
