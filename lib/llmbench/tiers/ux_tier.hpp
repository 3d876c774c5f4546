#pragma once
// tier_ux: a RAG assistant's user-experience numbers from the log of its own traffic
// (data/ux_log.hpp; --ux-log, default the shipped synthetic sample benchmarks/data/ux/).
//
// Answer-cache hit rate (role embedding): every question of the log is embedded with each
// embedding model (one set of batches, through the run's executor: cached, journaled); a turn is
// a hit when its question's cosine similarity to some EARLIER question of the log (earlier in the
// file, which is the traffic's order; any session) is >= --ux-similarity. The first question
// of the log is never a hit. Records: key "tier_ux|<session>#<turn>|emb=<model>", similarity,
// nearest_item_id, hit, logged_cached (the log's flag or null).
//
// Context preservation (role judge): each follow-up turn (a turn after the first of its session
// in the log) is judged by each judge with the ux_context prompt (earlier turns of its session,
// the follow-up question and answer); the reply must start with Yes or No
// (tasks::parse_show_verdict), anything else is an item error (error_kind "unparsed_verdict"),
// never a default. Records: key "tier_ux|<session>#<turn>|judge=<model>", extracted
// ("Yes"/"No"), preserved (true/false/null).
//
// --limit and --shard choose which turns get records (task "ux", id "<session>#<turn>"); the
// similarity is always to every earlier question of the whole log.

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "llmbench/data/ux_log.hpp"
#include "llmbench/tiers/rag_context.hpp"
#include "llmbench/tiers/tier.hpp"

namespace llmbench::tiers {

class UxTier final : public Tier {
 public:
  // Loads the log (throws InputError/Error on a bad one) and the ux_context prompt.
  UxTier(std::shared_ptr<RagContext> context, const std::string& data_dir);
  std::string name() const override { return "tier_ux"; }
  std::vector<config::Role> roles() const override { return {config::Role::embedding, config::Role::judge}; }
  std::string plan(const run::ModelMatrix& models) const override;
  std::vector<run::PlannedLoad> planned_load(const run::ModelMatrix& models) const override;
  std::size_t job_count(const run::ModelMatrix& models) const override;
  nlohmann::json datasets_json() const override;
  // The log's turns are answered already: nothing to teach the simulator.
  std::vector<data::ItemSet> item_sets() const override { return {}; }
  void submit(http::Executor& executor, const run::ModelMatrix& models, const std::set<std::string>& done,
              RecordSink sink) override;
  // metrics.tier_ux: ux_metrics() of the model run's records.
  void aggregate(const std::vector<const nlohmann::json*>& records, const run::ModelMatrix& models,
                 nlohmann::json& model_runs) const override;

 private:
  void submit_cache(SharedRequests& requests, const run::ModelMatrix& models, const std::set<std::string>& done,
                    const RecordSink& sink) const;
  void submit_judges(http::Executor& executor, SharedRequests& requests, const run::ModelMatrix& models,
                     const std::set<std::string>& done, RecordSink sink);
  std::vector<http::ChatMessage> judge_prompt(std::size_t turn) const;

  std::shared_ptr<RagContext> context_;
  std::string file_;
  std::vector<data::UxTurn> turns_;        // the whole log, in file order
  std::vector<std::string> questions_;     // turns_[i].question
  std::vector<std::size_t> selected_;      // turns --limit/--shard chose (indices, file order)
  std::vector<std::size_t> followups_;     // of selected_, those that are follow-ups
  std::vector<std::vector<std::size_t>> earlier_;  // per turn: the earlier turns of its session
  double threshold_ = 0.9;
  const tasks::PromptTemplate* prompt_ = nullptr;
};

// The earlier turns of a session as the judge reads them ("Turn 1\nUser: ...\nAssistant: ...").
std::string earlier_turns_text(const std::vector<data::UxTurn>& turns, const std::vector<std::size_t>& earlier);

// The record of `judge_id`'s verdict on follow-up `turn` (pure but for parsing the reply).
nlohmann::json ux_judge_record(const std::string& key, const std::string& judge_id, const data::UxTurn& turn,
                               const std::string& context, const std::vector<http::ChatMessage>& prompt,
                               const http::RequestRecord& rec);

// metrics.tier_ux from one model run's tier_ux records (pure):
//   cache_hit: {rate, ci95 {low, high} (Wilson), n, hits, errors, threshold}   (embedding records)
//   cache_flags: metrics::to_json(classify) of the logged `cached` flags (truth) against the
//     rule's hits (prediction), over turns with a flag: accuracy, precision, recall, ...
//   context_preservation: {rate, ci95, n, preserved, errors, avg_latency_ms}   (judge records)
// A block is absent when the model run has no record of its kind; a rate when its n is 0.
nlohmann::json ux_metrics(const std::vector<const nlohmann::json*>& records);

}  // namespace llmbench::tiers
