#include "llmbench/tiers/rag_answer_jobs.hpp"

#include <optional>
#include <utility>

#include <fmt/format.h>

#include "llmbench/metrics/embedding_geometry.hpp"
#include "llmbench/metrics/vector_math.hpp"
#include "llmbench/records/fields.hpp"
#include "llmbench/tasks/verdict.hpp"
#include "llmbench/tiers/rag_context.hpp"

namespace llmbench::tiers {

namespace field = records::field;
namespace error_kind = records::error_kind;
namespace {

using nlohmann::json;

std::string gen_key(const AnswerGroup& g, int r) { return fmt::format("{}|r{}", g.key_prefix, r); }
std::string judge_key(const AnswerGroup& g, const std::string& judge, const std::string& metric) {
  return fmt::format("{}|judge={}|{}", g.key_prefix, judge, metric);
}
std::string embed_key(const AnswerGroup& g, const std::string& model) {
  return fmt::format("{}|embedding={}", g.key_prefix, model);
}

bool wants_embedding(const AnswerGroup& g) {
  return !g.embedders.empty() &&
         (g.repeats > 1 || (g.embed_reference == EmbedReference::yes && !g.item->ground_truth_answer.empty()));
}

struct GroupState {
  std::shared_ptr<const AnswerGroup> group;
  std::set<std::string> pending;
  std::vector<std::optional<http::RequestRecord>> answers;
  int remaining = 0;
  SharedRequests* requests = nullptr;
  RecordSink sink;
  std::function<void()> finished;  // called once the last pending record is written

  json base() const {
    json r = rag_item_fields(*group->item);
    r[field::kContext] = group->context;
    r.update(group->roles);
    r[field::kErrorKind] = nullptr;
    r[field::kError] = nullptr;
    return r;
  }
  void emit(json r) {
    pending.erase(r.value(field::kKey, std::string()));
    sink(std::move(r));
    if (pending.empty() && finished) std::exchange(finished, nullptr)();
  }
  // An error record for a judgement or embedding whose answer failed.
  json upstream(const std::string& key, const std::string& why) const {
    json r = base();
    r.update({{field::kKey, key}, {field::kRepeat, 0}, {field::kErrorKind, error_kind::kUpstream}, {field::kError, why},
              {field::kHttpStatus, 0}, {field::kAttempts, 0}});  // its own request was never sent
    return r;
  }
};

std::string answer_error(const http::RequestRecord& r) {
  return fmt::format("the answer being evaluated failed ({}): {}", http::to_string(r.outcome), r.error);
}

void submit_judges(const std::shared_ptr<GroupState>& st) {
  const AnswerGroup& g = *st->group;
  const http::RequestRecord& answer = *st->answers[0];
  for (const auto& judge : g.judges) {
    for (const auto& ask : g.asks) {
      const std::string key = judge_key(g, judge.id, ask.metric);
      if (!st->pending.count(key)) continue;
      if (run::request_failed(answer)) {
        json r = st->upstream(key, answer_error(answer));
        r.update({{field::kModel, judge.id}, {field::kRole, "judge"}, {field::kJudgeModel, judge.id},
                  {field::kJudgedModel, g.generation->id}, {"metric", ask.metric}, {field::kScore, nullptr}});
        st->emit(std::move(r));
        continue;
      }
      tasks::TemplateValues values{g.item->question, g.context, answer.content, g.item->ground_truth_answer};
      std::vector<http::ChatMessage> prompt = {{"user", ask.prompt->fill(values)}};
      http::ApiRequest request = run::chat_request(judge, prompt);
      st->requests->submit(std::move(request),
                           [st, key, judge = &judge, metric = ask.metric, prompt](const http::RequestRecord& rec) {
                             if (rec.outcome == http::Outcome::cancelled) return;
                             json r = st->base();
                             r.update(judge_record(key, *judge, metric, prompt, rec));
                             run::forget_unreadable_verdict(st->requests->executor(), r, rec);
                             r[field::kJudgedModel] = st->group->generation->id;
                             st->emit(std::move(r));
                           });
    }
  }
}

void submit_embeddings(const std::shared_ptr<GroupState>& st) {
  const AnswerGroup& g = *st->group;
  if (!wants_embedding(g)) return;
  const http::RequestRecord* failed = nullptr;
  for (const auto& a : st->answers) {
    if (run::request_failed(*a)) failed = &*a;
  }
  const bool with_reference = g.embed_reference == EmbedReference::yes && !g.item->ground_truth_answer.empty();
  std::vector<std::string> inputs;
  if (with_reference) inputs.push_back(g.item->ground_truth_answer);
  for (const auto& a : st->answers) inputs.push_back(a->content);
  for (const auto& model : g.embedders) {
    const std::string key = embed_key(g, model.id);
    if (!st->pending.count(key)) continue;
    json head = st->base();
    head.update({{field::kKey, key},
                 {field::kModel, model.id},
                 {field::kRole, "embedding"},
                 {field::kEmbeddingModel, model.id},
                 {field::kRepeat, 0},
                 {"inputs", inputs}});
    if (failed) {
      json r = st->upstream(key, answer_error(*failed));
      r.update({{field::kModel, model.id}, {field::kRole, "embedding"}, {field::kEmbeddingModel, model.id}});
      st->emit(std::move(r));
      continue;
    }
    embed_texts(*st->requests, model, inputs, 0, [st, head, with_reference](const EmbedResult& e) {
      if (e.cancelled()) return;
      json r = head;
      r.update(e.requests.fields());
      if (!e.ok()) {
        r[field::kErrorKind] = e.error_kind;
        r[field::kError] = e.error;
        st->emit(std::move(r));
        return;
      }
      const std::size_t first = with_reference ? 1 : 0;
      std::vector<metrics::Embedding> answers(e.vectors.begin() + static_cast<std::ptrdiff_t>(first), e.vectors.end());
      if (auto c = metrics::response_semantic_consistency({answers})) r["semantic_consistency"] = *c;
      if (with_reference) {
        const auto& ref = e.vectors[0];
        r["semantic_similarity"] = metrics::cosine_similarity(answers[0], ref);
        r["dot_similarity"] = metrics::dot(answers[0], ref);
        r["euclidean_distance"] = metrics::euclidean_distance(answers[0], ref);
      }
      st->emit(std::move(r));
    });
  }
}

}  // namespace

std::vector<std::string> answer_group_keys(const AnswerGroup& g) {
  std::vector<std::string> keys;
  for (int r = 0; r < g.repeats; ++r) keys.push_back(gen_key(g, r));
  for (const auto& judge : g.judges) {
    for (const auto& ask : g.asks) keys.push_back(judge_key(g, judge.id, ask.metric));
  }
  if (wants_embedding(g)) {
    for (const auto& model : g.embedders) keys.push_back(embed_key(g, model.id));
  }
  return keys;
}

json judge_record(const std::string& key, const config::ResolvedModel& judge, const std::string& metric,
                  const std::vector<http::ChatMessage>& prompt, const http::RequestRecord& rec) {
  json r = run::verdict_request_fields(rec);
  r.update({{field::kKey, key},
            {field::kModel, judge.id},
            {field::kRole, "judge"},
            {field::kJudgeModel, judge.id},
            {"metric", metric},
            {field::kRepeat, 0},
            {field::kPrompt, run::messages_json(prompt)},
            {field::kResponse, rec.content},
            {field::kReasoning, rec.reasoning},
            {field::kScore, nullptr},
            {field::kRationale, nullptr}});
  if (run::verdict_request_failed(rec)) return r;
  const tasks::ScoreVerdict v = tasks::parse_judge_score(rec.content);
  if (!v.ok()) {
    r[field::kErrorKind] = error_kind::kUnparsedVerdict;
    r[field::kError] = fmt::format("judge verdict unreadable ({}): {}", tasks::to_string(v.error), v.detail);
    return r;
  }
  r[field::kScore] = v.score;
  r[field::kRationale] = v.rationale;
  return r;
}

void run_answer_group(std::shared_ptr<const AnswerGroup> group, SharedRequests& requests,
                      const std::set<std::string>& done, RecordSink sink, std::function<void()> finished) {
  auto st = std::make_shared<GroupState>();
  for (const auto& key : answer_group_keys(*group)) {
    if (!done.count(key)) st->pending.insert(key);
  }
  if (st->pending.empty()) {
    if (finished) finished();
    return;
  }
  st->finished = std::move(finished);
  st->group = group;
  st->answers.resize(static_cast<std::size_t>(group->repeats));
  st->remaining = group->repeats;
  st->requests = &requests;
  st->sink = std::move(sink);
  for (int rep = 0; rep < group->repeats; ++rep) {
    http::ApiRequest request = run::chat_request(*group->generation, group->messages);
    request.repeat_index = rep;
    requests.submit(std::move(request), [st, rep](const http::RequestRecord& rec) {
      if (rec.outcome == http::Outcome::cancelled) return;
      const AnswerGroup& g = *st->group;
      st->answers[static_cast<std::size_t>(rep)] = rec;
      const std::string key = gen_key(g, rep);
      if (st->pending.count(key)) {
        json r = st->base();
        r.update(run::request_fields(rec));
        r.update({{field::kKey, key},
                  {field::kModel, g.generation->id},
                  {field::kRole, "generation"},
                  {field::kRepeat, rep},
                  {field::kPrompt, run::messages_json(g.messages)},
                  {field::kResponse, rec.content},
                  {field::kReasoning, rec.reasoning},
                  {field::kFinishReason, rec.finish_reason}});
        r.update(g.gen_extra);
        st->emit(std::move(r));
      }
      if (rep == 0) submit_judges(st);
      if (--st->remaining == 0) submit_embeddings(st);
    });
  }
}

void fail_answer_group(const AnswerGroup& g, const std::set<std::string>& done, const std::string& error,
                       const RecordSink& sink) {
  auto emit = [&](const std::string& key, json who) {
    if (done.count(key)) return;
    json r = rag_item_fields(*g.item);
    r[field::kContext] = g.context;
    r.update(g.roles);
    r.update(who);
    r.update({{field::kKey, key},
              {field::kErrorKind, error_kind::kUpstream},
              {field::kError, error},
              {field::kHttpStatus, 0},
              {field::kAttempts, 0}});  // its own request was never sent
    sink(std::move(r));
  };
  for (int rep = 0; rep < g.repeats; ++rep) {
    emit(gen_key(g, rep), {{field::kModel, g.generation->id}, {field::kRole, "generation"}, {field::kRepeat, rep}});
  }
  for (const auto& judge : g.judges) {
    for (const auto& ask : g.asks) {
      emit(judge_key(g, judge.id, ask.metric), {{field::kModel, judge.id},
                                                {field::kRole, "judge"},
                                                {field::kJudgeModel, judge.id},
                                                {field::kJudgedModel, g.generation->id},
                                                {"metric", ask.metric},
                                                {field::kRepeat, 0},
                                                {field::kScore, nullptr}});
    }
  }
  if (!wants_embedding(g)) return;
  for (const auto& model : g.embedders) {
    emit(embed_key(g, model.id), {{field::kModel, model.id},
                                  {field::kRole, "embedding"},
                                  {field::kEmbeddingModel, model.id},
                                  {field::kRepeat, 0}});
  }
}

}  // namespace llmbench::tiers
