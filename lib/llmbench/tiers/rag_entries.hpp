#pragma once
// What the metrics of tier_2, tier_3, tier_judge and tier_judge_pipeline read of one item
// record, typed and packed (RagEntry). A sweep keeps an entry per record as records stream by
// (rag_aggregator), not the record, and computes the metrics from the entries at the end: no
// record is kept as text or parsed again. The metric functions over records (answer_metrics,
// judge_reliability_metrics, pipeline_metrics, put_request_costs) reduce the records to entries
// and call the same code, so both paths give the same metrics.

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "llmbench/metrics/text_overlap.hpp"
#include "llmbench/run/model_matrix.hpp"
#include "llmbench/tiers/standard_metrics.hpp"
#include "llmbench/tiers/tier.hpp"
#include "llmbench/tiers/tier_cost.hpp"
#include "llmbench/util/text_store.hpp"

namespace llmbench::tiers {

// The interned names of a set of entries (item ids, models, judge metrics) and their keys.
struct RagNames : StandardNames {
  util::TextStore keys;
};

struct RagEntry {
  enum class Role : std::uint8_t { other, generation, judge, embedding, production_judge };
  // What `values` hold: a generation's overlap with its reference, or an embedding's comparisons.
  enum Value : std::uint8_t { kRouge1 = 0, kRouge2, kRougeL, kBleu };
  enum Similarity : std::uint8_t { kConsistency = 0, kSimilarity, kDot, kEuclid };

  util::TextStore::Ref key;     // "key" in the names' keys: entries are aggregated in key order, as records are
  std::uint32_t item = 0;       // item_id ("" when none), an index into the names
  std::uint32_t model = 0;      // model, idem
  std::uint32_t metric = 0;     // a verdict's "metric", idem
  std::int32_t repeat = 0;      // "repeat" (0 when none)
  Role role = Role::other;
  bool failed = false;          // run::record_failed
  bool has_score : 1 = false;   // "score" is a number
  bool has_latency : 1 = false; // "latency_ms" is a number
  bool has_overlap : 1 = false; // a repeat-0 answer that is no error, with a reference: values 0-3
  bool ground_truth_show : 1 = false;  // "ground_truth_show": true
  bool parsed : 1 = false;             // "parsed": true
  bool extracted_yes : 1 = false;      // "extracted": "Yes"
  std::uint8_t has_value = 0;   // an embedding's comparisons: bit i when values[i] was a number
  double score = 0;
  double latency_ms = 0;
  TokenTotals tokens;           // its "usage"
  std::array<std::uint64_t, 2> answer{};  // an answer that is no error: 128-bit digest of its trimmed response
  std::array<double, 4> values{};

  metrics::TextOverlap overlap() const;
  // The answer's digest as text (equal for two answers exactly when their trimmed texts are).
  std::string answer_text() const;
};

// The entry of a RAG item record.
RagEntry rag_entry(const nlohmann::json& record, RagNames& names);

// The entries of records, and pointers to them (in the records' order).
struct RagEntries {
  RagNames names;
  std::vector<RagEntry> entries;
  std::vector<const RagEntry*> pointers;
  explicit RagEntries(const std::vector<const nlohmann::json*>& records);
};

// The entry forms of answer_metrics, judge_reliability_metrics, pipeline_metrics and
// put_request_costs (same keys, same values).
nlohmann::json answer_metrics(const std::vector<const RagEntry*>& entries, const RagNames& names);
nlohmann::json judge_reliability_metrics(const std::vector<const RagEntry*>& entries);
nlohmann::json pipeline_metrics(const std::vector<const RagEntry*>& entries);
void put_request_costs(nlohmann::json& out, const std::vector<const RagEntry*>& entries, const RagNames& names,
                       const run::ModelMatrix& models);

// A tier's metrics of one model run's entries (in key order).
using RagMetrics = std::function<nlohmann::json(const std::vector<const RagEntry*>&, const RagNames&)>;

// `metrics` with put_request_costs added, over one model run's records reduced to entries:
// what a tier's aggregate() passes aggregate_by_model_run. `models` must outlive it.
std::function<nlohmann::json(const std::vector<const nlohmann::json*>&)> with_entry_costs(
    RagMetrics metrics, const run::ModelMatrix& models);

// The aggregator of a tier whose aggregate() is aggregate_by_model_run(records, .., tier,
// with_entry_costs(metrics, models)): it keeps each key's latest entry and sets metrics.<tier>
// exactly as that would. `models` must outlive it.
std::unique_ptr<TierAggregator> rag_aggregator(std::string tier, RagMetrics metrics, const run::ModelMatrix& models);

}  // namespace llmbench::tiers
