#pragma once
// What the model-lab tiers of one sweep share: the RAG dataset (after --limit), the chunk
// corpus, the production-judge set, the prompt templates and the request sharing. Each is
// loaded on first use, by the first tier constructor that needs it (so bad data fails before
// any model is contacted) and then shared, so tiers 0-3 and judge read one copy and send each
// distinct request once.

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "llmbench/data/rag_dataset.hpp"
#include "llmbench/data/tasks.hpp"
#include "llmbench/http/executor.hpp"
#include "llmbench/run/options.hpp"
#include "llmbench/tasks/prompt_template.hpp"
#include "llmbench/tiers/rag_requests.hpp"

namespace llmbench::tiers {

struct RagDataset {
  std::string file;
  std::string mode;                  // synthetic | manual
  std::vector<data::RagItem> items;  // the items --limit/--sample-seed chose (of this --shard), in file order
  std::vector<std::string> plan_questions;  // the questions of every chosen item, whatever the shard (tier 0)
  std::size_t items_total = 0;
};

struct ChunkCorpus {
  std::string file;
  std::vector<data::Chunk> chunks;
  std::vector<std::string> texts;  // chunks[i].text, for embedding
};

struct PipelineSet {
  std::string file;
  std::vector<data::JudgePipelineItem> items;  // after --limit
  std::size_t items_total = 0;
};

// Sampling task names: --limit draws RAG items with sample_key(seed, "rag", id) and
// production-judge items with sample_key(seed, "judge_pipeline", id).
inline constexpr std::string_view kRagSampleTask = "rag";
inline constexpr std::string_view kPipelineSampleTask = "judge_pipeline";
// The shard key of tier 0's records (one per embedding model, over the whole dataset): with
// --shard, tier 0 runs in the shard this key falls in, over plan_questions.
inline constexpr std::string_view kTier0ShardKey = "tier_0";

class RagContext {
 public:
  RagContext(const run::RunOptions& options, std::string data_dir);
  RagContext(const RagContext&) = delete;
  RagContext& operator=(const RagContext&) = delete;

  const run::RunOptions& options() const { return options_; }
  // Throw InputError/Error from the loaders.
  const RagDataset& dataset();
  const ChunkCorpus& chunks();
  const PipelineSet& pipeline();
  // <prompts_dir>/<prompt_lang>/<name>.txt, loaded once.
  const tasks::PromptTemplate& prompt(const std::string& name, const std::vector<tasks::Placeholder>& required);
  // "<base>_direct" or "<base>_reasoned" by --judge-eval-mode.
  std::string judge_prompt_name(std::string_view base) const;

  // The dataset questions (selected items, in order): what tiers 0, 1 and 3 embed.
  std::vector<std::string> questions();

  // Request sharing for this executor (one per run; a new executor starts afresh).
  SharedRequests& requests(http::Executor& executor);
  // Lets the request sharing go (every record it kept) once its executor has run: a later
  // requests() starts afresh.
  void end_requests();

  // The selected questions that have a ground-truth answer, as items keyed "rag/<id>".
  data::ItemSet gold_answers();

 private:
  run::RunOptions options_;
  std::string data_dir_;
  std::string prompts_dir_;
  data::RagFiles defaults_;
  std::optional<RagDataset> dataset_;
  std::optional<ChunkCorpus> chunks_;
  std::optional<PipelineSet> pipeline_;
  std::map<std::string, tasks::PromptTemplate> prompts_;
  http::Executor* executor_ = nullptr;
  std::unique_ptr<SharedRequests> requests_;
  std::optional<std::vector<data::Item>> gold_;
};

// The context the tiers of one sweep share: the same object for every call while a tier
// holding it is alive and the options are the same; a new one otherwise.
std::shared_ptr<RagContext> shared_rag_context(const run::RunOptions& options, const std::string& data_dir);

// The item fields every RAG record starts with: task "rag", item_id, question, context (the
// gold chunk text), reference (the ground-truth answer, null when there is none), document (the
// item's cluster, records/clusters.hpp: its confluence_url, else its first relevant URL; null
// when it has neither).
nlohmann::json rag_item_fields(const data::RagItem& item);

// Selected-item indices for --limit/--sample-seed over items with these ids (data::sample_indices).
std::vector<std::size_t> sample_ids(const std::vector<std::string>& ids, const std::string& limit,
                                    std::uint64_t seed, std::string_view task);

}  // namespace llmbench::tiers
