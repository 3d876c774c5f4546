#include "llmbench/run/sweep.hpp"

#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <algorithm>
#include <map>
#include <memory>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include "llmbench/config/embedded_sim.hpp"
#include "llmbench/config/registry.hpp"
#include "llmbench/data/tasks.hpp"
#include "llmbench/error.hpp"
#include "llmbench/http/cache.hpp"
#include "llmbench/http/executor.hpp"
#include "llmbench/http/openai.hpp"
#include "llmbench/records/journal.hpp"
#include "llmbench/report/html.hpp"
#include "llmbench/report/store.hpp"
#include "llmbench/report/summary.hpp"
#include "llmbench/run/baselines.hpp"
#include "llmbench/run/failures.hpp"
#include "llmbench/run/git_info.hpp"
#include "llmbench/run/interrupt.hpp"
#include "llmbench/run/model_args.hpp"
#include "llmbench/run/preflight.hpp"
#include "llmbench/run/progress.hpp"
#include "llmbench/run/record_tally.hpp"
#include "llmbench/run/request_timeout.hpp"
#include "llmbench/run/run_id.hpp"
#include "llmbench/run/tier.hpp"
#include "llmbench/sim/answer_book.hpp"
#include "llmbench/util/atomic_file.hpp"
#include "llmbench/util/terminal.hpp"

namespace llmbench::run {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

const std::set<std::string> kKnownTiers = {"0", "1", "2", "3", "judge", "judge_pipeline", "standard"};

std::vector<std::string> expand_tiers(const std::vector<std::string>& requested) {
  std::vector<std::string> tiers;
  for (const auto& t : requested) {
    if (t == "all") return {"0", "1", "2", "3", "judge", "judge_pipeline", "standard"};
    if (!kKnownTiers.count(t)) {
      throw Error(fmt::format("--tier: unknown tier \"{}\"; use a comma list of "
                              "0,1,2,3,judge,judge_pipeline,standard, or all", t));
    }
    if (std::find(tiers.begin(), tiers.end(), t) == tiers.end()) tiers.push_back(t);
  }
  if (tiers.empty()) tiers.push_back("standard");
  return tiers;
}

const char* role_flag(config::Role role) {
  switch (role) {
    case config::Role::generation: return "--generation-models";
    case config::Role::judge: return "--judge-models";
    case config::Role::production_judge: return "--production-judge-models";
    case config::Role::embedding: return "--embedding-models";
  }
  return "";
}

std::vector<std::string>& role_ids(RunOptions& o, config::Role role) {
  switch (role) {
    case config::Role::generation: return o.generation_models;
    case config::Role::judge: return o.judge_models;
    case config::Role::production_judge: return o.production_judge_models;
    case config::Role::embedding: return o.embedding_models;
  }
  return o.generation_models;
}

const char* role_field(config::Role role) {
  switch (role) {
    case config::Role::generation: return "generation_model";
    case config::Role::judge: return "judge_model";
    case config::Role::production_judge: return "production_judge_model";
    case config::Role::embedding: return "embedding_model";
  }
  return "";
}

// The model runs of a sweep: the cross product of the models of every role the tiers use.
json model_runs_skeleton(const ModelMatrix& models, const std::set<config::Role>& roles,
                         const RunOptions& options) {
  json runs = json::array({json::object()});
  for (config::Role role : config::kAllRoles) {
    if (!roles.count(role)) continue;
    json next = json::array();
    for (const json& partial : runs) {
      for (const auto& m : role_models(models, role)) {
        json mr = partial;
        mr[role_field(role)] = m.id;
        next.push_back(std::move(mr));
      }
    }
    runs = std::move(next);
  }
  for (json& mr : runs) {
    for (const char* field : {"generation_model", "judge_model", "production_judge_model"}) {
      if (!mr.contains(field)) mr[field] = nullptr;
    }
    mr["judge_eval_mode"] = options.judge_eval_mode == JudgeEvalMode::direct ? "direct" : "reasoned";
    mr["consistency_runs"] = options.consistency_runs;
    json envs = json::object();
    for (config::Role role : config::kAllRoles) {
      auto it = mr.find(role_field(role));
      if (it == mr.end() || it->is_null()) continue;
      for (const auto& m : role_models(models, role)) {
        if (m.id == *it) envs[std::string(config::to_string(role))] = m.endpoint.api_key_env;
      }
    }
    mr["api_key_envs"] = std::move(envs);
    mr["metrics"] = json::object();
  }
  return runs;
}

// The run being resumed, from the report; throws Error if it is not there.
json find_run(const fs::path& report_file, const std::string& id) {
  const json runs = report::read_runs(report_file);
  std::string known;
  for (const json& run : runs) {
    if (run.value("id", std::string()) == id) return run;
    known += (known.empty() ? "" : ", ") + run.value("id", std::string("?"));
  }
  throw Error(fmt::format("--resume {}: no such run in {} (runs there: {})", id, report_file.string(),
                          known.empty() ? "none" : known),
              ExitCode::bad_input);
}

// The item log could not be appended to (disk full, quota): records the run as interrupted with
// the reason when the report can still be written, then throws the reason and the --resume
// command (exit 3). The journal holds only whole lines (JournalWriter), so resume continues it.
[[noreturn]] void fail_on_write(const fs::path& report_file, json& run, const std::string& reason,
                                const fs::path& out_dir) {
  run["status"] = "interrupted";
  run["failure"] = reason;
  run["finished_at"] = utc_timestamp_iso8601();
  try {
    report::upsert_run(report_file, run);
  } catch (const Error& e) {
    spdlog::warn("the run could not be marked interrupted in {} either: {}", report_file.string(), e.what());
  }
  throw Error(fmt::format("{}\nThe run stopped; what its item log holds is kept. Free some space, then resume with:\n"
                          "  llmbench run --resume {} --output-dir {}",
                          reason, run.value("id", std::string()), out_dir.string()),
              ExitCode::internal);
}

bool is_error(const json& record) {
  auto it = record.find("error");
  return it != record.end() && !it->is_null();
}

}  // namespace

int run_sweep(const RunOptions& requested) {
  const fs::path out_dir = requested.output_dir;
  const fs::path report_file = out_dir / report::kReportFileName;

  // On --resume, the run's own flags say what to do; keys and how to send and show are new.
  RunOptions options = requested;
  json run;
  if (!requested.resume.empty()) {
    validate_run_id(requested.resume);
    run = find_run(report_file, requested.resume);
    options = resume_options(requested, run.value("flags", json::object()));
  }
  // --output json: stdout holds only the run record; the plan and summary go to stderr.
  const bool json_output = options.output == OutputFormat::json;
  std::FILE* human = json_output ? stderr : stdout;
  const bool colour = util::colour_enabled(human);
  const std::vector<std::string> tiers = expand_tiers(options.tiers);
  options.tiers = tiers;
  const std::string run_id = options.run_id.empty() ? new_run_id() : options.run_id;
  validate_run_id(run_id);

  // Data first: a bad dataset fails before any model is contacted.
  const std::string data_dir = data::resolve_data_dir("");
  std::vector<std::unique_ptr<Tier>> tier_runners;
  std::set<config::Role> roles;
  for (const auto& t : tiers) {
    tier_runners.push_back(make_tier(t, options, data_dir));
    for (config::Role role : tier_runners.back()->roles()) roles.insert(role);
  }

  // Baselines, checked before any request is sent.
  std::vector<Baseline> baselines;
  if (options.baselines != "configs/baselines.yaml" || fs::exists(options.baselines)) {
    baselines = load_baselines(options.baselines);
  }

  // Model matrix: the config file by the one rule of config_path.hpp; the run records which.
  config::Registry registry = config::load_registry(
      options.config, options.env_file,
      options.env_file == ".env.benchmark-models" ? config::FileRequirement::if_present
                                                  : config::FileRequirement::required);
  options.config = registry.config_choice().path.string();
  ModelMatrix models;
  for (config::Role role : config::kAllRoles) {
    if (!roles.count(role)) continue;
    std::vector<std::string>& ids = role_ids(options, role);
    if (ids.empty()) ids = registry.default_models(role);
    if (ids.empty()) {
      throw Error(fmt::format("no {} models for --tier {}: pass {} a,b, or set roles.{} in {}",
                              config::to_string(role), fmt::join(tiers, ","), role_flag(role),
                              config::to_string(role),
                              options.config.empty() ? std::string(config::kLocalConfig) : options.config),
                  ExitCode::bad_input);
    }
    for (const auto& id : ids) {
      role_models(models, role).push_back(registry.resolve(role, id));
      config::check_model_kind(role_models(models, role).back(), role_flag(role));
    }
  }

  std::vector<config::ResolvedModel*> resolved;
  for (config::Role role : config::kAllRoles) {
    for (auto& m : role_models(models, role)) resolved.push_back(&m);
  }
  const std::string timeout_line = apply_timeout_rule(resolved, options.timeout_s, options.timeout_given);
  apply_model_args(options.model_args, resolved);
  std::string plan = "Plan:\n  " + config::describe(registry.config_choice()) + "\n  " + timeout_line + "\n";
  if (!options.model_args.empty()) plan += "  request parameters from -M: " + options.model_args.dump() + "\n";
  std::size_t total_jobs = 0;
  std::vector<PlannedLoad> loads;
  for (const auto& tier : tier_runners) {
    plan += tier->plan(models);
    total_jobs += tier->job_count(models);
    for (auto& load : tier->planned_load(models)) loads.push_back(std::move(load));
  }
  plan += fmt::format("  total: {} items\n", total_jobs);
  plan += render_cost_estimate(estimate_costs(loads, models));
  std::fprintf(human, "%s", plan.c_str());
  std::fflush(human);
  if (options.dry_run) {
    if (json_output) {
      std::printf("%s\n", json{{"dry_run", true},
                               {"config", options.config},
                               {"plan", plan},
                               {"total_items", total_jobs},
                               {"flags", options_to_json(options)}}
                              .dump(2)
                              .c_str());
      std::fflush(stdout);
    }
    return static_cast<int>(ExitCode::ok);
  }
  if (requested.resume.empty()) {
    create_run_dir(out_dir, run_id,
                   fmt::format("continue it with `llmbench run --resume {} --output-dir {}`, or choose another --run-id",
                               run_id, out_dir.string()));
  }

  // Simulated providers learn the questions so their models answer with their accuracy.
  auto book = std::make_shared<sim::AnswerBook>();
  for (const auto& tier : tier_runners) tier->add_to_answer_book(*book);
  std::vector<config::ResolvedModel*> all_models;
  for (config::Role role : config::kAllRoles) {
    for (auto& m : role_models(models, role)) all_models.push_back(&m);
  }
  config::EmbeddedSims sims;
  sims.start(all_models, book);

  const PreflightResult check = preflight(models, registry, options, "run " + run_id);
  if (check.interrupted) {
    // Nothing of the run exists yet: a new run's empty folder goes, a resumed run stays as it was.
    if (requested.resume.empty()) {
      std::error_code ignored;
      fs::remove(out_dir / "runs" / run_id, ignored);
    }
    std::printf("Interrupted during the model check; no request of the run was sent%s.\n",
                requested.resume.empty() ? " and no report was written"
                                         : fmt::format(" and run {} is as it was", run_id).c_str());
    std::fflush(stdout);
    return static_cast<int>(ExitCode::interrupted);
  }
  std::map<std::string, std::string> unavailable;  // "<role>/<id>" -> why
  for (const auto& [who, result] : check.unavailable) unavailable[who] = unavailable_reason(result);
  ModelMatrix available = models;
  for (config::Role role : config::kAllRoles) {
    auto& list = role_models(available, role);
    list.erase(std::remove_if(list.begin(), list.end(),
                              [&](const config::ResolvedModel& m) {
                                return unavailable.count(fmt::format("{}/{}", config::to_string(role), m.id)) > 0;
                              }),
               list.end());
  }
  for (const auto& [who, reason] : unavailable) {
    spdlog::warn("{} is unavailable; its model runs are recorded without metrics: {}", who, reason);
  }

  // The run record exists from the start, so a crash leaves a trace in the report.
  const std::string item_log = fmt::format("runs/{}/items.jsonl", run_id);
  if (run.is_null()) {
    const GitInfo git = read_git_info();
    run = {{"id", run_id},
           {"schema_version", report::kSchemaVersion},
           {"timestamp", utc_timestamp_iso8601()},
           {"overall_status", "no_baseline"},
           {"llmbench_version", LLMBENCH_VERSION},
           {"git", {{"branch", git.branch}, {"commit", git.commit}}},
           {"flags", options_to_json(options)},
           {"dataset_file", nullptr},
           {"dataset_type", tiers.size() == 1 && tiers[0] == "standard" ? "standard" : options.mode},
           {"item_log", item_log},
           {"model_runs", json::array()}};
    json datasets = json::array();
    for (const auto& tier : tier_runners) {
      for (auto& d : tier->datasets_json()) datasets.push_back(std::move(d));
    }
    for (const json& d : datasets) {
      if (d.value("task", std::string()) == "rag" && d.contains("files") && !d["files"].empty()) {
        run["dataset_file"] = d["files"][0];
      }
    }
    run["datasets"] = std::move(datasets);
  } else {
    run["resumed_at"] = utc_timestamp_iso8601();
  }
  run["status"] = "running";
  report::upsert_run(report_file, run);

  // The journal: what earlier attempts at this run finished is not asked again. Records are
  // aggregated as they stream by (the journal's, then this run's), not held.
  std::map<std::string, std::unique_ptr<TierAggregator>> aggregators;  // tier name -> its metrics
  for (const auto& tier : tier_runners) aggregators[tier->name()] = tier->aggregator(available);
  RecordTally tally;
  const auto aggregate = [&](const json& record) {
    auto it = aggregators.find(record.value("tier", std::string()));
    if (it == aggregators.end()) return;
    it->second->add(record);
    tally.add(record);
  };
  std::set<std::string> done;
  std::size_t resumed = 0;
  if (!requested.resume.empty()) {
    records::JournalContents previous = records::read_journal(out_dir / item_log);
    if (previous.dropped_torn_tail) {
      spdlog::warn("{}: dropped a torn last line (a crash mid-write); that item is sent again",
                   (out_dir / item_log).string());
      records::truncate_journal(out_dir / item_log, previous.valid_bytes);
    }
    for (json& r : previous.records) {
      if (options.retry_errors && is_error(r)) continue;
      done.insert(r.value("key", std::string()));
      aggregate(r);
      ++resumed;
    }
  }
  records::JournalWriter journal(out_dir / item_log);

  http::ExecutorOptions eo;
  eo.concurrency = options.concurrency;
  eo.retries = options.retries;
  eo.timeout_s = options.timeout_s;
  eo.max_response_bytes = static_cast<std::size_t>(options.max_response_bytes);
  eo.max_retry_wait_s = options.max_retry_wait_s;
  eo.seed = options.sample_seed;
  // The response cache: repeated runs (and arena runs) pay for each distinct request once.
  const auto cache = http::open_run_cache(options.no_cache, options.cache_dir, out_dir);
  eo.cache = cache.get();
  http::Executor executor(eo);
  for (config::Role role : config::kAllRoles) {
    for (const auto& m : role_models(available, role)) executor.set_provider_limits(m.endpoint.provider, m.limits);
  }

  ProgressSnapshot progress;
  for (const auto& tier : tier_runners) progress.total += tier->job_count(available);
  progress.done = std::min(resumed, progress.total);
  progress.kept = progress.done;
  ProgressDisplay display(options.progress, "run " + run_id);
  executor.on_progress([&](const http::ExecutorStats& stats) {
    progress.take(stats);
    display.update(progress);
  });
  bool interrupted = false;
  std::string write_failure;  // the item log could not grow (disk full): stop, keep what it holds
  {
    InterruptGuard guard(executor);
    for (const auto& tier : tier_runners) {
      tier->submit(executor, available, done, [&, name = tier->name()](json record) {
        record["tier"] = name;
        if (!write_failure.empty()) return;
        try {
          journal.append(record);
        } catch (const Error& e) {
          write_failure = e.what();
          executor.request_stop();
          return;
        }
        if (is_error(record)) ++progress.errors[record.value("error_kind", std::string("error"))];
        aggregate(record);
        ++progress.done;
        display.update(progress);
      });
    }
    executor.run();
    display.finish(progress);
    interrupted = guard.interrupted();
  }
  if (!write_failure.empty()) fail_on_write(report_file, run, write_failure, out_dir);

  // The metrics of the item-log records; a key seen twice (a retried error) counts once, last wins.
  json model_runs = model_runs_skeleton(models, roles, options);
  bool any_failure = !unavailable.empty();
  std::size_t expected = 0;
  for (const auto& tier : tier_runners) expected += tier->job_count(available);
  for (const auto& [name, aggregator] : aggregators) aggregator->finish(model_runs);
  for (json& mr : model_runs) {
    if (tally.has_errors(mr)) mr["has_errors"] = true;
  }
  const std::size_t finished = tally.finished();
  for (json& mr : model_runs) {
    std::string missing;
    for (config::Role role : config::kAllRoles) {
      auto it = mr.find(role_field(role));
      if (it == mr.end() || it->is_null()) continue;
      auto u = unavailable.find(fmt::format("{}/{}", config::to_string(role), it->get<std::string>()));
      if (u != unavailable.end()) missing += fmt::format("{} {}: {}; ", config::to_string(role), *it, u->second);
    }
    const bool errors = mr.value("has_errors", false);
    mr.erase("has_errors");
    if (!missing.empty()) {
      mr["status"] = "unavailable";
      mr["unavailable_reason"] = missing.substr(0, missing.size() - 2);
      mr.erase("metrics");
    } else {
      mr["status"] = interrupted ? "interrupted" : errors ? "partial" : "completed";
      if (errors) any_failure = true;
    }
  }
  const http::ExecutorStats stats = executor.stats();
  run["overall_status"] = apply_baselines(baselines, model_runs);
  run["model_runs"] = std::move(model_runs);
  run["requests"] = {{"total", stats.completed}, {"by_outcome", stats.outcomes}, {"retries", stats.retries},
                     {"cache_hits", stats.cache_hits}, {"resumed_items", resumed}};
  run["finished_at"] = utc_timestamp_iso8601();
  const bool no_model_ran = std::all_of(run["model_runs"].begin(), run["model_runs"].end(),
                                        [](const json& mr) { return mr.value("status", "") == "unavailable"; });
  run["status"] = interrupted || finished < expected ? "interrupted" : no_model_ran ? "failed" : "completed";
  report::upsert_run(report_file, run);

  std::fprintf(human, "\n%s", report::render_summary(run).c_str());
  std::fprintf(human, "%s\n", format_request_counts(stats, resumed).c_str());
  std::fprintf(human, "Report: %s (item log: %s)\n", report_file.c_str(), (out_dir / item_log).c_str());
  if (run["status"] == "interrupted") {
    std::fprintf(human, "%s: %zu of %zu items done. Resume with:\n  llmbench run --resume %s --output-dir %s\n",
                util::paint("Interrupted", util::Colour::yellow, colour).c_str(), finished, expected, run_id.c_str(),
                out_dir.c_str());
  } else if (any_failure) {
    std::vector<UnavailableModel> down;
    for (const auto& [who, result] : check.unavailable) down.push_back({who, unavailable_reason(result), transient(result)});
    std::fprintf(human, "%s:\n%s", util::paint("Some items failed", util::Colour::yellow, colour).c_str(),
                 failure_advice(tally.failures(), down, run_id, out_dir.string()).c_str());
  }
  if (options.render_report) {
    const json all_runs = report::read_runs(report_file);
    const fs::path html = out_dir / "report.html";
    util::write_file_atomically(html, report::render_html(all_runs, report::collect_items(all_runs, out_dir)));
    std::fprintf(human, "HTML report: %s\n", html.c_str());
  } else {
    std::fprintf(human, "See it in a browser: llmbench report --output-dir %s\n", out_dir.c_str());
  }
  std::fflush(human);
  if (run["overall_status"] == "fail") {
    std::fprintf(human, "Baselines: %s\n%s", util::paint("FAIL", util::Colour::red, colour).c_str(),
                 describe_baseline_failures(run["model_runs"]).c_str());
  } else if (run["overall_status"] == "pass") {
    std::fprintf(human, "Baselines: %s\n", util::paint("pass", util::Colour::green, colour).c_str());
  }
  std::fflush(human);
  if (json_output) {  // the run record, as stored in the report
    std::printf("%s\n", run.dump(2, ' ', false, json::error_handler_t::replace).c_str());
    std::fflush(stdout);
  }
  if (run["status"] == "interrupted") return static_cast<int>(ExitCode::interrupted);
  const bool below_baseline = run["overall_status"] == "fail";
  return static_cast<int>(any_failure || below_baseline ? ExitCode::failures : ExitCode::ok);
}

}  // namespace llmbench::run
