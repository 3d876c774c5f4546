#include "llmbench/run/gates.hpp"

#include <algorithm>
#include <cmath>
#include <regex>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "llmbench/error.hpp"
#include "llmbench/metrics/catalogue.hpp"
#include "llmbench/records/fields.hpp"
#include "llmbench/records/journal.hpp"
#include "llmbench/records/output_layout.hpp"
#include "llmbench/report/compare_render.hpp"
#include "llmbench/run/baselines.hpp"
#include "llmbench/run/metric_map.hpp"
#include "llmbench/run/record_tally.hpp"

namespace llmbench::run {
namespace {

using nlohmann::json;

constexpr const char* kOps = "one of < <= > >= == !=";

struct Parts {
  std::string key, op, number;
};

// KEY OP NUMBER, or nullopt when the rule does not have that shape.
std::optional<Parts> split_rule(const std::string& rule) {
  static const std::regex shape(R"(^\s*(.*?)\s*(<=|>=|==|!=|<|>)\s*(\S+)\s*$)");
  std::smatch m;
  if (!std::regex_match(rule, m, shape) || m[1].length() == 0) return std::nullopt;
  return Parts{m[1], m[2], m[3]};
}

GateOp op_of(const std::string& op) {
  if (op == "<") return GateOp::lt;
  if (op == "<=") return GateOp::le;
  if (op == ">") return GateOp::gt;
  if (op == ">=") return GateOp::ge;
  return op == "==" ? GateOp::eq : GateOp::ne;
}

bool holds(double value, GateOp op, double threshold) {
  switch (op) {
    case GateOp::lt: return value < threshold;
    case GateOp::le: return value <= threshold;
    case GateOp::gt: return value > threshold;
    case GateOp::ge: return value >= threshold;
    case GateOp::eq: return value == threshold;
    case GateOp::ne: return value != threshold;
  }
  return false;
}

[[noreturn]] void refuse(const std::string& rule, const std::string& problem, const std::string& grammar) {
  throw Error(fmt::format("--fail-if \"{}\": {}\n  {}", rule, problem, grammar));
}

// Parses KEY OP NUMBER; the key is checked by the caller.
Gate parse(const std::string& rule, const std::string& grammar) {
  const auto parts = split_rule(rule);
  if (!parts) refuse(rule, fmt::format("expected <key> <op> <number>, with <op> {}", kOps), grammar);
  std::size_t used = 0;
  double threshold = 0;
  try {
    threshold = std::stod(parts->number, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != parts->number.size() || !std::isfinite(threshold)) {
    refuse(rule, fmt::format("\"{}\" is not a number", parts->number), grammar);
  }
  return Gate{rule, parts->key, op_of(parts->op), threshold};
}

// The keys of a catalogue scope a rule may name, for the error message.
std::string keys_of(const metrics::Scope& scope) {
  std::vector<std::string> keys;
  for (const auto& m : scope.metrics) keys.emplace_back(m.key);
  return fmt::format("{}", fmt::join(keys, ", "));
}

std::string who_of(const json& model_run) {
  std::string who;
  for (const char* field : records::field::kRoleModels) {
    auto m = model_run.find(field);
    if (m != model_run.end() && m->is_string()) who += (who.empty() ? "" : " / ") + m->get<std::string>();
  }
  return who;
}

const std::vector<std::string>& tier_scopes() {
  static const std::vector<std::string> names = {"standard", "tier_0", "tier_1", "tier_2", "tier_3", "tier_judge",
                                                 "tier_judge_pipeline", "tier_ux"};
  return names;
}

}  // namespace

std::vector<Gate> parse_run_gates(const std::vector<std::string>& rules) {
  std::vector<Gate> gates;
  for (const std::string& rule : rules) {
    Gate gate = parse(rule, "a run rule is <task>.<metric> <op> <number> (\"mmlu.accuracy < 0.70\") or "
                            "<tier>.<metric> <op> <number> (\"tier_2.avg_faithfulness < 3.5\")");
    const std::string scope = gate.key.substr(0, gate.key.find('.'));
    const auto& tiers = tier_scopes();
    if (std::find(tiers.begin(), tiers.end(), scope) == tiers.end()) gate.key = "standard." + gate.key;
    std::string problem;
    if (metric_of_path(gate.key, problem) == nullptr) {
      const std::string named = gate.key.substr(0, gate.key.find('.'));
      refuse(rule, problem,
             fmt::format("keys are <task>.<metric> (standard tier) or <tier>.<metric> ({}); the metrics of {}: {}",
                         fmt::join(tiers.begin() + 1, tiers.end(), ", "), named,
                         keys_of(*metrics::find_scope(named))));
    }
    gates.push_back(std::move(gate));
  }
  return gates;
}

std::vector<Gate> parse_compare_gates(const std::vector<std::string>& rules) {
  std::vector<std::string> fields;
  for (const auto& m : report::compare_fields()) fields.emplace_back(m.key);
  const std::string grammar =
      fmt::format("a compare rule is \"regression p <op> <number>\" (a row with delta < 0 whose p makes it true) or "
                  "<field> <op> <number> with <field> one of {}",
                  fmt::join(fields, ", "));
  std::vector<Gate> gates;
  for (const std::string& rule : rules) {
    Gate gate = parse(rule, grammar);
    if (gate.key == "regression p") {
      gate.key = "regression";
    } else if (std::find(fields.begin(), fields.end(), gate.key) == fields.end()) {
      refuse(rule, fmt::format("unknown key \"{}\"", gate.key), grammar);
    }
    gates.push_back(std::move(gate));
  }
  return gates;
}

std::vector<GateFailure> check_run_gates(const std::vector<Gate>& gates, const json& run) {
  std::vector<GateFailure> failures;
  for (const Gate& gate : gates) {
    bool held_anywhere = false;
    for (const json& mr : run.value("model_runs", json::array())) {
      const json* value = mr.contains("metrics") ? metrics::value_at(mr["metrics"], gate.key) : nullptr;
      if (value == nullptr || !value->is_number()) continue;
      held_anywhere = true;
      if (holds(value->get<double>(), gate.op, gate.threshold)) {
        failures.push_back({gate.rule, who_of(mr), value->get<double>()});
      }
    }
    if (!held_anywhere) failures.push_back({gate.rule, "no model run holds " + gate.key, std::nullopt});
  }
  return failures;
}

std::optional<GateFailure> check_error_rate(double max_rate, const json& run, const std::filesystem::path& output_dir) {
  RecordTally tally;
  const records::OutputLayout layout(output_dir);
  records::scan_journal(layout.resolve(run.value("item_log", std::string())), records::DamagedLines::skip,
                        [&](json&& record) { tally.add(record); });
  const FailureCounts counts = tally.failures();
  std::uint64_t failed = 0;
  for (const auto* kinds : {&counts.resendable, &counts.permanent}) {
    for (const auto& [kind, n] : *kinds) failed += n;
  }
  const double rate = tally.finished() == 0 ? 0.0 : static_cast<double>(failed) / static_cast<double>(tally.finished());
  if (rate <= max_rate) return std::nullopt;
  return GateFailure{fmt::format("--max-error-rate {}", max_rate),
                     fmt::format("{} of {} items failed", failed, tally.finished()), rate};
}

std::vector<GateFailure> check_compare_gates(const std::vector<Gate>& gates, const json& comparison) {
  std::vector<GateFailure> failures;
  for (const json& row : comparison.at("rows")) {
    const std::string judge = row.value("judge_model", json()).is_string() ? row["judge_model"].get<std::string>() : "";
    const std::string who = fmt::format("{} {} {}{}", row.value("generation_model", ""), row.value("task", ""),
                                        row.value("measure", ""), judge.empty() ? "" : " (" + judge + ")");
    const bool binary = row.value("scale", "") == "binary";
    for (const Gate& gate : gates) {
      std::string key = gate.key == "regression" ? "p" : gate.key;
      if (!binary && key.starts_with("accuracy_")) key = "score_" + key.substr(9);
      const json value = row.value(key, json());
      if (!value.is_number()) continue;
      if (gate.key == "regression" && !(row["delta"].is_number() && row["delta"].get<double>() < 0)) continue;
      if (holds(value.get<double>(), gate.op, gate.threshold)) {
        failures.push_back({gate.rule, who + fmt::format(", delta {:+.4g}", row["delta"].get<double>()),
                            value.get<double>()});
      }
    }
  }
  return failures;
}

std::string describe_gate_failures(const std::vector<GateFailure>& failures, const std::string& run) {
  std::string out;
  for (const GateFailure& f : failures) {
    out += fmt::format("gate failed: \"{}\": value {} ({}, {})\n", f.rule, f.value ? fmt::format("{:.4g}", *f.value) : "missing",
                       run, f.who);
  }
  return out;
}

}  // namespace llmbench::run
