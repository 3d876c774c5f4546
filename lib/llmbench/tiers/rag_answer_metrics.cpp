#include "llmbench/tiers/rag_answer_metrics.hpp"

#include <map>
#include <set>
#include <string>

#include "llmbench/metrics/bootstrap.hpp"
#include "llmbench/metrics/text_overlap.hpp"
#include "llmbench/tiers/rag_entries.hpp"

namespace llmbench::tiers {

namespace {

using nlohmann::json;

struct Mean {
  double sum = 0;
  std::size_t n = 0;
  void add(double v) {
    sum += v;
    ++n;
  }
  void put(json& out, std::string_view key) const {
    if (n > 0) out[std::string(key)] = sum / static_cast<double>(n);
  }
};

// A judge's scores, one per item: their mean, and beside it "<key>_ci95", a seeded percentile
// bootstrap over the items (1,000 resamples), so a lenient judge's 4.2 carries its spread.
struct Scores {
  std::vector<double> values;
  void put(json& out, const std::string& key) const {
    if (values.empty()) return;
    double sum = 0;
    for (double v : values) sum += v;
    out[key] = sum / static_cast<double>(values.size());
    if (const auto ci = metrics::bootstrap_mean_interval(values, {.rounds = 1000, .seed = kJudgeBootstrapSeed})) {
      out[key + "_ci95"] = {{"low", ci->low}, {"high", ci->high}};
    }
  }
  static constexpr std::uint64_t kJudgeBootstrapSeed = 20240601;
};

}  // namespace

std::string_view judge_metric_key(std::string_view metric) {
  if (metric == "faithfulness") return "avg_faithfulness";
  if (metric == "relevance") return "avg_answer_relevance";
  if (metric == "correctness") return "avg_answer_correctness";
  if (metric == "e2e") return "avg_e2e_score";
  return "avg_unknown_metric";
}

json answer_metrics(const std::vector<const json*>& records) {
  const RagEntries entries(records);
  return answer_metrics(entries.pointers, entries.names);
}

json answer_metrics(const std::vector<const RagEntry*>& entries, const RagNames& names) {
  std::set<std::uint32_t> items;
  std::vector<metrics::TextOverlap> overlaps;
  std::map<std::uint32_t, std::map<int, std::string>> answers;  // item -> repeat -> answer (its digest)
  std::map<std::string, Scores> judge_scores;
  Mean consistency, similarity, dot, euclid;
  std::size_t successful = 0, errors = 0;
  for (const RagEntry* e : entries) {
    if (e->failed) ++errors;
    if (e->role == RagEntry::Role::generation) {
      items.insert(e->item);
      if (e->failed) continue;
      answers[e->item][e->repeat] = e->answer_text();
      if (e->has_overlap) overlaps.push_back(e->overlap());
    } else if (e->role == RagEntry::Role::judge) {
      if (e->failed || !e->has_score) continue;
      ++successful;
      judge_scores[std::string(judge_metric_key(names.at(e->metric)))].values.push_back(e->score);
    } else if (e->role == RagEntry::Role::embedding) {
      if (e->failed) continue;
      auto add = [&](RagEntry::Similarity which, Mean& mean) {
        if (e->has_value & (1U << which)) mean.add(e->values[which]);
      };
      add(RagEntry::kConsistency, consistency);
      add(RagEntry::kSimilarity, similarity);
      add(RagEntry::kDot, dot);
      add(RagEntry::kEuclid, euclid);
    }
  }
  json out = json::object();
  for (const auto& [key, scores] : judge_scores) scores.put(out, key);
  out.update(metrics::to_json(metrics::summarize(overlaps)));
  std::vector<std::vector<std::string>> repeated;
  for (const auto& [item, by_repeat] : answers) {
    std::vector<std::string> list;
    for (const auto& [repeat, text] : by_repeat) list.push_back(text);
    repeated.push_back(std::move(list));
  }
  if (auto rate = metrics::response_exact_match_rate(repeated)) out["response_exact_match_rate"] = *rate;
  consistency.put(out, "response_semantic_consistency");
  similarity.put(out, "avg_semantic_similarity");
  dot.put(out, "avg_dot_similarity");
  euclid.put(out, "avg_euclidean_distance");
  out["total_queries"] = items.size();
  out["successful_evaluations"] = successful;
  out["errors"] = errors;
  return out;
}

}  // namespace llmbench::tiers
