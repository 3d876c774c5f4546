#pragma once
// The standard tier: benchmark tasks (MMLU, GSM8K, ARC, TruthfulQA, HellaSwag, MedQA and
// custom tasks) asked as chat prompts and scored from the answer text.
//
// Each task is a data::TaskSpec: its prompt style builds the prompts, its answer filters (or
// its scorer alone) score the replies, and a `scorer: judge` task's answers are scored by the
// benchmark judges (standard_judge.hpp). A prompt is the same for every model; it is built
// when its requests are sent, so a sweep holds the prompts of the requests in flight, not one
// per item (some 2 KB each for MMLU). Scoring turns a request's record into an item-log record; metrics are computed from
// item-log records only (so a resumed run aggregates exactly like an uninterrupted one).

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "llmbench/config/registry.hpp"
#include "llmbench/data/tasks.hpp"
#include "llmbench/http/types.hpp"
#include "llmbench/run/options.hpp"
#include "llmbench/tasks/prompt.hpp"
#include "llmbench/tiers/standard_code.hpp"
#include "llmbench/tiers/standard_metrics.hpp"
#include "llmbench/tiers/tier.hpp"

namespace llmbench::tiers {

// One prompt of the tier, the same for every model.
struct StandardPrompt {
  std::size_t task = 0;  // index into StandardTier::tasks()
  data::Item item;  // rebuilt from StandardTask::items for this prompt (its source "")
  std::vector<http::ChatMessage> messages;
  tasks::McPrompt mc;  // multiple choice only (its messages were moved to `messages`)
};

struct StandardTask {
  data::Dataset dataset;
  data::PackedItems items;  // the items --limit selected, in dataset order, packed once the
                            // constructor has built each one's prompt (their `source` is not kept);
                            // their text goes once submit() built the last model's prompts of them
  std::size_t items_total = 0;
};

class StandardTier final : public Tier {
 public:
  // The prompts in order (task by task, item by item), each built when it is asked for.
  class Prompts {
   public:
    explicit Prompts(const StandardTier& tier) : tier_(tier) {}
    std::size_t size() const { return tier_.prompt_count_; }
    // Builds the i-th prompt; throws std::out_of_range when i >= size().
    StandardPrompt at(std::size_t i) const;

   private:
    const StandardTier& tier_;
  };

  // Loads the tasks named in options.tasks (all standard tasks when empty) from `data_dir`,
  // selects items with --limit/--sample-seed (the rest of each dataset is let go) and builds
  // every prompt once to measure it, so a bad item fails here, before any request. Throws
  // Error/InputError.
  StandardTier(const run::RunOptions& options, const std::string& data_dir);
  StandardTier(const StandardTier&) = delete;
  StandardTier& operator=(const StandardTier&) = delete;

  const std::vector<StandardTask>& tasks() const { return tasks_; }
  Prompts prompts() const { return Prompts(*this); }
  // The prompt of tasks()[task].items.at(item); throws std::logic_error once submit() has built
  // that task's prompts for the last generation model (their text went).
  StandardPrompt prompt(std::size_t task, std::size_t item) const;

  // The item-log record of `model`'s answer to `prompt`. A reply cut off by the token budget
  // (http::RequestRecord::cut_off) is marked "truncated": true and scored with Finish::cut_off
  // (only a complete final answer counts), or as it is under --score-truncated. The task's
  // first answer filter sets extracted/parsed/correct/verdict, each further one
  // extracted_<record_key>/verdict_<record_key>. A judge-scored task's answer has "scorer":
  // "judge" and a null verdict (its judges' records hold the scores; a failed request is an
  // error verdict as in any task). A code task's answer has its "code" (standard_code.hpp) and a
  // null verdict until its program has run (code_program), or is unparsed without code.
  // `sample`: which of --samples answers this is (its key gets "|s<sample>" when > 0).
  nlohmann::json score(const StandardPrompt& prompt, const std::string& model,
                       const http::RequestRecord& record, int sample = 0) const;
  // The program that tests the code of a code answer `record` (score's) to `prompt`.
  std::string code_program(const StandardPrompt& prompt, const nlohmann::json& record) const;

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
  // One request per prompt and generation model (--samples per code task's prompt); record key
  // "standard|<task>/<item>|<model>" (a code task's further samples: "...|s<k>"). With
  // models.safety_judge, a refusal-scored answer's record is written once that judge has
  // labelled it (safety_judge.hpp).
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
  // The prompt of `item` of `task` (tasks_[t] once the constructor has added it).
  StandardPrompt build_prompt(const StandardTask& task, std::size_t t, data::Item item) const;
  // The messages of `item`'s prompt, built from the item in place (no copy of it); a multiple-
  // choice task's McPrompt (its messages moved out) into *mc unless mc is null.
  std::vector<http::ChatMessage> prompt_messages(const StandardTask& task, const data::Item& item,
                                                 tasks::McPrompt* mc) const;
  // Counts `item`'s prompt and the requests it leads to (prompt_count_, prompt_bytes_, ...):
  // its messages only, not a StandardPrompt with a copy of the item.
  void measure(const StandardTask& task, const data::Item& item);

  std::vector<StandardTask> tasks_;
  std::uint64_t sample_seed_ = 0;   // RunOptions::sample_seed (option order, few-shot draws)
  int num_fewshot_ = 0;             // RunOptions::num_fewshot
  std::size_t prompt_count_ = 0;    // items of every task
  std::size_t judged_prompts_ = 0;  // prompts of judge-scored tasks
  std::size_t prompt_bytes_ = 0;    // message bytes of every prompt
  std::size_t judge_bytes_ = 0;     // of one judge request per judged prompt (the reference as answer)
  std::size_t refusal_prompts_ = 0;      // prompts of refusal-scored tasks (labelled by --safety-judge)
  std::size_t refusal_judge_bytes_ = 0;  // of one --safety-judge request per such prompt (an empty reply)
  bool score_truncated_ = false;    // RunOptions::score_truncated
  std::size_t feed_window_ = 0;     // feed_window(RunOptions::concurrency)
  int samples_ = 1;                 // RunOptions::samples: answers per code-task prompt
  double code_timeout_s_ = 10;      // RunOptions::code_timeout_s
  bool code_sandboxed_ = true;      // !RunOptions::allow_unsandboxed_code
  // The requests --samples adds beyond one per prompt.
  std::size_t extra_samples() const { return code_prompts_ * static_cast<std::size_t>(samples_ - 1); }
  std::size_t code_prompts_ = 0;    // prompts of code tasks
  std::unique_ptr<CodeRunner> code_runner_;  // when a code task is loaded
};

}  // namespace llmbench::tiers
