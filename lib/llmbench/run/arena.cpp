#include "llmbench/run/arena.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <map>
#include <memory>
#include <optional>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include "llmbench/config/embedded_sim.hpp"
#include "llmbench/config/registry.hpp"
#include "llmbench/error.hpp"
#include "llmbench/http/cache.hpp"
#include "llmbench/http/executor.hpp"
#include "llmbench/records/journal.hpp"
#include "llmbench/report/html.hpp"
#include "llmbench/report/store.hpp"
#include "llmbench/run/arena_analysis.hpp"
#include "llmbench/run/arena_prompts.hpp"
#include "llmbench/run/git_info.hpp"
#include "llmbench/run/interrupt.hpp"
#include "llmbench/run/model_args.hpp"
#include "llmbench/run/progress.hpp"
#include "llmbench/run/rag_requests.hpp"
#include "llmbench/run/request_timeout.hpp"
#include "llmbench/run/run_id.hpp"
#include "llmbench/run/tier.hpp"
#include "llmbench/sim/answer_book.hpp"
#include "llmbench/tasks/verdict.hpp"
#include "llmbench/util/atomic_file.hpp"
#include "llmbench/util/json.hpp"

namespace llmbench::run {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

struct Answer {
  bool ok = false;
  std::string text;
  std::string error_kind;
  std::string error;
};

// One judge's two orders of one (prompt, pair).
struct Unit {
  std::size_t prompt = 0;
  std::size_t first = 0, second = 0;  // generation model indices, arena order
  std::size_t judge = 0;
  std::optional<json> orders[2];      // [0]: first shown as A; [1]: swapped
};

json options_json(const ArenaOptions& o) {
  return {{"generation_models", o.generation_models},
          {"judge_models", o.judge_models},
          {"dataset", o.dataset.empty() ? json(nullptr) : json(o.dataset)},
          {"tasks", o.tasks},
          {"limit", o.limit},
          {"sample_seed", o.sample_seed},
          {"baseline", o.baseline.empty() ? json(nullptr) : json(o.baseline)},
          {"strong", o.strong == StrongVerdicts::yes},
          {"bootstrap_rounds", o.bootstrap_rounds},
          {"bootstrap_seed", o.bootstrap_seed},
          {"concurrency", o.concurrency},
          {"retries", o.retries},
          {"timeout_s", o.timeout_s},
          {"timeout_given", o.timeout_given},
          {"model_args", o.model_args},
          {"config", o.config}};
}

std::string winner_letter(tasks::Winner w) {
  return w == tasks::Winner::a ? "a" : w == tasks::Winner::b ? "b" : "tie";
}

// Fills "winner"/"flip"/"status" of both orders of a unit: a verdict that names different
// models in the two orders followed the position, so both count as ties. An order without a
// verdict (its answer, its judge request or its verdict failed: raw_winner null) has no
// winner and status "failed"; the other order keeps its own verdict.
void resolve_unit(Unit& unit) {
  auto by_model = [](const json& b) -> std::string {
    const std::string raw = util::string_field(b, "raw_winner");
    if (raw == "a") return util::string_field(b, "model_a");
    if (raw == "b") return util::string_field(b, "model_b");
    return raw;  // "tie" or ""
  };
  json& x = *unit.orders[0];
  json& y = *unit.orders[1];
  const std::string wx = by_model(x), wy = by_model(y);
  const bool flip = !wx.empty() && !wy.empty() && wx != "tie" && wy != "tie" && wx != wy;
  for (json* b : {&x, &y}) {
    const bool judged = b->at("raw_winner").is_string();
    (*b)["flip"] = flip;
    (*b)["winner"] = !judged ? json(nullptr) : flip ? json("tie") : b->at("raw_winner");
    (*b)["status"] = judged ? "judged" : "failed";
  }
}

std::string leaderboard_text(const json& arena) {
  std::string out = fmt::format("{:<5} {:<28} {:>8}  {:<20} {:>6} {:>6} {:>6}\n", "rank", "model", "rating",
                                "95% interval", "wins", "losses", "ties");
  for (const json& row : arena["leaderboard"]) {
    auto num = [](const json& v) { return v.is_number() ? fmt::format("{:.1f}", v.get<double>()) : std::string("-"); };
    const std::string ci = row["ci95"].is_object()
                               ? fmt::format("[{}, {}]", num(row["ci95"]["low"]), num(row["ci95"]["high"]))
                               : "-";
    out += fmt::format("{:<5} {:<28} {:>8}  {:<20} {:>6} {:>6} {:>6}\n",
                       row["rank"].is_number() ? std::to_string(row["rank"].get<int>()) : "-",
                       row["model"].get<std::string>(), num(row["rating"]), ci, row["wins"].get<std::size_t>(),
                       row["losses"].get<std::size_t>(), row["ties"].get<std::size_t>());
  }
  for (const json& b : arena["judge_bias"]) {
    auto pct = [](const json& v) { return v.is_number() ? fmt::format("{:.0f}%", v.get<double>() * 100) : std::string("-"); };
    out += fmt::format("judge {}: {} verdicts, first position wins {}, position flips {}, longer answer wins {}{}\n",
                       b["judge_model"].get<std::string>(), b["n"].get<std::size_t>(), pct(b["position_a_win_rate"]),
                       pct(b["flip_rate"]), pct(b["longer_answer_win_rate"]),
                       b["self_preference"].is_number()
                           ? fmt::format(", self-preference {:+.0f} points", b["self_preference"].get<double>() * 100)
                           : std::string());
  }
  return out;
}

}  // namespace

int run_arena(const ArenaOptions& requested) {
  ArenaOptions options = requested;
  // --output json: stdout holds only the run record; the plan and leaderboard go to stderr.
  const bool json_output = options.output == OutputFormat::json;
  std::FILE* human = json_output ? stderr : stdout;
  const fs::path out_dir = options.output_dir;
  const fs::path report_file = out_dir / report::kReportFileName;
  if (options.dataset.empty() == options.tasks.empty()) {
    throw Error("arena run: give exactly one of --dataset FILE (JSONL with \"prompt\") or --tasks a,b");
  }
  if (options.bootstrap_rounds < 0) throw Error("--bootstrap-rounds: must be 0 or more");

  // Data first: a bad dataset fails before any model is contacted.
  auto book = std::make_shared<sim::AnswerBook>();
  std::vector<ArenaPrompt> prompts =
      options.dataset.empty() ? load_task_prompts(options.tasks, options.limit, options.sample_seed, book.get())
                              : sample_prompts(load_prompt_file(options.dataset), options.limit, options.sample_seed);
  if (prompts.empty()) throw Error("arena run: no prompts selected; check --dataset/--tasks and --limit");

  config::Registry registry = config::load_registry(
      options.config, options.env_file,
      options.env_file == ".env.benchmark-models" ? config::FileRequirement::if_present
                                                  : config::FileRequirement::required);
  options.config = registry.config_choice().path.string();
  if (options.generation_models.empty()) options.generation_models = registry.default_models(config::Role::generation);
  if (options.judge_models.empty()) options.judge_models = registry.default_models(config::Role::judge);
  auto dedupe = [](std::vector<std::string>& ids) {
    std::vector<std::string> out;
    for (auto& id : ids) {
      if (std::find(out.begin(), out.end(), id) == out.end()) out.push_back(id);
    }
    ids = std::move(out);
  };
  dedupe(options.generation_models);
  dedupe(options.judge_models);
  if (options.generation_models.size() < 2) {
    throw Error(fmt::format("arena run: needs at least two generation models (got {}); pass --generation-models a,b",
                            options.generation_models.size()));
  }
  if (options.judge_models.empty()) {
    throw Error(fmt::format("arena run: no judge models; pass --judge-models j or set roles.judge in {}",
                            options.config.empty() ? std::string(config::kLocalConfig) : options.config));
  }
  const auto& gen_ids = options.generation_models;
  if (!options.baseline.empty() && std::find(gen_ids.begin(), gen_ids.end(), options.baseline) == gen_ids.end()) {
    throw Error(fmt::format("--baseline {}: not one of the generation models ({}); add it to --generation-models",
                            options.baseline, fmt::join(gen_ids, ",")));
  }
  std::vector<config::ResolvedModel> generators, judges;
  for (const auto& id : gen_ids) {
    generators.push_back(registry.resolve(config::Role::generation, id));
    config::check_model_kind(generators.back(), "--generation-models");
  }
  for (const auto& id : options.judge_models) {
    judges.push_back(registry.resolve(config::Role::judge, id));
    config::check_model_kind(judges.back(), "--judge-models");
  }

  std::vector<std::pair<std::size_t, std::size_t>> pairs;
  for (std::size_t i = 0; i < gen_ids.size(); ++i) {
    for (std::size_t j = i + 1; j < gen_ids.size(); ++j) {
      if (options.baseline.empty() || gen_ids[i] == options.baseline || gen_ids[j] == options.baseline) {
        // The baseline always comes first in its pairs.
        if (gen_ids[j] == options.baseline) pairs.emplace_back(j, i);
        else pairs.emplace_back(i, j);
      }
    }
  }
  const std::size_t answers_total = prompts.size() * generators.size();
  const std::size_t battles_total = prompts.size() * pairs.size() * 2 * judges.size();
  std::vector<config::ResolvedModel*> resolved;
  for (auto& m : generators) resolved.push_back(&m);
  for (auto& m : judges) resolved.push_back(&m);
  const std::string timeout_line = apply_timeout_rule(resolved, options.timeout_s, options.timeout_given);
  apply_model_args(options.model_args, resolved);
  std::fprintf(human, "Plan:\n  %s\n  %s\n  prompts: %zu (%s)\n  models: %s\n  judges: %s\n  pairs: %zu (%s), both orders\n"
              "  requests: %zu answers + %zu verdicts = %zu battles\n",
              config::describe(registry.config_choice()).c_str(), timeout_line.c_str(), prompts.size(), options.dataset.empty() ? fmt::format("tasks {}", fmt::join(options.tasks, ",")).c_str()
                                                      : options.dataset.c_str(),
              fmt::format("{}", fmt::join(gen_ids, ", ")).c_str(),
              fmt::format("{}", fmt::join(options.judge_models, ", ")).c_str(), pairs.size(),
              options.baseline.empty() ? "all pairs" : ("each vs " + options.baseline).c_str(), answers_total,
              battles_total, battles_total);
  if (!options.model_args.empty()) std::fprintf(human, "  request parameters from -M: %s\n", options.model_args.dump().c_str());
  std::fflush(human);
  if (options.dry_run) {
    if (json_output) {
      std::printf("%s\n", json{{"dry_run", true}, {"config", options.config}, {"prompts", prompts.size()},
                               {"answers", answers_total}, {"battles", battles_total}, {"flags", options_json(options)}}
                              .dump(2)
                              .c_str());
      std::fflush(stdout);
    }
    return static_cast<int>(ExitCode::ok);
  }

  std::vector<config::ResolvedModel*> all_models;
  for (auto& m : generators) all_models.push_back(&m);
  for (auto& m : judges) all_models.push_back(&m);
  const std::string run_id = options.run_id.empty() ? new_run_id() : options.run_id;
  validate_run_id(run_id);
  create_run_dir(out_dir, run_id, "choose another --run-id (an arena run is not resumed)");
  config::EmbeddedSims sims;
  sims.start(all_models, book);
  // Answers (and verdicts) already in the response cache are reused, not asked again.
  const auto cache = http::open_run_cache(options.no_cache, options.cache_dir, out_dir);

  const std::string battles_log = fmt::format("runs/{}/battles.jsonl", run_id);
  const GitInfo git = read_git_info();
  json run = {{"id", run_id},
              {"kind", "arena"},
              {"schema_version", report::kSchemaVersion},
              {"timestamp", utc_timestamp_iso8601()},
              {"status", "running"},
              {"overall_status", "no_baseline"},
              {"llmbench_version", LLMBENCH_VERSION},
              {"git", {{"branch", git.branch}, {"commit", git.commit}}},
              {"flags", options_json(options)},
              {"dataset_file", options.dataset.empty() ? json(nullptr) : json(options.dataset)},
              {"dataset_type", "arena"},
              {"battles_log", battles_log},
              {"model_runs", json::array()}};
  report::upsert_run(report_file, run);
  records::JournalWriter journal(out_dir / battles_log);

  http::ExecutorOptions eo;
  eo.concurrency = options.concurrency;
  eo.retries = options.retries;
  eo.timeout_s = options.timeout_s;
  eo.max_response_bytes = static_cast<std::size_t>(options.max_response_bytes);
  eo.max_retry_wait_s = options.max_retry_wait_s;
  eo.seed = options.sample_seed;
  eo.cache = cache.get();
  http::Executor executor(eo);
  for (const auto* m : all_models) executor.set_provider_limits(m->endpoint.provider, m->limits);

  std::vector<std::vector<Answer>> answers(prompts.size(), std::vector<Answer>(generators.size()));
  std::vector<std::size_t> answers_left(prompts.size(), generators.size());
  std::vector<json> battles;
  std::vector<std::unique_ptr<Unit>> units;
  ProgressSnapshot progress;
  progress.total = answers_total + battles_total;
  ProgressDisplay display(options.progress, "arena " + run_id);
  const bool strong = options.strong == StrongVerdicts::yes;

  auto battle_skeleton = [&](const Unit& u, int order) {
    const std::size_t a = order == 0 ? u.first : u.second, b = order == 0 ? u.second : u.first;
    const ArenaPrompt& p = prompts[u.prompt];
    return json{{"battle_id", fmt::format("{}|{}|{}|{}|{}", p.id, gen_ids[u.first], gen_ids[u.second],
                                          options.judge_models[u.judge], order == 0 ? "ab" : "ba")},
                {"item_id", p.id},
                {"prompt_id", p.id},
                {"category", p.category},
                {"prompt", p.text},
                {"pair", {gen_ids[u.first], gen_ids[u.second]}},
                {"model_a", gen_ids[a]},
                {"model_b", gen_ids[b]},
                {"swapped", order == 1},
                {"judge_model", options.judge_models[u.judge]},
                {"answer_a", answers[u.prompt][a].text},
                {"answer_b", answers[u.prompt][b].text},
                {"verdict", nullptr},
                {"strong", false},
                {"raw_winner", nullptr},
                {"winner", nullptr},
                {"flip", false},
                {"status", "failed"},
                {"rationale", nullptr},
                {"error_kind", nullptr},
                {"error", nullptr}};
  };
  auto finish_unit = [&](Unit& u) {
    resolve_unit(u);
    for (auto& order : u.orders) {
      journal.append(*order);
      if (!(*order)["error_kind"].is_null()) ++progress.errors[(*order)["error_kind"].get<std::string>()];
      battles.push_back(std::move(*order));
    }
  };
  auto submit_judgements = [&](std::size_t prompt) {
    for (const auto& [first, second] : pairs) {
      for (std::size_t judge = 0; judge < judges.size(); ++judge) {
        units.push_back(std::make_unique<Unit>());
        Unit& u = *units.back();
        u.prompt = prompt;
        u.first = first;
        u.second = second;
        u.judge = judge;
        const Answer& x = answers[prompt][first];
        const Answer& y = answers[prompt][second];
        if (!x.ok || !y.ok) {
          for (int order = 0; order < 2; ++order) {
            json b = battle_skeleton(u, order);
            b["error_kind"] = "answer_failed";
            b["error"] = fmt::format("no answer from {}: {}", !x.ok ? gen_ids[first] : gen_ids[second],
                                     !x.ok ? x.error : y.error);
            u.orders[order] = std::move(b);
          }
          progress.done += 2;
          finish_unit(u);
          continue;
        }
        for (int order = 0; order < 2; ++order) {
          const Answer& shown_a = order == 0 ? x : y;
          const Answer& shown_b = order == 0 ? y : x;
          auto request = chat_request(judges[judge], pairwise_judge_messages(prompts[prompt].text, shown_a.text,
                                                                             shown_b.text, strong));
          executor.submit(std::move(request), [&, unit = &u, order](http::RequestRecord&& r) {
            json b = battle_skeleton(*unit, order);
            b["latency_ms"] = r.timings.latency_ms();
            if (verdict_request_failed(r)) {
              const json failure = verdict_request_fields(r);
              b["error_kind"] = failure["error_kind"];
              b["error"] = failure["error"];
            } else {
              b["rationale"] = r.content;
              const tasks::PairwiseResult verdict = tasks::parse_pairwise_verdict(r.content);
              if (!verdict.ok()) {
                b["error_kind"] = "no_verdict";
                b["error"] = "the judge's answer holds no [[A]]/[[B]]/[[C]] verdict";
              } else {
                b["verdict"] = std::string(tasks::to_string(verdict.verdict));
                b["strong"] = verdict.verdict == tasks::PairwiseVerdict::a_much_better ||
                              verdict.verdict == tasks::PairwiseVerdict::b_much_better;
                b["raw_winner"] = winner_letter(tasks::winner(verdict.verdict));
              }
            }
            unit->orders[order] = std::move(b);
            ++progress.done;
            if (unit->orders[0] && unit->orders[1]) finish_unit(*unit);
            display.update(progress);
          });
        }
      }
    }
  };
  for (std::size_t p = 0; p < prompts.size(); ++p) {
    for (std::size_t m = 0; m < generators.size(); ++m) {
      executor.submit(chat_request(generators[m], {{"user", prompts[p].text}}), [&, p, m](http::RequestRecord&& r) {
        Answer& a = answers[p][m];
        a.ok = r.ok() || (r.outcome == http::Outcome::truncated && !r.content.empty());
        a.text = r.content;
        if (!a.ok) {
          a.error_kind = std::string(http::to_string(r.outcome));
          a.error = r.error;
          ++progress.errors["answer_" + a.error_kind];
        }
        ++progress.done;
        if (--answers_left[p] == 0) submit_judgements(p);
        display.update(progress);
      });
    }
  }
  executor.on_progress([&](const http::ExecutorStats& stats) {
    progress.take(stats);
    display.update(progress);
  });
  bool stopped = false;
  {
    InterruptGuard guard(executor);
    executor.run();
    stopped = guard.interrupted();
  }
  display.finish(progress);

  ArenaAnalysisOptions analysis;
  analysis.models = gen_ids;
  analysis.judges = options.judge_models;
  analysis.strong = strong;
  analysis.bootstrap_rounds = options.bootstrap_rounds;
  analysis.bootstrap_seed = options.bootstrap_seed;
  json arena = analyze_arena(battles, analysis);
  arena["baseline"] = options.baseline.empty() ? json(nullptr) : json(options.baseline);
  arena["battles_planned"] = battles_total;
  arena["battles_log"] = battles_log;
  const std::size_t failed = arena["battles_failed"].get<std::size_t>();
  const bool interrupted = stopped || battles.size() < battles_total;
  const http::ExecutorStats stats = executor.stats();
  run["arena"] = std::move(arena);
  run["requests"] = {{"total", stats.completed}, {"by_outcome", stats.outcomes}, {"retries", stats.retries},
                     {"cache_hits", stats.cache_hits}};
  run["finished_at"] = utc_timestamp_iso8601();
  run["status"] = interrupted ? "interrupted" : "completed";
  report::upsert_run(report_file, run);

  std::fprintf(human, "\nArena %s: %zu battles (%zu failed: no answer or no verdict; left out of the ratings)\n%s", run_id.c_str(), battles.size(), failed,
              leaderboard_text(run["arena"]).c_str());
  std::fprintf(human, "Report: %s (battles: %s)\n", report_file.c_str(), (out_dir / battles_log).c_str());
  std::fprintf(human, "Vote blind yourself: llmbench arena vote --output-dir %s --run %s\n", out_dir.c_str(), run_id.c_str());
  if (options.render_report) {
    const json all_runs = report::read_runs(report_file);
    const fs::path html = out_dir / "report.html";
    util::write_file_atomically(html, report::render_html(all_runs, report::collect_items(all_runs, out_dir)));
    std::fprintf(human, "HTML report: %s\n", html.c_str());
  }
  std::fflush(human);
  if (json_output) {  // the run record, as stored in the report
    std::printf("%s\n", run.dump(2, ' ', false, json::error_handler_t::replace).c_str());
    std::fflush(stdout);
  }
  if (interrupted) return static_cast<int>(ExitCode::interrupted);
  return static_cast<int>(failed > 0 ? ExitCode::failures : ExitCode::ok);
}

}  // namespace llmbench::run
