#include "llmbench/perf/perf.hpp"

#include <algorithm>
#include <optional>

#include <fmt/format.h>

#include "llmbench/error.hpp"
#include "llmbench/metrics/rate_search.hpp"
#include "llmbench/perf/level_runner.hpp"
#include "llmbench/perf/level_stats.hpp"
#include "llmbench/records/output_layout.hpp"
#include "llmbench/report/summary.hpp"
#include "llmbench/run/run_id.hpp"
#include "llmbench/run/session.hpp"

namespace llmbench::perf {

using nlohmann::json;

namespace {

std::string request_log(const std::string& run_id) { return "runs/" + run_id + "/requests.jsonl"; }

// perf.* before any level has run.
json perf_header(const PerfOptions& o, const PromptSet& prompts) {
  json perf = {{"model", o.model}, {"mode", o.open_loop() ? "open" : "closed"}};
  if (o.open_loop()) {
    perf["arrival"] = to_string(o.arrival);
    if (o.arrival == Arrival::gamma) perf["burstiness"] = o.burstiness;
    perf["max_concurrency"] = o.max_concurrency ? json(*o.max_concurrency) : json(nullptr);
  }
  const bool synthetic = prompts.source() == "synthetic";
  perf["prompts"] = {
      {"source", prompts.source()},
      {"input_tokens", synthetic ? json(o.input_tokens.value_or(PromptSet::kDefaultInputTokens)) : json(nullptr)},
      {"output_tokens", o.output_tokens ? json(*o.output_tokens) : json(nullptr)},
      {"output_control", to_string(o.output_control)}};
  if (o.slo.any()) perf["slo"] = slo_json(o.slo);
  perf["levels"] = json::array();
  return perf;
}

std::vector<LevelPlan> level_plans(const PerfOptions& o) {
  std::vector<LevelPlan> plans;
  const std::size_t n = o.open_loop() ? o.rates.size() : o.concurrency_levels.size();
  for (std::size_t i = 0; i < n; ++i) {
    LevelPlan plan;
    plan.index = static_cast<int>(i);
    if (o.open_loop()) plan.rate = o.rates[i];
    else plan.concurrency = o.concurrency_levels[i];
    plan.requests = o.requests.value_or(0);
    plan.duration_s = o.duration_s;
    plan.warmup = o.warmup;
    plans.push_back(plan);
  }
  return plans;
}

std::string plan_text(const PerfOptions& o, const PromptSet& prompts) {
  std::string levels;
  for (const LevelPlan& p : level_plans(o)) {
    levels += (levels.empty() ? "" : ", ") + (p.rate ? fmt::format("{:g}/s", *p.rate) : fmt::format("{}", *p.concurrency));
  }
  if (o.find_max_rate) levels = fmt::format("searched for the highest rate meeting the SLOs, from {:g}/s",
                                            o.rates.empty() ? 1.0 : o.rates.front());
  return fmt::format("  model: {} (streamed)\n  {} loop, levels: {}\n  per level: {}{}\n  prompts: {}\n",
                     o.model, o.open_loop() ? "open" : "closed", levels,
                     o.requests ? fmt::format("{} requests", *o.requests) : fmt::format("{:g} s", *o.duration_s),
                     o.warmup > 0 ? fmt::format(" after {} warm-up", o.warmup) : "", prompts.source());
}

// The level's entry in perf.levels.
json level_json(const LevelPlan& plan, const LevelResult& result, const PerfOptions& o) {
  json level = json::object();
  if (plan.rate) level["rate"] = *plan.rate;
  else level["concurrency"] = *plan.concurrency;
  level["complete"] = !result.interrupted;
  if (!result.stopped_early.empty()) level["stopped_early"] = result.stopped_early;
  level.update(level_figures(result.samples, {plan.rate.has_value(), plan.warmup, o.slo}));
  return level;
}

std::string level_line(const json& level) {
  const json& ttft = level["ttft_ms"];
  const json& tpot = level["tpot_ms"];
  auto p50 = [](const json& d) { return d.is_null() ? std::string("-") : fmt::format("{:.1f}", d["p50"].get<double>()); };
  auto rate = [](const json& v, int decimals) { return v.is_number() ? fmt::format("{:.{}f}", v.get<double>(), decimals) : std::string("-"); };
  return fmt::format("  {} ok, {} errors, {} req/s, {} output tok/s, TTFT p50 {} ms, TPOT p50 {} ms{}\n",
                     level["ok"].get<std::int64_t>(), level["errors"].get<std::int64_t>(),
                     rate(level["requests_per_s"], 2), rate(level["output_tokens_per_s"], 1), p50(ttft),
                     p50(tpot), level.contains("stopped_early") ? " (stopped early: saturated)" : "");
}

}  // namespace
}  // namespace llmbench::perf

namespace llmbench::perf {
namespace {

// Runs levels one by one: each is announced, run, added to the record and saved at once.
struct LevelSequence {
  run::RunSession& session;
  LevelRunner& runner;
  json& record;
  const PerfOptions& options;
  bool interrupted = false;
  bool empty_level = false;  // some level had no successful request
  int next_index = 0;

  // The level's entry, or nullopt once Ctrl-C has stopped the run (a level it stopped before
  // the level began is not recorded).
  std::optional<json> run(LevelPlan plan) {
    interrupted = interrupted || session.interrupt_requested();
    if (interrupted) return std::nullopt;
    plan.index = next_index++;
    std::fprintf(session.human(), "Level %d: %s\n", plan.index + 1,
                 plan.rate ? fmt::format("{:g} requests/s", *plan.rate).c_str()
                           : fmt::format("concurrency {}", *plan.concurrency).c_str());
    std::fflush(session.human());
    const LevelResult result = runner.run(plan);
    json level = level_json(plan, result, options);
    std::fprintf(session.human(), "%s", level_line(level).c_str());
    empty_level = empty_level || level["ok"].get<std::int64_t>() == 0;
    record["perf"]["levels"].push_back(level);
    session.save(record);  // a finished level is in the report from now on
    interrupted = result.interrupted;
    return interrupted ? std::nullopt : std::optional<json>(std::move(level));
  }
};

constexpr double kAttainmentTarget = 0.95;

const char* verdict_name(metrics::LevelVerdict verdict) {
  switch (verdict) {
    case metrics::LevelVerdict::pass: return "pass";
    case metrics::LevelVerdict::fail: return "fail";
    case metrics::LevelVerdict::undecided: break;
  }
  return "undecided";
}

// Notes the search's verdict on the level just run (the last in the record) and saves it.
void mark_verdict(LevelSequence& levels, metrics::LevelVerdict verdict) {
  levels.record["perf"]["levels"].back()["verdict"] = verdict_name(verdict);
  levels.session.save(levels.record);
  std::fprintf(levels.session.human(), "  verdict: %s%s\n", verdict_name(verdict),
               verdict == metrics::LevelVerdict::undecided ? " (run again with 4 times the requests)" : "");
  std::fflush(levels.session.human());
}

metrics::LevelVerdict verdict_of(const json& level) {
  if (level.contains("stopped_early")) return metrics::LevelVerdict::fail;
  const json& a = level["slo_attainment"];
  return metrics::wilson_verdict(a["met"].get<std::int64_t>(), a["total"].get<std::int64_t>(), kAttainmentTarget);
}

// --find-max-rate: the search of metrics/rate_search.hpp from --rate (default 1/s). A level
// the Wilson interval leaves undecided is run again with 4 times the requests (or time), and
// judged on its point estimate if still undecided (decided_by "point").
void find_max_rate(LevelSequence& levels, const PerfOptions& o) {
  metrics::RateSearch search(o.rates.empty() ? 1.0 : o.rates.front());
  std::string decided_by = "wilson";
  while (const std::optional<double> rate = search.next_rate()) {
    LevelPlan plan{0, std::nullopt, *rate, o.requests.value_or(0), o.duration_s, o.warmup};
    std::optional<json> level = levels.run(plan);
    if (!level) break;
    metrics::LevelVerdict verdict = verdict_of(*level);
    decided_by = "wilson";
    mark_verdict(levels, verdict);
    if (verdict == metrics::LevelVerdict::undecided) {
      plan.requests *= 4;
      if (plan.duration_s) *plan.duration_s *= 4;
      if (!(level = levels.run(plan))) break;
      verdict = verdict_of(*level);
      if (verdict == metrics::LevelVerdict::undecided) {
        const json& rate_met = (*level)["slo_attainment"]["rate"];
        verdict = rate_met.is_number() && rate_met.get<double>() >= kAttainmentTarget ? metrics::LevelVerdict::pass
                                                                                       : metrics::LevelVerdict::fail;
        decided_by = "point";
      }
      mark_verdict(levels, verdict);
    }
    search.record(verdict == metrics::LevelVerdict::pass);
  }
  levels.record["perf"]["max_rate"] = {{"rate", search.best() ? json(*search.best()) : json(nullptr)},
                                       {"target", kAttainmentTarget},
                                       {"decided_by", decided_by}};
}

}  // namespace

int run_perf(const PerfOptions& requested) {
  PerfOptions options = requested;
  validate(options);
  const PromptSet prompts(options);  // data first: a bad dataset fails before any model is contacted
  // The executor never limits a closed loop (the runner keeps each level's count in flight).
  options.concurrency = options.open_loop() ? options.max_concurrency.value_or(4096)
                                            : *std::max_element(options.concurrency_levels.begin(),
                                                                options.concurrency_levels.end());
  run::RunSession session(options, "perf");
  config::Registry& registry = session.load_registry();
  config::ResolvedModel model = registry.resolve(config::Role::generation, options.model);
  config::check_model_kind(model, "--model");
  model.stream = true;
  std::string plan = session.prepare_models({&model}) + plan_text(requested, prompts);
  std::fprintf(session.human(), "%s", plan.c_str());
  std::fflush(session.human());
  if (session.dry_run({{"config", options.config}, {"flags", options_json(requested)}})) {
    return static_cast<int>(ExitCode::ok);
  }

  const std::string run_id = options.run_id.empty() ? run::new_run_id() : options.run_id;
  run::validate_run_id(run_id);
  session.start(run_id, false, "choose another --run-id (a perf run is not resumed)", {});
  json record = run::new_record(run_id, "perf");
  record["flags"] = options_json(requested);
  record["request_log"] = request_log(run_id);
  record["perf"] = perf_header(requested, prompts);
  session.save(record);
  LevelRunner runner(session, requested, model, prompts, session.open_journal(request_log(run_id)), run_id);
  session.executor(options.seed);
  session.catch_interrupts_between_stages();  // Ctrl-C while a level is saved: it is saved whole
  LevelSequence levels{session, runner, record, requested};
  if (requested.find_max_rate) {
    find_max_rate(levels, requested);
  } else {
    for (const LevelPlan& p : level_plans(requested)) {
      if (!levels.run(p)) break;
    }
  }
  const bool interrupted = levels.interrupted, empty_level = levels.empty_level;
  record["finished_at"] = run::utc_timestamp_iso8601();
  record["status"] = interrupted ? "interrupted" : "completed";
  session.save(record);
  std::fprintf(session.human(),
               "\n%s(times in ms; open-loop TTFT and E2E include the queue from the scheduled send)\n"
               "Report: %s (requests: %s)\n",
               report::render_summary(record).c_str(), session.layout().report_file().c_str(),
               session.layout().resolve(request_log(run_id)).c_str());
  session.write_html(false);
  session.print_record(record);
  if (interrupted) return static_cast<int>(ExitCode::interrupted);
  return static_cast<int>(empty_level ? ExitCode::failures : ExitCode::ok);
}

}  // namespace llmbench::perf
