#include "llmbench/arena/arena.hpp"

#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>
#include <optional>
#include <tuple>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "llmbench/arena/arena_analysis.hpp"
#include "llmbench/arena/arena_prompts.hpp"
#include "llmbench/config/registry.hpp"
#include "llmbench/error.hpp"
#include "llmbench/http/executor.hpp"
#include "llmbench/metrics/catalogue.hpp"
#include "llmbench/records/fields.hpp"
#include "llmbench/records/journal.hpp"
#include "llmbench/records/output_layout.hpp"
#include "llmbench/report/store.hpp"
#include "llmbench/run/git_info.hpp"
#include "llmbench/run/merge.hpp"
#include "llmbench/run/request_fields.hpp"
#include "llmbench/run/run_id.hpp"
#include "llmbench/run/session.hpp"
#include "llmbench/run/shard.hpp"
#include "llmbench/tasks/verdict.hpp"
#include "llmbench/util/terminal.hpp"
#include "llmbench/util/json.hpp"

namespace llmbench::arena {

namespace field = records::field;
namespace error_kind = records::error_kind;
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
  std::optional<records::BattleRecord> orders[2];  // [0]: first shown as A; [1]: swapped
};

json options_json(const ArenaOptions& o) {
  json flags = run::session_options_to_json(o);
  flags.update({{"generation_models", o.generation_models},
                {"judge_models", o.judge_models},
                {"dataset", o.dataset.empty() ? json(nullptr) : json(o.dataset)},
                {"tasks", o.tasks},
                {"limit", o.limit},
                {"sample_seed", o.sample_seed},
                {"baseline", o.baseline.empty() ? json(nullptr) : json(o.baseline)},
                {"strong", o.strong == StrongVerdicts::yes},
                {"bootstrap_rounds", o.bootstrap_rounds},
                {"bootstrap_seed", o.bootstrap_seed}});
  return flags;
}

std::string winner_letter(tasks::Winner w) {
  return w == tasks::Winner::a ? "a" : w == tasks::Winner::b ? "b" : "tie";
}

// Fills "winner"/"flip"/"status" of both orders of a unit: a verdict that names different
// models in the two orders followed the position, so both count as ties. An order without a
// verdict (its answer, its judge request or its verdict failed: raw_winner null) has no
// winner and status "failed"; the other order keeps its own verdict.
void resolve_unit(Unit& unit) {
  auto by_model = [](const records::BattleRecord& b) -> std::string {
    const std::string raw = b.raw_winner.value_or("");
    if (raw == "a") return b.model_a;
    if (raw == "b") return b.model_b;
    return raw;  // "tie" or ""
  };
  records::BattleRecord& x = *unit.orders[0];
  records::BattleRecord& y = *unit.orders[1];
  const std::string wx = by_model(x), wy = by_model(y);
  const bool flip = !wx.empty() && !wy.empty() && wx != "tie" && wy != "tie" && wx != wy;
  for (records::BattleRecord* b : {&x, &y}) {
    const bool judged = b->raw_winner.has_value();
    b->flip = flip;
    b->winner = !judged ? std::nullopt : flip ? std::optional<std::string>("tie") : b->raw_winner;
    b->status = judged ? "judged" : "failed";
  }
}

}  // namespace

std::string arena_text(const json& arena) {
  std::string out = leaderboard_text(arena["leaderboard"]);
  auto label = [](std::string_view key) { return metrics::find_metric("arena_judge", key)->label; };
  auto pct = [](const json& v) { return v.is_number() ? fmt::format("{:.0f}%", v.get<double>() * 100) : std::string("-"); };
  for (const json& b : arena["judge_bias"]) {
    out += fmt::format("judge {}: {} verdicts, {} {}, {} {}, {} {}", util::terminal_safe(b.value("judge_model", "")),
                       b.value("n", json()).dump(), label("position_a_win_rate"), pct(b["position_a_win_rate"]),
                       label("flip_rate"), pct(b["flip_rate"]), label("longer_answer_win_rate"),
                       pct(b["longer_answer_win_rate"]));
    if (b["self_preference"].is_number())
      out += fmt::format(", {} {:+.0f} points", label("self_preference"), b["self_preference"].get<double>() * 100);
    out += "\n";
  }
  return out;
}

namespace {

// The generation models, after defaults (the config's roles) and duplicates; throws Error for
// fewer than two, no judge, or a baseline that is not competing.
void choose_models(const config::Registry& registry, ArenaOptions& options) {
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
}

// Pairs of generation model indices: all pairs, or each model with the baseline (which comes
// first in its pairs).
std::vector<std::pair<std::size_t, std::size_t>> arena_pairs(const std::vector<std::string>& ids,
                                                             const std::string& baseline) {
  std::vector<std::pair<std::size_t, std::size_t>> pairs;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    for (std::size_t j = i + 1; j < ids.size(); ++j) {
      if (baseline.empty() || ids[i] == baseline || ids[j] == baseline) {
        if (ids[j] == baseline) pairs.emplace_back(j, i);
        else pairs.emplace_back(i, j);
      }
    }
  }
  return pairs;
}

// The requests of an arena and their battles: every model answers every prompt; once all
// answers to a prompt are in, every judge compares every pair in both orders. Each unit (both
// orders of a pair for one judge) is logged as it is resolved. Callbacks run on the loop thread.
class ArenaBattles {
 public:
  ArenaBattles(const ArenaOptions& options, const std::vector<ArenaPrompt>& prompts,
               const std::vector<config::ResolvedModel>& generators, const std::vector<config::ResolvedModel>& judges,
               std::vector<std::pair<std::size_t, std::size_t>> pairs, run::RunSession& session,
               records::JournalWriter& journal, http::Executor& executor)
      : options_(options),
        prompts_(prompts),
        generators_(generators),
        judges_(judges),
        pairs_(std::move(pairs)),
        session_(session),
        journal_(journal),
        executor_(executor),
        answers_(prompts.size(), std::vector<Answer>(generators.size())),
        answers_left_(prompts.size(), generators.size()) {}

  // Queues every answer request (verdicts follow from their callbacks).
  void submit() {
    for (std::size_t p = 0; p < prompts_.size(); ++p) {
      for (std::size_t m = 0; m < generators_.size(); ++m) {
        executor_.submit(run::chat_request(generators_[m], {{"user", prompts_[p].text}}),
                         [this, p, m](http::RequestRecord&& r) { take_answer(p, m, r); });
      }
    }
  }

  std::vector<records::BattleRecord>& battles() { return battles_; }

 private:
  void take_answer(std::size_t p, std::size_t m, const http::RequestRecord& r) {
    Answer& a = answers_[p][m];
    a.ok = r.ok() || (r.outcome == http::Outcome::truncated && !r.content.empty());
    a.text = r.content;
    if (!a.ok) {
      a.error_kind = std::string(http::to_string(r.outcome));
      a.error = r.error;
      ++session_.progress().errors["answer_" + a.error_kind];
    }
    ++session_.progress().done;
    if (--answers_left_[p] == 0) submit_judgements(p);
    session_.show_progress();
  }

  // One order of a unit before its verdict: who was shown, what they answered; "failed" until
  // a verdict is read.
  records::BattleRecord battle_skeleton(const Unit& u, int order) const {
    const auto& ids = options_.generation_models;
    const std::size_t a = order == 0 ? u.first : u.second, b = order == 0 ? u.second : u.first;
    const ArenaPrompt& p = prompts_[u.prompt];
    records::BattleRecord battle;
    battle.battle_id = fmt::format("{}|{}|{}|{}|{}", p.id, ids[u.first], ids[u.second], options_.judge_models[u.judge],
                                   order == 0 ? "ab" : "ba");
    battle.item_id = p.id;
    battle.prompt_id = p.id;
    battle.category = p.category;
    battle.prompt = p.text;
    battle.pair = {ids[u.first], ids[u.second]};
    battle.model_a = ids[a];
    battle.model_b = ids[b];
    battle.swapped = order == 1;
    battle.judge_model = options_.judge_models[u.judge];
    battle.answer_a = answers_[u.prompt][a].text;
    battle.answer_b = answers_[u.prompt][b].text;
    return battle;
  }

  void finish_unit(Unit& u) {
    resolve_unit(u);
    for (auto& order : u.orders) {
      journal_.append(json(*order));
      if (order->error_kind) ++session_.progress().errors[*order->error_kind];
      battles_.push_back(std::move(*order));
    }
  }

  // Both orders of a pair fail at once when either answer is missing.
  void fail_unit(Unit& u, const Answer& x, const Answer& y) {
    const auto& ids = options_.generation_models;
    for (int order = 0; order < 2; ++order) {
      records::BattleRecord b = battle_skeleton(u, order);
      b.error_kind = error_kind::kAnswerFailed;
      b.error = fmt::format("no answer from {}: {}", !x.ok ? ids[u.first] : ids[u.second], !x.ok ? x.error : y.error);
      u.orders[order] = std::move(b);
    }
    session_.progress().done += 2;
    finish_unit(u);
  }

  void take_verdict(Unit& unit, int order, const http::RequestRecord& r) {
    records::BattleRecord b = battle_skeleton(unit, order);
    b.latency_ms = r.timings.latency_ms();
    if (run::verdict_request_failed(r)) {
      const json failure = run::verdict_request_fields(r);
      b.error_kind = util::string_field(failure, field::kErrorKind);
      b.error = util::string_field(failure, field::kError);
    } else {
      b.rationale = r.content;
      const tasks::PairwiseResult verdict = tasks::parse_pairwise_verdict(r.content);
      if (!verdict.ok()) {
        b.error_kind = error_kind::kNoVerdict;
        b.error = "the judge's answer holds no [[A]]/[[B]]/[[C]] verdict";
      } else {
        b.verdict = std::string(tasks::to_string(verdict.verdict));
        b.strong = verdict.verdict == tasks::PairwiseVerdict::a_much_better ||
                   verdict.verdict == tasks::PairwiseVerdict::b_much_better;
        b.raw_winner = winner_letter(tasks::winner(verdict.verdict));
      }
    }
    unit.orders[order] = std::move(b);
    ++session_.progress().done;
    if (unit.orders[0] && unit.orders[1]) finish_unit(unit);
    session_.show_progress();
  }

  void submit_judgements(std::size_t prompt) {
    const bool strong = options_.strong == StrongVerdicts::yes;
    for (const auto& [first, second] : pairs_) {
      for (std::size_t judge = 0; judge < judges_.size(); ++judge) {
        units_.push_back(std::make_unique<Unit>());
        Unit& u = *units_.back();
        u.prompt = prompt;
        u.first = first;
        u.second = second;
        u.judge = judge;
        const Answer& x = answers_[prompt][first];
        const Answer& y = answers_[prompt][second];
        if (!x.ok || !y.ok) {
          fail_unit(u, x, y);
          continue;
        }
        for (int order = 0; order < 2; ++order) {
          const Answer& shown_a = order == 0 ? x : y;
          const Answer& shown_b = order == 0 ? y : x;
          auto request = run::chat_request(judges_[judge], pairwise_judge_messages(prompts_[prompt].text, shown_a.text,
                                                                              shown_b.text, strong));
          executor_.submit(std::move(request),
                           [this, unit = &u, order](http::RequestRecord&& r) { take_verdict(*unit, order, r); });
        }
      }
    }
  }

  const ArenaOptions& options_;
  const std::vector<ArenaPrompt>& prompts_;
  const std::vector<config::ResolvedModel>& generators_;
  const std::vector<config::ResolvedModel>& judges_;
  const std::vector<std::pair<std::size_t, std::size_t>> pairs_;
  run::RunSession& session_;
  records::JournalWriter& journal_;
  http::Executor& executor_;
  std::vector<std::vector<Answer>> answers_;
  std::vector<std::size_t> answers_left_;
  std::vector<records::BattleRecord> battles_;
  std::vector<std::unique_ptr<Unit>> units_;
};

}  // namespace

json new_arena_record(const std::string& run_id, json flags, const std::string& dataset_file,
                      const std::string& battles_log) {
  const run::GitInfo git = run::read_git_info();
  json record = {{"id", run_id},
                 {"kind", "arena"},
                 {"schema_version", report::kSchemaVersion},
                 {"timestamp", run::utc_timestamp_iso8601()},
                 {"status", "running"},
                 {"overall_status", "no_baseline"},
                 {"llmbench_version", LLMBENCH_VERSION},
                 {"git", {{"branch", git.branch}, {"commit", git.commit}}},
                 {"flags", std::move(flags)},
                 {"dataset_file", dataset_file.empty() ? json(nullptr) : json(dataset_file)},
                 {"dataset_type", "arena"},
                 {"model_runs", json::array()}};
  if (!battles_log.empty()) record["battles_log"] = battles_log;
  return record;
}

int run_arena(const ArenaOptions& requested) {
  ArenaOptions options = requested;
  run::RunSession session(options, "arena");
  if (options.dataset.empty() == options.tasks.empty()) {
    throw Error("arena run: give exactly one of --dataset FILE (JSONL with \"prompt\") or --tasks a,b");
  }
  if (options.bootstrap_rounds < 0) throw Error("--bootstrap-rounds: must be 0 or more");

  // Data first: a bad dataset fails before any model is contacted.
  std::vector<data::Dataset> chosen;  // task questions' gold answers, for the simulator
  std::vector<ArenaPrompt> prompts =
      options.dataset.empty() ? load_task_prompts(options.tasks, options.limit, options.sample_seed, &chosen)
                              : sample_prompts(load_prompt_file(options.dataset), options.limit, options.sample_seed);
  if (prompts.empty()) throw Error("arena run: no prompts selected; check --dataset/--tasks and --limit");
  run::require_run_id(options.shard, !options.run_id.empty());
  // A shard battles over its prompts only: every answer and verdict of a prompt is asked in the
  // prompt's shard, so each (prompt, model) is answered once, as in the unsharded run.
  std::erase_if(prompts, [&](const ArenaPrompt& p) { return !options.shard.holds(prompt_shard_key(p)); });

  const config::Registry& registry = session.load_registry();
  choose_models(registry, options);
  const auto& gen_ids = options.generation_models;
  std::vector<config::ResolvedModel> generators, judges;
  for (const auto& id : gen_ids) {
    generators.push_back(registry.resolve(config::Role::generation, id));
    config::check_model_kind(generators.back(), "--generation-models");
  }
  for (const auto& id : options.judge_models) {
    judges.push_back(registry.resolve(config::Role::judge, id));
    config::check_model_kind(judges.back(), "--judge-models");
  }
  auto pairs = arena_pairs(gen_ids, options.baseline);
  const std::size_t answers_total = prompts.size() * generators.size();
  const std::size_t battles_total = prompts.size() * pairs.size() * 2 * judges.size();
  std::vector<config::ResolvedModel*> models;
  for (auto& m : generators) models.push_back(&m);
  for (auto& m : judges) models.push_back(&m);
  std::string plan = session.prepare_models(models);
  plan += fmt::format("  prompts: {} ({})\n  models: {}\n  judges: {}\n  pairs: {} ({}), both orders\n"
                      "  requests: {} answers + {} verdicts = {} battles\n",
                      prompts.size(),
                      options.dataset.empty() ? fmt::format("tasks {}", fmt::join(options.tasks, ",")) : options.dataset,
                      fmt::join(gen_ids, ", "), fmt::join(options.judge_models, ", "), pairs.size(),
                      options.baseline.empty() ? "all pairs" : "each vs " + options.baseline, answers_total,
                      battles_total, battles_total);
  if (options.shard.sharded()) {
    plan += fmt::format("  shard {}: only the prompts whose key (arena/<prompt id>) falls in it (merge the shards "
                        "with `llmbench merge`)\n",
                        run::to_string(options.shard));
  }
  std::fprintf(session.human(), "%s", plan.c_str());
  std::fflush(session.human());
  if (session.dry_run({{"config", options.config}, {"prompts", prompts.size()}, {"answers", answers_total},
                       {"battles", battles_total}, {"flags", options_json(options)}})) {
    return static_cast<int>(ExitCode::ok);
  }

  const std::string run_id = options.run_id.empty() ? run::new_run_id() : options.run_id;
  run::validate_run_id(run_id);
  std::vector<data::ItemSet> items;
  for (const data::Dataset& d : chosen) items.push_back({d.task, d.scorer, &d.items});
  session.start(run_id, false, "choose another --run-id (an arena run is not resumed)", items);
  json run = new_arena_record(run_id, options_json(options), options.dataset,
                              records::OutputLayout::battles_log(run_id));
  if (options.shard.sharded()) run["shard"] = run::shard_json(options.shard, run["flags"]);
  session.save(run);
  const std::string battles_log = records::OutputLayout::battles_log(run_id);
  ArenaBattles battles(options, prompts, generators, judges, pairs, session, session.open_journal(battles_log),
                       session.executor(options.sample_seed));
  session.progress().total = answers_total + battles_total;
  const bool stopped = session.execute([&] { battles.submit(); });

  const bool interrupted = stopped || battles.battles().size() < battles_total;
  run["arena"] = arena_results(battles.battles(), run["flags"], battles_total, battles_log);
  run["requests"] = session.request_counts();
  run["finished_at"] = run::utc_timestamp_iso8601();
  run["status"] = interrupted ? "interrupted" : "completed";
  session.save(run);
  return finish_arena(session, run);
}

std::string prompt_shard_key(const ArenaPrompt& prompt) { return "arena/" + prompt.id; }

json arena_results(std::vector<records::BattleRecord> battles, const json& flags, std::size_t battles_planned,
                   const std::string& battles_log) {
  // The bootstrap and the online Elo read the battles in order: in the plan's order (not the
  // answers' arrival) the ratings are those of every run of the plan, sharded or not.
  std::stable_sort(battles.begin(), battles.end(), [](const records::BattleRecord& x, const records::BattleRecord& y) {
    return std::tie(x.prompt_id, x.pair, x.judge_model, x.swapped) <
           std::tie(y.prompt_id, y.pair, y.judge_model, y.swapped);
  });
  ArenaAnalysisOptions analysis;
  analysis.models = flags.at("generation_models").get<std::vector<std::string>>();
  analysis.judges = flags.at("judge_models").get<std::vector<std::string>>();
  analysis.strong = flags.value("strong", false);
  analysis.bootstrap_rounds = flags.at("bootstrap_rounds").get<int>();
  analysis.bootstrap_seed = flags.at("bootstrap_seed").get<std::uint64_t>();
  json arena = analyze_arena(battles, analysis);
  arena["baseline"] = flags.value("baseline", json(nullptr));
  arena["battles_planned"] = battles_planned;
  arena["battles_log"] = battles_log;
  return arena;
}

int finish_arena(const run::RunSession& session, const json& run) {
  const json& arena = run.at("arena");
  const std::string run_id = run.value("id", "");
  const std::size_t failed = arena.value("battles_failed", std::size_t{0});
  std::FILE* human = session.human();
  std::fprintf(human, "\nArena %s: %zu battles (%zu failed: no answer or no verdict; left out of the ratings)\n%s",
               run_id.c_str(), arena.value("battles_total", std::size_t{0}), failed, arena_text(arena).c_str());
  std::fprintf(human, "Report: %s (battles: %s)\n", session.layout().report_file().c_str(),
               session.layout().resolve(arena.value("battles_log", "")).c_str());
  std::fprintf(human, "Vote blind yourself: llmbench arena vote --output-dir %s --run %s\n",
               session.layout().dir().c_str(), run_id.c_str());
  session.write_html(false);
  session.print_record(run);
  if (run.value("status", "") == "interrupted") return static_cast<int>(ExitCode::interrupted);
  return static_cast<int>(failed > 0 ? ExitCode::failures : ExitCode::ok);
}

}  // namespace llmbench::arena
