// llmbench run: one sweep over tiers x generation models x judges x production judges.
#include <map>
#include <memory>

#include <spdlog/spdlog.h>

#include "commands.hpp"
#include "llmbench/config/registry.hpp"
#include "llmbench/error.hpp"
#include "llmbench/run/model_args.hpp"
#include "llmbench/run/options.hpp"
#include "llmbench/tiers/sweep.hpp"

namespace llmbench::app {
namespace {

struct RunFlags {
  run::RunOptions options;
  std::string tiers = "standard";
  std::string tasks;
  std::string generation_models, judge_models, production_judge_models, embedding_models;
  std::string judge_eval_mode = "direct";
  std::string progress = "auto";
  RequestFlags request;  // --timeout, -M, --output
};

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
  const std::map<std::string, run::Progress> progress = {{"auto", run::Progress::auto_},
                                                         {"bar", run::Progress::bar},
                                                         {"plain", run::Progress::plain},
                                                         {"none", run::Progress::none}};
  options.progress = progress.at(flags.progress);
  options.timeout_given = flags.request.timeout->count() > 0;
  options.model_args = run::parse_model_args(flags.request.model_args);
  options.output = flags.request.output == "json" ? run::OutputFormat::json : run::OutputFormat::text;
  if (options.verbose) spdlog::set_level(spdlog::level::debug);
  return tiers::run_sweep(options);
}

}  // namespace

Runner setup_run(CLI::App& app) {
  auto flags = std::make_shared<RunFlags>();
  auto& o = flags->options;
  CLI::App* cmd = app.add_subcommand("run", "Run a benchmark sweep and append it to the report");
  cmd->add_option("--config", o.config, config::config_option_help());
  cmd->add_option("--env-file", o.env_file,
                  "dotenv file with API keys; loaded if present, the process environment wins")
      ->capture_default_str();
  cmd->add_option("--tier", flags->tiers,
                  "Tiers to run: comma list of 0,1,2,3,judge,judge_pipeline,standard, or all")
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
                  "Comma list of benchmark judges (tiers 2, 3 and judge, and custom tasks with scorer: judge); "
                  "default: roles.judge or BENCHMARKS_JUDGE_MODEL");
  cmd->add_option("--production-judge-models", flags->production_judge_models,
                  "Comma list of production judges; default: roles.production_judge or JUDGE_MODEL");
  cmd->add_option("--embedding-models", flags->embedding_models,
                  "Embedding models for tiers 0, 1 and 3 and semantic consistency (comma list)");
  cmd->add_option("--mode", o.mode, "RAG dataset: synthetic (generated questions) or manual (annotated)")
      ->capture_default_str()->check(one_of({"synthetic", "manual"}));
  cmd->add_option("--dataset", o.dataset, "Synthetic RAG dataset (JSON array or JSONL); default: the shipped XQuAD sample");
  cmd->add_option("--manual-dataset", o.manual_dataset, "Manual (annotated) RAG dataset, used with --mode manual");
  cmd->add_option("--chunks", o.chunks, "Chunk corpus JSONL (chunk_id, text, url) for retrieval tiers");
  cmd->add_option("--judge-pipeline-dataset", o.judge_pipeline_dataset,
                  "Production-judge dataset (question, answer, context, ground_truth_show)");
  cmd->add_option("--prompts-dir", o.prompts_dir, "Directory of judge and system prompt templates")
      ->capture_default_str();
  cmd->add_option("--prompt-lang", o.prompt_lang, "Language of the shipped prompt templates: en or ru")
      ->capture_default_str()->check(one_of({"en", "ru"}));
  cmd->add_option("--top-k", o.top_k, "Chunks retrieved per question in tier 3")
      ->capture_default_str()->check(CLI::Range(1, 100));
  cmd->add_option("--judge-eval-mode", flags->judge_eval_mode,
                  "direct (JSON score only) or reasoned (reasoning, then JSON score)")
      ->capture_default_str()->check(one_of({"direct", "reasoned"}));
  cmd->add_option("--consistency-runs", o.consistency_runs,
                  "Answers per prompt for the consistency metrics (1 = off)")
      ->capture_default_str()->check(CLI::Range(1, 20));
  cmd->add_flag("--score-truncated", o.score_truncated,
                "Standard tier: score a reply cut off by max_tokens (finish_reason length) from whatever its "
                "text holds, as lm-evaluation-harness does; default: off, such a reply counts only with a "
                "complete final answer before the cut, else as unparsed");
  cmd->add_option("--concurrency", o.concurrency, "Requests in flight over all providers")
      ->capture_default_str()->check(CLI::Range(1, 4096));
  cmd->add_option("--retries", o.retries, "Retries per request after the first attempt")
      ->capture_default_str()->check(CLI::Range(0, 50));
  add_request_flags(*cmd, o.timeout_s, flags->request);
  cmd->add_option("--max-response-bytes", o.max_response_bytes,
                  "Largest decoded (inflated) response body per request, in bytes; a larger one ends as too_large")
      ->capture_default_str()->check(CLI::Range(std::uint64_t{1024}, std::uint64_t{1} << 32));
  cmd->add_option("--max-retry-wait", o.max_retry_wait_s,
                  "Longest wait (seconds) a server may ask for with Retry-After; a longer one fails the request at once")
      ->capture_default_str()->check(non_negative_seconds());
  cmd->add_option("--output-dir", o.output_dir,
                  "Where benchmark_runs.json and runs/<run_id>/ are written")
      ->capture_default_str();
  cmd->add_option("--run-id", o.run_id, "Id for this run; default: timestamp and random suffix");
  cmd->add_option("--resume", o.resume,
                  "Finish run RUN_ID: same config and flags, only missing items are sent; keys are read "
                  "again (--env-file); a flag that changes results (--tasks, --limit, models, ...) is refused");
  cmd->add_flag("--retry-errors", o.retry_errors,
                "With --resume: also send again the items that ended in an error");
  cmd->add_flag("--no-cache", o.no_cache, "Neither read nor write the response cache");
  cmd->add_option("--cache-dir", o.cache_dir, "Response cache directory (SQLite); default <output-dir>/cache");
  cmd->add_option("--baselines", o.baselines,
                  "YAML of metric thresholds (metric path: {min, max}); sets overall_status pass/fail")
      ->capture_default_str();
  cmd->add_flag("--report", o.render_report, "Also write <output-dir>/report.html after the run");
  cmd->add_option("--progress", flags->progress,
                  "auto (bar on a terminal), bar, plain (a line every few seconds), none")
      ->capture_default_str()->check(one_of({"auto", "bar", "plain", "none"}));
  cmd->add_flag("--dry-run", o.dry_run,
                "Print the plan (requests per role and model, estimated cost) and exit");
  cmd->add_flag("-v,--verbose", o.verbose, "Log each request to stderr (Authorization redacted)");
  return [flags, cmd] { return run_run(*flags, *cmd); };
}

}  // namespace llmbench::app
