#pragma once
// Gates for CI: rules given on the command line that turn a finished run, or a comparison of two
// runs, into a yes/no (exit code kGateFailedExitCode when any fails). Every rule is parsed and
// its key checked before any request is sent; a bad one throws Error (exit 2) naming the rule,
// the grammar and the keys it may use.
//
//   run --fail-if RULE        RULE := KEY OP NUMBER
//       KEY is a metric of the catalogue (metrics/catalogue.hpp) as a path under a model run's
//       metrics: <task>.<metric> for the standard tier ("mmlu.accuracy", "gsm8k.n_errors",
//       "mmlu.subjects.anatomy.accuracy"; "standard.mmlu.accuracy" is the same), or
//       <tier>.<metric> ("tier_2.avg_faithfulness", "tier_judge.error_rate").
//       The rule fails for each model run whose value makes it true; and once when no model run
//       holds the value at all (a gate on a metric the run did not produce is not a pass).
//   run --max-error-rate F    fails when failed items / items with a record (each key's latest
//       record, runs/<id>/items.jsonl; a judge failed only because its answer did not come is
//       counted through the answer) exceeds F.
//   compare --fail-if RULE    RULE := "regression p" OP NUMBER | FIELD OP NUMBER
//       "regression p < 0.05" fails for each row (model, task, measure) whose delta is below 0
//       (B worse than A) and whose p (McNemar's exact p for 0/1 scores, the paired bootstrap p for
//       others) makes "p OP NUMBER" true. FIELD is a row field of report/compare_render.hpp
//       compare_fields() ("delta < -0.02", "b > 10"): fails for each row whose value makes it true.
//   OP is one of < <= > >= == !=; NUMBER a decimal number (C locale: "0.7", "-0.02", "5").

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "llmbench/error.hpp"

namespace llmbench::run {

// The exit code of a command whose gate failed (README "Exit codes"), winning over 1.
// ExitCode values 0, 1, 2, 3 and 130, and winning over 1.
inline constexpr int kGateFailedExitCode = static_cast<int>(ExitCode::gate_failed);

enum class GateOp { lt, le, gt, ge, eq, ne };

struct Gate {
  std::string rule;  // as given
  std::string key;   // run: the path under a model run's metrics ("standard.mmlu.accuracy");
                     // compare: the row field, or "regression"
  GateOp op = GateOp::lt;
  double threshold = 0;
};

std::vector<Gate> parse_run_gates(const std::vector<std::string>& rules);
std::vector<Gate> parse_compare_gates(const std::vector<std::string>& rules);

// One rule that held: who it held for ("sim-small", "sim-small mmlu accuracy"), and the value
// (nullopt: no model run holds it).
struct GateFailure {
  std::string rule;
  std::string who;
  std::optional<double> value;
};

std::vector<GateFailure> check_run_gates(const std::vector<Gate>& gates, const nlohmann::json& run);
std::optional<GateFailure> check_error_rate(double max_rate, const nlohmann::json& run,
                                            const std::filesystem::path& output_dir);
std::vector<GateFailure> check_compare_gates(const std::vector<Gate>& gates, const nlohmann::json& comparison);

// One line per failure: `gate failed: "mmlu.accuracy < 0.7": mmlu.accuracy = 0.45 (run R, model sim-small)`.
std::string describe_gate_failures(const std::vector<GateFailure>& failures, const std::string& run);

}  // namespace llmbench::run
