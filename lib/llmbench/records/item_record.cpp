#include "llmbench/records/item_record.hpp"

#include <algorithm>

#include "llmbench/error.hpp"
#include "llmbench/records/fields.hpp"

namespace llmbench::records {

using nlohmann::json;

namespace {

// Each take_* moves a field out of `in` into the envelope when it has the envelope's type, and
// leaves it where it is (for the payload) otherwise.

template <typename T, typename Check>
std::optional<T> take(json& in, const char* name, Check check) {
  auto it = in.find(name);
  if (it == in.end() || !check(*it)) return std::nullopt;
  T value = it->get<T>();
  in.erase(it);
  return value;
}

std::optional<std::string> take_string(json& in, const char* name) {
  return take<std::string>(in, name, [](const json& v) { return v.is_string(); });
}

// "tier" and "key": a non-empty string, else "" (and the field stays in the payload).
std::string take_name(json& in, const char* name) {
  return take<std::string>(in, name,
                           [](const json& v) { return v.is_string() && !v.get_ref<const std::string&>().empty(); })
      .value_or(std::string());
}

// A field that is null or a string: nullopt for null or absent.
std::optional<std::string> take_nullable_string(json& in, const char* name) {
  auto it = in.find(name);
  if (it == in.end()) return std::nullopt;
  if (!it->is_null() && !it->is_string()) return std::nullopt;  // kept in the payload
  std::optional<std::string> value;
  if (it->is_string()) value = it->get<std::string>();
  in.erase(it);
  return value;
}

bool is_int(const json& v) { return v.is_number_integer(); }
bool is_nullable_float(const json& v) { return v.is_null() || v.is_number_float(); }

std::optional<double> nullable_double(const json& v) {
  return v.is_null() ? std::nullopt : std::optional<double>(v.get<double>());
}

bool is_usage(const json& v) {
  if (v.is_null()) return true;
  if (!v.is_object() || v.size() != 2) return false;
  auto p = v.find(field::kPromptTokens), c = v.find(field::kCompletionTokens);
  return p != v.end() && c != v.end() && p->is_number_integer() && c->is_number_integer();
}

bool is_float(const json& v) { return v.is_number_float(); }

// The stream group: taken when it is an object of exactly its fields, each of its type
// (token_times_from may be absent: records written before it).
std::optional<StreamStats> take_stream(json& in) {
  auto it = in.find(field::kStream);
  if (it == in.end() || !it->is_object()) return std::nullopt;
  const json& s = *it;
  const auto times = s.find(field::kTokenTimesFrom);
  const bool has_times = times != s.end();
  if (s.size() != (has_times ? 6u : 5u) || (has_times && !times->is_string())) return std::nullopt;
  auto itl = s.find(field::kItlMs), tokens = s.find(field::kOutputTokens), from = s.find(field::kOutputTokensFrom),
       ttfo = s.find(field::kTtfoMs), tpot = s.find(field::kTpotMs);
  if (itl == s.end() || tokens == s.end() || from == s.end() || ttfo == s.end() || tpot == s.end() ||
      !itl->is_array() || !std::all_of(itl->begin(), itl->end(), is_float) || !is_int(*tokens) ||
      !from->is_string() || !is_nullable_float(*ttfo) || !is_nullable_float(*tpot)) {
    return std::nullopt;
  }
  StreamStats stats;
  stats.ttfo_ms = nullable_double(*ttfo);
  stats.tpot_ms = nullable_double(*tpot);
  stats.itl_ms = itl->get<std::vector<double>>();
  stats.output_tokens = tokens->get<std::int64_t>();
  stats.output_tokens_from = from->get<std::string>();
  if (has_times) stats.token_times_from = times->get<std::string>();
  in.erase(it);
  return stats;
}

// The timings group: taken whole when each of its fields has its type, else left whole.
std::optional<RequestTimings> take_timings(json& in) {
  static constexpr const char* kGroup[] = {field::kCached, field::kLatencyMs, field::kTtftMs, field::kCachedLatencyMs,
                                           field::kUsage};
  for (const char* name : kGroup) {
    if (!in.contains(name)) return std::nullopt;
  }
  const json& cached = in[field::kCached];
  const json& usage = in[field::kUsage];
  if (!cached.is_boolean() || !is_nullable_float(in[field::kLatencyMs]) || !is_nullable_float(in[field::kTtftMs]) ||
      !is_nullable_float(in[field::kCachedLatencyMs]) || !is_usage(usage)) {
    return std::nullopt;
  }
  RequestTimings t;
  t.cached = cached.get<bool>();
  t.latency_ms = nullable_double(in[field::kLatencyMs]);
  t.ttft_ms = nullable_double(in[field::kTtftMs]);
  t.cached_latency_ms = nullable_double(in[field::kCachedLatencyMs]);
  if (!usage.is_null()) {
    t.usage =
        Usage{usage[field::kPromptTokens].get<std::int64_t>(), usage[field::kCompletionTokens].get<std::int64_t>()};
  }
  for (const char* name : kGroup) in.erase(name);
  t.stream = take_stream(in);
  return t;
}

std::optional<RequestStats> take_request(json& in) {
  auto status = in.find(field::kHttpStatus), attempts = in.find(field::kAttempts);
  if (status == in.end() || attempts == in.end() || !is_int(*status) || !is_int(*attempts)) return std::nullopt;
  RequestStats stats;
  stats.http_status = status->get<int>();
  stats.attempts = attempts->get<int>();
  in.erase(field::kHttpStatus);
  in.erase(field::kAttempts);
  stats.timings = take_timings(in);
  return stats;
}

json nullable(const std::optional<double>& v) { return v ? json(*v) : json(); }
json nullable(const std::optional<std::string>& v) { return v ? json(*v) : json(); }

void put_optional(json& out, const char* name, const std::optional<std::string>& v) {
  if (v) out[name] = *v;
}

}  // namespace

void put_request_stats(json& out, const RequestStats& stats) {
  // Members set in place (as out[name] = value would: a null `out` becomes an object, a member
  // of the same name is replaced); the nested objects are built without initializer lists,
  // which build and check a pair per field. Once per item.
  if (out.is_null()) out = json::object();
  auto& o = out.get_ref<json::object_t&>();
  o.insert_or_assign(field::kHttpStatus, stats.http_status);
  o.insert_or_assign(field::kAttempts, stats.attempts);
  if (!stats.timings) return;
  const RequestTimings& t = *stats.timings;
  o.insert_or_assign(field::kCached, t.cached);
  o.insert_or_assign(field::kLatencyMs, nullable(t.latency_ms));
  o.insert_or_assign(field::kTtftMs, nullable(t.ttft_ms));
  o.insert_or_assign(field::kCachedLatencyMs, nullable(t.cached_latency_ms));
  json usage;
  if (t.usage) {
    auto& u = (usage = json::object()).get_ref<json::object_t&>();
    u.emplace(field::kPromptTokens, t.usage->prompt_tokens);
    u.emplace(field::kCompletionTokens, t.usage->completion_tokens);
  }
  o.insert_or_assign(field::kUsage, std::move(usage));
  if (t.stream) {
    const StreamStats& s = *t.stream;
    json stream = json::object();
    auto& f = stream.get_ref<json::object_t&>();
    f.emplace(field::kTtfoMs, nullable(s.ttfo_ms));
    f.emplace(field::kTpotMs, nullable(s.tpot_ms));
    f.emplace(field::kItlMs, s.itl_ms);
    f.emplace(field::kOutputTokens, s.output_tokens);
    f.emplace(field::kOutputTokensFrom, s.output_tokens_from);
    if (!s.token_times_from.empty()) f.emplace(field::kTokenTimesFrom, s.token_times_from);
    o.insert_or_assign(field::kStream, std::move(stream));
  }
}

ItemRecord item_record_from_json(json&& in) {
  if (!in.is_object()) throw Error("an item record is a JSON object, not " + in.dump(), ExitCode::internal);
  ItemRecord r;
  r.tier = take_name(in, field::kTier);
  r.key = take_name(in, field::kKey);
  r.task = take_string(in, field::kTask);
  r.item_id = take_string(in, field::kItemId);
  r.model = take_string(in, field::kModel);
  r.role = take_string(in, field::kRole);
  r.repeat = take<int>(in, field::kRepeat, is_int);
  r.generation_model = take_string(in, field::kGenerationModel);
  r.judge_model = take_string(in, field::kJudgeModel);
  r.production_judge_model = take_string(in, field::kProductionJudgeModel);
  r.embedding_model = take_string(in, field::kEmbeddingModel);
  r.request = take_request(in);
  r.error = take_nullable_string(in, field::kError);
  r.error_kind = take_nullable_string(in, field::kErrorKind);
  r.payload = std::move(in);
  return r;
}

void from_json(const json& in, ItemRecord& record) { record = item_record_from_json(json(in)); }

ItemRecord item_envelope(const json& record) {
  static constexpr const char* kEnvelope[] = {
      field::kTier,         field::kKey,         field::kTask,           field::kItemId,
      field::kModel,        field::kRole,        field::kRepeat,         field::kGenerationModel,
      field::kJudgeModel,   field::kProductionJudgeModel,                field::kEmbeddingModel,
      field::kHttpStatus,   field::kAttempts,    field::kCached,         field::kLatencyMs,
      field::kTtftMs,       field::kCachedLatencyMs,                     field::kUsage,
      field::kError,        field::kErrorKind};
  if (!record.is_object()) return item_record_from_json(json(record));  // throws
  json envelope = json::object();
  for (const char* name : kEnvelope) {
    if (auto it = record.find(name); it != record.end()) envelope[name] = *it;
  }
  return item_record_from_json(std::move(envelope));
}

void to_json(json& out, const ItemRecord& r) {
  out = json::object();
  if (!r.tier.empty()) out[field::kTier] = r.tier;
  if (!r.key.empty()) out[field::kKey] = r.key;
  put_optional(out, field::kTask, r.task);
  put_optional(out, field::kItemId, r.item_id);
  put_optional(out, field::kModel, r.model);
  put_optional(out, field::kRole, r.role);
  if (r.repeat) out[field::kRepeat] = *r.repeat;
  put_optional(out, field::kGenerationModel, r.generation_model);
  put_optional(out, field::kJudgeModel, r.judge_model);
  put_optional(out, field::kProductionJudgeModel, r.production_judge_model);
  put_optional(out, field::kEmbeddingModel, r.embedding_model);
  if (r.request) put_request_stats(out, *r.request);
  out[field::kError] = nullable(r.error);
  out[field::kErrorKind] = nullable(r.error_kind);
  for (const auto& [name, value] : r.payload.items()) out[name] = value;
}

}  // namespace llmbench::records
