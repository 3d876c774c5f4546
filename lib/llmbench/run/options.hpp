#pragma once
// Everything `llmbench run` was asked to do. Filled by apps/cmd_run.cpp from flags (or,
// on --resume, from the run being resumed); read by the planner.

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "llmbench/config/config_path.hpp"
#include "llmbench/run/shard.hpp"

namespace llmbench::run {

enum class Progress { auto_, bar, plain, none };
enum class JudgeEvalMode { direct, reasoned };
// What `run` / `arena run` print on stdout: the plan and summary as text, or (json) only the
// run record as one JSON document at the end, with the plan and summary on stderr.
enum class OutputFormat { text, json };

// What every workload's session takes from the command line (`run`, `arena run`, and the
// commands built on RunSession): where the models and keys are, how requests are sent, where
// results go and how they are shown.
struct SessionOptions {
  std::string config;  // --config; "" = the rule of config/config_path.hpp
  std::string env_file = config::kDefaultEnvFile;
  int concurrency = 32;
  int retries = 4;
  double timeout_s = 120;
  bool timeout_given = false;  // --timeout was on the command line: it wins over providers' timeout_s
  nlohmann::json model_args = nlohmann::json::object();  // -M key=value: request params over the config's
  bool stream = false;  // --stream: every chat model's answers are streamed (as `stream: true` on it)
  std::uint64_t max_response_bytes = 16u << 20;  // decoded body per request; beyond: too_large
  double max_retry_wait_s = 60;                  // longest server-requested wait obeyed
  double max_cost_usd = -1;  // --max-cost: this session's spend cap (run/cost_cap.hpp); < 0: none
  std::string output_dir = "benchmarks/reports";
  std::string run_id;  // "" = generated
  bool no_cache = false;
  std::string cache_dir;  // "" = <output_dir>/cache, shared by every workload there
  bool render_report = false;  // write <output-dir>/report.html after the run
  Progress progress = Progress::auto_;
  OutputFormat output = OutputFormat::text;  // display only: not part of the run's flags
  bool dry_run = false;
  Shard shard;  // --shard I/N: this process runs only the items of shard I (run/shard.hpp)
};

struct RunOptions : SessionOptions {
  std::vector<std::string> tiers;  // 0,1,2,3,judge,judge_pipeline,ux,standard (or all)
  std::vector<std::string> tasks;  // standard tasks: mmlu, gsm8k, ... and custom task names
  std::string tasks_file;          // YAML with a `tasks:` list of custom tasks
  std::string limit;               // "" = all items, "30" = 30 items, "0.1" = a tenth
  std::uint64_t sample_seed = 1234;
  int num_fewshot = 0;
  std::vector<std::string> generation_models;
  std::vector<std::string> judge_models;
  std::vector<std::string> production_judge_models;
  std::vector<std::string> embedding_models;
  // Standard tier: the judge model (role judge) that labels the replies of the refusal-scored
  // tasks (advbench, xstest) instead of the rule-based detector; "" = the rules.
  std::string safety_judge;
  // RAG tiers (0-3, judge): the dataset and the chunk corpus.
  std::string mode = "synthetic";      // synthetic | manual: which dataset file is the default
  std::string dataset;                 // synthetic RAG dataset (JSON array or JSONL)
  std::string manual_dataset;          // manual (annotated) RAG dataset
  std::string chunks;                  // chunk corpus JSONL (chunk_id, text, url)
  std::string judge_pipeline_dataset;  // production-judge set; "" = benchmarks/data default
  std::string prompts_dir = "configs/prompts";
  std::string prompt_lang = "en";      // en | ru: which shipped prompt templates
  int top_k = 5;                       // tier_3 retrieval depth
  JudgeEvalMode judge_eval_mode = JudgeEvalMode::direct;
  int consistency_runs = 1;
  // tier_ux: the assistant's traffic log (data/ux_log.hpp; "" = the shipped sample) and the
  // cosine similarity at which a question counts as a near-duplicate of an earlier one.
  std::string ux_log;
  double ux_similarity = 0.9;
  std::string resume;  // run id to resume
  bool retry_errors = false;  // with resume: also send again the items that ended in an error
  // Standard tier: score a reply cut off by the token budget from whatever its text holds
  // (lm-evaluation-harness's behaviour); default false: only a complete final answer counts.
  bool score_truncated = false;
  // Code tasks (humaneval, mbpp): wall time per program, answers per problem (pass@k for
  // k <= samples), and whether programs may run without the bubblewrap sandbox.
  double code_timeout_s = 10;
  int samples = 1;
  bool allow_unsandboxed_code = false;
  std::string baselines = "configs/baselines.yaml";  // metric thresholds; a missing default is skipped
  std::string weights;  // --weights: a composite score's weights (run/composite_weights.hpp); "" = none
  bool verbose = false;
  // The flags given on the command line, by long name ("--tasks"): what --resume may take
  // from this command line (see resume_options). Not stored.
  std::vector<std::string> given_flags;
};

// The flags of a run as stored in its report record (`flags`), and back (for --resume). A
// shard's flags hold "shard": "I/N" (so --resume runs the same shard); others have no "shard".
// Fields missing from an older record keep their defaults.
nlohmann::json options_to_json(const RunOptions& options);
// The flags every session's record stores (run and arena): config, concurrency, retries,
// timeout_s, timeout_given, model_args, stream, and shard when sharded.
nlohmann::json session_options_to_json(const SessionOptions& options);
RunOptions options_from_json(const nlohmann::json& flags);

// The options of a resumed session: the run's stored `flags` (what makes its results), with
// from `requested` what only concerns this session: the env file (always: keys are not part of
// a run's identity, so the given --env-file or the default is read again), and, when given,
// --concurrency, --retries, --timeout, --max-response-bytes, --max-retry-wait, --no-cache,
// --cache-dir, --baselines, --weights and --max-cost; progress, report, dry run, verbose,
// retry-errors and the output
// dir always. Any other flag in `requested.given_flags` would change the results (tasks,
// tier, limit, models, sample seed, ...): throws Error (bad_input) naming it.
RunOptions resume_options(const RunOptions& requested, const nlohmann::json& stored_flags);

}  // namespace llmbench::run
