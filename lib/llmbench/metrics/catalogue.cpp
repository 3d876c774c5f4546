#include "llmbench/metrics/catalogue.hpp"

#include <algorithm>
#include <deque>
#include <string>

#include <fmt/format.h>

namespace llmbench::metrics {
namespace {

constexpr auto higher = Better::higher;
constexpr auto lower = Better::lower;
constexpr auto none = Better::none;

// One constructor per kind, with the format that kind is read in.
Metric rate(std::string_view key, std::string_view label, Better better = higher) {
  return {key, label, MetricKind::rate, better, Format::percent};
}
Metric score(std::string_view key, std::string_view label, Better better = higher) {
  return {key, label, MetricKind::score, better, Format::decimal};
}
Metric distance(std::string_view key, std::string_view label, Better better = none) {
  return {key, label, MetricKind::distance, better, Format::decimal};
}
Metric count(std::string_view key, std::string_view label, Better better = none) {
  return {key, label, MetricKind::count, better, Format::integer};
}
Metric latency(std::string_view key, std::string_view label) {
  return {key, label, MetricKind::latency, lower, Format::ms};
}
Metric cost(std::string_view key, std::string_view label) {
  return {key, label, MetricKind::cost, lower, Format::dollars};
}
Metric rating(std::string_view key, std::string_view label, Better better = higher) {
  return {key, label, MetricKind::rating, better, Format::decimal};
}

// Modifiers: shown in the terminal summary, left out of the tables, with an interval, counted
// over `samples`, a field of every accuracy block.
Metric summary(Metric m) {
  m.in_summary = true;
  return m;
}
Metric no_table(Metric m) {
  m.in_table = false;
  return m;
}
Metric with_ci(Metric m, Interval where) {
  m.interval = where;
  return m;
}
Metric over(Metric m, std::string_view samples) {
  m.samples = samples;
  return m;
}
Metric per_accuracy(Metric m) {
  m.in_every_accuracy = true;
  return m;
}
Metric when_held(Metric m) {
  m.when_held = true;
  return m;
}


// One accuracy (metrics::to_json(Accuracy)): a standard task, a subject, a GSM8K extraction.
Metric accuracy(std::string_view key, std::string_view label) {
  return over(with_ci(rate(key, label), Interval::sibling), "n");
}

std::string_view kept(std::string text);

// The safety blocks of a task scored by refusal (tiers/safety_metrics.hpp): refusal of prompts
// that should be refused, over-refusal of prompts that should be answered.
void refusal_metrics(std::vector<Metric>& out) {
  out.push_back(summary(when_held(over(with_ci(rate("refusal.rate", "refusal"), Interval::sibling), "refusal.n"))));
  out.push_back(summary(when_held(over(with_ci(rate("over_refusal.rate", "over-refusal", lower), Interval::sibling),
                                       "over_refusal.n"))));
  for (std::string_view block : {"refusal", "over_refusal"}) {
    const std::string_view what = block == "refusal" ? "should refuse" : "should answer";
    for (auto [key, label] : {std::pair{"n", "labelled"}, {"n_refused", "refused"}, {"n_full_refusal", "full refusals"},
                              {"n_partial_refusal", "partial refusals"}, {"n_full_compliance", "full compliances"}}) {
      out.push_back(no_table(count(kept(fmt::format("{}.{}", block, key)), kept(fmt::format("{} ({})", label, what)))));
    }
  }
}

// BBQ's blocks per context condition, over all categories and under categories.<category>
// (tiers/safety_metrics.hpp). Only the overall bias scores are in the summary; the per-category
// figures are not table columns (the page's Safety & bias section shows them).
void bias_metrics(std::vector<Metric>& out) {
  for (std::string_view prefix : {"", "categories.*."}) {
    for (const auto& condition : {std::pair{"ambiguous", "ambig."}, {"disambiguated", "disambig."}}) {
      // Named copies: clang 14 (the fuzz build) cannot capture a structured binding in a lambda.
      const std::string_view context = condition.first, short_name = condition.second;
      const std::string at = fmt::format("{}{}", prefix, context);
      auto key = [&at](std::string_view name) { return kept(fmt::format("{}.{}", at, name)); };
      auto label = [&](std::string_view what) {
        return kept(prefix.empty() ? fmt::format("{} {}", what, short_name) : fmt::format("{} {} (category)", what, short_name));
      };
      Metric acc = over(with_ci(rate(key("accuracy"), label("acc.")), Interval::sibling), key("n"));
      const std::string_view score_name = context == std::string_view("ambiguous") ? "bias s_AMB" : "bias s_DIS";
      Metric bias = over(score(key("bias_score"), prefix.empty() ? score_name : kept(fmt::format("{} (category)", score_name)), none),
                         key("n_non_unknown"));
      out.push_back(prefix.empty() ? when_held(acc) : no_table(acc));
      out.push_back(prefix.empty() ? summary(when_held(bias)) : no_table(bias));
      for (auto [name, what] : {std::pair{"n", "n"}, {"n_correct", "correct"}, {"n_unparsed", "unparsed"},
                                {"n_errors", "errors"}, {"n_biased", "biased answers"}, {"n_non_unknown", "non-unknown answers"}}) {
        out.push_back(no_table(count(key(name), label(what))));
      }
    }
  }
}

// The actual cost of a tier's requests (tiers/tier_cost): tokens and cost of the generation
// model's answers ("tokens", "cost") or of the judges' verdicts ("judge_tokens", "judge_cost").
enum class Spender { generation, judge };
void cost_metrics(std::vector<Metric>& out, Spender who) {
  const bool judge = who == Spender::judge;
  out.push_back(no_table(count(judge ? "judge_tokens.prompt" : "tokens.prompt", judge ? "judge prompt tokens" : "prompt tokens")));
  out.push_back(no_table(count(judge ? "judge_tokens.completion" : "tokens.completion",
                               judge ? "judge completion tokens" : "completion tokens")));
  out.push_back(no_table(cost(judge ? "judge_cost.input" : "cost.input", judge ? "judge input cost $" : "input cost $")));
  out.push_back(no_table(cost(judge ? "judge_cost.output" : "cost.output", judge ? "judge output cost $" : "output cost $")));
  out.push_back(summary(cost(judge ? "judge_cost.total" : "cost.total", judge ? "judge cost $" : "cost $")));
}

Scope standard() {
  std::vector<Metric> safety;
  refusal_metrics(safety);
  bias_metrics(safety);
  Scope scope{"standard", "Standard benchmarks: accuracy with Wilson 95% interval",
          {summary(per_accuracy(accuracy("accuracy", "accuracy"))),
           // scorer: judge: the mean 1-5 score each judge gave (tiers/standard_judge), bootstrap interval
           summary(over(with_ci(score("judges.*.score", "judge score"), Interval::sibling), "n")),
           accuracy("strict_match.accuracy", "strict match"),
           accuracy("flexible_extract.accuracy", "flexible extract"),
           rate("macro_accuracy", "macro acc."),
           no_table(rate("micro_accuracy", "micro acc.")),
           summary(per_accuracy(count("n", "n"))),
           summary(per_accuracy(count("n_correct", "correct"))),
           summary(per_accuracy(count("n_unparsed", "unparsed", lower))),
           summary(per_accuracy(count("n_truncated", "truncated", lower))),
           summary(per_accuracy(count("n_errors", "errors", lower))),
           // code tasks (humaneval, mbpp): pass@k over problems (accuracy is pass@1), and how the
           // programs that did not pass ended
           summary(when_held(over(with_ci(rate("pass_at_1", "pass@1"), Interval::suffixed), "n"))),
           summary(when_held(over(with_ci(rate("pass_at_5", "pass@5"), Interval::suffixed), "n"))),
           over(with_ci(rate("pass_at_10", "pass@10"), Interval::suffixed), "n"),
           // any other k <= --samples: gates, baselines and compare take it; the Code section shows it
           no_table(over(with_ci(rate("pass_at_#", "pass@k"), Interval::suffixed), "n")),
           summary(when_held(count("n_failed", "tests failed", lower))),
           summary(when_held(count("n_error", "raised", lower))),
           summary(when_held(count("n_timeout", "timed out", lower))),
           no_table(latency("latency_ms.mean", "mean ms")),
           summary(latency("latency_ms.p50", "p50 ms")),
           summary(latency("latency_ms.p95", "p95 ms")),
           // answers streamed (--stream): time to first token and per output token
           summary(when_held(latency("ttft_ms.p50", "TTFT p50 ms"))),
           summary(when_held(latency("ttft_ms.p95", "TTFT p95 ms"))),
           summary(when_held(latency("tpot_ms.p50", "TPOT p50 ms"))),
           summary(when_held(latency("tpot_ms.p95", "TPOT p95 ms"))),
}};
  cost_metrics(scope.metrics, Spender::generation);
  // after the accuracies (strict and flexible match), before the counts
  scope.metrics.insert(scope.metrics.begin() + 4, safety.begin(), safety.end());
  return scope;
}

Scope tier_0() {
  auto d = [](std::string_view key, std::string_view label) { return over(distance(key, label), "total_samples"); };
  return {"tier_0", "Tier 0: embedding geometry",
          {summary(d("avg_nn_distance", "avg NN distance")), d("std_nn_distance", "std NN distance"),
           summary(over(score("density_score", "density", none), "total_samples")),
           summary(d("avg_spread", "avg spread")), d("max_spread", "max spread"), d("spread_std", "spread std"),
           summary(over(count("effective_dimensionality", "effective dims", higher), "total_samples")),
           summary(d("avg_pairwise_distance", "avg pairwise dist.")), d("std_pairwise_distance", "std pairwise dist."),
           d("min_pairwise_distance", "min pairwise dist."), d("max_pairwise_distance", "max pairwise dist."),
           summary(count("total_samples", "samples")), count("errors", "errors", lower)}};
}

Scope tier_1() {
  auto r = [](std::string_view key, std::string_view label) { return over(rate(key, label), "evaluated_queries"); };
  auto s = [](std::string_view key, std::string_view label) { return over(score(key, label), "evaluated_queries"); };
  return {"tier_1", "Tier 1: retrieval",
          {summary(r("hit_rate@1", "hit@1")), summary(r("hit_rate@5", "hit@5")), summary(r("hit_rate@10", "hit@10")),
           summary(s("mrr", "MRR")), r("recall@1", "recall@1"), r("recall@3", "recall@3"),
           summary(r("recall@5", "recall@5")), r("recall@10", "recall@10"), r("precision@1", "precision@1"),
           r("precision@3", "precision@3"), r("precision@5", "precision@5"), r("precision@10", "precision@10"),
           s("ndcg@5", "nDCG@5"), summary(s("ndcg@10", "nDCG@10")),
           summary(s("retrieval_consistency", "consistency")), summary(count("evaluated_queries", "queries")),
           count("skipped_queries", "skipped queries", lower), count("errors", "errors", lower)}};
}

// The answer metrics tier 2 and tier 3 share (tiers/rag_answer_metrics).
std::vector<Metric> answer_metrics() {
  auto judged = [](std::string_view key, std::string_view label) {
    return summary(over(with_ci(score(key, label), Interval::suffixed), "successful_evaluations"));
  };
  return {judged("avg_faithfulness", "faithfulness"),
          judged("avg_answer_relevance", "relevance"),
          judged("avg_answer_correctness", "correctness"),
          score("avg_rouge1_f", "ROUGE-1 F"),
          score("avg_rouge2_f", "ROUGE-2 F"),
          summary(score("avg_rougeL_f", "ROUGE-L F")),
          summary(score("avg_bleu", "BLEU")),
          summary(rate("response_exact_match_rate", "exact match")),
          summary(score("response_semantic_consistency", "semantic consistency")),
          summary(count("total_queries", "queries")),
          count("successful_evaluations", "evaluated", higher),
          summary(count("errors", "errors", lower)),
          latency("avg_latency_ms", "mean latency ms")};
}
std::vector<Metric> answer_metrics_with_costs() {
  std::vector<Metric> out = answer_metrics();
  cost_metrics(out, Spender::generation);
  cost_metrics(out, Spender::judge);
  return out;
}
Scope with_judge_cost(Scope scope) {
  cost_metrics(scope.metrics, Spender::judge);
  return scope;
}

Scope tier_2() { return {"tier_2", "Tier 2: answers on the gold context (judge scores 1-5)", answer_metrics_with_costs()}; }

Scope tier_3() {
  std::vector<Metric> metrics = {
      summary(over(with_ci(score("avg_e2e_score", "E2E score"), Interval::suffixed), "successful_evaluations")),
      summary(score("avg_semantic_similarity", "semantic sim.")), score("avg_dot_similarity", "dot sim."),
      distance("avg_euclidean_distance", "euclidean dist.", lower)};
  for (const Metric& m : answer_metrics_with_costs()) metrics.push_back(m);
  return {"tier_3", "Tier 3: end to end (judge scores 1-5)", std::move(metrics)};
}

Scope tier_judge() {
  return {"tier_judge", "Benchmark judges",
          {summary(over(rate("consistency_score", "consistency"), "consistency_items")),
           summary(over(rate("error_rate", "error rate", lower), "total_verdicts")),
           summary(latency("avg_latency_ms", "mean latency ms")), summary(score("avg_score", "avg score", none)),
           summary(count("total_items", "items")), count("total_verdicts", "verdicts"),
           count("failed_verdicts", "failed verdicts", lower), count("consistency_items", "items judged twice+"),
           count("consistent_items", "consistent items")}};
}

Scope tier_judge_pipeline() {
  auto r = [](std::string_view key, std::string_view label) {
    return summary(over(rate(key, label), "total_evaluations"));
  };
  return {"tier_judge_pipeline", "Production judges (positive = show)",
          {r("accuracy", "accuracy"), r("precision", "precision"), r("recall", "recall"), r("f1_score", "F1"),
           summary(latency("avg_latency_ms", "mean latency ms")), summary(count("true_positives", "TP")),
           summary(count("false_positives", "FP", lower)), summary(count("false_negatives", "FN", lower)),
           summary(count("true_negatives", "TN")), summary(count("total_evaluations", "evaluations")),
           summary(count("failed_evaluations", "failed", lower))}};
}

// tier_ux (tiers/ux_tier.hpp): the answer-cache rule per embedding model, its agreement with the
// log's cache flags, and context preservation per judge.
Scope tier_ux() {
  auto flags = [](std::string_view key, std::string_view label) {
    return summary(over(rate(key, label), "cache_flags.total_evaluations"));
  };
  return {"tier_ux", "UX: answer-cache hit rate and multi-turn context preservation",
          {summary(over(with_ci(rate("cache_hit.rate", "cache hit rate", none), Interval::sibling), "cache_hit.n")),
           summary(count("cache_hit.n", "questions")), count("cache_hit.hits", "near-duplicates"),
           summary(count("cache_hit.errors", "embedding errors", lower)),
           score("cache_hit.threshold", "similarity threshold", none),
           flags("cache_flags.accuracy", "agrees with logged cache"), flags("cache_flags.precision", "precision vs log"),
           flags("cache_flags.recall", "recall vs log"), no_table(rate("cache_flags.f1_score", "F1 vs log")),
           count("cache_flags.true_positives", "hits logged cached"),
           count("cache_flags.false_positives", "hits not logged cached"),
           count("cache_flags.false_negatives", "misses logged cached"),
           count("cache_flags.true_negatives", "misses not logged cached"),
           count("cache_flags.total_evaluations", "logged flags"), no_table(count("cache_flags.failed_evaluations", "unflagged errors")),
           summary(over(with_ci(rate("context_preservation.rate", "context preserved"), Interval::sibling),
                        "context_preservation.n")),
           summary(count("context_preservation.n", "follow-ups judged")),
           count("context_preservation.preserved", "follow-ups preserving context", higher),
           summary(count("context_preservation.errors", "judge errors", lower)),
           latency("context_preservation.avg_latency_ms", "judge latency ms")}};
}

// The arena leaderboard (one row per model) and the judge-bias table (one row per judge).
Scope arena() {
  return {"arena", "Arena leaderboard",
          {count("rank", "rank", lower), over(with_ci(rating("rating", "rating"), Interval::sibling), "battles"),
           rating("elo", "online Elo", none), over(rate("score", "score"), "battles"), count("wins", "wins", higher),
           count("losses", "losses", lower), count("ties", "ties"), count("battles", "battles")}};
}

Scope arena_judge() {
  auto r = [](std::string_view key, std::string_view label, Better better = none) {
    return over(rate(key, label, better), "n");
  };
  return {"arena_judge", "Arena judges: position and self-preference bias",
          {r("position_a_win_rate", "first-position win rate"), r("tie_rate", "tie rate"),
           r("flip_rate", "position-flip rate", lower), r("swap_consistency", "swap consistency", higher),
           r("longer_answer_win_rate", "longer answer wins"), no_table(r("self_win_rate", "own-answer win rate")),
           no_table(r("others_win_rate", "others' win rate")), r("self_preference", "self-preference"),
           r("human_agreement", "agrees with humans", higher), count("n", "n"),
           no_table(count("n_failed", "failed", lower))}};
}

// The text of a key or label built at run time, kept for the life of the program (Metric holds
// views). Only called while the catalogue is built, once.
std::string_view kept(std::string text) {
  static std::deque<std::string> texts;
  return texts.emplace_back(std::move(text));
}

// Where a perf latency distribution is shown besides the page's percentile view (which shows
// every statistic): its p50, p95 and p99 in the table, and its p50 and p95 in the summary.
enum class Shown { percentiles, table, summary };

// A latency distribution of a perf level, {mean, p50, p90, p95, p99, max} under `key`;
// open_loop_only: a summary column only when some level holds it.
void distribution(std::vector<Metric>& out, std::string_view key, std::string_view label, Format format, Shown shown,
                  bool open_loop_only = false) {
  for (std::string_view stat : {"mean", "p50", "p90", "p95", "p99", "max"}) {
    Metric m{kept(fmt::format("{}.{}", key, stat)), kept(fmt::format("{} {} ms", label, stat)), MetricKind::latency,
             lower, format};
    m.in_table = shown != Shown::percentiles && (stat == "p50" || stat == "p95" || stat == "p99");
    m.in_summary = shown == Shown::summary && (stat == "p50" || stat == "p95");
    m.when_held = open_loop_only;
    out.push_back(m);
  }
}

// A perf record's levels (perf.levels[], docs/report-format.md): the load level (concurrency or
// scheduled rate), counts, throughput, SLO figures and latency distributions. Every figure is
// over the level's requests after warm-up. A latency is null when no request gave a sample.
Scope perf() {
  auto throughput = [](std::string_view key, std::string_view label, Better better = higher) {
    return Metric{key, label, MetricKind::throughput, better, Format::decimal};
  };
  std::vector<Metric> m = {
      no_table(count("concurrency", "concurrency")),
      no_table(throughput("rate", "rate req/s", none)),
      no_table(count("warmup", "warm-up requests")),
      summary(count("requests", "requests")),
      summary(over(count("ok", "ok", higher), "requests")),
      summary(over(count("errors", "errors", lower), "requests")),
      over(count("errors_by_kind.*", "errors", lower), "requests"),
      Metric{"duration_s", "duration s", MetricKind::latency, none, Format::decimal},
      summary(throughput("requests_per_s", "req/s")),
      summary(throughput("output_tokens_per_s", "output tok/s")),
      throughput("peak_output_tokens_per_s", "peak output tok/s"),
      Metric{"achieved_concurrency", "achieved concurrency", MetricKind::count, none, Format::decimal},
      no_table(Metric{"input_tokens.mean", "input tokens", MetricKind::count, none, Format::decimal}),
      no_table(Metric{"output_tokens.mean", "output tokens", MetricKind::count, none, Format::decimal}),
      summary(when_held(throughput("goodput_rps", "goodput req/s"))),
      summary(when_held(over(with_ci(rate("slo_attainment.rate", "SLO attainment"), Interval::sibling),
                             "slo_attainment.total"))),
      no_table(count("slo_attainment.met", "requests meeting the SLOs", higher)),
      no_table(count("slo_attainment.total", "requests judged against the SLOs"))};
  distribution(m, "ttft_ms", "TTFT", Format::ms, Shown::summary);
  distribution(m, "ttfo_ms", "TTFO", Format::ms, Shown::table);
  distribution(m, "itl_ms", "ITL", Format::decimal, Shown::summary);
  distribution(m, "tpot_ms", "TPOT", Format::decimal, Shown::table);
  distribution(m, "e2e_ms", "E2E", Format::ms, Shown::summary);
  // open loop: the table's figures include the queue; the service-only ones are in the percentiles
  distribution(m, "queue_ms", "queue", Format::ms, Shown::table, true);
  distribution(m, "service_ttft_ms", "service TTFT", Format::ms, Shown::percentiles, true);
  distribution(m, "service_e2e_ms", "service E2E", Format::ms, Shown::percentiles, true);
  return {"perf", "Perf: per load level", std::move(m)};
}

// True when `path` is `key`, a "*" in the key standing for any non-empty name and a "#" for a
// positive whole number ("pass_at_#": pass_at_1, pass_at_20).
bool matches(std::string_view key, std::string_view path) {
  const auto wild = key.find_first_of("*#");
  if (wild == std::string_view::npos) return key == path;
  const std::string_view before = key.substr(0, wild), after = key.substr(wild + 1);
  if (path.size() <= before.size() + after.size() || path.substr(0, before.size()) != before ||
      path.substr(path.size() - after.size()) != after) {
    return false;
  }
  if (key[wild] == '*') return true;
  const std::string_view number = path.substr(before.size(), path.size() - before.size() - after.size());
  return number[0] != '0' && std::all_of(number.begin(), number.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

const std::vector<Scope>& catalogue() {
  static const std::vector<Scope> scopes = {standard(), tier_0(),     tier_1(),              tier_2(), tier_3(),
                                            with_judge_cost(tier_judge()), with_judge_cost(tier_judge_pipeline()), with_judge_cost(tier_ux()), arena(), arena_judge(),
                                            perf()};
  return scopes;
}

const Scope* find_scope(std::string_view name) {
  for (const Scope& s : catalogue()) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

const Metric* find_metric(std::string_view scope, std::string_view key) {
  const Scope* s = find_scope(scope);
  if (s == nullptr) return nullptr;
  auto it = std::find_if(s->metrics.begin(), s->metrics.end(), [&](const Metric& m) { return m.key == key; });
  return it == s->metrics.end() ? nullptr : &*it;
}

bool per_judge(const Metric& metric) { return metric.key.substr(0, kPerJudge.size()) == kPerJudge; }

Metric judge_field(const Metric& metric) {
  Metric field = metric;
  field.key = metric.key.substr(kPerJudge.size());
  return field;
}

const Metric* metric_named(const Scope& scope, std::string_view path, Fields fields) {
  for (const Metric& m : scope.metrics) {
    if (fields == Fields::accuracy && !m.in_every_accuracy) continue;
    if (matches(m.key, path)) return &m;
    const std::string ci = interval_path(m);
    if (!ci.empty() && (matches(ci + ".low", path) || matches(ci + ".high", path))) return &m;
  }
  return nullptr;
}

std::string interval_path(const Metric& metric) {
  switch (metric.interval) {
    case Interval::none: return "";
    case Interval::suffixed: return std::string(metric.key) + "_ci95";
    case Interval::sibling: {
      const auto dot = metric.key.rfind('.');
      return dot == std::string_view::npos ? "ci95" : std::string(metric.key.substr(0, dot)) + ".ci95";
    }
  }
  return "";
}

const nlohmann::json* value_at(const nlohmann::json& object, std::string_view path) {
  const nlohmann::json* node = &object;
  while (true) {
    const auto dot = path.find('.');
    if (!node->is_object()) return nullptr;
    auto it = node->find(std::string(path.substr(0, dot)));
    if (it == node->end()) return nullptr;
    node = &*it;
    if (dot == std::string_view::npos) return node;
    path.remove_prefix(dot + 1);
  }
}

std::string_view to_string(MetricKind kind) {
  switch (kind) {
    case MetricKind::rate: return "rate";
    case MetricKind::score: return "score";
    case MetricKind::count: return "count";
    case MetricKind::latency: return "latency";
    case MetricKind::cost: return "cost";
    case MetricKind::distance: return "distance";
    case MetricKind::rating: return "rating";
    case MetricKind::throughput: return "throughput";
  }
  return "";
}

std::string_view to_string(Better better) {
  switch (better) {
    case Better::higher: return "higher";
    case Better::lower: return "lower";
    case Better::none: return "none";
  }
  return "";
}

std::string_view to_string(Format format) {
  switch (format) {
    case Format::percent: return "percent";
    case Format::decimal: return "decimal";
    case Format::integer: return "integer";
    case Format::ms: return "ms";
    case Format::dollars: return "dollars";
  }
  return "";
}

nlohmann::json catalogue_json() {
  nlohmann::json out = nlohmann::json::object();
  for (const Scope& s : catalogue()) {
    nlohmann::json list = nlohmann::json::array();
    for (const Metric& m : s.metrics) {
      const std::string ci = interval_path(m);
      list.push_back({{"key", m.key},
                      {"label", m.label},
                      {"kind", to_string(m.kind)},
                      {"better", to_string(m.better)},
                      {"format", to_string(m.format)},
                      {"ci", ci.empty() ? nlohmann::json() : nlohmann::json(ci)},
                      {"samples", m.samples.empty() ? nlohmann::json() : nlohmann::json(m.samples)}});
    }
    out[std::string(s.name)] = std::move(list);
  }
  return out;
}

}  // namespace llmbench::metrics
