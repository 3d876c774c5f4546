#include "llmbench/run/tier.hpp"

#include <fmt/format.h>

#include "llmbench/error.hpp"
#include "llmbench/records/fields.hpp"
#include "llmbench/records/item_record.hpp"
#include "llmbench/run/latest_by_key.hpp"
#include "llmbench/run/rag_tiers.hpp"
#include "llmbench/run/standard_tier.hpp"

namespace llmbench::run {

namespace field = records::field;

using nlohmann::json;

namespace {

// Tier::aggregator()'s default: the latest record of each key, without its display-only text.
class RecordAggregator final : public TierAggregator {
 public:
  RecordAggregator(const Tier& tier, const ModelMatrix& models) : tier_(tier), models_(models) {}

  void add(const json& record) override {
    static const std::set<std::string, std::less<>> kDisplayOnly = {
        field::kContext, field::kPrompt, field::kQuestion, field::kRationale,
        field::kReasoning};
    json kept = json::object();
    for (const auto& [field, value] : record.items()) {
      if (!kDisplayOnly.count(field)) kept[field] = value;
    }
    records_.put(record.value(field::kKey, std::string()), std::move(kept));
  }

  void finish(json& model_runs) const override {
    std::vector<const json*> latest;
    records_.for_each([&](const json& r) { latest.push_back(&r); });
    tier_.aggregate(latest, models_, model_runs);
  }

 private:
  const Tier& tier_;
  const ModelMatrix& models_;
  LatestByKey<json> records_;
};

}  // namespace

std::unique_ptr<TierAggregator> Tier::aggregator(const ModelMatrix& models) const {
  return std::make_unique<RecordAggregator>(*this, models);
}

std::unique_ptr<Tier> make_tier(const std::string& tier, const RunOptions& options,
                                const std::string& data_dir) {
  if (tier == "standard") return std::make_unique<StandardTier>(options, data_dir);
  if (auto rag = make_rag_tier(tier, options, data_dir)) return rag;
  throw Error(fmt::format("--tier {}: this tier is not implemented yet in this build; "
                          "run --tier standard", tier));
}

std::vector<config::ResolvedModel>& role_models(ModelMatrix& m, config::Role role) {
  switch (role) {
    case config::Role::generation: return m.generation;
    case config::Role::judge: return m.judges;
    case config::Role::production_judge: return m.production_judges;
    case config::Role::embedding: return m.embedding;
  }
  return m.generation;
}

const std::vector<config::ResolvedModel>& role_models(const ModelMatrix& m, config::Role role) {
  return role_models(const_cast<ModelMatrix&>(m), role);
}

http::ApiRequest chat_request(const config::ResolvedModel& model, std::vector<http::ChatMessage> messages) {
  http::ApiRequest request;
  request.kind = http::ApiKind::chat;
  request.endpoint = model.endpoint;
  request.model = model.api_model;
  request.messages = std::move(messages);
  request.params = model.params;
  return request;
}

bool record_applies(const nlohmann::json& record, const nlohmann::json& model_run) {
  for (const char* name : field::kRoleModels) {
    auto it = record.find(name);
    if (it == record.end() || it->is_null()) continue;
    auto mr = model_run.find(name);
    if (mr == model_run.end() || *mr != *it) return false;
  }
  return true;
}

bool record_failed(const json& record) {
  auto it = record.find(field::kError);
  return it != record.end() && !it->is_null();
}

std::size_t message_bytes(const std::vector<http::ChatMessage>& messages) {
  std::size_t bytes = 0;
  for (const auto& m : messages) bytes += m.content.size();
  return bytes;
}

std::vector<PlannedLoad> same_load(config::Role role, const std::vector<config::ResolvedModel>& list,
                                   std::size_t requests, std::size_t input_bytes) {
  std::vector<PlannedLoad> out;
  for (const auto& m : list) out.push_back({role, m.id, requests, input_bytes});
  return out;
}

json messages_json(const std::vector<http::ChatMessage>& messages) {
  json out = json::array();
  for (const auto& m : messages) out.push_back({{"role", m.role}, {"content", m.content}});
  return out;
}

json request_stats(const http::RequestRecord& record) {
  // A cached answer took no time in this run: its timings (the original request's) are kept
  // apart as cached_latency_ms, so no latency statistic counts them as new.
  const double latency_ms = record.timings.latency_ms();
  const double ttft_ms = record.timings.ttft_ms();
  auto known = [](bool keep, double ms) { return keep && ms >= 0 ? std::optional<double>(ms) : std::nullopt; };
  records::RequestTimings timings;
  timings.cached = record.cached;
  timings.latency_ms = known(!record.cached, latency_ms);
  timings.ttft_ms = known(!record.cached, ttft_ms);
  timings.cached_latency_ms = known(record.cached, latency_ms);
  if (record.usage.known()) timings.usage = records::Usage{record.usage.prompt_tokens, record.usage.completion_tokens};
  json out = json::object();
  records::put_request_stats(out, {record.http_status, record.attempts, timings});
  return out;
}

}  // namespace llmbench::run
