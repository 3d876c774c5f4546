#include "llmbench/tiers/judge_tiers.hpp"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "llmbench/metrics/classification.hpp"
#include "llmbench/records/fields.hpp"
#include "llmbench/run/job_feeder.hpp"
#include "llmbench/tasks/verdict.hpp"
#include "llmbench/tiers/rag_answer_jobs.hpp"
#include "llmbench/tiers/rag_entries.hpp"
#include "llmbench/tiers/rag_requests.hpp"
#include "llmbench/tiers/tier_cost.hpp"

namespace llmbench::tiers {

namespace field = records::field;
namespace error_kind = records::error_kind;
namespace {

using nlohmann::json;
using tasks::Placeholder;

const char* show_word(bool show) { return show ? "Yes" : "No"; }

// metrics.tier_judge / tier_judge_pipeline of one model run (before costs).
json verdicts_of_entries(const std::vector<const RagEntry*>& entries, const RagNames&) {
  return judge_reliability_metrics(entries);
}
json pipeline_of_entries(const std::vector<const RagEntry*>& entries, const RagNames&) {
  return pipeline_metrics(entries);
}

}  // namespace

// ---- tier_judge ----

JudgeReliabilityTier::JudgeReliabilityTier(std::shared_ptr<RagContext> context) : context_(std::move(context)) {
  context_->dataset();
  prompt_ = &context_->prompt(context_->judge_prompt_name("judge_faithfulness"),
                              {Placeholder::question, Placeholder::context, Placeholder::answer});
}

int JudgeReliabilityTier::repeats() const { return std::max(2, context_->options().consistency_runs); }

std::string JudgeReliabilityTier::plan(const run::ModelMatrix& models) const {
  const RagDataset& d = context_->dataset();
  std::size_t refs = 0;
  for (const auto& item : d.items) refs += item.ground_truth_answer.empty() ? 0 : 1;
  std::string out = fmt::format("  tier_judge rag {:<8} {} reference answers, each judged {} times\n", d.mode, refs,
                                repeats());
  for (const auto& m : models.judges) {
    out += fmt::format("  tier_judge judge {:<25} up to {} requests\n", m.id, refs * static_cast<std::size_t>(repeats()));
  }
  return out;
}

std::vector<run::PlannedLoad> JudgeReliabilityTier::planned_load(const run::ModelMatrix& models) const {
  std::size_t requests = 0, bytes = 0;
  for (const auto& item : context_->dataset().items) {
    if (item.ground_truth_answer.empty()) continue;
    const tasks::TemplateValues values{item.question, item.chunk_text, item.ground_truth_answer,
                                       item.ground_truth_answer};
    requests += static_cast<std::size_t>(repeats());
    bytes += static_cast<std::size_t>(repeats()) * prompt_->fill(values).size();
  }
  return same_load(config::Role::judge, models.judges, requests, bytes);
}

std::size_t JudgeReliabilityTier::job_count(const run::ModelMatrix& models) const {
  std::size_t refs = 0;
  for (const auto& item : context_->dataset().items) refs += item.ground_truth_answer.empty() ? 0 : 1;
  return models.judges.size() * refs * static_cast<std::size_t>(repeats());
}

json JudgeReliabilityTier::datasets_json() const {
  const RagDataset& d = context_->dataset();
  return json::array({{{"task", "rag"}, {"tier", name()}, {"split", d.mode}, {"files", {d.file}},
                       {"items_total", d.items_total}, {"items_selected", d.items.size()}}});
}

std::vector<data::ItemSet> JudgeReliabilityTier::item_sets() const { return {context_->gold_answers()}; }

void JudgeReliabilityTier::submit(http::Executor& executor, const run::ModelMatrix& models,
                                  const std::set<std::string>& done, RecordSink sink) {
  SharedRequests& requests = context_->requests(executor);
  const auto& items = context_->dataset().items;
  // One job a verdict (judge j, item i, repeat rep), made as earlier ones finish.
  std::size_t j = 0, i = 0;
  int rep = 0;
  run::feed_jobs(executor, run::feed_window(context_->options().concurrency),
                 [this, &requests, &models, &done, &items, sink, j, i, rep](std::function<void()> finished) mutable {
                   for (;; ++rep) {
                     if (rep == repeats()) rep = 0, ++i;
                     if (i == items.size()) i = 0, ++j;
                     if (j >= models.judges.size() || items.empty()) return false;
                     if (items[i].ground_truth_answer.empty()) {
                       rep = repeats() - 1;
                       continue;
                     }
                     if (!done.count(key(items[i], models.judges[j], rep))) break;
                   }
                   const auto& judge = models.judges[j];
                   const auto& item = items[i];
                   const tasks::TemplateValues values{item.question, item.chunk_text, item.ground_truth_answer,
                                                      item.ground_truth_answer};
                   const std::vector<http::ChatMessage> prompt = {{"user", prompt_->fill(values)}};
                   http::ApiRequest request = run::chat_request(judge, prompt);
                   request.repeat_index = rep;
                   requests.submit(std::move(request), [key = key(item, judge, rep), &judge, prompt, rep = rep, &item, sink,
                                                        &requests, finished = std::move(finished)](const http::RequestRecord& rec) {
                     if (rec.outcome == http::Outcome::cancelled) return;
                     json r = rag_item_fields(item);
                     r.update(judge_record(key, judge, "faithfulness", prompt, rec));
                     run::forget_unreadable_verdict(requests.executor(), r, rec);
                     r[field::kRepeat] = rep;
                     r[field::kJudgedModel] = nullptr;
                     r["judged"] = "reference";
                     sink(std::move(r));
                     finished();
                   });
                   ++rep;
                   return true;
                 });
}

std::string JudgeReliabilityTier::key(const data::RagItem& item, const config::ResolvedModel& judge, int rep) {
  return fmt::format("tier_judge|{}|judge={}|r{}", item.id, judge.id, rep);
}

json judge_reliability_metrics(const std::vector<const json*>& records) {
  return judge_reliability_metrics(RagEntries(records).pointers);
}

json judge_reliability_metrics(const std::vector<const RagEntry*>& entries) {
  std::map<std::uint32_t, std::vector<metrics::JudgeVerdict>> by_item;
  std::vector<std::uint32_t> order;
  for (const RagEntry* e : entries) {
    if (!by_item.count(e->item)) order.push_back(e->item);
    metrics::JudgeVerdict v;
    if (!e->failed && e->has_score) v.score = e->score;
    if (e->has_latency) v.latency_ms = e->latency_ms;
    by_item[e->item].push_back(v);
  }
  std::vector<std::vector<metrics::JudgeVerdict>> verdicts;
  for (const std::uint32_t item : order) verdicts.push_back(by_item[item]);
  return metrics::to_json(metrics::judge_consistency(verdicts));
}

void JudgeReliabilityTier::aggregate(const std::vector<const json*>& records, const run::ModelMatrix& models,
                                     json& model_runs) const {
  aggregate_by_model_run(records, model_runs, "tier_judge", with_entry_costs(verdicts_of_entries, models));
}

std::unique_ptr<TierAggregator> JudgeReliabilityTier::aggregator(const run::ModelMatrix& models) const {
  return rag_aggregator(name(), verdicts_of_entries, models);
}

// ---- tier_judge_pipeline ----

JudgePipelineTier::JudgePipelineTier(std::shared_ptr<RagContext> context) : context_(std::move(context)) {
  context_->pipeline();
  prompt_ = &context_->prompt("production_judge", {Placeholder::question, Placeholder::context, Placeholder::answer});
}

std::string JudgePipelineTier::plan(const run::ModelMatrix& models) const {
  const PipelineSet& p = context_->pipeline();
  std::string out = fmt::format("  tier_judge_pipeline {} of {} items ({})\n", p.items.size(), p.items_total, p.file);
  for (const auto& m : models.production_judges) {
    out += fmt::format("  tier_judge_pipeline production_judge {:<16} {} requests\n", m.id, p.items.size());
  }
  return out;
}

std::vector<run::PlannedLoad> JudgePipelineTier::planned_load(const run::ModelMatrix& models) const {
  std::size_t bytes = 0;
  for (const auto& item : context_->pipeline().items) {
    bytes += prompt_->fill({item.question, item.context, item.answer, ""}).size();
  }
  return same_load(config::Role::production_judge, models.production_judges, context_->pipeline().items.size(), bytes);
}

std::size_t JudgePipelineTier::job_count(const run::ModelMatrix& models) const {
  return models.production_judges.size() * context_->pipeline().items.size();
}

json JudgePipelineTier::datasets_json() const {
  const PipelineSet& p = context_->pipeline();
  return json::array({{{"task", "judge_pipeline"}, {"tier", name()}, {"split", "all"}, {"files", {p.file}},
                       {"items_total", p.items_total}, {"items_selected", p.items.size()}}});
}

namespace {

// The production judge `id`'s verdict on a pipeline item, as its record.
json pipeline_record(const std::string& key, const std::string& id, const data::JudgePipelineItem& item,
                     const std::vector<http::ChatMessage>& prompt, const http::RequestRecord& rec) {
  json r = run::verdict_request_fields(rec);
  r.update({{field::kTask, "judge_pipeline"}, {field::kItemId, item.id}, {field::kKey, key}, {field::kModel, id},
            {field::kRole, "production_judge"}, {field::kProductionJudgeModel, id}, {field::kRepeat, 0},
            {field::kQuestion, item.question}, {field::kContext, item.context}, {"answer", item.answer},
            {field::kReference, item.rationale}, {field::kGold, show_word(item.ground_truth_show)},
            {"ground_truth_show", item.ground_truth_show}, {field::kPrompt, run::messages_json(prompt)},
            {field::kResponse, rec.content}, {field::kReasoning, rec.reasoning}, {field::kExtracted, nullptr},
            {field::kParsed, false}, {field::kCorrect, nullptr}});
  if (run::verdict_request_failed(rec)) return r;
  const tasks::ShowVerdict v = tasks::parse_show_verdict(rec.content);
  if (!v.ok()) {
    r[field::kErrorKind] = error_kind::kUnparsedVerdict;
    r[field::kError] = "the production judge's reply does not start with Yes or No";
  } else {
    const bool show = v.show == metrics::Show::yes;
    r[field::kExtracted] = show_word(show);
    r[field::kParsed] = true;
    r[field::kCorrect] = show == item.ground_truth_show;
    r["reason"] = v.reason;
  }
  return r;
}

}  // namespace

void JudgePipelineTier::submit(http::Executor& executor, const run::ModelMatrix& models, const std::set<std::string>& done,
                               RecordSink sink) {
  SharedRequests& requests = context_->requests(executor);
  const auto& items = context_->pipeline().items;
  // One job a verdict (production judge j, item i), made as earlier ones finish.
  std::size_t j = 0, i = 0;
  run::feed_jobs(executor, run::feed_window(context_->options().concurrency),
                 [this, &requests, &models, &done, &items, sink, j, i](std::function<void()> finished) mutable {
                   std::string key;
                   for (;; ++i) {
                     if (i == items.size()) i = 0, ++j;
                     if (j >= models.production_judges.size() || items.empty()) return false;
                     key = fmt::format("tier_judge_pipeline|{}|pj={}", items[i].id, models.production_judges[j].id);
                     if (!done.count(key)) break;
                   }
                   const auto& judge = models.production_judges[j];
                   const auto& item = items[i++];
                   const std::vector<http::ChatMessage> prompt = {
                       {"user", prompt_->fill({item.question, item.context, item.answer, ""})}};
                   requests.submit(run::chat_request(judge, prompt), [key, id = judge.id, prompt, &item, sink, &requests,
                                                                      finished = std::move(finished)](const http::RequestRecord& rec) {
                     if (rec.outcome == http::Outcome::cancelled) return;
                     json r = pipeline_record(key, id, item, prompt, rec);
                     run::forget_unreadable_verdict(requests.executor(), r, rec);
                     sink(std::move(r));
                     finished();
                   });
                   return true;
                 });
}

json pipeline_metrics(const std::vector<const json*>& records) {
  return pipeline_metrics(RagEntries(records).pointers);
}

json pipeline_metrics(const std::vector<const RagEntry*>& entries) {
  std::vector<metrics::ShowEvaluation> evaluations;
  double latency_sum = 0;
  std::size_t latency_n = 0;
  for (const RagEntry* e : entries) {
    metrics::ShowEvaluation v;
    v.ground_truth = e->ground_truth_show ? metrics::Show::yes : metrics::Show::no;
    if (!e->failed && e->parsed) v.predicted = e->extracted_yes ? metrics::Show::yes : metrics::Show::no;
    evaluations.push_back(v);
    if (e->has_latency) {
      latency_sum += e->latency_ms;
      ++latency_n;
    }
  }
  json out = metrics::to_json(metrics::classify(evaluations));
  if (latency_n > 0) out["avg_latency_ms"] = latency_sum / static_cast<double>(latency_n);
  return out;
}

void JudgePipelineTier::aggregate(const std::vector<const json*>& records, const run::ModelMatrix& models,
                                  json& model_runs) const {
  aggregate_by_model_run(records, model_runs, "tier_judge_pipeline", with_entry_costs(pipeline_of_entries, models));
}

std::unique_ptr<TierAggregator> JudgePipelineTier::aggregator(const run::ModelMatrix& models) const {
  return rag_aggregator(name(), pipeline_of_entries, models);
}

}  // namespace llmbench::tiers
