#include "llmbench/tiers/ux_tier.hpp"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "llmbench/error.hpp"
#include "llmbench/metrics/ci.hpp"
#include "llmbench/metrics/classification.hpp"
#include "llmbench/metrics/near_duplicates.hpp"
#include "llmbench/records/fields.hpp"
#include "llmbench/records/ux_fields.hpp"
#include "llmbench/run/job_feeder.hpp"
#include "llmbench/tasks/verdict.hpp"
#include "llmbench/tiers/tier_cost.hpp"

namespace llmbench::tiers {

namespace field = records::field;
namespace error_kind = records::error_kind;
using nlohmann::json;

namespace {

constexpr const char* kTask = "ux";

std::string cache_key(const data::UxTurn& t, const std::string& model) {
  return fmt::format("tier_ux|{}|emb={}", t.id(), model);
}
std::string judge_key(const data::UxTurn& t, const std::string& model) {
  return fmt::format("tier_ux|{}|judge={}", t.id(), model);
}

json turn_fields(const data::UxTurn& t) {
  return {{field::kTask, kTask}, {field::kItemId, t.id()}, {field::kQuestion, t.question},
          {field::kUxSession, t.session_id}, {field::kUxTurn, t.turn}, {field::kRepeat, 0},
          {field::kError, nullptr}, {field::kErrorKind, nullptr}};
}

// {rate, ci95, n, <count_name>} of `k` of `n` (rate and ci95 absent when n is 0).
json proportion(std::size_t k, std::size_t n, const char* count_name) {
  json out = {{"n", n}, {count_name, k}};
  if (n == 0) return out;
  out["rate"] = static_cast<double>(k) / static_cast<double>(n);
  if (auto ci = metrics::wilson_interval(static_cast<std::int64_t>(k), static_cast<std::int64_t>(n))) {
    out["ci95"] = {{"low", ci->low}, {"high", ci->high}};
  }
  return out;
}

}  // namespace

UxTier::UxTier(std::shared_ptr<RagContext> context, const std::string& data_dir) : context_(std::move(context)) {
  const run::RunOptions& o = context_->options();
  if (!(o.ux_similarity > 0 && o.ux_similarity <= 1)) {
    throw Error(fmt::format("--ux-similarity: expected a cosine similarity in (0, 1], got {}", o.ux_similarity));
  }
  threshold_ = o.ux_similarity;
  file_ = o.ux_log.empty() ? data::default_ux_log(data_dir) : o.ux_log;
  turns_ = data::load_ux_log(file_);
  std::map<std::string, std::vector<std::size_t>> sessions;
  std::vector<std::string> ids;
  for (std::size_t i = 0; i < turns_.size(); ++i) {
    questions_.push_back(turns_[i].question);
    auto& seen = sessions[turns_[i].session_id];
    earlier_.push_back(seen);
    seen.push_back(i);
    ids.push_back(turns_[i].id());
  }
  for (std::size_t i : sample_ids(ids, o.limit, o.sample_seed, kTask)) {
    if (o.shard.holds(std::string(kTask) + "/" + ids[i])) selected_.push_back(i);
  }
  std::sort(selected_.begin(), selected_.end());
  for (std::size_t i : selected_) {
    if (!earlier_[i].empty()) followups_.push_back(i);
  }
  prompt_ = &context_->prompt("ux_context",
                              {tasks::Placeholder::question, tasks::Placeholder::context, tasks::Placeholder::answer});
}

std::string UxTier::plan(const run::ModelMatrix& models) const {
  std::size_t sessions = 0;
  for (const auto& e : earlier_) sessions += e.empty() ? 1 : 0;
  std::string out = fmt::format("  tier_ux log {} turns in {} sessions ({}), {} selected, {} follow-ups; "
                                "near-duplicate at cosine >= {}\n",
                                turns_.size(), sessions, file_, selected_.size(), followups_.size(), threshold_);
  for (const auto& m : models.embedding) {
    out += fmt::format("  tier_ux embedding {:<23} {} requests\n", m.id, embedding_requests(questions_.size()));
  }
  for (const auto& m : models.judges) {
    out += fmt::format("  tier_ux judge {:<27} {} requests\n", m.id, followups_.size());
  }
  return out;
}

std::vector<run::PlannedLoad> UxTier::planned_load(const run::ModelMatrix& models) const {
  std::size_t question_bytes = 0, judge_bytes = 0;
  for (const auto& q : questions_) question_bytes += q.size();
  for (std::size_t i : followups_) judge_bytes += run::message_bytes(judge_prompt(i));
  std::vector<run::PlannedLoad> load =
      same_load(config::Role::embedding, models.embedding, embedding_requests(questions_.size()), question_bytes);
  for (auto& l : same_load(config::Role::judge, models.judges, followups_.size(), judge_bytes)) load.push_back(l);
  return load;
}

std::size_t UxTier::job_count(const run::ModelMatrix& models) const {
  return models.embedding.size() * selected_.size() + models.judges.size() * followups_.size();
}

json UxTier::datasets_json() const {
  return json::array({{{"task", kTask}, {"tier", name()}, {"split", "all"}, {"files", {file_}},
                       {"items_total", turns_.size()}, {"items_selected", selected_.size()}}});
}

std::string earlier_turns_text(const std::vector<data::UxTurn>& turns, const std::vector<std::size_t>& earlier) {
  std::string out;
  for (std::size_t i : earlier) {
    out += fmt::format("{}Turn {}\nUser: {}\nAssistant: {}\n", out.empty() ? "" : "\n", turns[i].turn,
                       turns[i].question, turns[i].answer);
  }
  return out;
}

std::vector<http::ChatMessage> UxTier::judge_prompt(std::size_t turn) const {
  const data::UxTurn& t = turns_[turn];
  return {{"user", prompt_->fill({t.question, earlier_turns_text(turns_, earlier_[turn]), t.answer, ""})}};
}

void UxTier::submit(http::Executor& executor, const run::ModelMatrix& models, const std::set<std::string>& done,
                    RecordSink sink) {
  SharedRequests& requests = context_->requests(executor);
  submit_cache(requests, models, done, sink);
  submit_judges(executor, requests, models, done, std::move(sink));
}

void UxTier::submit_cache(SharedRequests& requests, const run::ModelMatrix& models, const std::set<std::string>& done,
                          const RecordSink& sink) const {
  for (const auto& m : models.embedding) {
    std::vector<std::size_t> pending;
    for (std::size_t i : selected_) {
      if (!done.count(cache_key(turns_[i], m.id))) pending.push_back(i);
    }
    if (pending.empty()) continue;
    embed_texts(requests, m, questions_, 0, [this, pending, id = m.id, sink](const EmbedResult& e) {
      if (e.cancelled()) return;
      std::vector<metrics::NearestEarlier> nearest;
      if (e.ok()) nearest = metrics::nearest_earlier(e.vectors);
      for (std::size_t i : pending) {
        const data::UxTurn& t = turns_[i];
        json r = turn_fields(t);
        r.update({{field::kKey, cache_key(t, id)}, {field::kModel, id}, {field::kRole, "embedding"},
                  {field::kEmbeddingModel, id}, {field::kUxThreshold, threshold_},
                  {field::kUxLoggedCached, t.cached ? json(*t.cached) : json()}});
        r.update(e.requests.fields());
        if (!e.ok()) {
          r[field::kErrorKind] = e.error_kind;
          r[field::kError] = "embedding failed: " + e.error;
        } else {
          const metrics::NearestEarlier& n = nearest[i];
          r[field::kUxSimilarity] = n.index ? json(n.similarity) : json();
          r[field::kUxNearest] = n.index ? json(turns_[*n.index].id()) : json();
          r[field::kUxHit] = metrics::is_hit(n, threshold_);
        }
        sink(std::move(r));
      }
    });
  }
}

void UxTier::submit_judges(http::Executor& executor, SharedRequests& requests, const run::ModelMatrix& models,
                           const std::set<std::string>& done, RecordSink sink) {
  // One job a verdict (judge j, follow-up f), made as earlier ones finish.
  std::size_t j = 0, f = 0;
  run::feed_jobs(executor, run::feed_window(context_->options().concurrency),
                 [this, &requests, &models, &done, sink, j, f](std::function<void()> finished) mutable {
                   for (;; ++f) {
                     if (f == followups_.size()) f = 0, ++j;
                     if (j >= models.judges.size() || followups_.empty()) return false;
                     if (!done.count(judge_key(turns_[followups_[f]], models.judges[j].id))) break;
                   }
                   const auto& judge = models.judges[j];
                   const std::size_t i = followups_[f++];
                   const std::vector<http::ChatMessage> prompt = judge_prompt(i);
                   http::ApiRequest request = run::chat_request(judge, prompt);
                   requests.submit(std::move(request), [this, i, id = judge.id, prompt, sink, &requests,
                                                        finished = std::move(finished)](const http::RequestRecord& rec) {
                     if (rec.outcome == http::Outcome::cancelled) return;
                     json r = ux_judge_record(judge_key(turns_[i], id), id, turns_[i],
                                              earlier_turns_text(turns_, earlier_[i]), prompt, rec);
                     run::forget_unreadable_verdict(requests.executor(), r, rec);
                     sink(std::move(r));
                     finished();
                   });
                   return true;
                 });
}

json ux_judge_record(const std::string& key, const std::string& judge_id, const data::UxTurn& turn,
                     const std::string& context, const std::vector<http::ChatMessage>& prompt,
                     const http::RequestRecord& rec) {
  json r = turn_fields(turn);
  r.update(run::verdict_request_fields(rec));
  r.update({{field::kKey, key}, {field::kModel, judge_id}, {field::kRole, "judge"}, {field::kJudgeModel, judge_id},
            {field::kContext, context}, {field::kUxAnswer, turn.answer}, {field::kPrompt, run::messages_json(prompt)},
            {field::kResponse, rec.content}, {field::kReasoning, rec.reasoning}, {field::kExtracted, nullptr},
            {field::kParsed, false}, {field::kUxPreserved, nullptr}});
  if (run::verdict_request_failed(rec)) return r;
  const tasks::ShowVerdict v = tasks::parse_show_verdict(rec.content);
  if (!v.ok()) {
    r[field::kErrorKind] = error_kind::kUnparsedVerdict;
    r[field::kError] = "the judge's reply does not start with Yes or No";
    return r;
  }
  const bool preserved = v.show == metrics::Show::yes;
  r[field::kExtracted] = preserved ? "Yes" : "No";
  r[field::kParsed] = true;
  r[field::kUxPreserved] = preserved;
  r["reason"] = v.reason;
  return r;
}

json ux_metrics(const std::vector<const json*>& records) {
  std::size_t cache_n = 0, hits = 0, cache_errors = 0, cache_records = 0;
  std::size_t judged = 0, preserved = 0, judge_errors = 0, judge_records = 0, latency_n = 0;
  double threshold = 0, latency_sum = 0;
  std::vector<metrics::ShowEvaluation> flags;
  for (const json* r : records) {
    const bool failed = run::record_failed(*r);
    if (r->value(field::kRole, std::string()) == "embedding") {
      ++cache_records;
      threshold = r->value(field::kUxThreshold, threshold);
      if (failed) {
        ++cache_errors;
        continue;
      }
      const bool hit = r->value(field::kUxHit, false);
      ++cache_n;
      hits += hit ? 1 : 0;
      auto logged = r->find(field::kUxLoggedCached);
      if (logged != r->end() && logged->is_boolean()) {
        flags.push_back({logged->get<bool>() ? metrics::Show::yes : metrics::Show::no,
                         hit ? metrics::Show::yes : metrics::Show::no});
      }
    } else {
      ++judge_records;
      auto l = r->find(field::kLatencyMs);
      if (l != r->end() && l->is_number()) latency_sum += l->get<double>(), ++latency_n;
      if (failed) {
        ++judge_errors;
        continue;
      }
      ++judged;
      preserved += r->value(field::kUxPreserved, false) ? 1 : 0;
    }
  }
  json out = json::object();
  if (cache_records > 0) {
    out["cache_hit"] = proportion(hits, cache_n, "hits");
    out["cache_hit"]["errors"] = cache_errors;
    out["cache_hit"]["threshold"] = threshold;
  }
  if (!flags.empty()) out["cache_flags"] = metrics::to_json(metrics::classify(flags));
  if (judge_records > 0) {
    out["context_preservation"] = proportion(preserved, judged, "preserved");
    out["context_preservation"]["errors"] = judge_errors;
    if (latency_n > 0) out["context_preservation"]["avg_latency_ms"] = latency_sum / static_cast<double>(latency_n);
  }
  return out;
}

void UxTier::aggregate(const std::vector<const json*>& records, const run::ModelMatrix& models, json& model_runs) const {
  aggregate_by_model_run(records, model_runs, "tier_ux", with_costs(ux_metrics, models));
}

}  // namespace llmbench::tiers
