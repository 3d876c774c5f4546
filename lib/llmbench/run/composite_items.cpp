#include "llmbench/run/composite_items.hpp"

#include <map>
#include <set>
#include <string_view>

#include "llmbench/metrics/catalogue.hpp"
#include "llmbench/metrics/text_overlap.hpp"
#include "llmbench/records/fields.hpp"
#include "llmbench/records/journal.hpp"
#include "llmbench/run/request_fields.hpp"
#include "llmbench/util/json.hpp"

namespace llmbench::run {
namespace {

using nlohmann::json;
using metrics::Statistic;
namespace field = records::field;

enum class Kind { accuracy, latency, judge_score, verdict_score, overlap, cost };

// What a weighted path reads per item.
struct Source {
  Kind kind = Kind::accuracy;
  std::string tier, task;  // task: standard only
  std::string block;       // the path of the metric's block under metrics ("standard.mmlu", "tier_2")
  std::string name;        // judge id, verdict metric, overlap key, or cost part
  bool judges = false;     // cost: the verdicts' (judge_cost), not the answers'
  Statistic statistic = Statistic::mean;
  double rank = 0.5;
};

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }
bool ends_with(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && s.substr(s.size() - p.size()) == p;
}

// The verdict metric a tier 2/3 judge key averages (tiers/rag_answer_metrics' judge_metric_key, inverted).
std::string verdict_metric(std::string_view key) {
  if (key == "avg_faithfulness") return "faithfulness";
  if (key == "avg_answer_relevance") return "relevance";
  if (key == "avg_answer_correctness") return "correctness";
  if (key == "avg_e2e_score") return "e2e";
  return {};
}

std::optional<Source> cost_source(Source s, std::string_view rest) {
  for (const bool judges : {false, true}) {
    const std::string prefix = judges ? "judge_cost." : "cost.";
    if (!starts_with(rest, prefix)) continue;
    const std::string part(rest.substr(prefix.size()));
    if (part != "input" && part != "output" && part != "total") return std::nullopt;
    s.kind = Kind::cost;
    s.name = part;
    s.judges = judges;
    s.statistic = Statistic::sum;
    return s;
  }
  return std::nullopt;
}

std::optional<Source> source_of(const std::string& path) {
  Source s;
  const auto dot = path.find('.');
  if (dot == std::string::npos) return std::nullopt;
  s.tier = path.substr(0, dot);
  std::string_view rest = std::string_view(path).substr(dot + 1);
  if (s.tier == "standard") {
    const auto task_end = rest.find('.');
    if (task_end == std::string_view::npos) return std::nullopt;
    s.task = std::string(rest.substr(0, task_end));
    s.block = "standard." + s.task;
    rest = rest.substr(task_end + 1);
    if (rest == "accuracy") return s;
    if (rest == "latency_ms.mean" || rest == "latency_ms.p50" || rest == "latency_ms.p95") {
      s.kind = Kind::latency;
      s.statistic = rest == "latency_ms.mean" ? Statistic::mean : Statistic::nearest_rank;
      s.rank = rest == "latency_ms.p95" ? 0.95 : 0.5;
      return s;
    }
    if (starts_with(rest, "judges.") && ends_with(rest, ".score") && rest.size() > 13) {
      s.kind = Kind::judge_score;
      s.name = std::string(rest.substr(7, rest.size() - 13));
      return s;
    }
    return cost_source(s, rest);
  }
  s.block = s.tier;
  if (s.tier == "tier_2" || s.tier == "tier_3") {
    if (const std::string metric = verdict_metric(rest); !metric.empty()) {
      s.kind = Kind::verdict_score;
      s.name = metric;
      return s;
    }
    if (rest == "avg_rouge1_f" || rest == "avg_rouge2_f" || rest == "avg_rougeL_f" || rest == "avg_bleu") {
      s.kind = Kind::overlap;
      s.name = std::string(rest.substr(4));
      return s;
    }
  }
  if (s.tier == "tier_0" || s.tier == "tier_1") return std::nullopt;  // embedding requests are not costed
  return cost_source(s, rest);
}

std::optional<double> number(const json& r, const char* name) {
  const auto it = r.find(name);
  return it != r.end() && it->is_number() ? std::optional<double>(it->get<double>()) : std::nullopt;
}

// The block's own price per token of `part` ("input": per prompt token), from its cost and tokens.
std::optional<double> price_per_token(const json& block, const Source& s, const char* part) {
  const json* cost = metrics::value_at(block, std::string(s.judges ? "judge_cost." : "cost.") + part);
  const json* tokens = metrics::value_at(block, std::string(s.judges ? "judge_tokens." : "tokens.") +
                                                    (std::string_view(part) == "input" ? "prompt" : "completion"));
  if (cost == nullptr || tokens == nullptr || !cost->is_number() || !tokens->is_number()) return std::nullopt;
  const double n = tokens->get<double>();
  return n > 0 ? cost->get<double>() / n : 0.0;
}

// The record's value for `s`, or nullopt when it holds none.
std::optional<double> item_value(const json& r, const Source& s, const json& block) {
  const std::string role = util::string_field(r, field::kRole);
  const bool verdict = role == "judge" || role == "production_judge";
  switch (s.kind) {
    case Kind::accuracy: {
      const auto correct = r.find(field::kCorrect);
      if (role != "generation" || correct == r.end() || !correct->is_boolean()) return std::nullopt;
      return correct->get<bool>() ? 1.0 : 0.0;
    }
    case Kind::latency: return role == "generation" ? number(r, field::kLatencyMs) : std::nullopt;
    case Kind::judge_score:
      if (role != "judge" || util::string_field(r, field::kJudgeModel) != s.name) return std::nullopt;
      return number(r, field::kScore);
    case Kind::verdict_score:
      if (role != "judge" || util::string_field(r, "metric") != s.name) return std::nullopt;
      return number(r, field::kScore);
    case Kind::overlap: {
      const std::string reference = util::string_field(r, field::kReference);
      if (role != "generation" || r.value(field::kRepeat, 0) != 0 || reference.empty()) return std::nullopt;
      const json o = metrics::to_json(metrics::text_overlap(util::string_field(r, field::kResponse), reference));
      return o.value(s.name, 0.0);
    }
    case Kind::cost: {
      const auto usage = r.find(field::kUsage);
      if (verdict != s.judges || (!verdict && role != "generation") || usage == r.end() || !usage->is_object()) {
        return std::nullopt;
      }
      const double prompt = usage->value("prompt_tokens", 0.0), completion = usage->value("completion_tokens", 0.0);
      const auto in = price_per_token(block, s, "input"), out = price_per_token(block, s, "output");
      if (!in || !out) return std::nullopt;
      if (s.name == "input") return prompt * *in;
      if (s.name == "output") return completion * *out;
      return prompt * *in + completion * *out;
    }
  }
  return std::nullopt;
}

}  // namespace

bool resampled_metric(const std::string& path) { return source_of(path).has_value(); }

CompositeItems::CompositeItems(const std::filesystem::path& item_log, const std::vector<Weight>& weights) {
  std::set<std::string> tiers;
  for (const Weight& w : weights) {
    if (const auto s = source_of(w.path)) tiers.insert(s->tier);
  }
  if (tiers.empty() || !std::filesystem::exists(item_log)) return;
  std::map<std::string, json> latest;
  records::scan_journal(item_log, records::DamagedLines::skip, [&](json&& r) {
    if (!tiers.count(util::string_field(r, field::kTier))) return;
    for (const char* display : {field::kPrompt, field::kQuestion, field::kContext, field::kReasoning, field::kRationale}) {
      r.erase(display);
    }
    std::string key = util::string_field(r, field::kKey);  // before r is moved from
    latest[std::move(key)] = std::move(r);
  });
  records_.reserve(latest.size());
  for (auto& [key, r] : latest) records_.push_back(std::move(r));
}

std::optional<ItemValues> CompositeItems::values(const Weight& weight, const json& model_run) const {
  const auto s = source_of(weight.path);
  if (!s) return std::nullopt;
  const json* metrics = metrics::value_at(model_run, "metrics");
  const json* block = metrics != nullptr ? metrics::value_at(*metrics, s->block) : nullptr;
  if (block == nullptr) return std::nullopt;
  // A standard task's judge scores sit in every model run of its generation model, whichever
  // judge the model run names: that judge's records are the ones that apply.
  json judged_run;
  if (s->kind == Kind::judge_score) {
    judged_run = model_run;
    judged_run[field::kJudgeModel] = s->name;
  }
  const json& applies_to = s->kind == Kind::judge_score ? judged_run : model_run;
  ItemValues out;
  out.statistic = s->statistic;
  out.rank = s->rank;
  for (const json& r : records_) {
    if (util::string_field(r, field::kTier) != s->tier || (!s->task.empty() && util::string_field(r, field::kTask) != s->task) ||
        record_failed(r) || !record_applies(r, applies_to)) {
      continue;
    }
    if (const auto v = item_value(r, *s, *block)) out.items.push_back(*v);
  }
  if (out.items.empty()) return std::nullopt;
  return out;
}

}  // namespace llmbench::run
