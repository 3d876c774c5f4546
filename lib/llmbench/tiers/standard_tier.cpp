#include "llmbench/tiers/standard_tier.hpp"
#include "llmbench/run/job_feeder.hpp"
#include "llmbench/tiers/rag_requests.hpp"
#include "llmbench/tiers/standard_judge.hpp"
#include "llmbench/tiers/safety_judge.hpp"
#include "llmbench/tiers/safety_records.hpp"

#include <algorithm>
#include <map>
#include <stdexcept>

#include <fmt/format.h>

#include "llmbench/data/custom_task.hpp"
#include "llmbench/data/sampling.hpp"
#include "llmbench/data/task_sample.hpp"
#include "llmbench/error.hpp"
#include "llmbench/metrics/accuracy.hpp"
#include "llmbench/records/fields.hpp"
#include "llmbench/tasks/code_extract.hpp"
#include "llmbench/tasks/code_prompt.hpp"
#include "llmbench/tasks/refusal_judge.hpp"
#include "llmbench/tasks/score.hpp"
#include "llmbench/util/free_memory.hpp"

namespace llmbench::tiers {

namespace field = records::field;

namespace {

using nlohmann::json;
using metrics::Verdict;

// The item text the tier keeps plain rather than deflated, over all its tasks (the first blocks
// of the first tasks): a run of a few thousand MMLU items (some 500 bytes each) neither deflates
// nor inflates any, for at most some 1 MiB more memory than deflating them all (level 1 deflates
// MMLU to 38%).
constexpr std::size_t kPlainItemTextBytes = 1536 * 1024;

std::string_view verdict_name(Verdict v) {
  switch (v) {
    case Verdict::correct: return "correct";
    case Verdict::wrong: return "wrong";
    case Verdict::unparsed: return "unparsed";
    case Verdict::error: return "error";
  }
  return "error";
}

// Before any request: a code task's programs need the sandbox (or --allow-unsandboxed-code).
std::unique_ptr<CodeRunner> make_code_runner(const run::RunOptions& options) {
  sandbox::SandboxOptions sandbox_options;
  sandbox_options.timeout_s = options.code_timeout_s;
  sandbox_options.isolation =
      options.allow_unsandboxed_code ? sandbox::Isolation::unsandboxed : sandbox::Isolation::bubblewrap;
  sandbox::require_available(sandbox_options);
  return std::make_unique<CodeRunner>(sandbox_options);
}

// The key of a code task's further samples: "<key>|s<sample>".
std::string sample_key(std::string key, int sample) {
  return sample == 0 ? key : fmt::format("{}|s{}", key, sample);
}

Verdict verdict_of(const tasks::Score& score) {
  if (!score.parsed) return Verdict::unparsed;
  return score.correct ? Verdict::correct : Verdict::wrong;
}

}  // namespace

StandardTier::StandardTier(const run::RunOptions& options, const std::string& data_dir)
    : sample_seed_(options.sample_seed),
      num_fewshot_(options.num_fewshot),
      score_truncated_(options.score_truncated),
      feed_window_(run::feed_window(options.concurrency)),
      samples_(std::max(options.samples, 1)) {
  std::vector<data::CustomTask> custom;
  if (!options.tasks_file.empty()) custom = data::load_custom_tasks_file(options.tasks_file);
  std::vector<std::string> names = options.tasks;
  if (names.empty()) {  // default: the tasks file's tasks, else every standard task
    for (const auto& c : custom) names.push_back(c.info.name);
    if (custom.empty()) {
      for (const auto& info : data::standard_tasks()) {
        if (info.in_default) names.push_back(info.name);
      }
    }
  }
  const data::SampleLimit limit = data::parse_limit(options.limit);
  std::size_t plain_left = kPlainItemTextBytes;  // what the tasks still to pack may keep plain
  for (const auto& name : names) {
    StandardTask task;
    task.items = data::PackedItems(plain_left);
    auto it = std::find_if(custom.begin(), custom.end(), [&](const data::CustomTask& c) { return c.info.name == name; });
    if (it != custom.end()) {
      task.dataset = std::move(it->dataset);
      task.items_total = data::sample_dataset(task.dataset, limit, options.sample_seed);
    } else if (data::find_task(name) != nullptr || custom.empty()) {
      task.dataset = data::load_task_sample(name, data_dir, limit, options.sample_seed, task.items_total);
    } else {
      std::string known;
      for (const auto& info : data::standard_tasks()) known += info.name + ", ";
      for (const auto& c : custom) known += c.info.name + ", ";
      throw Error(fmt::format("--tasks: unknown task \"{}\"; known: {}", name, known.substr(0, known.size() - 2)),
                  ExitCode::bad_input);
    }
    data::check_fewshot(task.dataset, options.num_fewshot);
    // The dataset holds only the items --limit selected (the rest were never built, or let go).
    // They are packed (their text in blocks, deflated past kPlainItemTextBytes,
    // data/packed_items.hpp) once each one's prompt was built, so a bad item fails here naming
    // its "<file>:<line>"; the dataset's items go before the next task is loaded. With --shard,
    // only this shard's items (keyed "<task>/<item id>", run/shard.hpp).
    for (const data::Item& item : task.dataset.items) {
      if (!options.shard.holds(task.dataset.task + "/" + item.id)) continue;
      measure(task, item);
      task.items.push_back(item);
    }
    task.items.shrink_to_fit();
    plain_left -= task.items.plain_text_bytes();
    // Move-assigned, so its buffer goes too (`= {}` assigns an empty list and keeps the buffer:
    // some 270 bytes per item of the whole dataset, 12 MB for the default tasks).
    task.dataset.items = std::vector<data::Item>();
    tasks_.push_back(std::move(task));
    util::release_free_memory();  // the dataset's items, freed among the packed blocks
  }
  if (code_prompts_ > 0) code_runner_ = make_code_runner(options);
  code_timeout_s_ = options.code_timeout_s;
  code_sandboxed_ = !options.allow_unsandboxed_code;
}

void StandardTier::measure(const StandardTask& task, const data::Item& item) {
  const data::Dataset& dataset = task.dataset;
  prompt_bytes_ += run::message_bytes(prompt_messages(task, item, nullptr));
  ++prompt_count_;
  if (dataset.scorer == data::Scorer::code) ++code_prompts_;
  if (dataset.scorer == data::Scorer::refusal) {  // the question and a short reply, for --safety-judge
    ++refusal_prompts_;
    refusal_judge_bytes_ += run::message_bytes(tasks::build_refusal_judge_prompt(item.question, ""));
  }
  if (dataset.scorer != data::Scorer::judge) return;
  ++judged_prompts_;
  judge_bytes_ +=
      run::message_bytes(tasks::build_rubric_judge_prompt(item.question, item.reference, item.reference, dataset.rubric));
}

StandardPrompt StandardTier::prompt(std::size_t t, std::size_t i) const {
  const StandardTask& task = tasks_.at(t);
  return build_prompt(task, t, task.items.at(i));
}

StandardPrompt StandardTier::build_prompt(const StandardTask& task, std::size_t t, data::Item item) const {
  StandardPrompt prompt;
  prompt.task = t;
  prompt.item = std::move(item);
  prompt.messages = prompt_messages(task, prompt.item, &prompt.mc);
  return prompt;
}

std::vector<http::ChatMessage> StandardTier::prompt_messages(const StandardTask& task, const data::Item& item,
                                                             tasks::McPrompt* mc) const {
  tasks::PromptOptions prompt_options;
  prompt_options.task = task.dataset.task;
  prompt_options.seed = sample_seed_;
  prompt_options.num_fewshot = num_fewshot_;
  const std::vector<data::Item>& pool = task.dataset.fewshot_pool;
  switch (task.dataset.prompt) {
    case data::PromptStyle::multiple_choice: {
      tasks::McPrompt built = tasks::build_mc_prompt(item, pool, prompt_options);
      std::vector<http::ChatMessage> messages = std::move(built.messages);
      built.messages.clear();
      if (mc != nullptr) *mc = std::move(built);
      return messages;
    }
    case data::PromptStyle::worked_solution: return tasks::build_gsm8k_prompt(item, pool, prompt_options);
    case data::PromptStyle::question: return {{"user", item.question}};
    case data::PromptStyle::native_math: return tasks::build_native_math_prompt(item);
    case data::PromptStyle::code_completion:
    case data::PromptStyle::code_from_tests:
      return tasks::build_code_prompt(task.dataset.prompt, item, pool, prompt_options);
  }
  return {};
}

StandardPrompt StandardTier::Prompts::at(std::size_t i) const {
  for (std::size_t t = 0; t < tier_.tasks_.size(); ++t) {
    const std::size_t n = tier_.tasks_[t].items.size();
    if (i < n) return tier_.prompt(t, i);
    i -= n;
  }
  throw std::out_of_range("StandardTier::Prompts::at: past the last prompt");
}

json StandardTier::score(const StandardPrompt& prompt, const std::string& model,
                         const http::RequestRecord& record, int sample) const {
  const StandardTask& task = tasks_.at(prompt.task);
  const data::Item& item = prompt.item;
  const bool mc = task.dataset.scorer == data::Scorer::choice_letter;
  // Filled field by field (each value built in place) rather than from an initializer list,
  // which would build a pair per field and copy the prompt: this runs once per item.
  json r = json::object();
  auto& fields = r.get_ref<json::object_t&>();
  const auto set = [&fields](const char* name, json value) { fields.emplace(name, std::move(value)); };
  set(field::kTier, "standard");
  set(field::kTask, task.dataset.task);
  set(field::kItemId, item.id);
  set(field::kSubject, item.subject);
  set(field::kKey, sample_key(fmt::format("standard|{}/{}|{}", task.dataset.task, item.id, model), sample));
  set(field::kModel, model);
  set(field::kRole, "generation");
  set(field::kGenerationModel, model);
  set(field::kRepeat, sample);
  set(field::kQuestion, item.question);
  set(field::kGold, mc ? std::string(1, prompt.mc.gold_letter) : item.reference);
  set(field::kReference, mc ? item.choices.at(static_cast<std::size_t>(item.gold_index)) : item.reference);
  set(field::kPrompt, run::messages_json(prompt.messages));
  set(field::kResponse, record.content);
  set(field::kReasoning, record.reasoning);
  set(field::kFinishReason, record.finish_reason);
  set(field::kErrorKind, nullptr);
  set(field::kError, nullptr);
  run::add_request_stats(r, record);  // names none of the fields above
  if (mc) {  // the options as shown, so the report can show what the gold letter points at
    r[field::kOptions] = prompt.mc.options;
    r[field::kLetters] = prompt.mc.letters;
  }
  // A reply cut off by the token budget is the model's doing, not an error: marked
  // truncated and scored (an empty one keeps its kind "truncated" and is unparsed). Every
  // other failed request is an error item.
  r[field::kTruncated] = record.cut_off();
  if (item.bias) put_bias_context(r, *item.bias);
  if (task.dataset.scorer == data::Scorer::refusal) r[field::kScorer] = "refusal";
  if (!record.ok() && record.outcome != http::Outcome::truncated) {
    r[field::kErrorKind] = std::string(http::to_string(record.outcome));
    r[field::kError] = record.error;
    r[field::kVerdict] = verdict_name(Verdict::error);
    r[field::kParsed] = false;
    r[field::kCorrect] = false;
    r[field::kExtracted] = nullptr;
    return r;
  }
  if (record.outcome == http::Outcome::truncated) r[field::kErrorKind] = records::error_kind::kTruncated;
  const tasks::Finish finish =
      record.cut_off() && !score_truncated_ ? tasks::Finish::cut_off : tasks::Finish::complete;
  if (task.dataset.scorer == data::Scorer::judge) {  // scored by the judges' records
    r[field::kScorer] = "judge";
    r[field::kVerdict] = nullptr;
    return r;
  }
  if (task.dataset.scorer == data::Scorer::code) {  // scored when its program has run
    r["scorer"] = "code";
    r["sample"] = sample;
    r["extracted"] = nullptr;
    const auto code = finish == tasks::Finish::cut_off ? std::nullopt : tasks::extract_code(record.content, item.entry_point);
    if (!code) {
      put_code_unparsed(r);
      return r;
    }
    r["code"] = *code;
    r["parsed"] = true;
    r["correct"] = false;
    r["verdict"] = nullptr;
    r["test_outcome"] = nullptr;
    return r;
  }
  const auto put = [&r](const tasks::Score& s, const std::string& record_key) {
    const std::string suffix = record_key.empty() ? "" : "_" + record_key;
    r[field::kExtracted + suffix] = s.parsed ? json(s.extracted) : json();
    r[field::kVerdict + suffix] = verdict_name(verdict_of(s));
    if (!record_key.empty()) return;
    r[field::kParsed] = s.parsed;
    r[field::kCorrect] = s.correct;
  };
  if (mc) {
    put(tasks::score_choice(record.content, record.reasoning, prompt.mc, finish), "");
    if (item.bias) put_bias_answer(r, *item.bias, prompt.mc);
  } else if (!task.dataset.filters.empty()) {
    for (const data::AnswerFilter& filter : task.dataset.filters) {
      put(tasks::score_filter(filter, record.content, item.reference, finish), filter.record_key);
    }
  } else {
    put(tasks::score_text(task.dataset.scorer, record.content, item.reference, finish), "");
    if (task.dataset.scorer == data::Scorer::refusal) put_refusal_fields(r);
  }
  return r;
}

std::string StandardTier::code_program(const StandardPrompt& prompt, const json& record) const {
  return tasks::code_program(tasks_.at(prompt.task).dataset.prompt, prompt.item, record.at("code").get<std::string>());
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

std::vector<data::ItemSet> StandardTier::item_sets() const {
  std::vector<data::ItemSet> sets;
  for (const auto& task : tasks_) {
    sets.push_back({task.dataset.task, task.dataset.scorer, nullptr, &task.items});
    sets.push_back({task.dataset.task, task.dataset.scorer, &task.dataset.fewshot_pool});
  }
  return sets;
}

std::vector<config::Role> StandardTier::roles() const {
  if (judged_prompts_ == 0) return {config::Role::generation};
  return {config::Role::generation, config::Role::judge};
}

std::string StandardTier::plan(const run::ModelMatrix& models) const {
  std::string out;
  for (const auto& task : tasks_) {
    out += fmt::format("  standard {:<16} {} of {} items ({})\n", task.dataset.task, task.items.size(),
                       task.items_total, task.dataset.split);
  }
  for (const auto& m : models.generation) {
    out += fmt::format("  standard generation {:<24} {} requests\n", m.id, prompt_count_ + extra_samples());
  }
  if (code_prompts_ > 0) {
    out += fmt::format("  standard code: {} programs per model ({} s each at most, {})\n", code_prompts_ * samples_,
                       code_timeout_s_, code_sandboxed_ ? "sandboxed by bubblewrap" : "UNSANDBOXED");
  }
  if (models.safety_judge && refusal_prompts_ > 0) {
    out += fmt::format("  standard safety judge {:<22} {} requests at most (replies with text)\n", models.safety_judge->id,
                       refusal_prompts_ * models.generation.size());
  }
  if (judged_prompts_ == 0) return out;
  for (const auto& m : models.judges) {
    out += fmt::format("  standard judge {:<29} {} requests\n", m.id, judged_prompts_ * models.generation.size());
  }
  return out;
}

std::vector<run::PlannedLoad> StandardTier::planned_load(const run::ModelMatrix& models) const {
  std::vector<run::PlannedLoad> loads =
      same_load(config::Role::generation, models.generation, prompt_count_ + extra_samples(), prompt_bytes_);
  const std::size_t generators = models.generation.size();
  if (models.safety_judge && refusal_prompts_ > 0) {
    for (auto& load : same_load(config::Role::judge, {*models.safety_judge}, refusal_prompts_ * generators,
                                refusal_judge_bytes_ * generators)) {
      loads.push_back(std::move(load));
    }
  }
  if (judged_prompts_ == 0) return loads;
  for (auto& load : same_load(config::Role::judge, models.judges, judged_prompts_ * generators, judge_bytes_ * generators)) {
    loads.push_back(std::move(load));
  }
  return loads;
}

std::size_t StandardTier::job_count(const run::ModelMatrix& models) const {
  return (prompt_count_ + extra_samples() + judged_prompts_ * models.judges.size()) * models.generation.size();
}

void StandardTier::submit(http::Executor& executor, const run::ModelMatrix& models,
                          const std::set<std::string>& done, RecordSink sink) {
  // The next job: sample s of tasks_[t].items[i] to models.generation[m].
  std::size_t m = 0, t = 0, i = 0;
  int s = 0;
  const config::ResolvedModel* safety_judge = models.safety_judge ? &*models.safety_judge : nullptr;
  run::feed(executor, feed_window_, [this, &executor, &models, &done, sink, safety_judge, m, t, i, s](
                                        http::ApiRequest& request, http::Executor::Callback& callback) mutable {
    for (; m < models.generation.size(); ++m, t = 0) {
      const config::ResolvedModel& model = models.generation[m];
      for (; t < tasks_.size(); ++t, i = 0) {
        const StandardTask& task = tasks_[t];
        const int samples = task.dataset.scorer == data::Scorer::code ? samples_ : 1;
        for (; i < task.items.size(); ++i, s = 0) {
          for (; s < samples; ++s) {
            const std::string item_key = fmt::format("standard|{}/{}|{}", task.dataset.task, task.items.id(i), model.id);
            std::vector<config::ResolvedModel> judges;  // whose records are still to be written
            if (task.dataset.scorer == data::Scorer::judge) {
              for (const auto& j : models.judges) {
                if (!done.count(rubric_judge_key(item_key, j.id))) judges.push_back(j);
              }
            }
            const bool answer_done = done.count(sample_key(item_key, s)) > 0;
            if (answer_done && judges.empty()) continue;
            StandardPrompt built = prompt(t, i);
            request = run::chat_request(model, built.messages);
            request.repeat_index = s;
            const config::ResolvedModel* labeller = task.dataset.scorer == data::Scorer::refusal ? safety_judge : nullptr;
            callback = [this, prompt = std::move(built), &executor, &task, id = model.id, answer_done,
                        judges = std::move(judges), labeller, sink, sample = s](http::RequestRecord&& r) {
              if (r.outcome == http::Outcome::cancelled) return;
              json record = score(prompt, id, r, sample);
              for (const auto& judge : judges) submit_rubric_judge(executor, record, task.dataset.rubric, judge, sink);
              if (answer_done) return;
              if (task.dataset.scorer == data::Scorer::code && record.value("verdict", json()).is_null()) {
                std::string program = code_program(prompt, record);
                code_runner_->run(executor, std::move(program), std::move(record), sink);
                return;
              }
              if (labeller != nullptr) submit_safety_judge(executor, std::move(record), *labeller, sink);
              else sink(std::move(record));
            };
            ++s;
            return true;
          }
        }
        // Every prompt of this task was built for the last model: its text goes (the embedded
        // simulator's answer book keeps digests, not views of it). Prompts carry their own item.
        if (m + 1 == models.generation.size()) tasks_[t].items.release_text();
      }
    }
    return false;
  });
}

void StandardTier::aggregate(const std::vector<const json*>& records, const run::ModelMatrix& models,
                             json& model_runs) const {
  std::map<std::string, std::optional<config::Price>> prices;
  for (const auto& m : models.generation) prices[m.id] = m.price;
  std::map<std::string, std::vector<const json*>> by_model;
  for (const json* r : records) by_model[r->at(field::kGenerationModel).get<std::string>()].push_back(r);
  for (json& mr : model_runs) {
    auto it = by_model.find(mr.value(field::kGenerationModel, std::string()));
    if (it == by_model.end()) continue;
    mr["metrics"]["standard"] = standard_metrics(it->second, prices[it->first]);
  }
}

std::unique_ptr<TierAggregator> StandardTier::aggregator(const run::ModelMatrix& models) const {
  return standard_aggregator(models);
}

}  // namespace llmbench::tiers
