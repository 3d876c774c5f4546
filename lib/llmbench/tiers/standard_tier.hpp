#pragma once
// The standard tier: benchmark tasks (MMLU, GSM8K, ARC, TruthfulQA, HellaSwag, MedQA and
// custom tasks) asked as chat prompts and scored from the answer text.
//
// Each task is a data::TaskSpec: its prompt style builds the prompts, its answer filters (or
// its scorer alone) score the replies, and a `scorer: judge` task's answers are scored by the
// benchmark judges (standard_judge.hpp). Prompts are built once and are the same for every
// model. Scoring turns a request's record into an item-log record; metrics are computed from
// item-log records only (so a resumed run aggregates exactly like an uninterrupted one).

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "llmbench/config/registry.hpp"
#include "llmbench/data/tasks.hpp"
#include "llmbench/http/types.hpp"
#include "llmbench/run/options.hpp"
#include "llmbench/tasks/prompt.hpp"
#include "llmbench/tiers/standard_metrics.hpp"
#include "llmbench/tiers/tier.hpp"

namespace llmbench::tiers {

// One prompt of the tier, shared by every model.
struct StandardPrompt {
  std::size_t task = 0;  // index into StandardTier::tasks()
  const data::Item* item = nullptr;
  std::vector<http::ChatMessage> messages;
  tasks::McPrompt mc;  // multiple choice only (messages are then mc.messages)
};

struct StandardTask {
  data::Dataset dataset;
  std::vector<data::Item> items;  // the items --limit selected, in dataset order
  std::size_t items_total = 0;
};

class StandardTier final : public Tier {
 public:
  // Loads the tasks named in options.tasks (all standard tasks when empty) from `data_dir`,
  // selects items with --limit/--sample-seed and builds every prompt. Throws Error/InputError.
  StandardTier(const run::RunOptions& options, const std::string& data_dir);
  StandardTier(const StandardTier&) = delete;
  StandardTier& operator=(const StandardTier&) = delete;

  const std::vector<StandardTask>& tasks() const { return tasks_; }
  const std::vector<StandardPrompt>& prompts() const { return prompts_; }

  // The item-log record of `model`'s answer to `prompt`. A reply cut off by the token budget
  // (http::RequestRecord::cut_off) is marked "truncated": true and scored with Finish::cut_off
  // (only a complete final answer counts), or as it is under --score-truncated. The task's
  // first answer filter sets extracted/parsed/correct/verdict, each further one
  // extracted_<record_key>/verdict_<record_key>. A judge-scored task's answer has "scorer":
  // "judge" and a null verdict (its judges' records hold the scores; a failed request is an
  // error verdict as in any task).
  nlohmann::json score(const StandardPrompt& prompt, const std::string& model,
                       const http::RequestRecord& record) const;

  std::string name() const override { return "standard"; }
  // generation; and judge when a task is scored by judges (the sweep then fails before any
  // request, naming --judge-models, if no judge model is given or configured).
  std::vector<config::Role> roles() const override;
  std::string plan(const run::ModelMatrix& models) const override;
  std::vector<run::PlannedLoad> planned_load(const run::ModelMatrix& models) const override;
  std::size_t job_count(const run::ModelMatrix& models) const override;
  // task, split, files, items_total, items_selected per task.
  nlohmann::json datasets_json() const override;
  // Every selected question and the few-shot pool.
  std::vector<data::ItemSet> item_sets() const override;
  // One request per prompt and generation model; record key "standard|<task>/<item>|<model>".
  // For a judge-scored task, then one request per judge on that answer (standard_judge.hpp);
  // the answer is asked again whenever one of its judge records is still to be written.
  // Fed to the executor a window at a time (job_feeder.hpp), model by model, prompt by prompt.
  void submit(http::Executor& executor, const run::ModelMatrix& models,
              const std::set<std::string>& done, RecordSink sink) override;
  // metrics.standard of each model run, by generation model (see standard_metrics).
  void aggregate(const std::vector<const nlohmann::json*>& records, const run::ModelMatrix& models,
                 nlohmann::json& model_runs) const override;
  // The same from a StandardEntry per item (standard_metrics.hpp).
  std::unique_ptr<TierAggregator> aggregator(const run::ModelMatrix& models) const override;

 private:
  std::vector<StandardTask> tasks_;
  std::vector<StandardPrompt> prompts_;
  std::size_t judged_prompts_ = 0;  // prompts of judge-scored tasks
  bool score_truncated_ = false;    // RunOptions::score_truncated
  std::size_t feed_window_ = 0;     // feed_window(RunOptions::concurrency)
};

}  // namespace llmbench::tiers
