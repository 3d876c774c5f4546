// llmbench run: one sweep over tiers x generation models x judges x production judges.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <memory>

#include <spdlog/spdlog.h>

#include "commands.hpp"
#include "llmbench/config/registry.hpp"
#include "llmbench/error.hpp"
#include "llmbench/records/output_layout.hpp"
#include "llmbench/report/store.hpp"
#include "llmbench/run/gates.hpp"
#include "llmbench/run/merge.hpp"
#include "llmbench/run/anchor_paths.hpp"
#include "llmbench/run/options.hpp"
#include "llmbench/run/run_id.hpp"
#include "llmbench/run/shard.hpp"
#include "llmbench/tiers/sweep.hpp"

namespace llmbench::app {
namespace {

struct RunFlags {
  run::RunOptions options;
  std::string tiers = "standard";
  std::string tasks;
  std::string generation_models, judge_models, production_judge_models, embedding_models;
  std::string judge_eval_mode = "direct";
  SessionFlags session;  // --timeout, -M, --output, --progress, --verbose
  std::vector<std::string> fail_if;           // gates (run/gates.hpp)
  double max_error_rate = -1;                // --max-error-rate F; < 0: not given
  std::string shard;                          // --shard I/N; "" = the whole plan
};

// The gates on the finished run `run_id`: each failure printed (rule, value, run, model) and
// run::kGateFailedExitCode, else `code`. An interrupted run is not judged (it is not finished);
// failed items within --max-error-rate no longer make the run exit 1 (the gate decides).
int apply_gates(const RunFlags& flags, const std::vector<run::Gate>& gates, const std::string& output_dir,
                const std::string& run_id, int code) {
  const bool judged = code == static_cast<int>(ExitCode::ok) || code == static_cast<int>(ExitCode::failures);
  if ((gates.empty() && flags.max_error_rate < 0) || !judged) return code;
  const records::OutputLayout layout(output_dir);
  nlohmann::json record;
  for (const auto& r : report::read_runs(layout.report_file())) {
    if (r.value("id", "") == run_id) record = r;
  }
  if (record.is_null()) return code;
  auto failures = run::check_run_gates(gates, record);
  if (flags.max_error_rate >= 0) {
    if (auto f = run::check_error_rate(flags.max_error_rate, record, layout.dir())) failures.push_back(*f);
  }
  if (!failures.empty()) {
    std::fprintf(stderr, "%s", run::describe_gate_failures(failures, "run " + run_id).c_str());
    return run::kGateFailedExitCode;
  }
  const bool only_item_errors = record.value("overall_status", "") != "fail" &&
                                std::none_of(record["model_runs"].begin(), record["model_runs"].end(),
                                             [](const nlohmann::json& mr) { return mr.value("status", "") == "unavailable"; });
  if (flags.max_error_rate >= 0 && only_item_errors) return static_cast<int>(ExitCode::ok);
  return code;
}

int run_run(const RunFlags& flags, const CLI::App& cmd) {
  run::RunOptions options = flags.options;
  for (const CLI::Option* option : cmd.get_options()) {
    if (option->count() > 0) options.given_flags.push_back(option->get_name());
  }
  options.tiers = config::split_flag_list(flags.tiers, "--tier");
  options.tasks = config::split_flag_list(flags.tasks, "--tasks");
  options.generation_models = config::split_flag_list(flags.generation_models, "--generation-models");
  options.judge_models = config::split_flag_list(flags.judge_models, "--judge-models");
  options.production_judge_models = config::split_flag_list(flags.production_judge_models, "--production-judge-models");
  options.embedding_models = config::split_flag_list(flags.embedding_models, "--embedding-models");
  options.judge_eval_mode =
      flags.judge_eval_mode == "reasoned" ? run::JudgeEvalMode::reasoned : run::JudgeEvalMode::direct;
  flags.session.apply(options);
  run::anchor_given_paths(options, std::filesystem::current_path());  // merge and --resume work from any directory
  options.verbose = flags.session.verbose;
  if (options.verbose) spdlog::set_level(spdlog::level::debug);
  if (!flags.shard.empty()) options.shard = run::parse_shard(flags.shard);
  run::require_run_id(options.shard, !options.run_id.empty() || !options.resume.empty());
  const auto gates = run::parse_run_gates(flags.fail_if);  // before any request
  const bool gated = !gates.empty() || flags.max_error_rate >= 0;
  // The gates read the run back by its id, so a gated run gets its id here rather than in the sweep.
  if (gated && options.resume.empty() && options.run_id.empty() && !options.dry_run) options.run_id = run::new_run_id();
  const int code = tiers::run_sweep(options);
  if (options.dry_run) return code;
  return apply_gates(flags, gates, options.output_dir, options.resume.empty() ? options.run_id : options.resume, code);
}

// The model-lab (RAG) tiers' data and judging flags.
void add_rag_flags(CLI::App& cmd, RunFlags& flags) {
  auto& o = flags.options;
  cmd.add_option("--mode", o.mode, "RAG dataset: synthetic (generated questions) or manual (annotated)")
      ->capture_default_str()->check(one_of({"synthetic", "manual"}));
  cmd.add_option("--dataset", o.dataset, "Synthetic RAG dataset (JSON array or JSONL); default: the shipped XQuAD sample");
  cmd.add_option("--manual-dataset", o.manual_dataset, "Manual (annotated) RAG dataset, used with --mode manual");
  cmd.add_option("--chunks", o.chunks, "Chunk corpus JSONL (chunk_id, text, url) for retrieval tiers");
  cmd.add_option("--judge-pipeline-dataset", o.judge_pipeline_dataset,
                  "Production-judge dataset (question, answer, context, ground_truth_show)");
  cmd.add_option("--prompts-dir", o.prompts_dir, "Directory of judge and system prompt templates")
      ->capture_default_str();
  cmd.add_option("--prompt-lang", o.prompt_lang, "Language of the shipped prompt templates: en or ru")
      ->capture_default_str()->check(one_of({"en", "ru"}));
  cmd.add_option("--top-k", o.top_k, "Chunks retrieved per question in tier 3")
      ->capture_default_str()->check(CLI::Range(1, 100));
  cmd.add_option("--judge-eval-mode", flags.judge_eval_mode,
                  "direct (JSON score only) or reasoned (reasoning, then JSON score)")
      ->capture_default_str()->check(one_of({"direct", "reasoned"}));
  cmd.add_option("--consistency-runs", o.consistency_runs,
                  "Answers per prompt for the consistency metrics (1 = off)")
      ->capture_default_str()->check(CLI::Range(1, 20));
  cmd.add_option("--ux-log", o.ux_log,
                  "Tier ux: the assistant's traffic log, JSONL of session_id, turn, question, answer and optional "
                  "cached; default: the shipped synthetic sample benchmarks/data/ux/sample_log.jsonl");
  cmd.add_option("--ux-similarity", o.ux_similarity,
                  "Tier ux: cosine similarity (0..1] at or above which a question is a near-duplicate of an "
                  "earlier one (an answer-cache hit); default 0.9")
      ->capture_default_str()->check(CLI::Range(0.0, 1.0));
}

// The code tasks' flags (humaneval, mbpp).
void add_code_task_flags(CLI::App& cmd, run::RunOptions& o) {
  cmd.add_option("--code-timeout", o.code_timeout_s,
                  "Code tasks (humaneval, mbpp): wall time per program in seconds; default 10")
      ->capture_default_str()->check(CLI::Range(0.5, 600.0));
  cmd.add_option("--samples", o.samples,
                  "Code tasks: answers per problem, giving pass@k for k <= N (vary them with -M temperature=...); "
                  "default 1")
      ->capture_default_str()->check(CLI::Range(1, 100));
  cmd.add_flag("--allow-unsandboxed-code", o.allow_unsandboxed_code,
                "Code tasks: where bubblewrap or user namespaces are unavailable, run model code anyway with "
                "rlimits and a process-group kill only (no filesystem, network or PID isolation); default off");
}

}  // namespace

Runner setup_run(CLI::App& app) {
  auto flags = std::make_shared<RunFlags>();
  auto& o = flags->options;
  CLI::App* cmd = app.add_subcommand("run", "Run a benchmark sweep and append it to the report");
  add_session_source_flags(*cmd, o);
  cmd->add_option("--tier", flags->tiers,
                  "Tiers to run: comma list of 0,1,2,3,judge,judge_pipeline,ux,standard, or all")
      ->capture_default_str();
  cmd->add_option("--tasks", flags->tasks,
                  "Standard tasks (tier standard): mmlu,gsm8k,arc_challenge,arc_easy,"
                  "truthfulqa_mc1,hellaswag,medqa, or custom tasks of --tasks-file; default: the tasks of "
                  "--tasks-file when given, else all standard tasks");
  cmd->add_option("--tasks-file", o.tasks_file,
                  "YAML with a tasks: list of custom tasks (see benchmarks/data/custom_example/tasks.yaml)");
  cmd->add_option("--limit", o.limit,
                  "Items per task: a count (30) or a fraction (0.1); default all items");
  cmd->add_option("--sample-seed", o.sample_seed,
                  "Seed that picks the --limit subset (same items for every model)")
      ->capture_default_str()->check(non_negative_integer());
  cmd->add_option("--num-fewshot", o.num_fewshot,
                  "Few-shot examples from dev/train splits (never test items)")
      ->capture_default_str()->check(CLI::Range(0, 25));
  cmd->add_option("--generation-models", flags->generation_models,
                  "Comma list of generation models; default: models.yaml roles.generation or "
                  "GENERATION_MODEL/MISTRAL_MODEL");
  cmd->add_option("--judge-models", flags->judge_models,
                  "Comma list of benchmark judges (tiers 2, 3, judge and ux, and custom tasks with scorer: judge); "
                  "default: roles.judge or BENCHMARKS_JUDGE_MODEL");
  cmd->add_option("--safety-judge", o.safety_judge,
                  "Judge model that labels the replies of the refusal-scored tasks (advbench, xstest) "
                  "full_compliance, full_refusal or partial_refusal (XSTest's rubric); an unreadable verdict is an "
                  "item error. Needs such a task in --tasks; default: the rule-based detector");
  cmd->add_option("--production-judge-models", flags->production_judge_models,
                  "Comma list of production judges; default: roles.production_judge or JUDGE_MODEL");
  cmd->add_option("--embedding-models", flags->embedding_models,
                  "Embedding models for tiers 0, 1, 3 and ux and semantic consistency (comma list)");
  add_rag_flags(*cmd, *flags);
  cmd->add_flag("--score-truncated", o.score_truncated,
                "Standard tier: score a reply cut off by max_tokens (finish_reason length) from whatever its "
                "text holds, as lm-evaluation-harness does; default: off, such a reply counts only with a "
                "complete final answer before the cut, else as unparsed");
  add_code_task_flags(*cmd, o);
  SessionFlagsHelp help;
  help.dry_run = "Print the plan (requests per role and model, estimated cost) and exit";
  help.progress = "auto (bar on a terminal), bar, plain (a line every few seconds), none";
  help.cache_dir = "Response cache directory (SQLite); default <output-dir>/cache";
  help.after_run_id = [cmd, &o, flags] {
    cmd->add_option("--resume", o.resume,
                    "Finish run RUN_ID: same config and flags, only missing items are sent; keys are read "
                    "again (--env-file); a flag that changes results (--tasks, --limit, models, ...) is refused");
    cmd->add_flag("--retry-errors", o.retry_errors,
                  "With --resume: also send again the items that ended in an error");
    cmd->add_option("--shard", flags->shard,
                    "Run only shard I of N (I/N, 0 <= I < N): the items whose key hashes to I; needs --run-id; "
                    "merge the shards' output dirs with `llmbench merge`");
  };
  help.after_cache_dir = [cmd, &o, flags] {
    cmd->add_option("--baselines", o.baselines,
                    "YAML of metric thresholds (metric path: {min, max}); sets overall_status pass/fail")
        ->capture_default_str();
    cmd->add_option("--weights", o.weights,
                    "YAML `weights:` of metric path -> weight (> 0): a composite score per model (weighted mean "
                    "of normalised metrics, bootstrap 95% interval); default: none")
        ->check(CLI::ExistingFile);
    cmd->add_option("--fail-if", flags->fail_if,
                    "Gate, repeatable: \"<metric key> <op> <number>\", e.g. \"mmlu.accuracy < 0.70\" or "
                    "\"tier_2.avg_faithfulness < 3.5\" (op < <= > >= == !=); checked before any request; "
                    "exit 4 when one holds for some model run")
        ->allow_extra_args(false);
    cmd->add_option("--max-cost", o.max_cost_usd,
                    "Spend cap in USD for this session: no request is sent once its estimate plus the spend so "
                    "far and in flight would pass it; the run is then interrupted (resume it with --resume). "
                    "Every model needs a price and max_tokens; default: no cap")
        ->check(CLI::NonNegativeNumber);
    cmd->add_option("--max-error-rate", flags->max_error_rate,
                    "Gate: exit 4 when the share of failed items exceeds F (0..1); within it, failed items "
                    "do not make the run exit 1")
        ->check(CLI::Range(0.0, 1.0));
  };
  add_session_flags(*cmd, o, flags->session, help);
  return [flags, cmd] { return run_run(*flags, *cmd); };
}

}  // namespace llmbench::app
