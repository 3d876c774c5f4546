#include "llmbench/run/options.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "llmbench/error.hpp"
#include "llmbench/run/anchor_paths.hpp"

namespace llmbench::run {

using nlohmann::json;

json session_options_to_json(const SessionOptions& o) {
  json flags = {{"config", o.config},
                {"concurrency", o.concurrency},
                {"retries", o.retries},
                {"timeout_s", o.timeout_s},
                {"timeout_given", o.timeout_given},
                {"model_args", o.model_args},
                {"stream", o.stream}};
  if (o.shard.sharded()) flags["shard"] = to_string(o.shard);
  return flags;
}

json options_to_json(const RunOptions& o) {
  json flags = session_options_to_json(o);
  flags.update({{"env_file", o.env_file},
                {"tiers", o.tiers},
                {"tasks", o.tasks},
                {"tasks_file", o.tasks_file},
                {"limit", o.limit},
                {"sample_seed", o.sample_seed},
                {"num_fewshot", o.num_fewshot},
                {"generation_models", o.generation_models},
                {"judge_models", o.judge_models},
                {"production_judge_models", o.production_judge_models},
                {"embedding_models", o.embedding_models},
                {"safety_judge", o.safety_judge},
                {"mode", o.mode},
                {"dataset", o.dataset},
                {"manual_dataset", o.manual_dataset},
                {"chunks", o.chunks},
                {"judge_pipeline_dataset", o.judge_pipeline_dataset},
                {"prompts_dir", o.prompts_dir},
                {"prompt_lang", o.prompt_lang},
                {"top_k", o.top_k},
                {"judge_eval_mode", o.judge_eval_mode == JudgeEvalMode::direct ? "direct" : "reasoned"},
                {"consistency_runs", o.consistency_runs},
                {"ux_log", o.ux_log},
                {"ux_similarity", o.ux_similarity},
                {"score_truncated", o.score_truncated},
                {"code_timeout_s", o.code_timeout_s},
                {"samples", o.samples},
                {"allow_unsandboxed_code", o.allow_unsandboxed_code},
                {"max_response_bytes", o.max_response_bytes},
                {"max_retry_wait_s", o.max_retry_wait_s},
                {"no_cache", o.no_cache},
                {"cache_dir", o.cache_dir},
                {"baselines", o.baselines}});
  return flags;
}

void anchor_given_paths(RunOptions& o, const std::filesystem::path& base) {
  const std::pair<const char*, std::string*> paths[] = {
      {"--config", &o.config},         {"--env-file", &o.env_file},
      {"--tasks-file", &o.tasks_file}, {"--dataset", &o.dataset},
      {"--manual-dataset", &o.manual_dataset}, {"--chunks", &o.chunks},
      {"--judge-pipeline-dataset", &o.judge_pipeline_dataset}, {"--prompts-dir", &o.prompts_dir},
      {"--ux-log", &o.ux_log},         {"--cache-dir", &o.cache_dir},
      {"--baselines", &o.baselines},   {"--weights", &o.weights}};
  for (const auto& [flag, value] : paths) {
    const bool given = std::find(o.given_flags.begin(), o.given_flags.end(), flag) != o.given_flags.end();
    if (!given || value->empty() || std::filesystem::path(*value).is_absolute()) continue;
    *value = (base / *value).lexically_normal().string();
  }
}

RunOptions options_from_json(const json& f) {
  RunOptions o;
  auto get = [&f](const char* key, auto& field) {
    auto it = f.find(key);
    if (it != f.end() && !it->is_null()) it->get_to(field);
  };
  get("config", o.config);
  get("env_file", o.env_file);
  get("tiers", o.tiers);
  get("tasks", o.tasks);
  get("tasks_file", o.tasks_file);
  get("limit", o.limit);
  get("sample_seed", o.sample_seed);
  get("num_fewshot", o.num_fewshot);
  get("generation_models", o.generation_models);
  get("judge_models", o.judge_models);
  get("production_judge_models", o.production_judge_models);
  get("embedding_models", o.embedding_models);
  get("safety_judge", o.safety_judge);
  get("mode", o.mode);
  get("dataset", o.dataset);
  get("manual_dataset", o.manual_dataset);
  get("chunks", o.chunks);
  get("judge_pipeline_dataset", o.judge_pipeline_dataset);
  get("prompts_dir", o.prompts_dir);
  get("prompt_lang", o.prompt_lang);
  get("top_k", o.top_k);
  get("consistency_runs", o.consistency_runs);
  get("ux_log", o.ux_log);
  get("ux_similarity", o.ux_similarity);
  get("score_truncated", o.score_truncated);
  get("code_timeout_s", o.code_timeout_s);
  get("samples", o.samples);
  get("allow_unsandboxed_code", o.allow_unsandboxed_code);
  get("concurrency", o.concurrency);
  get("retries", o.retries);
  get("timeout_s", o.timeout_s);
  get("timeout_given", o.timeout_given);
  get("model_args", o.model_args);
  get("stream", o.stream);
  get("max_response_bytes", o.max_response_bytes);
  get("max_retry_wait_s", o.max_retry_wait_s);
  get("no_cache", o.no_cache);
  get("cache_dir", o.cache_dir);
  get("baselines", o.baselines);
  if (f.contains("shard") && f["shard"].is_string()) o.shard = parse_shard(f["shard"].get<std::string>());
  o.judge_eval_mode = f.value("judge_eval_mode", std::string("direct")) == "reasoned"
                          ? JudgeEvalMode::reasoned : JudgeEvalMode::direct;
  return o;
}

namespace {

// A flag a resumed session may set, and how it takes the value given on its command line.
struct SessionFlag {
  const char* flag;
  void (*take)(RunOptions& session, const RunOptions& requested);
};

// Flags that change how requests are sent or shown, never which requests or how they are scored.
constexpr SessionFlag kSessionFlags[] = {
    {"--concurrency", [](RunOptions& s, const RunOptions& r) { s.concurrency = r.concurrency; }},
    {"--retries", [](RunOptions& s, const RunOptions& r) { s.retries = r.retries; }},
    {"--timeout", [](RunOptions& s, const RunOptions& r) {
       s.timeout_s = r.timeout_s;
       s.timeout_given = r.timeout_given;
     }},
    {"--max-response-bytes", [](RunOptions& s, const RunOptions& r) { s.max_response_bytes = r.max_response_bytes; }},
    {"--max-retry-wait", [](RunOptions& s, const RunOptions& r) { s.max_retry_wait_s = r.max_retry_wait_s; }},
    {"--no-cache", [](RunOptions& s, const RunOptions& r) { s.no_cache = r.no_cache; }},
    {"--cache-dir", [](RunOptions& s, const RunOptions& r) { s.cache_dir = r.cache_dir; }},
    {"--baselines", [](RunOptions& s, const RunOptions& r) { s.baselines = r.baselines; }},
    {"--max-cost", [](RunOptions& s, const RunOptions& r) { s.max_cost_usd = r.max_cost_usd; }},
    {"--weights", [](RunOptions& s, const RunOptions& r) { s.weights = r.weights; }},
    // Taken whether given or not (below); listed so that giving them is allowed.
    {"--env-file", nullptr}, {"--resume", nullptr}, {"--output-dir", nullptr}, {"--retry-errors", nullptr},
    {"--report", nullptr}, {"--progress", nullptr}, {"--dry-run", nullptr}, {"--verbose", nullptr},
    {"--output", nullptr},
};

}  // namespace

RunOptions resume_options(const RunOptions& requested, const json& stored_flags) {
  RunOptions session = options_from_json(stored_flags);
  for (const std::string& given : requested.given_flags) {
    const auto* it = std::find_if(std::begin(kSessionFlags), std::end(kSessionFlags),
                                  [&](const SessionFlag& f) { return given == f.flag; });
    if (it == std::end(kSessionFlags)) {
      throw Error(fmt::format("{} cannot be given with --resume: a resumed run keeps the flags that decide its "
                              "results (tasks, tier, limit, models, sample seed, ...). Resume without {}, or "
                              "start a new run with it",
                              given, given),
                  ExitCode::bad_input);
    }
    if (it->take) it->take(session, requested);
  }
  session.env_file = requested.env_file;
  session.run_id = requested.resume;
  session.resume = requested.resume;
  session.output_dir = requested.output_dir;
  session.retry_errors = requested.retry_errors;
  session.render_report = requested.render_report;
  session.progress = requested.progress;
  session.dry_run = requested.dry_run;
  session.verbose = requested.verbose;
  session.output = requested.output;
  return session;
}

}  // namespace llmbench::run
