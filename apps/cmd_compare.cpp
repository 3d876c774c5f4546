// llmbench compare: a paired comparison of two runs on the items both hold, and gates on it.
#include <cstdio>
#include <memory>

#include "commands.hpp"
#include "llmbench/config/registry.hpp"
#include "llmbench/error.hpp"
#include "llmbench/report/compare.hpp"
#include "llmbench/report/compare_render.hpp"
#include "llmbench/run/gates.hpp"
#include "llmbench/util/atomic_file.hpp"

namespace llmbench::app {
namespace {

struct CompareFlags {
  std::string run_a, run_b;
  std::string output_dir = "benchmarks/reports";
  std::string models, tasks;
  std::string format = "table";
  std::string html;  // --html FILE; "" = none
  std::vector<std::string> fail_if;
  report::CompareOptions options;
};

int run_compare(const CompareFlags& flags) {
  const auto gates = run::parse_compare_gates(flags.fail_if);  // before reading anything
  report::CompareOptions options = flags.options;
  options.models = config::split_flag_list(flags.models, "--models");
  options.tasks = config::split_flag_list(flags.tasks, "--tasks");
  const auto a = report::find_named_run(flags.run_a, flags.output_dir);
  const auto b = report::find_named_run(flags.run_b, flags.output_dir);
  const nlohmann::json comparison = report::compare_runs(a, b, options);
  const std::string text = flags.format == "json"       ? comparison.dump(2) + "\n"
                           : flags.format == "markdown" ? report::render_compare_markdown(comparison)
                                                        : report::render_compare_table(comparison);
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
  if (!flags.html.empty()) {
    util::write_file_atomically(flags.html, report::render_compare_html(comparison));
    std::fprintf(stderr, "llmbench: wrote %s\n", flags.html.c_str());
  }
  const auto failures = run::check_compare_gates(gates, comparison);
  if (failures.empty()) return static_cast<int>(ExitCode::ok);
  const std::string runs = "compare " + comparison["run_a"].value("id", "") + " -> " + comparison["run_b"].value("id", "");
  std::fprintf(stderr, "%s", run::describe_gate_failures(failures, runs).c_str());
  return run::kGateFailedExitCode;
}

}  // namespace

Runner setup_compare(CLI::App& app) {
  auto flags = std::make_shared<CompareFlags>();
  CLI::App* cmd = app.add_subcommand(
      "compare", "Paired comparison of two runs on the items both scored: delta, 95% CI, McNemar's exact p");
  cmd->add_option("RUN_A", flags->run_a,
                  "The baseline run: a run id of --output-dir, an output directory (holding a /: its latest "
                  "sweep), or DIR:RUN_ID")
      ->required();
  cmd->add_option("RUN_B", flags->run_b, "The run compared with it (same forms); delta is B - A")->required();
  cmd->add_option("--output-dir", flags->output_dir, "Where run ids are looked up (benchmark_runs.json, runs/<id>/)")
      ->capture_default_str();
  cmd->add_option("--models", flags->models, "Only these generation models, comma-separated (default: all in both)");
  cmd->add_option("--tasks", flags->tasks, "Only these tasks, comma-separated (default: all in both)");
  cmd->add_option("--format", flags->format, "table (default), json (the comparison document) or markdown")
      ->check(one_of({"table", "json", "markdown"}))
      ->capture_default_str();
  cmd->add_option("--html", flags->html,
                  "Also write the Compare view to FILE: only the rows that changed, with their deltas and the "
                  "items that flipped");
  cmd->add_option("--fail-if", flags->fail_if,
                  "Gate, repeatable: \"regression p < 0.05\" (a row with delta < 0 and p below 0.05) or "
                  "\"<field> <op> <number>\" (fields n_common, accuracy_a, accuracy_b, delta, b, c, p, "
                  "clustered_se); exit 4 when one holds")
      ->allow_extra_args(false);
  cmd->add_option("--bootstrap-rounds", flags->options.bootstrap_rounds,
                  "Paired bootstrap resamples for scores that are not 0/1")
      ->capture_default_str()->check(CLI::Range(100, 100000));
  cmd->add_option("--bootstrap-seed", flags->options.bootstrap_seed, "Seed of the paired bootstrap")
      ->capture_default_str()->check(non_negative_integer());
  return [flags] { return run_compare(*flags); };
}

}  // namespace llmbench::app
