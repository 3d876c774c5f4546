#pragma once
// One tier of a sweep (standard benchmarks, tier_0 ... tier_3, tier_judge,
// tier_judge_pipeline): the requests it sends and how its item records become metrics.
//
// The sweep drives every tier the same way:
//   1. make_tier() loads the tier's data (before any model is contacted);
//   2. plan(), planned_load() and item_sets() describe it;
//   3. submit() queues its jobs on the shared executor; each job ends in exactly one
//      record passed to the sink on the executor's loop thread (a record is one item-log
//      line: it carries "tier" == name() and a "key" unique within the run);
//   4. an aggregator() takes each record as it streams by (on --resume the journal's first,
//      then this run's) and finally sets metrics.<name> of the model runs they belong to.
//      aggregate() is the same computation over records held in memory.
// A job whose key is already in `done` (resume) is not submitted again.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "llmbench/config/registry.hpp"
#include "llmbench/data/tasks.hpp"
#include "llmbench/http/executor.hpp"
#include "llmbench/run/cost_estimate.hpp"
#include "llmbench/run/model_matrix.hpp"
#include "llmbench/run/options.hpp"
#include "llmbench/run/request_fields.hpp"

namespace llmbench::tiers {


using RecordSink = std::function<void(nlohmann::json record)>;

// A tier's metrics, gathered as its records stream by, so a sweep holds what the metrics are
// made of (a verdict, a latency, a score per item) rather than the records. add() is called on
// one thread in journal order; a record whose "key" was added before replaces that earlier
// record (a key seen twice counts once, last wins). finish() sets metrics.<tier> on the model
// runs exactly as Tier::aggregate() over the kept records would.
class TierAggregator {
 public:
  virtual ~TierAggregator() = default;
  // True when the record's key is new: no record of it was added before (so a sweep counts
  // its distinct items from here instead of indexing every key a second time).
  virtual bool add(const nlohmann::json& record) = 0;
  virtual void finish(nlohmann::json& model_runs) const = 0;
};

// The distinct sets of role models ({generation_model: ..., judge_model: ...}, the fields
// run::record_applies reads) among a tier's records, so an aggregator keeps a small index per
// record instead of those fields.
class RoleGroups {
 public:
  // The index of the record's set (a new one when not seen before).
  std::uint32_t of(const nlohmann::json& record);
  // Per index: whether records of that set apply to `model_run`.
  std::vector<bool> applying(const nlohmann::json& model_run) const;

 private:
  std::vector<nlohmann::json> groups_;
};

class Tier {
 public:
  virtual ~Tier() = default;

  // "standard", "tier_0", "tier_1", "tier_2", "tier_3", "tier_judge", "tier_judge_pipeline":
  // the metrics key and every record's "tier".
  virtual std::string name() const = 0;
  // The roles whose models this tier needs (the sweep resolves and checks them).
  virtual std::vector<config::Role> roles() const = 0;
  // Plan lines (each ending in '\n'): data, requests per model.
  virtual std::string plan(const run::ModelMatrix& models) const = 0;
  // What each model will be asked (requests and prompt bytes), for the plan's cost estimate.
  // Prompts that hold an answer not yet generated use the item's reference in its place.
  virtual std::vector<run::PlannedLoad> planned_load(const run::ModelMatrix& models) const = 0;
  // Records submit() will produce for these models (the progress total).
  virtual std::size_t job_count(const run::ModelMatrix& models) const = 0;
  // The run's `datasets` entries for this tier (task/dataset, split, files, counts).
  virtual nlohmann::json datasets_json() const = 0;
  // The items this tier asks about, with their gold answers (views into the tier's data).
  virtual std::vector<data::ItemSet> item_sets() const = 0;
  // Queues the tier's jobs (all at once, or fed as earlier ones complete): `models`, `done`
  // and what `sink` refers to must outlive executor.run().
  virtual void submit(http::Executor& executor, const run::ModelMatrix& models,
                      const std::set<std::string>& done, RecordSink sink) = 0;
  // The executor has run (no request of the sweep follows): let go of what only sending
  // needed, before the metrics are aggregated. Default: nothing to let go.
  virtual void requests_finished() {}
  // Sets metrics.<name()> on each model run (generation_model / judge_model /
  // production_judge_model / embedding_model fields) that `records` belong to.
  // `models` gives prices and ids.
  virtual void aggregate(const std::vector<const nlohmann::json*>& records, const run::ModelMatrix& models,
                         nlohmann::json& model_runs) const = 0;
  // The streaming form of aggregate() for these models (which must outlive it). The default
  // keeps each key's latest record without the text no metric reads (the prompt, question,
  // context, reasoning and rationale), as JSON text (the journal's form: a record reads the same
  // whether this run wrote it or a resume read it back), and calls aggregate() in finish() on
  // those records parsed again; a tier with many items keeps less.
  virtual std::unique_ptr<TierAggregator> aggregator(const run::ModelMatrix& models) const;
};

// The tier for a --tier value ("standard", "0", "1", "2", "3", "judge", "judge_pipeline").
// Loads its data from `data_dir`; throws Error/InputError.
std::unique_ptr<Tier> make_tier(const std::string& tier, const run::RunOptions& options,
                                const std::string& data_dir);


// One PlannedLoad per model of `list`, each with the same requests and bytes.
std::vector<run::PlannedLoad> same_load(config::Role role, const std::vector<config::ResolvedModel>& list,
                                   std::size_t requests, std::size_t input_bytes);






// Sets metrics.<tier> on every model run a record applies to, from `compute` over those records.
template <typename Compute>
void aggregate_by_model_run(const std::vector<const nlohmann::json*>& records, nlohmann::json& model_runs,
                            const char* tier, Compute compute) {
  for (nlohmann::json& mr : model_runs) {
    std::vector<const nlohmann::json*> mine;
    for (const nlohmann::json* r : records) {
      if (run::record_applies(*r, mr)) mine.push_back(r);
    }
    if (!mine.empty()) mr["metrics"][tier] = compute(mine);
  }
}

}  // namespace llmbench::tiers
