#include "llmbench/tiers/rag_generation_tiers.hpp"

#include <fmt/format.h>

#include "llmbench/records/fields.hpp"
#include "llmbench/run/job_feeder.hpp"
#include "llmbench/tiers/rag_answer_metrics.hpp"
#include "llmbench/tiers/rag_entries.hpp"
#include "llmbench/tiers/tier_cost.hpp"
#include "llmbench/tiers/rag_retrieval_tiers.hpp"

namespace llmbench::tiers {

namespace field = records::field;
namespace {

using nlohmann::json;
using tasks::Placeholder;

// metrics.tier_2 / tier_3 of one model run (before costs).
json answers_of_entries(const std::vector<const RagEntry*>& entries, const RagNames& names) {
  return answer_metrics(entries, names);
}

std::size_t with_reference(const std::vector<data::RagItem>& items) {
  std::size_t n = 0;
  for (const auto& item : items) n += item.ground_truth_answer.empty() ? 0 : 1;
  return n;
}

}  // namespace

std::vector<http::ChatMessage> rag_answer_messages(RagContext& context, const data::RagItem& item,
                                                   const std::string& context_text) {
  const tasks::TemplateValues values{item.question, context_text, "", item.ground_truth_answer};
  return {{"system", context.prompt("rag_system", {}).fill(values)},
          {"user", context.prompt("rag_user", {Placeholder::question, Placeholder::context}).fill(values)}};
}

std::string format_retrieved(const std::vector<const data::Chunk*>& chunks) {
  std::string out;
  for (std::size_t i = 0; i < chunks.size(); ++i) {
    if (i > 0) out += "\n\n";
    out += fmt::format("[{}] {}", i + 1, chunks[i]->text);
  }
  return out;
}

// Bytes of one round of judge prompts over `items`, the reference standing in for the answer.
std::size_t judge_bytes(const std::vector<data::RagItem>& items, const std::vector<JudgeAsk>& with_reference,
                        const std::vector<JudgeAsk>& without_reference, const std::string* context_text = nullptr) {
  std::size_t bytes = 0;
  for (const auto& item : items) {
    const tasks::TemplateValues values{item.question, context_text ? *context_text : item.chunk_text,
                                       item.ground_truth_answer, item.ground_truth_answer};
    for (const auto& ask : item.ground_truth_answer.empty() ? without_reference : with_reference) {
      bytes += ask.prompt->fill(values).size();
    }
  }
  return bytes;
}

// ---- tier_2 ----

AnswerQualityTier::AnswerQualityTier(std::shared_ptr<RagContext> context) : context_(std::move(context)) {
  RagContext& c = *context_;
  c.dataset();
  c.prompt("rag_system", {});
  c.prompt("rag_user", {Placeholder::question, Placeholder::context});
  const JudgeAsk faithfulness{"faithfulness", &c.prompt(c.judge_prompt_name("judge_faithfulness"),
                                                        {Placeholder::question, Placeholder::context, Placeholder::answer})};
  const JudgeAsk relevance{"relevance", &c.prompt(c.judge_prompt_name("judge_relevance"),
                                                  {Placeholder::question, Placeholder::answer})};
  const JudgeAsk correctness{"correctness", &c.prompt(c.judge_prompt_name("judge_correctness"),
                                                      {Placeholder::question, Placeholder::answer, Placeholder::reference})};
  asks_with_reference_ = {faithfulness, relevance, correctness};
  asks_without_reference_ = {faithfulness, relevance};
}

std::string AnswerQualityTier::plan(const run::ModelMatrix& models) const {
  const RagDataset& d = context_->dataset();
  const std::size_t n = d.items.size(), refs = with_reference(d.items);
  const int r = context_->options().consistency_runs;
  std::string out = fmt::format("  tier_2 rag {:<12} {} of {} items ({}), {} answers each\n", d.mode, n, d.items_total,
                                d.file, r);
  for (const auto& m : models.generation) {
    out += fmt::format("  tier_2 generation {:<24} {} requests\n", m.id, n * static_cast<std::size_t>(r));
  }
  for (const auto& m : models.judges) {
    out += fmt::format("  tier_2 judge {:<29} up to {} requests\n", m.id, models.generation.size() * (2 * n + refs));
  }
  if (r > 1) {
    for (const auto& m : models.embedding) {
      out += fmt::format("  tier_2 embedding {:<24} up to {} requests\n", m.id, models.generation.size() * n);
    }
  }
  return out;
}

std::size_t AnswerQualityTier::job_count(const run::ModelMatrix& models) const {
  const auto& items = context_->dataset().items;
  const std::size_t n = items.size(), refs = with_reference(items);
  const auto r = static_cast<std::size_t>(context_->options().consistency_runs);
  const std::size_t per_model = n * r + models.judges.size() * (2 * n + refs) + (r > 1 ? n * models.embedding.size() : 0);
  return models.generation.size() * per_model;
}

json AnswerQualityTier::datasets_json() const { return json::array({rag_datasets_entry(*context_, name(), false)}); }

std::vector<data::ItemSet> AnswerQualityTier::item_sets() const { return {context_->gold_answers()}; }

void AnswerQualityTier::submit(http::Executor& executor, const run::ModelMatrix& models, const std::set<std::string>& done,
                               RecordSink sink) {
  SharedRequests& requests = context_->requests(executor);
  const int repeats = context_->options().consistency_runs;
  const auto& items = context_->dataset().items;
  // The groups are made as earlier ones finish: (generation model m, item i) next.
  std::size_t m = 0, i = 0;
  run::feed_jobs(executor, run::feed_window(context_->options().concurrency),
                 [this, &requests, &models, &done, &items, sink, repeats, m, i](std::function<void()> finished) mutable {
                   if (i == items.size()) ++m, i = 0;
                   if (m >= models.generation.size() || items.empty()) return false;
                   const auto& gen = models.generation[m];
                   const auto& item = items[i++];
                   auto g = std::make_shared<AnswerGroup>();
                   g->key_prefix = fmt::format("tier_2|{}|gen={}", item.id, gen.id);
                   g->item = &item;
                   g->context = item.chunk_text;
                   g->messages = rag_answer_messages(*context_, item, item.chunk_text);
                   g->generation = &gen;
                   g->repeats = repeats;
                   g->judges = models.judges;
                   g->asks = item.ground_truth_answer.empty() ? asks_without_reference_ : asks_with_reference_;
                   if (repeats > 1) g->embedders = models.embedding;
                   g->roles = {{field::kGenerationModel, gen.id}};
                   run_answer_group(g, requests, done, sink, std::move(finished));
                   return true;
                 });
}

void AnswerQualityTier::aggregate(const std::vector<const json*>& records, const run::ModelMatrix& models,
                                  json& model_runs) const {
  aggregate_by_model_run(records, model_runs, "tier_2", with_entry_costs(answers_of_entries, models));
}

std::unique_ptr<TierAggregator> AnswerQualityTier::aggregator(const run::ModelMatrix& models) const {
  return rag_aggregator(name(), answers_of_entries, models);
}

// ---- tier_3 ----

EndToEndTier::EndToEndTier(std::shared_ptr<RagContext> context) : context_(std::move(context)) {
  RagContext& c = *context_;
  c.dataset();
  c.chunks();
  c.prompt("rag_system", {});
  c.prompt("rag_user", {Placeholder::question, Placeholder::context});
  e2e_ = {"e2e", &c.prompt(c.judge_prompt_name("judge_e2e"),
                           {Placeholder::question, Placeholder::answer, Placeholder::reference})};
}

std::vector<run::PlannedLoad> AnswerQualityTier::planned_load(const run::ModelMatrix& models) const {
  const auto& items = context_->dataset().items;
  const auto r = static_cast<std::size_t>(context_->options().consistency_runs);
  std::size_t answer_bytes = 0, judge_requests = 0, reference_bytes = 0;
  for (const auto& item : items) {
    answer_bytes += run::message_bytes(rag_answer_messages(*context_, item, item.chunk_text));
    judge_requests += item.ground_truth_answer.empty() ? asks_without_reference_.size() : asks_with_reference_.size();
    reference_bytes += item.ground_truth_answer.size();
  }
  const std::size_t generators = models.generation.size();
  std::vector<run::PlannedLoad> out = same_load(config::Role::generation, models.generation, items.size() * r, answer_bytes * r);
  for (auto& load : same_load(config::Role::judge, models.judges, generators * judge_requests,
                              generators * judge_bytes(items, asks_with_reference_, asks_without_reference_))) {
    out.push_back(std::move(load));
  }
  if (r > 1) {
    for (auto& load : same_load(config::Role::embedding, models.embedding, generators * items.size(),
                                generators * r * reference_bytes)) {
      out.push_back(std::move(load));
    }
  }
  return out;
}

std::string EndToEndTier::plan(const run::ModelMatrix& models) const {
  const RagDataset& d = context_->dataset();
  const std::size_t n = d.items.size(), refs = with_reference(d.items);
  const int r = context_->options().consistency_runs;
  const std::size_t pairs = models.embedding.size();
  std::string out = fmt::format("  tier_3 rag {:<12} {} of {} items, top {} of {} chunks, {} answers each\n", d.mode,
                                n, d.items_total, context_->options().top_k, context_->chunks().chunks.size(), r);
  for (const auto& m : models.generation) {
    out += fmt::format("  tier_3 generation {:<24} up to {} requests\n", m.id, pairs * n * static_cast<std::size_t>(r));
  }
  for (const auto& m : models.judges) {
    out += fmt::format("  tier_3 judge {:<29} up to {} requests\n", m.id, pairs * models.generation.size() * refs);
  }
  for (const auto& m : models.embedding) {
    out += fmt::format("  tier_3 embedding {:<24} up to {} requests (retrieval shared with tier 1)\n", m.id,
                       models.generation.size() * n);
  }
  return out;
}

std::vector<run::PlannedLoad> EndToEndTier::planned_load(const run::ModelMatrix& models) const {
  const auto& items = context_->dataset().items;
  const auto r = static_cast<std::size_t>(context_->options().consistency_runs);
  const std::size_t pairs = models.embedding.size();
  // Retrieval is not known before the run: top-k chunks of the corpus's mean length stand in.
  const ChunkCorpus& corpus = context_->chunks();
  std::size_t corpus_bytes = 0;
  for (const auto& t : corpus.texts) corpus_bytes += t.size();
  const std::size_t k = std::min(static_cast<std::size_t>(context_->options().top_k), corpus.texts.size());
  const std::string retrieved(corpus.texts.empty() ? 0 : k * (corpus_bytes / corpus.texts.size() + 5), 'x');
  std::size_t answer_bytes = 0, refs = 0, reference_bytes = 0;
  for (const auto& item : items) {
    answer_bytes += run::message_bytes(rag_answer_messages(*context_, item, retrieved));
    refs += item.ground_truth_answer.empty() ? 0 : 1;
    reference_bytes += item.ground_truth_answer.size();
  }
  std::vector<data::RagItem> with_refs;
  for (const auto& item : items) {
    if (!item.ground_truth_answer.empty()) with_refs.push_back(item);
  }
  const std::vector<JudgeAsk> e2e = {e2e_};
  const std::size_t generators = models.generation.size();
  std::vector<run::PlannedLoad> out =
      same_load(config::Role::generation, models.generation, pairs * items.size() * r, pairs * answer_bytes * r);
  for (auto& load : same_load(config::Role::judge, models.judges, pairs * generators * refs,
                              pairs * generators * judge_bytes(with_refs, e2e, {}, &retrieved))) {
    out.push_back(std::move(load));
  }
  for (auto& load : same_load(config::Role::embedding, models.embedding, generators * items.size(),
                              generators * std::max<std::size_t>(r, 1) * reference_bytes)) {
    out.push_back(std::move(load));
  }
  return out;
}

std::size_t EndToEndTier::job_count(const run::ModelMatrix& models) const {
  const auto& items = context_->dataset().items;
  const auto r = static_cast<std::size_t>(context_->options().consistency_runs);
  const std::size_t refs = with_reference(items);
  const std::size_t embedded = r > 1 ? items.size() : refs;
  const std::size_t per_pair = items.size() * r + models.judges.size() * refs + embedded;
  return models.generation.size() * models.embedding.size() * per_pair;
}

json EndToEndTier::datasets_json() const { return json::array({rag_datasets_entry(*context_, name(), true)}); }

std::vector<data::ItemSet> EndToEndTier::item_sets() const { return {context_->gold_answers()}; }

std::shared_ptr<AnswerGroup> EndToEndTier::group(const config::ResolvedModel& gen, const data::RagItem& item,
                                                 const config::ResolvedModel& emb, const run::ModelMatrix& models) const {
  auto g = std::make_shared<AnswerGroup>();
  g->key_prefix = fmt::format("tier_3|{}|gen={}|emb={}", item.id, gen.id, emb.id);
  g->item = &item;
  g->generation = &gen;
  g->repeats = context_->options().consistency_runs;
  g->judges = models.judges;
  if (!item.ground_truth_answer.empty()) g->asks = {e2e_};
  g->embedders = {&emb, 1};
  g->embed_reference = EmbedReference::yes;
  g->roles = {{field::kGenerationModel, gen.id}, {field::kEmbeddingModel, emb.id}};
  return g;
}

void EndToEndTier::submit(http::Executor& executor, const run::ModelMatrix& models, const std::set<std::string>& done,
                          RecordSink sink) {
  const auto top_k = static_cast<std::size_t>(context_->options().top_k);
  const auto& items = context_->dataset().items;
  for (const auto& emb : models.embedding) {
    // Retrieval is asked only when some record of this embedding model is still to be written.
    bool pending = false;
    for (const auto& gen : models.generation) {
      for (const auto& item : items) {
        for (const auto& key : answer_group_keys(*group(gen, item, emb, models))) pending = pending || !done.count(key);
      }
    }
    if (!pending) continue;
    retrieve(*context_, executor, emb, context_->questions(), top_k, 0,
             [this, &executor, &models, &done, &items, &emb, sink](const Retrieval& retrieval) {
               if (retrieval.error_kind == "cancelled") return;
               // The groups (generation model m, item i) are made as earlier ones finish.
               auto ranked = std::make_shared<const Retrieval>(retrieval);
               std::size_t m = 0, i = 0;
               run::feed_jobs(executor, run::feed_window(context_->options().concurrency),
                              [this, &executor, &models, &done, &items, &emb, sink, ranked, m,
                               i](std::function<void()> finished) mutable {
                                if (i == items.size()) ++m, i = 0;
                                if (m >= models.generation.size() || items.empty()) return false;
                                const auto& item = items[i];
                                auto g = group(models.generation[m], item, emb, models);
                                if (!ranked->ok()) {
                                  ++i;
                                  fail_answer_group(*g, done, "retrieval failed: " + ranked->error, sink);
                                  finished();
                                  return true;
                                }
                                const auto& chunks = context_->chunks().chunks;
                                std::vector<const data::Chunk*> picked;
                                json ids = json::array();
                                for (const auto& s : ranked->ranked[i++]) {
                                  picked.push_back(&chunks[s.index]);
                                  ids.push_back(chunks[s.index].chunk_id);
                                }
                                g->context = format_retrieved(picked);
                                g->messages = rag_answer_messages(*context_, item, g->context);
                                g->gen_extra = {{"retrieved_chunk_ids", ids}, {"relevant", item.relevant_chunk_ids}};
                                run_answer_group(g, context_->requests(executor), done, sink, std::move(finished));
                                return true;
                              });
             });
  }
}

void EndToEndTier::aggregate(const std::vector<const json*>& records, const run::ModelMatrix& models,
                             json& model_runs) const {
  aggregate_by_model_run(records, model_runs, "tier_3", with_entry_costs(answers_of_entries, models));
}

std::unique_ptr<TierAggregator> EndToEndTier::aggregator(const run::ModelMatrix& models) const {
  return rag_aggregator(name(), answers_of_entries, models);
}

}  // namespace llmbench::tiers
