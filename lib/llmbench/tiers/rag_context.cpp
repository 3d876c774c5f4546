#include "llmbench/tiers/rag_context.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "llmbench/data/sampling.hpp"
#include "llmbench/error.hpp"
#include "llmbench/records/clusters.hpp"
#include "llmbench/records/fields.hpp"

namespace llmbench::tiers {

namespace field = records::field;

std::vector<std::size_t> sample_ids(const std::vector<std::string>& ids, const std::string& limit,
                                    std::uint64_t seed, std::string_view task) {
  std::vector<data::Item> keys(ids.size());
  for (std::size_t i = 0; i < ids.size(); ++i) keys[i].id = ids[i];
  return data::sample_indices(keys, data::parse_limit(limit), seed, task);
}

namespace {

// The items --limit/--sample-seed select from `all` (items with an `id`), in sampled order; with
// --shard, only this shard's (keyed "<task>/<id>").
template <typename Item>
std::vector<Item> sample_items(std::vector<Item> all, const run::RunOptions& options, std::string_view task) {
  std::vector<std::string> ids;
  for (const auto& item : all) ids.push_back(item.id);
  std::vector<Item> picked;
  for (std::size_t i : sample_ids(ids, options.limit, options.sample_seed, task)) {
    if (!options.shard.holds(std::string(task) + "/" + all[i].id)) continue;
    picked.push_back(std::move(all[i]));
  }
  return picked;
}

}  // namespace

nlohmann::json rag_item_fields(const data::RagItem& item) {
  std::string document = item.confluence_url;
  if (document.empty() && !item.relevant_urls.empty()) document = item.relevant_urls.front();
  return {{field::kTask, "rag"},
          {field::kItemId, item.id},
          {field::kQuestion, item.question},
          {field::kContext, item.chunk_text},
          {field::kReference,
           item.ground_truth_answer.empty() ? nlohmann::json() : nlohmann::json(item.ground_truth_answer)},
          {field::kDocument, document.empty() ? nlohmann::json() : nlohmann::json(document)}};
}

RagContext::RagContext(const run::RunOptions& options, std::string data_dir)
    : options_(options),
      data_dir_(std::move(data_dir)),
      prompts_dir_(tasks::resolve_prompts_dir(options.prompts_dir)) {
  if (options_.prompt_lang != "en" && options_.prompt_lang != "ru") {
    throw Error(fmt::format("--prompt-lang: expected en or ru, got '{}'", options_.prompt_lang));
  }
  if (options_.mode != "synthetic" && options_.mode != "manual") {
    throw Error(fmt::format("--mode: expected synthetic or manual, got '{}'", options_.mode));
  }
  if (options_.consistency_runs < 1) {
    throw Error(fmt::format("--consistency-runs: expected 1 or more, got {}", options_.consistency_runs));
  }
  if (options_.top_k < 1) throw Error(fmt::format("--top-k: expected 1 or more, got {}", options_.top_k));
  defaults_ = data::default_rag_files(data_dir_, options_.prompt_lang);
}

const RagDataset& RagContext::dataset() {
  if (dataset_) return *dataset_;
  RagDataset d;
  d.mode = options_.mode;
  if (options_.mode == "manual") {
    d.file = options_.manual_dataset.empty() ? defaults_.manual : options_.manual_dataset;
  } else {
    d.file = options_.dataset.empty() ? defaults_.synthetic : options_.dataset;
  }
  std::vector<data::RagItem> all = data::load_rag_dataset(d.file);
  d.items_total = all.size();
  if (options_.shard.sharded()) {
    run::RunOptions whole = options_;
    whole.shard = {};
    for (const auto& item : sample_items(all, whole, kRagSampleTask)) d.plan_questions.push_back(item.question);
  }
  d.items = sample_items(std::move(all), options_, kRagSampleTask);
  if (!options_.shard.sharded()) {
    for (const auto& item : d.items) d.plan_questions.push_back(item.question);
  }
  dataset_ = std::move(d);
  return *dataset_;
}

const ChunkCorpus& RagContext::chunks() {
  if (chunks_) return *chunks_;
  ChunkCorpus c;
  c.file = options_.chunks.empty() ? defaults_.chunks : options_.chunks;
  c.chunks = data::load_chunks(c.file);
  if (c.chunks.empty()) {
    throw InputError(c.file, 0, "the chunk corpus is empty; retrieval tiers (1, 3) need chunks to search");
  }
  for (const auto& chunk : c.chunks) c.texts.push_back(chunk.text);
  chunks_ = std::move(c);
  return *chunks_;
}

const PipelineSet& RagContext::pipeline() {
  if (pipeline_) return *pipeline_;
  PipelineSet p;
  p.file = options_.judge_pipeline_dataset.empty() ? defaults_.judge_pipeline : options_.judge_pipeline_dataset;
  std::vector<data::JudgePipelineItem> all = data::load_judge_pipeline(p.file);
  p.items_total = all.size();
  p.items = sample_items(std::move(all), options_, kPipelineSampleTask);
  pipeline_ = std::move(p);
  return *pipeline_;
}

const tasks::PromptTemplate& RagContext::prompt(const std::string& name,
                                                const std::vector<tasks::Placeholder>& required) {
  auto it = prompts_.find(name);
  if (it != prompts_.end()) return it->second;
  return prompts_.emplace(name, tasks::load_prompt_template(prompts_dir_, options_.prompt_lang, name, required))
      .first->second;
}

std::string RagContext::judge_prompt_name(std::string_view base) const {
  return fmt::format("{}_{}", base, options_.judge_eval_mode == run::JudgeEvalMode::direct ? "direct" : "reasoned");
}

std::vector<std::string> RagContext::questions() {
  std::vector<std::string> out;
  for (const auto& item : dataset().items) out.push_back(item.question);
  return out;
}

SharedRequests& RagContext::requests(http::Executor& executor) {
  if (executor_ != &executor || !requests_) {
    requests_ = std::make_unique<SharedRequests>(executor);
    executor_ = &executor;
  }
  return *requests_;
}

void RagContext::end_requests() {
  requests_.reset();
  executor_ = nullptr;
}

data::ItemSet RagContext::gold_answers() {
  if (!gold_) {
    gold_.emplace();
    for (const auto& item : dataset().items) {
      if (item.ground_truth_answer.empty()) continue;
      data::Item gold;
      gold.id = item.id;
      gold.question = item.question;
      gold.reference = item.ground_truth_answer;
      gold_->push_back(std::move(gold));
    }
  }
  return {std::string(kRagSampleTask), data::Scorer::normalized_text, &*gold_};
}

std::shared_ptr<RagContext> shared_rag_context(const run::RunOptions& options, const std::string& data_dir) {
  // Tiers of one sweep are made one after another and live until the sweep ends, so the
  // weak pointer finds the first tier's context; a later sweep finds it expired.
  static std::weak_ptr<RagContext> last;
  static std::string last_key;
  const std::string key = run::options_to_json(options).dump() + "\n" + data_dir + "\n" + options.prompts_dir;
  if (auto context = last.lock(); context && key == last_key) return context;
  auto context = std::make_shared<RagContext>(options, data_dir);
  last = context;
  last_key = key;
  return context;
}

}  // namespace llmbench::tiers
