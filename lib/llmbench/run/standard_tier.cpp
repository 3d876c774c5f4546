#include "llmbench/run/standard_tier.hpp"
#include "llmbench/run/rag_requests.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include "llmbench/data/custom_task.hpp"
#include "llmbench/data/sampling.hpp"
#include "llmbench/error.hpp"
#include "llmbench/metrics/accuracy.hpp"
#include "llmbench/sim/dataset_book.hpp"
#include "llmbench/tasks/score.hpp"
#include "llmbench/util/json.hpp"

namespace llmbench::run {
namespace {

using nlohmann::json;
using metrics::Verdict;
using util::string_field;

constexpr std::string_view kGsm8k = "gsm8k";

std::string_view verdict_name(Verdict v) {
  switch (v) {
    case Verdict::correct: return "correct";
    case Verdict::wrong: return "wrong";
    case Verdict::unparsed: return "unparsed";
    case Verdict::error: return "error";
  }
  return "error";
}

Verdict parse_verdict(const json& v) {
  const std::string s = v.is_string() ? v.get<std::string>() : "error";
  if (s == "correct") return Verdict::correct;
  if (s == "wrong") return Verdict::wrong;
  if (s == "unparsed") return Verdict::unparsed;
  return Verdict::error;
}

Verdict verdict_of(const tasks::Score& score) {
  if (!score.parsed) return Verdict::unparsed;
  return score.correct ? Verdict::correct : Verdict::wrong;
}

// Latency summary over successful requests; nearest-rank percentiles.
json latency_json(std::vector<double> latencies) {
  if (latencies.empty()) return nullptr;
  std::sort(latencies.begin(), latencies.end());
  auto pct = [&](double p) {
    const auto rank = static_cast<std::size_t>(std::ceil(p * static_cast<double>(latencies.size())));
    return latencies[std::max<std::size_t>(rank, 1) - 1];
  };
  double sum = 0;
  for (double l : latencies) sum += l;
  return {{"mean", sum / static_cast<double>(latencies.size())}, {"p50", pct(0.50)}, {"p95", pct(0.95)}};
}

}  // namespace

StandardTier::StandardTier(const RunOptions& options, const std::string& data_dir)
    : score_truncated_(options.score_truncated) {
  std::vector<data::CustomTask> custom;
  if (!options.tasks_file.empty()) custom = data::load_custom_tasks_file(options.tasks_file);
  std::vector<std::string> names = options.tasks;
  if (names.empty()) {  // default: the tasks file's tasks, else every standard task
    for (const auto& c : custom) names.push_back(c.info.name);
    if (custom.empty()) {
      for (const auto& info : data::standard_tasks()) names.push_back(info.name);
    }
  }
  const data::SampleLimit limit = data::parse_limit(options.limit);
  for (const auto& name : names) {
    StandardTask task;
    auto it = std::find_if(custom.begin(), custom.end(), [&](const data::CustomTask& c) { return c.info.name == name; });
    if (it != custom.end()) {
      task.dataset = std::move(it->dataset);
    } else if (data::find_task(name) != nullptr || custom.empty()) {
      task.dataset = data::load_task(name, data_dir);
    } else {
      std::string known;
      for (const auto& info : data::standard_tasks()) known += info.name + ", ";
      for (const auto& c : custom) known += c.info.name + ", ";
      throw Error(fmt::format("--tasks: unknown task \"{}\"; known: {}", name, known.substr(0, known.size() - 2)),
                  ExitCode::bad_input);
    }
    data::check_fewshot(task.dataset, options.num_fewshot);
    task.items_total = task.dataset.items.size();
    task.items = data::sample_items(task.dataset.items, limit, options.sample_seed, task.dataset.task);
    tasks_.push_back(std::move(task));
  }
  for (std::size_t t = 0; t < tasks_.size(); ++t) {
    const auto& task = tasks_[t];
    tasks::PromptOptions prompt_options;
    prompt_options.task = task.dataset.task;
    prompt_options.seed = options.sample_seed;
    prompt_options.num_fewshot = options.num_fewshot;
    for (const auto& item : task.items) {
      StandardPrompt prompt;
      prompt.task = t;
      prompt.item = &item;
      if (task.dataset.scorer == data::Scorer::choice_letter) {
        prompt.mc = tasks::build_mc_prompt(item, task.dataset.fewshot_pool, prompt_options);
        prompt.messages = prompt.mc.messages;
      } else if (task.dataset.task == kGsm8k) {
        prompt.messages = tasks::build_gsm8k_prompt(item, task.dataset.fewshot_pool, prompt_options);
      } else {
        prompt.messages = {{"user", item.question}};
      }
      prompts_.push_back(std::move(prompt));
    }
  }
}

json StandardTier::score(const StandardPrompt& prompt, const std::string& model,
                         const http::RequestRecord& record) const {
  const StandardTask& task = tasks_.at(prompt.task);
  const data::Item& item = *prompt.item;
  const bool mc = task.dataset.scorer == data::Scorer::choice_letter;
  json r = {
      {"tier", "standard"},
      {"task", task.dataset.task},
      {"item_id", item.id},
      {"subject", item.subject},
      {"key", fmt::format("standard|{}/{}|{}", task.dataset.task, item.id, model)},
      {"model", model},
      {"role", "generation"},
      {"generation_model", model},
      {"repeat", 0},
      {"question", item.question},
      {"gold", mc ? std::string(1, prompt.mc.gold_letter) : item.reference},
      {"reference", mc ? item.choices.at(static_cast<std::size_t>(item.gold_index)) : item.reference},
      {"prompt", messages_json(prompt.messages)},
      {"response", record.content},
      {"reasoning", record.reasoning},
      {"finish_reason", record.finish_reason},
      {"error_kind", nullptr},
      {"error", nullptr},
  };
  r.update(request_stats(record));
  if (mc) {  // the options as shown, so the report can show what the gold letter points at
    r["options"] = prompt.mc.options;
    r["letters"] = prompt.mc.letters;
  }
  // A reply cut off by the token budget is the model's doing, not an error: marked
  // truncated and scored (an empty one keeps its kind "truncated" and is unparsed). Every
  // other failed request is an error item.
  r["truncated"] = record.cut_off();
  if (!record.ok() && record.outcome != http::Outcome::truncated) {
    r["error_kind"] = std::string(http::to_string(record.outcome));
    r["error"] = record.error;
    r["verdict"] = verdict_name(Verdict::error);
    r["parsed"] = false;
    r["correct"] = false;
    r["extracted"] = nullptr;
    return r;
  }
  if (record.outcome == http::Outcome::truncated) r["error_kind"] = "truncated";
  const tasks::Finish finish =
      record.cut_off() && !score_truncated_ ? tasks::Finish::cut_off : tasks::Finish::complete;
  if (mc) {
    const tasks::Score s = tasks::score_choice(record.content, record.reasoning, prompt.mc, finish);
    r["extracted"] = s.parsed ? json(s.extracted) : json();
    r["parsed"] = s.parsed;
    r["correct"] = s.correct;
    r["verdict"] = verdict_name(verdict_of(s));
  } else if (task.dataset.task == kGsm8k) {
    const tasks::Gsm8kScore g = tasks::score_gsm8k(record.content, item.reference, finish);
    r["extracted"] = g.flexible.parsed ? json(g.flexible.extracted) : json();
    r["parsed"] = g.flexible.parsed;
    r["correct"] = g.flexible.correct;
    r["verdict"] = verdict_name(verdict_of(g.flexible));
    r["extracted_strict"] = g.strict.parsed ? json(g.strict.extracted) : json();
    r["verdict_strict"] = verdict_name(verdict_of(g.strict));
  } else {
    const tasks::Score s = tasks::score_text(task.dataset.scorer, record.content, item.reference, finish);
    r["extracted"] = s.parsed ? json(s.extracted) : json();
    r["parsed"] = s.parsed;
    r["correct"] = s.correct;
    r["verdict"] = verdict_name(verdict_of(s));
  }
  return r;
}

json StandardTier::datasets_json() const {
  json out = json::array();
  for (const auto& task : tasks_) {
    out.push_back({{"task", task.dataset.task},
                   {"split", task.dataset.split},
                   {"files", task.dataset.files},
                   {"items_total", task.items_total},
                   {"items_selected", task.items.size()}});
  }
  return out;
}

void StandardTier::add_to_answer_book(sim::AnswerBook& book) const {
  for (const auto& task : tasks_) {
    sim::add_items(book, task.dataset, task.items);
    sim::add_items(book, task.dataset, task.dataset.fewshot_pool);
  }
}

std::string StandardTier::plan(const ModelMatrix& models) const {
  std::string out;
  for (const auto& task : tasks_) {
    out += fmt::format("  standard {:<16} {} of {} items ({})\n", task.dataset.task, task.items.size(),
                       task.items_total, task.dataset.split);
  }
  for (const auto& m : models.generation) {
    out += fmt::format("  standard generation {:<24} {} requests\n", m.id, prompts_.size());
  }
  return out;
}

std::vector<PlannedLoad> StandardTier::planned_load(const ModelMatrix& models) const {
  std::size_t bytes = 0;
  for (const auto& prompt : prompts_) bytes += message_bytes(prompt.messages);
  return same_load(config::Role::generation, models.generation, prompts_.size(), bytes);
}

std::size_t StandardTier::job_count(const ModelMatrix& models) const {
  return prompts_.size() * models.generation.size();
}

void StandardTier::submit(http::Executor& executor, const ModelMatrix& models,
                          const std::set<std::string>& done, RecordSink sink) {
  for (const auto& m : models.generation) {
    for (const auto& prompt : prompts_) {
      const StandardTask& task = tasks_[prompt.task];
      if (done.count(fmt::format("standard|{}/{}|{}", task.dataset.task, prompt.item->id, m.id))) continue;
      executor.submit(chat_request(m, prompt.messages),
                      [this, &prompt, id = m.id, sink](http::RequestRecord&& r) {
                        if (r.outcome == http::Outcome::cancelled) return;
                        sink(score(prompt, id, r));
                      });
    }
  }
}

void StandardTier::aggregate(const std::vector<const json*>& records, const ModelMatrix& models,
                             json& model_runs) const {
  std::map<std::string, std::optional<config::Price>> prices;
  for (const auto& m : models.generation) prices[m.id] = m.price;
  std::map<std::string, std::vector<const json*>> by_model;
  for (const json* r : records) by_model[r->at("generation_model").get<std::string>()].push_back(r);
  for (json& mr : model_runs) {
    auto it = by_model.find(mr.value("generation_model", std::string()));
    if (it == by_model.end()) continue;
    mr["metrics"]["standard"] = standard_metrics(it->second, prices[it->first]);
  }
}

json standard_metrics(const std::vector<const json*>& records,
                      const std::optional<config::Price>& price) {
  struct TaskTally {
    metrics::AccuracyTally all, strict;
    std::vector<metrics::SubjectVerdict> subjects;
    bool has_subjects = false, has_strict = false;
    std::vector<double> latencies;
    std::int64_t prompt_tokens = 0, completion_tokens = 0;
    bool tokens_known = false;
    std::size_t truncated = 0;
  };
  std::vector<std::string> order;
  std::map<std::string, TaskTally> tallies;
  for (const json* rp : records) {
    const json& r = *rp;
    const std::string task = r.at("task").get<std::string>();
    auto [it, inserted] = tallies.try_emplace(task);
    if (inserted) order.push_back(task);
    TaskTally& t = it->second;
    const Verdict v = parse_verdict(r.value("verdict", json()));
    t.all.add(v);
    const auto cut = r.find("truncated");
    if ((cut != r.end() && cut->is_boolean() && cut->get<bool>()) || string_field(r, "error_kind") == "truncated")
      ++t.truncated;
    if (r.contains("verdict_strict")) {
      t.has_strict = true;
      t.strict.add(parse_verdict(r["verdict_strict"]));
    }
    const std::string subject = r.value("subject", std::string());
    if (!subject.empty()) t.has_subjects = true;
    t.subjects.push_back({subject, v});
    if (v != Verdict::error && r.value("latency_ms", json()).is_number()) {
      t.latencies.push_back(r["latency_ms"].get<double>());
    }
    const json& usage = r.value("usage", json());
    if (usage.is_object()) {
      t.tokens_known = true;
      t.prompt_tokens += std::max<std::int64_t>(usage.value("prompt_tokens", 0), 0);
      t.completion_tokens += std::max<std::int64_t>(usage.value("completion_tokens", 0), 0);
    }
  }
  json out = json::object();
  for (const auto& task : order) {
    TaskTally& t = tallies[task];
    json m = metrics::to_json(t.all.result());
    m["n_truncated"] = t.truncated;
    if (t.has_strict) {
      m["flexible_extract"] = metrics::to_json(t.all.result());
      m["strict_match"] = metrics::to_json(t.strict.result());
    }
    if (t.has_subjects) {
      const auto breakdown = metrics::accuracy_by_subject(t.subjects);
      json subjects = json::object();
      for (const auto& s : breakdown.subjects) subjects[s.subject] = metrics::to_json(s.accuracy);
      m["subjects"] = std::move(subjects);
      m["macro_accuracy"] = breakdown.macro ? json(*breakdown.macro) : json();
      m["micro_accuracy"] = breakdown.micro.accuracy ? json(*breakdown.micro.accuracy) : json();
    }
    m["latency_ms"] = latency_json(std::move(t.latencies));
    if (t.tokens_known) {
      m["tokens"] = {{"prompt", t.prompt_tokens}, {"completion", t.completion_tokens}};
      if (price) {
        const double input = static_cast<double>(t.prompt_tokens) * price->input_per_mtok / 1e6;
        const double output = static_cast<double>(t.completion_tokens) * price->output_per_mtok / 1e6;
        m["cost"] = {{"input", input}, {"output", output}, {"total", input + output}};
      }
    }
    out[task] = std::move(m);
  }
  return out;
}

}  // namespace llmbench::run
