#include "llmbench/report/summary.hpp"

#include <algorithm>
#include <set>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "llmbench/metrics/catalogue.hpp"
#include "llmbench/records/fields.hpp"
#include "llmbench/report/composite_summary.hpp"
#include "llmbench/report/cost_totals.hpp"
#include "llmbench/report/tables.hpp"
#include "llmbench/util/json.hpp"
#include "llmbench/util/terminal.hpp"

namespace llmbench::report {
namespace {

using nlohmann::json;
using util::member;

const json kNoArray = json::array();
const json kNoObject = json::object();

// Column widths by display width (UTF-8 code points), so Cyrillic model names line up.
std::size_t display_width(const std::string& s) {
  return static_cast<std::size_t>(std::count_if(s.begin(), s.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

// A value in its catalogue format; "-" when absent.
std::string shown(const json* v, const metrics::Metric& metric) {
  if (v == nullptr || !v->is_number()) return "-";
  const double x = v->get<double>();
  switch (metric.format) {
    case metrics::Format::percent: return fmt::format("{:.1f}%", 100.0 * x);
    case metrics::Format::decimal: return fmt::format("{:.3f}", x);
    case metrics::Format::integer: return fmt::format("{}", v->get<std::int64_t>());
    case metrics::Format::ms: return fmt::format("{:.0f}", x);
    case metrics::Format::dollars: return fmt::format("{:.4f}", x);
  }
  return "-";
}

// A metric's 95% interval as "[low, high]" in its format (a share in percent, without the sign).
std::string interval(const json* ci, const metrics::Metric& metric) {
  if (ci == nullptr || !ci->is_object()) return "-";
  const double low = ci->value("low", 0.0), high = ci->value("high", 0.0);
  if (metric.format == metrics::Format::percent) return fmt::format("[{:.1f}, {:.1f}]", 100.0 * low, 100.0 * high);
  return fmt::format("[{}, {}]", shown(&(*ci)["low"], metric), shown(&(*ci)["high"], metric));
}

// One compact table per model-lab tier: a row per distinct combination of the roles the
// tier depends on (the sweep repeats a tier's metrics on every model run sharing them), and a
// column per catalogue metric marked for the summary that some row has.
struct TierTable {
  const char* tier;                // its catalogue scope, which gives the title
  std::vector<const char*> roles;  // model-run fields naming the models
};

const std::vector<TierTable>& tier_tables() {
  static const std::vector<TierTable> tables = {
      {"tier_0", {"embedding_model"}},
      {"tier_1", {"embedding_model"}},
      {"tier_2", {"generation_model", "judge_model", "embedding_model"}},
      {"tier_3", {"generation_model", "judge_model", "embedding_model"}},
      {"tier_judge", {"judge_model"}},
      {"tier_judge_pipeline", {"production_judge_model"}},
      {"tier_ux", {"embedding_model", "judge_model"}},
  };
  return tables;
}

std::vector<metrics::Metric> summary_metrics(std::string_view scope) {
  std::vector<metrics::Metric> out;
  for (const auto& m : metrics::find_scope(scope)->metrics) {
    if (m.in_summary) out.push_back(m);
  }
  return out;
}

std::string render_tier_tables(const json& run) {
  std::string out;
  const json& model_runs = member(run, "model_runs", kNoArray);
  for (const TierTable& t : tier_tables()) {
    std::vector<std::vector<std::string>> rows(1);
    std::vector<const char*> roles;
    for (const char* role : t.roles) {
      bool used = false;
      for (const auto& mr : model_runs) {
        used = used || (member(mr, "metrics", kNoObject).contains(t.tier) && member(mr, role).is_string());
      }
      if (!used) continue;
      roles.push_back(role);
      std::string_view label(role);
      rows[0].emplace_back(label.substr(0, label.size() - std::string_view("_model").size()));
    }
    // The metrics some row has: a tier that never wrote one (tier 2's exact match without
    // --consistency-runs) shows no empty column for it.
    std::vector<metrics::Metric> columns;
    for (const auto& m : summary_metrics(t.tier)) {
      bool any = false;
      for (const auto& mr : model_runs) {
        const json& tier = member(member(mr, "metrics", kNoObject), t.tier, kNoObject);
        any = any || metrics::value_at(tier, m.key) != nullptr;
      }
      if (any) columns.push_back(m);
    }
    for (const auto& c : columns) rows[0].emplace_back(c.label);
    std::set<std::vector<std::string>> seen;
    for (const auto& mr : model_runs) {
      const json& metrics = member(mr, "metrics", kNoObject);
      if (!metrics.contains(t.tier)) continue;
      std::vector<std::string> row;
      for (const char* role : roles) {
        const json& name = member(mr, role);
        row.push_back(name.is_string() ? name.get<std::string>() : "-");
      }
      if (!seen.insert(row).second) continue;
      const json& m = metrics.at(t.tier);
      for (const auto& c : columns) row.push_back(shown(metrics::value_at(m, c.key), c));
      rows.push_back(std::move(row));
    }
    if (rows.size() > 1) out += fmt::format("\n{}\n", metrics::find_scope(t.tier)->title) + render_table(std::move(rows));
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


// The standard tier's columns: its summary metrics in catalogue order, "95% CI" after a
// metric with an interval. Cost columns only when some model has a price, the judge score only
// when some task is scored by judges, a when_held metric (streamed timings) only when some task
// has it.
struct StandardColumn {
  const metrics::Metric* metric;
  bool interval;  // the metric's interval, not its value
};

std::vector<StandardColumn> standard_columns(const json& model_runs) {
  // Whether some task block of some model run passes `test`.
  auto any_task = [&model_runs](auto test) {
    for (const auto& mr : model_runs) {
      const json* standard = metrics::value_at(mr, "metrics.standard");
      if (standard == nullptr || !standard->is_object()) continue;
      for (const auto& [task, m] : standard->items()) {
        if (test(m)) return true;
      }
    }
    return false;
  };
  const bool priced = any_task([](const json& m) {
    const json* total = metrics::value_at(m, "cost.total");
    return total != nullptr && total->is_number();
  });
  const bool judged = any_task([](const json& m) {
    const json* judges = metrics::value_at(m, "judges");
    return judges != nullptr && judges->is_object() && !judges->empty();
  });
  auto held = [&any_task](const metrics::Metric& metric) {
    return any_task([&metric](const json& m) {
      const json* value = metrics::value_at(m, metric.key);
      return value != nullptr && !value->is_null();
    });
  };
  std::vector<StandardColumn> columns;
  for (const auto& m : metrics::find_scope("standard")->metrics) {
    if (!m.in_summary || (m.kind == metrics::MetricKind::cost && !priced) || (metrics::per_judge(m) && !judged) ||
        (m.when_held && !held(m))) {
      continue;
    }
    columns.push_back({&m, false});
    if (m.interval != metrics::Interval::none) columns.push_back({&m, true});
  }
  return columns;
}

// What a row of the standard table shows: a task, one of its accuracy blocks (strict_match:
// the fields every accuracy has), or one judge's scores of it (judges.<judge>: its fields).
enum class Block { task, accuracy, judge };

// A row's cells, blank where the block does not hold the column's metric. A judge's block holds
// the per-judge metrics (below it) and the counts every accuracy has (n, n_errors).
std::vector<std::string> standard_cells(const json& block, const std::vector<StandardColumn>& columns, Block kind) {
  std::vector<std::string> cells;
  for (const auto& c : columns) {
    const bool judge_metric = metrics::per_judge(*c.metric);
    const metrics::Metric m = judge_metric ? metrics::judge_field(*c.metric) : *c.metric;
    const bool held = kind == Block::task       ? !judge_metric
                      : kind == Block::accuracy ? m.in_every_accuracy && metrics::value_at(block, m.key)
                                                : (judge_metric || m.in_every_accuracy) && metrics::value_at(block, m.key);
    if (!held) {
      cells.emplace_back(kind == Block::task ? "-" : "");
    } else if (c.interval) {
      cells.push_back(interval(metrics::value_at(block, metrics::interval_path(m)), m));
    } else {
      cells.push_back(shown(metrics::value_at(block, m.key), m));
    }
  }
  return cells;
}

// A perf record (kind "perf"): a row per level with its status, the --find-max-rate verdict (when
// the search ran) and the catalogue's perf metrics marked for the summary that some level holds
// (an SLO figure only with SLOs, queue time only in open loop).
std::string render_perf_summary(const json& run) {
  const json perf = run.value("perf", json::object());
  const json levels = perf.value("levels", json::array());
  std::vector<std::vector<std::string>> rows = {{"level", "status"}};
  const bool searched = std::any_of(levels.begin(), levels.end(), [](const json& l) { return l.contains("verdict"); });
  if (searched) rows[0].emplace_back("SLO verdict");
  std::vector<metrics::Metric> columns;
  for (const auto& m : metrics::find_scope("perf")->metrics) {
    bool held = false;
    for (const auto& level : levels) held = held || metrics::value_at(level, m.key) != nullptr;
    if (!m.in_summary || !held) continue;
    columns.push_back(m);
    rows[0].emplace_back(m.label);
    if (m.interval != metrics::Interval::none) rows[0].emplace_back("95% CI");
  }
  for (std::size_t i = 0; i < levels.size(); ++i) {
    const json& level = levels[i];
    const std::string status = perf_level_status(level);
    rows.push_back({perf_level_text(level, i), status.empty() ? "-" : status});
    if (searched) {
      const json* verdict = metrics::value_at(level, "verdict");
      rows.back().push_back(verdict && verdict->is_string() ? util::terminal_safe(verdict->get<std::string>()) : "-");
    }
    for (const auto& m : columns) {
      rows.back().push_back(shown(metrics::value_at(level, m.key), m));
      if (m.interval != metrics::Interval::none) rows.back().push_back(interval(metrics::value_at(level, metrics::interval_path(m)), m));
    }
  }
  std::string out = fmt::format("Run {} ({}): perf, {} ({} loop)\n", util::terminal_safe(run.value("id", std::string())),
                                util::terminal_safe(run.value("status", std::string())),
                                util::terminal_safe(perf.value("model", json("-")).is_string() ? perf["model"].get<std::string>() : "-"),
                                util::terminal_safe(perf.value("mode", json("-")).is_string() ? perf["mode"].get<std::string>() : "-"));
  return out + (rows.size() > 1 ? render_table(std::move(rows)) : "No levels.\n");
}

// "stopped by --max-cost: spent $X of $Y" when the cap stopped the run; "" otherwise.
std::string cost_cap_note(const json& run) {
  const json* spent = metrics::value_at(run, "cost_cap.spent_usd");
  const json* cap = metrics::value_at(run, "cost_cap.max_usd");
  if (run.value("stop_reason", std::string()) != "max_cost" || spent == nullptr || cap == nullptr ||
      !spent->is_number() || !cap->is_number()) {
    return {};
  }
  return fmt::format("stopped by --max-cost: spent ${:.4f} of ${:.4f}\n", spent->get<double>(), cap->get<double>());
}

}  // namespace

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

std::string render_summary(const json& run) {
  if (run.value("kind", std::string()) == "perf") return render_perf_summary(run);
  const json& model_runs = member(run, "model_runs", kNoArray);
  const std::vector<StandardColumn> columns = standard_columns(model_runs);
  std::vector<std::vector<std::string>> rows = {{"model", "task"}};
  for (const auto& c : columns) rows[0].emplace_back(c.interval ? "95% CI" : std::string(c.metric->label));
  std::vector<std::string> notes;
  std::set<std::string> standard_done;  // model runs of one generation model share its standard metrics
  for (const auto& mr : model_runs) {
    const std::string model = member(mr, "generation_model").is_string()
                                  ? mr["generation_model"].get<std::string>() : std::string("-");
    if (mr.value("status", std::string()) == "unavailable") {
      std::string who;
      for (const char* role : records::field::kRoleModels) {
        if (mr.value(role, json()).is_string()) who += (who.empty() ? "" : " / ") + mr[role].get<std::string>();
      }
      notes.push_back(fmt::format("{}: unavailable: {}", who.empty() ? model : who,
                                  mr.value("unavailable_reason", std::string("unknown reason"))));
      continue;
    }
    const json& standard = member(member(mr, "metrics", kNoObject), "standard", kNoObject);
    if (!standard.empty() && !standard_done.insert(model).second) continue;
    for (const auto& [task, m] : standard.items()) {
      rows.push_back({model, task});
      for (auto& cell : standard_cells(m, columns, Block::task)) rows.back().push_back(std::move(cell));
      if (m.contains("strict_match")) {
        rows.push_back({"", task + " (strict)"});
        for (auto& cell : standard_cells(m["strict_match"], columns, Block::accuracy)) {
          rows.back().push_back(std::move(cell));
        }
      }
      // scorer: judge: a row per judge
      const json& judges = member(m, "judges", kNoObject);
      for (const auto& [judge, j] : judges.items()) {
        rows.push_back({"", fmt::format("{} (judge {})", task, judge)});
        for (auto& cell : standard_cells(j, columns, Block::judge)) rows.back().push_back(std::move(cell));
      }
      if (m.contains("macro_accuracy")) {  // in the accuracy column
        const metrics::Metric& macro = *metrics::find_metric("standard", "macro_accuracy");
        rows.push_back({"", task + " (macro)", shown(&m["macro_accuracy"], macro)});
        rows.back().resize(rows[0].size());
      }
    }
  }
  std::string out = fmt::format("Run {} ({})\n", util::terminal_safe(run.value("id", std::string())),
                                util::terminal_safe(run.value("status", std::string())));
  out += cost_cap_note(run);
  const std::string tiers = render_tier_tables(run);
  if (rows.size() > 1) {
    out += render_table(std::move(rows));
    out += truncation_note(member(run, "flags", kNoObject));
  } else if (tiers.empty()) {
    out += "No results.\n";
  }
  out += tiers;
  out += render_cost_by_model(run);
  out += render_composite(run);
  for (const auto& note : notes) out += util::terminal_safe(note) + "\n";  // quotes error bodies
  return out;
}

}  // namespace llmbench::report
