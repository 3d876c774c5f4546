#include "llmbench/report/summary.hpp"

#include <algorithm>
#include <set>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "llmbench/util/terminal.hpp"

namespace llmbench::report {
namespace {

using nlohmann::json;

std::string percent(const json& v) {
  return v.is_number() ? fmt::format("{:.1f}%", 100.0 * v.get<double>()) : "-";
}

std::string interval(const json& ci) {
  if (!ci.is_object()) return "-";
  return fmt::format("[{:.1f}, {:.1f}]", 100.0 * ci.value("low", 0.0), 100.0 * ci.value("high", 0.0));
}

std::string count(const json& v) { return v.is_number() ? fmt::format("{}", v.get<std::int64_t>()) : "-"; }

// A latency percentile ("p50", "p95") in whole milliseconds, "-" when absent.
std::string millis(const json& latency, const char* percentile) {
  if (!latency.is_object() || !latency.contains(percentile) || !latency[percentile].is_number()) return "-";
  return fmt::format("{:.0f}", latency[percentile].get<double>());
}

// Column widths by display width (UTF-8 code points), so Cyrillic model names line up.
std::size_t display_width(const std::string& s) {
  return static_cast<std::size_t>(std::count_if(s.begin(), s.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

// Cells come from the report (model names, task names): terminal_safe before this.
std::string render_table(std::vector<std::vector<std::string>> rows) {
  for (auto& row : rows) {
    for (auto& cell : row) cell = util::terminal_safe(cell);
  }
  std::vector<std::size_t> widths;
  for (const auto& row : rows) {
    widths.resize(std::max(widths.size(), row.size()));
    for (std::size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], display_width(row[i]));
  }
  std::string out;
  for (std::size_t r = 0; r < rows.size(); ++r) {
    for (std::size_t i = 0; i < rows[r].size(); ++i) {
      out += rows[r][i];
      if (i + 1 < rows[r].size()) out.append(widths[i] - display_width(rows[r][i]) + 2, ' ');
    }
    out += '\n';
    if (r == 0) {
      std::size_t total = 0;
      for (auto w : widths) total += w + 2;
      out += std::string(total > 2 ? total - 2 : 0, '-') + '\n';
    }
  }
  return out;
}

std::string number(const json& v, int decimals = 3) {
  return v.is_number() ? fmt::format("{:.{}f}", v.get<double>(), decimals) : "-";
}

// One compact table per model-lab tier: a row per distinct combination of the roles the
// tier depends on (the sweep repeats a tier's metrics on every model run sharing them).
struct TierColumn {
  const char* key;    // metric key
  const char* label;  // column header
  enum Kind { num, pct, count_, ms } kind;
};

struct TierTable {
  const char* tier;
  const char* title;
  std::vector<const char*> roles;  // model-run fields naming the models
  std::vector<TierColumn> columns;
};

const std::vector<TierTable>& tier_tables() {
  using C = TierColumn;
  static const std::vector<TierTable> tables = {
      {"tier_0", "Tier 0: embedding geometry", {"embedding_model"},
       {{"total_samples", "samples", C::count_}, {"avg_nn_distance", "avg NN dist", C::num},
        {"density_score", "density", C::num}, {"avg_spread", "avg spread", C::num},
        {"effective_dimensionality", "eff. dims", C::count_}, {"avg_pairwise_distance", "avg pair dist", C::num}}},
      {"tier_1", "Tier 1: retrieval", {"embedding_model"},
       {{"evaluated_queries", "queries", C::count_}, {"hit_rate@1", "hit@1", C::pct}, {"hit_rate@5", "hit@5", C::pct},
        {"hit_rate@10", "hit@10", C::pct}, {"mrr", "MRR", C::num}, {"recall@5", "recall@5", C::pct},
        {"ndcg@10", "nDCG@10", C::num}, {"retrieval_consistency", "consistency", C::num}}},
      {"tier_2", "Tier 2: answers on the gold context (judge scores 1-5)",
       {"generation_model", "judge_model", "embedding_model"},
       {{"total_queries", "queries", C::count_}, {"avg_faithfulness", "faithful", C::num},
        {"avg_answer_relevance", "relevant", C::num}, {"avg_answer_correctness", "correct", C::num},
        {"avg_rougeL_f", "ROUGE-L", C::num}, {"avg_bleu", "BLEU", C::num},
        {"response_exact_match_rate", "exact match", C::pct}, {"response_semantic_consistency", "sem. cons.", C::num},
        {"errors", "errors", C::count_}}},
      {"tier_3", "Tier 3: end to end (judge scores 1-5)", {"generation_model", "judge_model", "embedding_model"},
       {{"total_queries", "queries", C::count_}, {"avg_e2e_score", "e2e", C::num},
        {"avg_semantic_similarity", "sem. sim.", C::num}, {"avg_rougeL_f", "ROUGE-L", C::num},
        {"avg_bleu", "BLEU", C::num}, {"response_exact_match_rate", "exact match", C::pct},
        {"errors", "errors", C::count_}}},
      {"tier_judge", "Benchmark judges", {"judge_model"},
       {{"total_items", "items", C::count_}, {"avg_score", "avg score", C::num},
        {"consistency_score", "consistency", C::pct}, {"error_rate", "error rate", C::pct},
        {"avg_latency_ms", "mean latency ms", C::ms}}},
      {"tier_judge_pipeline", "Production judges (positive = show)", {"production_judge_model"},
       {{"total_evaluations", "n", C::count_}, {"accuracy", "accuracy", C::pct}, {"precision", "precision", C::pct},
        {"recall", "recall", C::pct}, {"f1_score", "F1", C::pct}, {"true_positives", "TP", C::count_},
        {"false_positives", "FP", C::count_}, {"false_negatives", "FN", C::count_},
        {"true_negatives", "TN", C::count_}, {"failed_evaluations", "failed", C::count_},
        {"avg_latency_ms", "mean latency ms", C::ms}}},
  };
  return tables;
}

std::string cell(const json& v, TierColumn::Kind kind) {
  switch (kind) {
    case TierColumn::num: return number(v);
    case TierColumn::pct: return percent(v);
    case TierColumn::count_: return count(v);
    case TierColumn::ms: return number(v, 0);
  }
  return "-";
}

std::string render_tier_tables(const json& run) {
  std::string out;
  for (const TierTable& t : tier_tables()) {
    std::vector<std::vector<std::string>> rows(1);
    std::vector<const char*> roles;
    for (const char* role : t.roles) {
      bool used = false;
      for (const auto& mr : run.value("model_runs", json::array())) {
        used = used || (mr.value("metrics", json::object()).contains(t.tier) && mr.value(role, json()).is_string());
      }
      if (!used) continue;
      roles.push_back(role);
      std::string_view label(role);
      rows[0].emplace_back(label.substr(0, label.size() - std::string_view("_model").size()));
    }
    for (const auto& c : t.columns) rows[0].emplace_back(c.label);
    std::set<std::vector<std::string>> seen;
    for (const auto& mr : run.value("model_runs", json::array())) {
      const json metrics = mr.value("metrics", json::object());
      if (!metrics.contains(t.tier)) continue;
      std::vector<std::string> row;
      for (const char* role : roles) row.push_back(mr.value(role, json()).is_string() ? mr[role].get<std::string>() : "-");
      if (!seen.insert(row).second) continue;
      const json& m = metrics[t.tier];
      for (const auto& c : t.columns) row.push_back(cell(m.value(c.key, json()), c.kind));
      rows.push_back(std::move(row));
    }
    if (rows.size() > 1) out += fmt::format("\n{}\n", t.title) + render_table(std::move(rows));
  }
  return out;
}

// How the standard tier scored replies cut off by the token budget, from the run's flags.
std::string truncation_note(const json& flags) {
  const json& score_truncated = flags.value("score_truncated", json());
  if (!score_truncated.is_boolean()) return {};
  return score_truncated.get<bool>()
             ? "truncated: replies cut off by the token budget, scored from whatever they hold (--score-truncated)\n"
             : "truncated: replies cut off by the token budget, unparsed unless a complete final answer precedes "
               "the cut (--score-truncated scores them as they stand)\n";
}

}  // namespace

std::string render_summary(const json& run) {
  std::vector<std::vector<std::string>> rows = {
      {"model", "task", "accuracy", "95% CI", "n", "correct", "unparsed", "truncated", "errors", "p50 ms", "p95 ms"}};
  std::vector<std::string> costs = {""};  // one per row
  std::vector<std::string> notes;
  std::set<std::string> standard_done;  // model runs of one generation model share its standard metrics
  for (const auto& mr : run.value("model_runs", json::array())) {
    const std::string model = mr.value("generation_model", json()).is_string()
                                  ? mr["generation_model"].get<std::string>() : std::string("-");
    if (mr.value("status", std::string()) == "unavailable") {
      std::string who;
      for (const char* role : {"generation_model", "judge_model", "production_judge_model", "embedding_model"}) {
        if (mr.value(role, json()).is_string()) who += (who.empty() ? "" : " / ") + mr[role].get<std::string>();
      }
      notes.push_back(fmt::format("{}: unavailable: {}", who.empty() ? model : who,
                                  mr.value("unavailable_reason", std::string("unknown reason"))));
      continue;
    }
    const json standard = mr.contains("metrics") ? mr["metrics"].value("standard", json::object())
                                                 : json::object();
    if (!standard.empty() && !standard_done.insert(model).second) continue;
    for (const auto& [task, m] : standard.items()) {
      rows.push_back({model, task, percent(m.value("accuracy", json())), interval(m.value("ci95", json())),
                      count(m.value("n", json())), count(m.value("n_correct", json())),
                      count(m.value("n_unparsed", json())), count(m.value("n_truncated", json())),
                      count(m.value("n_errors", json())), millis(m.value("latency_ms", json()), "p50"), millis(m.value("latency_ms", json()), "p95")});
      const json& cost = m.value("cost", json());
      costs.push_back(cost.is_object() && cost.value("total", json()).is_number()
                          ? fmt::format("{:.4f}", cost["total"].get<double>()) : "-");
      if (m.contains("strict_match")) {
        const json& s = m["strict_match"];
        rows.push_back({"", task + " (strict)", percent(s.value("accuracy", json())),
                        interval(s.value("ci95", json())), count(s.value("n", json())),
                        count(s.value("n_correct", json())), count(s.value("n_unparsed", json())), "",
                        count(s.value("n_errors", json())), "", ""});
        costs.push_back("");
      }
      const json judges = m.value("judges", json::object());  // scorer judge: 1-5 scores
      for (const auto& [judge, j] : judges.items()) {
        const json& ci = j.value("ci95", json());
        rows.push_back({"", fmt::format("{} (judge {})", task, judge),
                        j.value("score", json()).is_number() ? fmt::format("{:.2f}/5", j["score"].get<double>()) : "-",
                        ci.is_object() ? fmt::format("[{:.2f}, {:.2f}]", ci.value("low", 0.0), ci.value("high", 0.0)) : "-",
                        count(j.value("n", json())), "", "", "", count(j.value("n_errors", json())), "", ""});
        costs.push_back("");
      }
      if (m.contains("macro_accuracy")) {
        rows.push_back({"", task + " (macro)", percent(m["macro_accuracy"]), "", "", "", "", "", "", "", ""});
        costs.push_back("");
      }
    }
  }
  // The cost column, when any model has a price: what its answers cost per task.
  bool priced = false;
  for (std::size_t i = 1; i < rows.size(); ++i) priced = priced || (!costs[i].empty() && costs[i] != "-");
  if (priced) {
    for (std::size_t i = 0; i < rows.size(); ++i) rows[i].push_back(i == 0 ? "cost $" : costs[i]);
  }
  std::string out = fmt::format("Run {} ({})\n", util::terminal_safe(run.value("id", std::string())),
                                util::terminal_safe(run.value("status", std::string())));
  const std::string tiers = render_tier_tables(run);
  if (rows.size() > 1) {
    out += render_table(std::move(rows));
    out += truncation_note(run.value("flags", json::object()));
  } else if (tiers.empty()) {
    out += "No results.\n";
  }
  out += tiers;
  for (const auto& note : notes) out += util::terminal_safe(note) + "\n";  // quotes error bodies
  return out;
}

}  // namespace llmbench::report
