#include "llmbench/run/sweep.hpp"

#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <map>
#include <memory>
#include <set>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "llmbench/config/embedded_sim.hpp"
#include "llmbench/config/registry.hpp"
#include "llmbench/data/tasks.hpp"
#include "llmbench/error.hpp"
#include "llmbench/http/executor.hpp"
#include "llmbench/http/openai.hpp"
#include "llmbench/report/store.hpp"
#include "llmbench/report/summary.hpp"
#include "llmbench/run/git_info.hpp"
#include "llmbench/run/journal.hpp"
#include "llmbench/run/progress.hpp"
#include "llmbench/run/run_id.hpp"
#include "llmbench/run/standard_tier.hpp"
#include "llmbench/sim/answer_book.hpp"

namespace llmbench::run {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

const std::set<std::string> kKnownTiers = {"0", "1", "2", "3", "judge", "judge_pipeline", "standard"};
const std::set<std::string> kImplementedTiers = {"standard"};

// The executor the SIGINT handler stops; set only while a sweep is running.
std::atomic<http::Executor*> g_executor{nullptr};
std::atomic<int> g_interrupts{0};

extern "C" void on_interrupt(int) {
  const int n = ++g_interrupts;
  if (http::Executor* executor = g_executor.load()) executor->request_stop();
  if (n >= 2) {
    static const char kMessage[] = "\nllmbench: interrupted again; exiting now (the item log is kept)\n";
    (void)!::write(2, kMessage, sizeof kMessage - 1);
    ::_exit(static_cast<int>(ExitCode::interrupted));
  }
}

// Installs the SIGINT/SIGTERM handlers for the duration of a sweep.
class InterruptGuard {
 public:
  explicit InterruptGuard(http::Executor& executor) {
    g_interrupts = 0;
    g_executor = &executor;
    struct sigaction action {};
    action.sa_handler = on_interrupt;
    sigemptyset(&action.sa_mask);
    ::sigaction(SIGINT, &action, &old_int_);
    ::sigaction(SIGTERM, &action, &old_term_);
  }
  ~InterruptGuard() {
    ::sigaction(SIGINT, &old_int_, nullptr);
    ::sigaction(SIGTERM, &old_term_, nullptr);
    g_executor = nullptr;
  }
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;
  bool interrupted() const { return g_interrupts.load() > 0; }

 private:
  struct sigaction old_int_ {};
  struct sigaction old_term_ {};
};

std::vector<std::string> expand_tiers(const std::vector<std::string>& requested) {
  std::vector<std::string> tiers;
  for (const auto& t : requested) {
    if (t == "all") {
      return {"0", "1", "2", "3", "judge", "judge_pipeline", "standard"};
    }
    if (!kKnownTiers.count(t)) {
      throw Error(fmt::format("--tier: unknown tier \"{}\"; use a comma list of "
                              "0,1,2,3,judge,judge_pipeline,standard, or all", t));
    }
    tiers.push_back(t);
  }
  if (tiers.empty()) tiers.push_back("standard");
  for (const auto& t : tiers) {
    if (!kImplementedTiers.count(t)) {
      throw Error(fmt::format("--tier {}: this tier is not implemented yet in this build; "
                              "run --tier standard", t));
    }
  }
  return tiers;
}

json flags_json(const RunOptions& o, const std::vector<std::string>& tiers,
                const std::vector<std::string>& models) {
  return {{"tiers", tiers},
          {"tasks", o.tasks},
          {"limit", o.limit},
          {"sample_seed", o.sample_seed},
          {"num_fewshot", o.num_fewshot},
          {"judge_eval_mode", o.judge_eval_mode == JudgeEvalMode::direct ? "direct" : "reasoned"},
          {"consistency_runs", o.consistency_runs},
          {"concurrency", o.concurrency},
          {"retries", o.retries},
          {"timeout_s", o.timeout_s},
          {"config", o.config},
          {"generation_models", models},
          {"judge_models", o.judge_models},
          {"production_judge_models", o.production_judge_models}};
}

http::ApiRequest chat_request(const config::ResolvedModel& model,
                              std::vector<http::ChatMessage> messages) {
  http::ApiRequest request;
  request.kind = http::ApiKind::chat;
  request.endpoint = model.endpoint;
  request.model = model.api_model;
  request.messages = std::move(messages);
  request.params = model.params;
  return request;
}

// "requests per role and model" and, with prices, an estimated cost.
std::string render_plan(const std::vector<config::ResolvedModel>& models,
                        const StandardTier& standard) {
  std::string out = "Plan:\n";
  std::int64_t prompt_chars = 0;
  for (const auto& p : standard.prompts()) {
    for (const auto& m : p.messages) prompt_chars += static_cast<std::int64_t>(m.content.size());
  }
  for (const auto& task : standard.tasks()) {
    out += fmt::format("  task {:<16} {} of {} items ({})\n", task.dataset.task, task.items.size(),
                       task.items_total, task.dataset.split);
  }
  double total_cost = 0;
  bool priced = false;
  for (const auto& m : models) {
    const auto n = standard.prompts().size();
    std::string cost;
    if (m.price) {
      const std::int64_t max_tokens = m.params.value("max_tokens", 256);
      const double input = static_cast<double>(prompt_chars) / 4.0 * m.price->input_per_mtok / 1e6;
      const double output = static_cast<double>(n) * static_cast<double>(max_tokens) *
                            m.price->output_per_mtok / 1e6;
      cost = fmt::format("  est. cost <= {:.4f}", input + output);
      total_cost += input + output;
      priced = true;
    }
    out += fmt::format("  generation {:<28} {} requests{}\n", m.id, n, cost);
  }
  out += fmt::format("  total: {} requests", standard.prompts().size() * models.size());
  if (priced) out += fmt::format(", estimated cost <= {:.4f} (prompt chars/4 in, max_tokens out)", total_cost);
  out += "\n";
  return out;
}

// One minimal request per model; returns model id -> reason for the ones that failed.
std::map<std::string, std::string> preflight(const std::vector<config::ResolvedModel>& models,
                                             const RunOptions& options) {
  http::ExecutorOptions eo;
  eo.concurrency = options.concurrency;
  eo.retries = std::min(options.retries, 2);
  eo.timeout_s = std::min(options.timeout_s, 60.0);
  http::Executor executor(eo);
  std::map<std::string, std::string> failures;
  for (const auto& m : models) {
    auto request = chat_request(m, {{"user", "Reply with the word OK."}});
    request.params["max_tokens"] = 5;
    executor.submit(std::move(request), [&failures, id = m.id](http::RequestRecord&& r) {
      // A truncated answer still proves the model is reachable and the key works.
      if (!r.ok() && r.outcome != http::Outcome::truncated) {
        failures[id] = fmt::format("{}{}: {}", http::to_string(r.outcome),
                                   r.http_status ? fmt::format(" {}", r.http_status) : "", r.error);
      }
    });
  }
  executor.run();
  return failures;
}

}  // namespace

int run_sweep(const RunOptions& options) {
  const std::vector<std::string> tiers = expand_tiers(options.tiers);
  if (!options.resume.empty()) {
    throw Error("--resume is not implemented yet in this build; start a new run instead");
  }
  const std::string run_id = options.run_id.empty() ? new_run_id() : options.run_id;
  validate_run_id(run_id);

  // Model matrix.
  const bool default_config = options.config == "configs/models.yaml";
  config::ModelsConfig models_config;
  if (!(default_config && !fs::exists(options.config))) {
    models_config = config::load_models_config(options.config);
  }
  const bool default_env = options.env_file == ".env.benchmark-models";
  config::Registry registry(std::move(models_config), config::Env::load(options.env_file, !default_env));
  std::vector<std::string> model_ids = options.generation_models;
  if (model_ids.empty()) model_ids = registry.default_models(config::Role::generation);
  if (model_ids.empty()) {
    throw Error("no generation models: pass --generation-models a,b, set roles.generation in "
                "the config, or GENERATION_MODEL in .env.benchmark-models");
  }
  std::vector<config::ResolvedModel> models;
  for (const auto& id : model_ids) models.push_back(registry.resolve(config::Role::generation, id));

  // Data and prompts.
  StandardTier standard(options, data::resolve_data_dir(""));
  std::printf("%s", render_plan(models, standard).c_str());
  std::fflush(stdout);
  if (options.dry_run) return static_cast<int>(ExitCode::ok);

  // Simulated providers learn the questions so their models answer with their accuracy.
  auto book = std::make_shared<sim::AnswerBook>();
  standard.add_to_answer_book(*book);
  config::EmbeddedSims sims;
  sims.start(models);  // FIXME(lead): pass book once EmbeddedSims takes one

  const auto unavailable = preflight(models, options);
  for (const auto& [id, reason] : unavailable) {
    spdlog::warn("{} is unavailable and will be recorded without metrics: {}", id, reason);
  }

  // The run record exists from the start, so a crash leaves a trace in the report.
  const fs::path out_dir = options.output_dir;
  const fs::path report_file = out_dir / report::kReportFileName;
  const std::string item_log = fmt::format("runs/{}/items.jsonl", run_id);
  const GitInfo git = read_git_info();
  json run = {{"id", run_id},
              {"schema_version", report::kSchemaVersion},
              {"timestamp", utc_timestamp_iso8601()},
              {"status", "running"},
              {"overall_status", "no_baseline"},
              {"llmbench_version", LLMBENCH_VERSION},
              {"git", {{"branch", git.branch}, {"commit", git.commit}}},
              {"flags", flags_json(options, tiers, model_ids)},
              {"dataset_file", nullptr},
              {"dataset_type", "standard"},
              {"datasets", standard.datasets_json()},
              {"item_log", item_log},
              {"model_runs", json::array()}};
  report::upsert_run(report_file, run);

  JournalWriter journal(out_dir / item_log);
  http::ExecutorOptions eo;
  eo.concurrency = options.concurrency;
  eo.retries = options.retries;
  eo.timeout_s = options.timeout_s;
  eo.seed = options.sample_seed;
  http::Executor executor(eo);
  for (const auto& m : models) executor.set_provider_limits(m.endpoint.provider, m.limits);

  std::map<std::string, std::vector<json>> records;  // model id -> item-log records
  ProgressSnapshot progress;
  for (const auto& m : models) {
    if (!unavailable.count(m.id)) progress.total += standard.prompts().size();
  }
  ProgressDisplay display(options.progress, "run " + run_id);
  executor.on_progress([&](const http::ExecutorStats& stats) {
    progress.backing_off = stats.backing_off;
    display.update(progress);
  });
  {
    InterruptGuard guard(executor);
    for (const auto& m : models) {
      if (unavailable.count(m.id)) continue;
      for (const auto& prompt : standard.prompts()) {
        executor.submit(chat_request(m, prompt.messages),
                        [&, &prompt = prompt, id = m.id](http::RequestRecord&& r) {
                          if (r.outcome == http::Outcome::cancelled) return;
                          json record = standard.score(prompt, id, r);
                          journal.append(record);
                          if (!record["error_kind"].is_null()) {
                            ++progress.errors[record["error_kind"].get<std::string>()];
                          }
                          records[id].push_back(std::move(record));
                          ++progress.done;
                          display.update(progress);
                        });
      }
    }
    executor.run();
    display.finish(progress);
    if (guard.interrupted()) run["status"] = "interrupted";
  }

  // Aggregate from the item-log records.
  bool any_failure = !unavailable.empty();
  json model_runs = json::array();
  for (const auto& m : models) {
    json mr = {{"generation_model", m.id},
               {"judge_model", nullptr},
               {"production_judge_model", nullptr},
               {"judge_eval_mode", options.judge_eval_mode == JudgeEvalMode::direct ? "direct" : "reasoned"},
               {"consistency_runs", options.consistency_runs},
               {"api_key_envs", {{"generation", m.endpoint.api_key_env}}}};
    if (auto it = unavailable.find(m.id); it != unavailable.end()) {
      mr["status"] = "unavailable";
      mr["unavailable_reason"] = it->second;
      model_runs.push_back(std::move(mr));
      continue;
    }
    std::vector<const json*> mine;
    std::size_t errors = 0;
    for (const auto& r : records[m.id]) {
      mine.push_back(&r);
      if (r.value("verdict", std::string()) == "error") ++errors;
    }
    const bool complete = mine.size() == standard.prompts().size();
    mr["status"] = !complete ? "interrupted" : errors ? "partial" : "completed";
    if (errors || !complete) any_failure = true;
    mr["metrics"] = {{"standard", standard_metrics(mine, m.price)}};
    model_runs.push_back(std::move(mr));
  }
  const http::ExecutorStats stats = executor.stats();
  run["model_runs"] = std::move(model_runs);
  run["requests"] = {{"total", stats.completed}, {"by_outcome", stats.outcomes}, {"retries", stats.retries},
                     {"cache_hits", 0}};
  run["finished_at"] = utc_timestamp_iso8601();
  if (run["status"] == "running") run["status"] = "completed";
  report::upsert_run(report_file, run);

  std::printf("\n%s", report::render_summary(run).c_str());
  std::printf("Report: %s (item log: %s)\n", report_file.c_str(), (out_dir / item_log).c_str());
  std::fflush(stdout);
  if (run["status"] == "interrupted") return static_cast<int>(ExitCode::interrupted);
  return static_cast<int>(any_failure ? ExitCode::failures : ExitCode::ok);
}

}  // namespace llmbench::run
