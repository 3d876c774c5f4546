#include "llmbench/tiers/sweep.hpp"

#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include "llmbench/config/registry.hpp"
#include "llmbench/data/tasks.hpp"
#include "llmbench/error.hpp"
#include "llmbench/records/fields.hpp"
#include "llmbench/records/journal.hpp"
#include "llmbench/records/output_layout.hpp"
#include "llmbench/report/store.hpp"
#include "llmbench/report/summary.hpp"
#include "llmbench/run/baselines.hpp"
#include "llmbench/run/failures.hpp"
#include "llmbench/run/git_info.hpp"
#include "llmbench/run/model_record.hpp"
#include "llmbench/run/preflight.hpp"
#include "llmbench/run/record_tally.hpp"
#include "llmbench/run/run_id.hpp"
#include "llmbench/run/session.hpp"
#include "llmbench/run/shard.hpp"
#include "llmbench/run/turn_journal.hpp"
#include "llmbench/tiers/sweep_scoring.hpp"
#include "llmbench/tiers/tier.hpp"
#include "llmbench/util/free_memory.hpp"
#include "llmbench/util/terminal.hpp"

namespace llmbench::tiers {

namespace field = records::field;
namespace error_kind = records::error_kind;
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

// Records between two util::release_free_memory() calls of a sweep.
constexpr std::size_t kReleaseEvery = 4096;

const std::set<std::string> kKnownTiers = {"0", "1", "2", "3", "judge", "judge_pipeline", "ux", "standard"};

std::vector<std::string> expand_tiers(const std::vector<std::string>& requested) {
  std::vector<std::string> tiers;
  for (const auto& t : requested) {
    // ux reads --ux-log, else the shipped sample log, so it always has data.
    if (t == "all") return {"0", "1", "2", "3", "judge", "judge_pipeline", "ux", "standard"};
    if (!kKnownTiers.count(t)) {
      throw Error(fmt::format("--tier: unknown tier \"{}\"; use a comma list of "
                              "0,1,2,3,judge,judge_pipeline,ux,standard, or all", t));
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

std::vector<std::string>& role_ids(run::RunOptions& o, config::Role role) {
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
    case config::Role::generation: return field::kGenerationModel;
    case config::Role::judge: return field::kJudgeModel;
    case config::Role::production_judge: return field::kProductionJudgeModel;
    case config::Role::embedding: return field::kEmbeddingModel;
  }
  return "";
}

// The model runs of a sweep: the cross product of the models of every role the tiers use.
json model_runs_skeleton(const run::ModelMatrix& models, const std::set<config::Role>& roles,
                         const run::RunOptions& options) {
  json runs = json::array({json::object()});
  for (config::Role role : config::kAllRoles) {
    if (!roles.count(role)) continue;
    json next = json::array();
    for (const json& partial : runs) {
      for (const auto& m : run::role_models(models, role)) {
        json mr = partial;
        mr[role_field(role)] = m.id;
        next.push_back(std::move(mr));
      }
    }
    runs = std::move(next);
  }
  for (json& mr : runs) {
    for (const char* name : {field::kGenerationModel, field::kJudgeModel,
                             field::kProductionJudgeModel}) {
      if (!mr.contains(name)) mr[name] = nullptr;
    }
    mr["judge_eval_mode"] = options.judge_eval_mode == run::JudgeEvalMode::direct ? "direct" : "reasoned";
    mr["consistency_runs"] = options.consistency_runs;
    json envs = json::object();
    for (config::Role role : config::kAllRoles) {
      auto it = mr.find(role_field(role));
      if (it == mr.end() || it->is_null()) continue;
      for (const auto& m : run::role_models(models, role)) {
        if (m.id == *it) envs[std::string(config::to_string(role))] = m.endpoint.api_key_env;
      }
    }
    mr["api_key_envs"] = std::move(envs);
    mr["metrics"] = json::object();
  }
  return runs;
}

// The run being resumed, from the report; throws Error if it is not there or is not a sweep (a
// perf or arena record of that id).
json find_run(const fs::path& report_file, const std::string& id) {
  const json runs = report::read_runs(report_file);
  std::string known;
  for (const json& run : runs) {
    if (run.value("id", std::string()) != id) {
      known += (known.empty() ? "" : ", ") + run.value("id", std::string("?"));
      continue;
    }
    const std::string kind = run.value("kind", std::string());
    if (kind == "perf" || kind == "arena") {
      throw Error(fmt::format("--resume {}: this is {} record in {}, not a sweep; `llmbench run --resume` continues "
                              "sweeps only (see `llmbench report` for its results)",
                              id, kind == "perf" ? "a perf" : "an arena", report_file.string()),
                  ExitCode::bad_input);
    }
    return run;
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
  run["finished_at"] = run::utc_timestamp_iso8601();
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

// The models of every role the tiers use: the flags' lists, else the config's roles.
run::ModelMatrix resolve_models(config::Registry& registry, run::RunOptions& options, const std::set<config::Role>& roles) {
  run::ModelMatrix models;
  for (config::Role role : config::kAllRoles) {
    if (!roles.count(role)) continue;
    std::vector<std::string>& ids = role_ids(options, role);
    if (ids.empty()) ids = registry.default_models(role);
    if (ids.empty()) {
      throw Error(fmt::format("no {} models for --tier {}: pass {} a,b, or set roles.{} in {}",
                              config::to_string(role), fmt::join(options.tiers, ","), role_flag(role),
                              config::to_string(role),
                              options.config.empty() ? std::string(config::kLocalConfig) : options.config),
                  ExitCode::bad_input);
    }
    for (const auto& id : ids) {
      run::role_models(models, role).push_back(registry.resolve(role, id));
      config::check_model_kind(run::role_models(models, role).back(), role_flag(role));
    }
  }
  if (!options.safety_judge.empty()) {
    models.safety_judge = registry.resolve(config::Role::judge, options.safety_judge);
    config::check_model_kind(*models.safety_judge, "--safety-judge");
  }
  return models;
}

// --safety-judge labels the replies of refusal-scored tasks: given without one, it would do
// nothing, which is a mistake to say before any request (exit 2), not a run to record.
void check_safety_judge_tasks(const run::RunOptions& options, const std::vector<data::ItemSet>& items) {
  if (options.safety_judge.empty()) return;
  const bool labels = std::any_of(items.begin(), items.end(), [](const data::ItemSet& set) {
    return set.scorer == data::Scorer::refusal && !set.empty();
  });
  if (!labels) {
    throw Error(fmt::format("--safety-judge {}: no task of this run is scored by refusal; it labels the replies of "
                            "advbench and xstest (--tier standard --tasks advbench,xstest) or of a custom task with "
                            "scorer: refusal. Add one to --tasks, or drop --safety-judge",
                            options.safety_judge),
                ExitCode::bad_input);
  }
}

// A safety judge that failed the model check would leave every refusal label an error: the run
// stops before its first request instead (a new run's empty folder goes), exit 1.
void check_safety_judge_available(const run::ModelMatrix& models, const run::PreflightResult& check,
                                  const records::OutputLayout& layout, const std::string& run_id, bool resumed) {
  if (!models.safety_judge) return;
  auto it = check.unavailable.find(fmt::format("judge/{}", models.safety_judge->id));
  if (it == check.unavailable.end()) return;
  std::error_code ignored;
  if (!resumed) fs::remove(layout.run_dir(run_id), ignored);
  throw Error(fmt::format("--safety-judge {} is unavailable ({}); no request of the run was sent. Fix it, or run "
                          "without --safety-judge (the rule-based refusal detector)",
                          models.safety_judge->id, run::unavailable_reason(it->second)),
              ExitCode::failures);
}

std::vector<config::ResolvedModel*> every_model(run::ModelMatrix& models) {
  std::vector<config::ResolvedModel*> all;
  for (config::Role role : config::kAllRoles) {
    for (auto& m : run::role_models(models, role)) all.push_back(&m);
  }
  if (models.safety_judge) all.push_back(&*models.safety_judge);
  return all;
}

// `models` without those that failed the check ("<role>/<id>" keys of `unavailable`).
run::ModelMatrix available_models(const run::ModelMatrix& models, const std::map<std::string, std::string>& unavailable) {
  run::ModelMatrix available = models;
  for (config::Role role : config::kAllRoles) {
    auto& list = run::role_models(available, role);
    list.erase(std::remove_if(list.begin(), list.end(),
                              [&](const config::ResolvedModel& m) {
                                return unavailable.count(fmt::format("{}/{}", config::to_string(role), m.id)) > 0;
                              }),
               list.end());
  }
  return available;
}

// The record of a new run, as it stands before any item is sent.
json new_run_record(const std::string& run_id, const run::RunOptions& options,
                    const std::vector<std::unique_ptr<Tier>>& tiers) {
  const run::GitInfo git = run::read_git_info();
  json run = {{"id", run_id},
              {"schema_version", report::kSchemaVersion},
              {"timestamp", run::utc_timestamp_iso8601()},
              {"overall_status", "no_baseline"},
              {"llmbench_version", LLMBENCH_VERSION},
              {"git", {{"branch", git.branch}, {"commit", git.commit}}},
              {"flags", run::options_to_json(options)},
              {"dataset_file", nullptr},
              {"dataset_type", options.tiers.size() == 1 && options.tiers[0] == "standard" ? "standard" : options.mode},
              {"item_log", records::OutputLayout::item_log(run_id)},
              {"model_runs", json::array()}};
  json datasets = json::array();
  for (const auto& tier : tiers) {
    for (auto& d : tier->datasets_json()) datasets.push_back(std::move(d));
  }
  for (const json& d : datasets) {
    if (d.value("task", std::string()) == "rag" && d.contains("files") && !d["files"].empty()) {
      run["dataset_file"] = d["files"][0];
    }
  }
  run["datasets"] = std::move(datasets);
  if (options.shard.sharded()) run["shard"] = run::shard_json(options.shard, run["flags"]);
  return run;
}

// The metrics of a sweep as its records stream by (the journal's on --resume, then this
// run's): each tier's aggregator, and the tally of finished and failed items. No record is held,
// and each key is indexed once: by its tier's aggregator (keys are unique across tiers: each
// starts with its tier), which tells the tally whether the key is new.
struct StreamedMetrics {
  std::map<std::string, std::unique_ptr<TierAggregator>> aggregators;  // tier name -> its metrics
  run::RecordTally tally;
  std::size_t added = 0;  // records taken

  void add(const json& record) {
    auto it = aggregators.find(record.value(field::kTier, std::string()));
    if (it == aggregators.end()) return;
    tally.add_seen(record, it->second->add(record));
    // Every tier's jobs run at once, so the freed replies and prompts of one leave holes in the
    // heap that the small per-record state kept here does not fill: hand them back now and then.
    if (++added % kReleaseEvery == 0) util::release_free_memory();
  }
};

// What earlier attempts at a run finished: not asked again.
struct Resumed {
  std::set<std::string> done;  // their keys
  std::size_t items = 0;
};

// Reads the item log of a resumed run into `metrics`, a line at a time (with --retry-errors,
// its errors are left out: sent again). A torn last line (a crash mid-write) is cut off, and
// that item sent again.
Resumed read_journaled(const fs::path& item_log, bool retry_errors, StreamedMetrics& metrics) {
  Resumed resumed;
  const records::JournalScan scan =
      records::scan_journal(item_log, records::DamagedLines::refuse, [&](json&& r) {
        if (retry_errors && run::record_failed(r)) return;
        resumed.done.insert(r.value(field::kKey, std::string()));
        metrics.add(r);
        ++resumed.items;
      });
  if (scan.dropped_torn_tail) {
    spdlog::warn("{}: dropped a torn last line (a crash mid-write); that item is sent again", item_log.string());
    records::truncate_journal(item_log, scan.valid_bytes);
  }
  return resumed;
}

// The tiers of a sweep with their data loaded, the roles they need and the items they ask about.
struct SweepData {
  std::vector<std::unique_ptr<Tier>> tiers;
  std::set<config::Role> roles;
  std::vector<data::ItemSet> items;
};

SweepData load_tiers(const run::RunOptions& options) {
  const std::string data_dir = data::resolve_data_dir("");
  SweepData loaded;
  for (const auto& t : options.tiers) {
    loaded.tiers.push_back(make_tier(t, options, data_dir));
    for (config::Role role : loaded.tiers.back()->roles()) loaded.roles.insert(role);
    for (auto& set : loaded.tiers.back()->item_sets()) loaded.items.push_back(std::move(set));
  }
  return loaded;
}

// Every tier's plan lines, the total and the cost estimate; `total_jobs` gets the total.
std::string tier_plans(const std::vector<std::unique_ptr<Tier>>& tiers, const run::ModelMatrix& models,
                       std::size_t& total_jobs) {
  std::string plan;
  std::vector<run::PlannedLoad> loads;
  for (const auto& tier : tiers) {
    plan += tier->plan(models);
    total_jobs += tier->job_count(models);
    for (auto& load : tier->planned_load(models)) loads.push_back(std::move(load));
  }
  return plan + fmt::format("  total: {} items\n", total_jobs) + run::render_cost_estimate(run::estimate_costs(loads, models));
}

// Ctrl-C during the model check: nothing of the run exists yet, so a new run's empty folder
// goes and a resumed run stays as it was.
// The plan's line for a shard ("" for a whole run).
std::string shard_plan(const run::RunOptions& options) {
  if (!options.shard.sharded()) return "";
  return fmt::format("  shard {}: only the items whose key falls in it (merge the shards with `llmbench merge`)\n",
                     run::to_string(options.shard));
}

int interrupted_in_check(const records::OutputLayout& layout, const std::string& run_id, bool resumed) {
  std::error_code ignored;
  if (!resumed) fs::remove(layout.run_dir(run_id), ignored);
  std::printf("Interrupted during the model check; no request of the run was sent%s.\n",
              !resumed ? " and no report was written" : fmt::format(" and run {} is as it was", run_id).c_str());
  std::fflush(stdout);
  return static_cast<int>(ExitCode::interrupted);
}

// The model runs of a sweep with their metrics.
struct Aggregate {
  json model_runs;
  bool any_failure = false;
  std::size_t expected = 0, finished = 0;  // items planned, items with a record
  run::FailureCounts failures;                  // of each key's latest record
};

// The metrics of the streamed records; a key seen twice (a retried error) counts once, last
// wins. A model run of an unavailable model gets no metrics and the reason. Call once the
// executor has run (Tier::requests_finished).
Aggregate aggregate_runs(const std::vector<std::unique_ptr<Tier>>& tiers, const StreamedMetrics& metrics,
                         const run::ModelMatrix& models, const run::ModelMatrix& available, const std::set<config::Role>& roles,
                         const std::map<std::string, std::string>& unavailable, const run::RunOptions& options,
                         bool interrupted) {
  // No request of the run follows: what only sending needed goes before the metrics are built.
  for (const auto& tier : tiers) tier->requests_finished();
  util::release_free_memory();  // the executor's and the tiers' freed state, before the metrics grow
  Aggregate out;
  out.model_runs = model_runs_skeleton(models, roles, options);
  out.any_failure = !unavailable.empty();
  for (const auto& tier : tiers) out.expected += tier->job_count(available);
  for (const auto& [name, aggregator] : metrics.aggregators) aggregator->finish(out.model_runs);
  out.finished = metrics.tally.finished();
  out.failures = metrics.tally.failures();
  for (json& mr : out.model_runs) {
    std::string missing;
    for (config::Role role : config::kAllRoles) {
      auto it = mr.find(role_field(role));
      if (it == mr.end() || it->is_null()) continue;
      auto u = unavailable.find(fmt::format("{}/{}", config::to_string(role), it->get<std::string>()));
      if (u != unavailable.end()) missing += fmt::format("{} {}: {}; ", config::to_string(role), *it, u->second);
    }
    const bool errors = metrics.tally.has_errors(mr);
    if (!missing.empty()) {
      mr["status"] = "unavailable";
      mr["unavailable_reason"] = missing.substr(0, missing.size() - 2);
      mr.erase("metrics");
    } else {
      mr["status"] = interrupted ? "interrupted" : errors ? "partial" : "completed";
      if (errors) out.any_failure = true;
    }
  }
  return out;
}

// "<role>/<id>" -> why, for each model the check found unavailable; each is logged.
std::map<std::string, std::string> warn_unavailable(const run::PreflightResult& check) {
  std::map<std::string, std::string> unavailable;
  for (const auto& [who, result] : check.unavailable) unavailable[who] = run::unavailable_reason(result);
  for (const auto& [who, reason] : unavailable) {
    spdlog::warn("{} is unavailable; its model runs are recorded without metrics: {}", who, reason);
  }
  return unavailable;
}

// interrupted (stopped, or items left without a record), failed (no model could run), or
// completed.
std::string final_status(const json& model_runs, const Aggregate& result, bool interrupted) {
  const bool no_model_ran = std::all_of(model_runs.begin(), model_runs.end(),
                                        [](const json& mr) { return mr.value("status", "") == "unavailable"; });
  return interrupted || result.finished < result.expected ? "interrupted"
         : no_model_ran                                     ? "failed"
                                                            : "completed";
}

// The summary, the request counts, where the report is, and what to do next.
void print_outcome(const run::RunSession& session, const json& run, const Aggregate& result, std::size_t resumed,
                   const run::PreflightResult& check) {
  std::FILE* human = session.human();
  std::fprintf(human, "\n%s", report::render_summary(run).c_str());
  std::fprintf(human, "%s\n", session.request_counts_line(resumed).c_str());
  const fs::path item_log = session.layout().resolve(records::OutputLayout::item_log(session.run_id()));
  std::fprintf(human, "Report: %s (item log: %s)\n", session.layout().report_file().c_str(), item_log.c_str());
  if (const run::CostCap* cap = session.cost_cap()) std::fprintf(human, "%s\n", cap->describe().c_str());
  if (run["status"] == "interrupted") {
    std::fprintf(human, "%s: %zu of %zu items done. Resume with:\n  %s\n",
                 util::paint("Interrupted", util::Colour::yellow, session.colour()).c_str(), result.finished,
                 result.expected, session.resume_command().c_str());
  } else if (result.any_failure) {
    std::vector<run::UnavailableModel> down;
    for (const auto& [who, r] : check.unavailable) down.push_back({who, run::unavailable_reason(r), transient(r)});
    std::fprintf(human, "%s:\n%s", util::paint("Some items failed", util::Colour::yellow, session.colour()).c_str(),
                 run::failure_advice(result.failures, down, session.run_id(),
                                session.layout().dir().string())
                     .c_str());
  }
  session.write_html(true);
  if (run["overall_status"] == "fail") {
    std::fprintf(human, "Baselines: %s\n%s", util::paint("FAIL", util::Colour::red, session.colour()).c_str(),
                 run::describe_baseline_failures(run["model_runs"]).c_str());
  } else if (run["overall_status"] == "pass") {
    std::fprintf(human, "Baselines: %s\n", util::paint("pass", util::Colour::green, session.colour()).c_str());
  }
  std::fflush(human);
}

}  // namespace

int run_sweep(const run::RunOptions& requested) {
  // On --resume, the run's own flags say what to do; keys and how to send and show are new.
  run::RunOptions options = requested;
  const records::OutputLayout layout(requested.output_dir);
  const bool resumed = !requested.resume.empty();
  json run;
  if (resumed) {
    run::validate_run_id(requested.resume);
    run = find_run(layout.report_file(), requested.resume);
    options = run::resume_options(requested, run.value("flags", json::object()));
  }
  run::RunSession session(options, "run");
  options.tiers = expand_tiers(options.tiers);
  const std::string run_id = options.run_id.empty() ? run::new_run_id() : options.run_id;
  run::validate_run_id(run_id);

  // Data first: a bad dataset fails before any model is contacted; then baselines.
  const SweepData loaded = load_tiers(options);
  const auto& tiers = loaded.tiers;
  check_safety_judge_tasks(options, loaded.items);
  const Scoring scoring = load_scoring(options);

  config::Registry& registry = session.load_registry();
  run::ModelMatrix models = resolve_models(registry, options, loaded.roles);
  std::size_t total_jobs = 0;
  const std::string plan =
      session.prepare_models(every_model(models)) + tier_plans(tiers, models, total_jobs) + shard_plan(options);
  std::fprintf(session.human(), "%s", plan.c_str());
  std::fflush(session.human());
  if (session.dry_run({{"config", options.config}, {"plan", plan}, {"total_items", total_jobs},
                       {"flags", run::options_to_json(options)}})) {
    return static_cast<int>(ExitCode::ok);
  }
  session.start(run_id, resumed,
                fmt::format("continue it with `llmbench run --resume {} --output-dir {}`, or choose another --run-id",
                            run_id, layout.dir().string()),
                loaded.items);

  const run::PreflightResult check = run::preflight(models, registry, options, "run " + run_id);
  if (check.interrupted) return interrupted_in_check(layout, run_id, resumed);
  check_safety_judge_available(models, check, layout, run_id, resumed);
  const std::map<std::string, std::string> unavailable = warn_unavailable(check);
  const run::ModelMatrix available = available_models(models, unavailable);

  // The run record exists from the start, so a crash leaves a trace in the report.
  if (run.is_null()) run = new_run_record(run_id, options, tiers);
  else run["resumed_at"] = run::utc_timestamp_iso8601();
  run["models"] = run::models_json(models);  // what merge reads instead of the config and keys
  run["status"] = "running";
  session.save(run);

  const std::string item_log = records::OutputLayout::item_log(run_id);
  StreamedMetrics metrics;
  for (const auto& tier : tiers) metrics.aggregators[tier->name()] = tier->aggregator(available);
  Resumed journaled = resumed ? read_journaled(layout.resolve(item_log), options.retry_errors, metrics) : Resumed{};
  records::JournalWriter& journal = session.open_journal(item_log);
  http::Executor& executor = session.executor(options.sample_seed);
  run::ProgressSnapshot& progress = session.progress();
  for (const auto& tier : tiers) progress.total += tier->job_count(available);
  progress.done = progress.kept = std::min(journaled.items, progress.total);
  // The item log could not grow (disk full): stop, keep what it holds (its failure()).
  run::TurnJournal log(journal, executor, [&](const json& record) {
    if (run::record_failed(record)) ++progress.errors[record.value(field::kErrorKind, std::string(error_kind::kUnknown))];
    metrics.add(record);
    ++progress.done;
    session.show_progress();
  });
  const bool interrupted = session.execute([&] {
    for (const auto& tier : tiers) {
      tier->submit(executor, available, journaled.done, [&, name = tier->name()](json record) {
        record[field::kTier] = name;
        log.add(std::move(record));
      });
    }
  });
  log.write();
  if (!log.failure().empty()) fail_on_write(layout.report_file(), run, log.failure(), layout.dir());

  Aggregate result = aggregate_runs(tiers, metrics, models, available, loaded.roles, unavailable, options, interrupted);
  run["overall_status"] = run::apply_baselines(scoring.baselines, result.model_runs);
  run["model_runs"] = std::move(result.model_runs);
  run["requests"] = session.request_counts();
  run["requests"]["resumed_items"] = journaled.items;
  run["finished_at"] = run::utc_timestamp_iso8601();
  run["status"] = final_status(run["model_runs"], result, interrupted);
  add_session_results(run, session, scoring.weights, options, layout.resolve(item_log));
  session.save(run);
  print_outcome(session, run, result, journaled.items, check);
  session.print_record(run);
  if (run["status"] == "interrupted") return static_cast<int>(ExitCode::interrupted);
  const bool below_baseline = run["overall_status"] == "fail";
  return static_cast<int>(result.any_failure || below_baseline ? ExitCode::failures : ExitCode::ok);
}

void aggregate_logged_sweep(run::RunOptions options, const run::RunSession& session, const fs::path& item_log,
                            json& run) {
  options.tiers = expand_tiers(options.tiers);
  const SweepData loaded = load_tiers(options);
  const Scoring scoring = load_scoring(options);
  if (!run.contains("models")) {
    throw Error(fmt::format("run {}: its record holds no \"models\" (the models' ids and prices), which `llmbench "
                            "run` writes since shards were merged without their config; run the shards again",
                            run.value("id", "")));
  }
  const run::ModelMatrix models = run::models_from_json(run["models"], "run " + run.value("id", ""));
  StreamedMetrics metrics;
  for (const auto& tier : loaded.tiers) metrics.aggregators[tier->name()] = tier->aggregator(models);
  records::scan_journal(item_log, records::DamagedLines::refuse, [&](json&& r) { metrics.add(r); });
  Aggregate result = aggregate_runs(loaded.tiers, metrics, models, models, loaded.roles, {}, options, false);
  const json fresh = new_run_record(run.value("id", ""), options, loaded.tiers);
  run["datasets"] = fresh["datasets"];
  run["dataset_file"] = fresh["dataset_file"];
  run["overall_status"] = run::apply_baselines(scoring.baselines, result.model_runs);
  run["model_runs"] = std::move(result.model_runs);
  run["status"] = final_status(run["model_runs"], result, false);
  add_session_results(run, session, scoring.weights, options, item_log);
}

}  // namespace llmbench::tiers
