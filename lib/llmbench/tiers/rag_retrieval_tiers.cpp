#include "llmbench/tiers/rag_retrieval_tiers.hpp"

#include <fmt/format.h>

#include "llmbench/metrics/embedding_geometry.hpp"
#include "llmbench/metrics/retrieval.hpp"
#include "llmbench/records/fields.hpp"

namespace llmbench::tiers {

namespace field = records::field;
namespace {

using nlohmann::json;

std::string tier1_key(const data::RagItem& item, const std::string& model) {
  return fmt::format("tier_1|{}|emb={}", item.id, model);
}

json ids_of(const std::vector<metrics::ScoredIndex>& ranked, const std::vector<data::Chunk>& chunks) {
  json ids = json::array();
  for (const auto& s : ranked) ids.push_back(chunks[s.index].chunk_id);
  return ids;
}

}  // namespace

json rag_datasets_entry(RagContext& context, const std::string& tier, bool with_chunks) {
  const RagDataset& d = context.dataset();
  json files = json::array({d.file});
  if (with_chunks) files.push_back(context.chunks().file);
  return {{"task", "rag"}, {"tier", tier}, {"split", d.mode}, {"files", files},
          {"items_total", d.items_total}, {"items_selected", d.items.size()}};
}

void retrieve(RagContext& context, http::Executor& executor, const config::ResolvedModel& model,
              std::vector<std::string> questions, std::size_t k, int repeat,
              std::function<void(const Retrieval&)> done) {
  struct State {
    EmbedResult questions, chunks;
    int remaining = 2;
    std::function<void(const Retrieval&)> done;
  };
  auto state = std::make_shared<State>();
  state->done = std::move(done);
  auto finish = [state, k] {
    if (--state->remaining > 0) return;
    Retrieval r;
    r.requests.add(state->questions.requests);
    r.requests.add(state->chunks.requests);
    const EmbedResult* failed = !state->questions.ok() ? &state->questions
                                : !state->chunks.ok()  ? &state->chunks
                                                       : nullptr;
    if (failed) {
      r.error_kind = failed->error_kind;
      r.error = "embedding failed: " + failed->error;
    } else {
      for (const auto& q : state->questions.vectors) r.ranked.push_back(metrics::top_k(q, state->chunks.vectors, k));
    }
    state->done(r);
  };
  SharedRequests& requests = context.requests(executor);
  embed_texts(requests, model, std::move(questions), repeat, [state, finish](const EmbedResult& e) {
    state->questions = e;
    finish();
  });
  embed_texts(requests, model, context.chunks().texts, 0, [state, finish](const EmbedResult& e) {
    state->chunks = e;
    finish();
  });
}

// ---- tier_0 ----

EmbeddingGeometryTier::EmbeddingGeometryTier(std::shared_ptr<RagContext> context) : context_(std::move(context)) {
  context_->dataset();
}

std::string EmbeddingGeometryTier::plan(const run::ModelMatrix& models) const {
  const RagDataset& d = context_->dataset();
  std::string out = fmt::format("  tier_0 rag {:<12} {} of {} questions ({})\n", d.mode, d.items.size(),
                                d.items_total, d.file);
  for (const auto& m : models.embedding) {
    if (!in_shard()) break;
    out += fmt::format("  tier_0 embedding {:<24} {} requests\n", m.id, embedding_requests(d.plan_questions.size()));
  }
  return out;
}

namespace {

std::size_t text_bytes(const std::vector<std::string>& texts) {
  std::size_t bytes = 0;
  for (const auto& t : texts) bytes += t.size();
  return bytes;
}

}  // namespace

std::vector<run::PlannedLoad> EmbeddingGeometryTier::planned_load(const run::ModelMatrix& models) const {
  if (!in_shard()) return {};
  const std::vector<std::string>& questions = context_->dataset().plan_questions;
  return same_load(config::Role::embedding, models.embedding, embedding_requests(questions.size()),
                   text_bytes(questions));
}

json EmbeddingGeometryTier::datasets_json() const {
  return json::array({rag_datasets_entry(*context_, name(), false)});
}

std::vector<data::ItemSet> EmbeddingGeometryTier::item_sets() const { return {context_->gold_answers()}; }

void EmbeddingGeometryTier::submit(http::Executor& executor, const run::ModelMatrix& models,
                                   const std::set<std::string>& done, RecordSink sink) {
  for (const auto& m : models.embedding) {
    const std::string key = fmt::format("tier_0|emb={}", m.id);
    if (done.count(key) || !in_shard()) continue;
    embed_texts(context_->requests(executor), m, context_->dataset().plan_questions, 0,
                [key, id = m.id, sink](const EmbedResult& e) {
                  if (e.cancelled()) return;
                  json r = {{field::kTask, "rag"}, {field::kItemId, nullptr}, {field::kKey, key}, {field::kModel, id},
                            {field::kRole, "embedding"}, {field::kEmbeddingModel, id}, {field::kErrorKind, nullptr},
                            {field::kError, nullptr}};
                  r.update(e.requests.fields());
                  if (!e.ok()) {
                    r[field::kErrorKind] = e.error_kind;
                    r[field::kError] = e.error;
                  } else {
                    r["geometry"] = metrics::to_json(metrics::embedding_geometry(e.vectors));
                  }
                  sink(std::move(r));
                });
  }
}

void EmbeddingGeometryTier::aggregate(const std::vector<const json*>& records, const run::ModelMatrix&,
                                      json& model_runs) const {
  aggregate_by_model_run(records, model_runs, "tier_0", [](const std::vector<const json*>& mine) {
    json out = json::object();
    for (const json* r : mine) {
      if (!run::record_failed(*r)) out = r->value("geometry", json::object());
    }
    out["errors"] = static_cast<int>(
        std::count_if(mine.begin(), mine.end(), [](const json* r) { return run::record_failed(*r); }));
    return out;
  });
}

// ---- tier_1 ----

RetrievalTier::RetrievalTier(std::shared_ptr<RagContext> context) : context_(std::move(context)) {
  context_->dataset();
  context_->chunks();
}

std::string RetrievalTier::plan(const run::ModelMatrix& models) const {
  const RagDataset& d = context_->dataset();
  const ChunkCorpus& c = context_->chunks();
  std::string out = fmt::format("  tier_1 rag {:<12} {} of {} questions ({}), {} chunks ({})\n", d.mode,
                                d.items.size(), d.items_total, d.file, c.chunks.size(), c.file);
  for (const auto& m : models.embedding) {
    out += fmt::format("  tier_1 embedding {:<24} {} requests (chunks once, questions twice)\n", m.id,
                       embedding_requests(c.chunks.size()) + 2 * embedding_requests(d.items.size()));
  }
  return out;
}

std::vector<run::PlannedLoad> RetrievalTier::planned_load(const run::ModelMatrix& models) const {
  const std::vector<std::string> questions = context_->questions();
  const ChunkCorpus& c = context_->chunks();
  return same_load(config::Role::embedding, models.embedding,
                   embedding_requests(c.chunks.size()) + 2 * embedding_requests(questions.size()),
                   text_bytes(c.texts) + 2 * text_bytes(questions));
}

std::size_t RetrievalTier::job_count(const run::ModelMatrix& models) const {
  return models.embedding.size() * context_->dataset().items.size();
}

json RetrievalTier::datasets_json() const { return json::array({rag_datasets_entry(*context_, name(), true)}); }

std::vector<data::ItemSet> RetrievalTier::item_sets() const { return {context_->gold_answers()}; }

void RetrievalTier::submit(http::Executor& executor, const run::ModelMatrix& models, const std::set<std::string>& done,
                           RecordSink sink) {
  const auto& items = context_->dataset().items;
  for (const auto& m : models.embedding) {
    auto pending = std::make_shared<std::set<std::string>>();
    for (const auto& item : items) {
      if (!done.count(tier1_key(item, m.id))) pending->insert(tier1_key(item, m.id));
    }
    if (pending->empty()) continue;
    // Both retrievals finish before any record is written: a record holds both rankings.
    struct State {
      Retrieval runs[2];
      int remaining = 2;
    };
    auto state = std::make_shared<State>();
    auto finish = [this, state, pending, &items, id = m.id, sink] {
      if (--state->remaining > 0) return;
      const Retrieval& first = state->runs[0];
      const Retrieval& second = state->runs[1];
      const Retrieval* failed = !first.ok() ? &first : !second.ok() ? &second : nullptr;
      if (failed && failed->error_kind == "cancelled") return;
      const auto& chunks = context_->chunks().chunks;
      for (std::size_t i = 0; i < items.size(); ++i) {
        const std::string key = tier1_key(items[i], id);
        if (!pending->count(key)) continue;
        json r = {{field::kKey, key}, {field::kModel, id}, {field::kRole, "embedding"}, {field::kEmbeddingModel, id},
                  {field::kRepeat, 0}, {"relevant", items[i].relevant_chunk_ids},
                  {field::kErrorKind, nullptr}, {field::kError, nullptr}};
        r.update(rag_item_fields(items[i]));
        RequestSummary requests = first.requests;
        requests.add(second.requests);
        r.update(requests.fields());
        if (failed) {
          r[field::kErrorKind] = failed->error_kind;
          r[field::kError] = failed->error;
        } else {
          r["retrieved"] = ids_of(first.ranked[i], chunks);
          json scores = json::array();
          for (const auto& s : first.ranked[i]) scores.push_back(s.score);
          r["retrieved_scores"] = std::move(scores);
          r["retrieved_rerun"] = ids_of(second.ranked[i], chunks);
        }
        sink(std::move(r));
      }
    };
    for (int run = 0; run < 2; ++run) {
      retrieve(*context_, executor, m, context_->questions(), kTier1Depth, run,
               [state, finish, run](const Retrieval& r) {
                 state->runs[run] = r;
                 finish();
               });
    }
  }
}

json retrieval_metrics(const std::vector<const json*>& records) {
  std::vector<metrics::RetrievalQuery> queries;
  std::vector<std::vector<metrics::RankedIds>> runs;
  int errors = 0;
  for (const json* r : records) {
    if (run::record_failed(*r)) {
      ++errors;
      continue;
    }
    metrics::RetrievalQuery q;
    q.retrieved = r->value("retrieved", std::vector<std::string>());
    for (const auto& id : r->value("relevant", std::vector<std::string>())) q.relevant.insert(id);
    queries.push_back(q);
    runs.push_back({q.retrieved, r->value("retrieved_rerun", std::vector<std::string>())});
  }
  metrics::RetrievalMetrics m = metrics::evaluate_retrieval(queries);
  m.retrieval_consistency = metrics::retrieval_consistency(runs, 5);
  json out = metrics::to_json(m);
  out["errors"] = errors;
  return out;
}

void RetrievalTier::aggregate(const std::vector<const json*>& records, const run::ModelMatrix&, json& model_runs) const {
  aggregate_by_model_run(records, model_runs, "tier_1", retrieval_metrics);
}

}  // namespace llmbench::tiers
