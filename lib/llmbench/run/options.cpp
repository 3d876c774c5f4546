#include "llmbench/run/options.hpp"

namespace llmbench::run {

using nlohmann::json;

json options_to_json(const RunOptions& o) {
  return {{"config", o.config},
          {"env_file", o.env_file},
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
          {"score_truncated", o.score_truncated},
          {"concurrency", o.concurrency},
          {"retries", o.retries},
          {"timeout_s", o.timeout_s},
          {"max_response_bytes", o.max_response_bytes},
          {"max_retry_wait_s", o.max_retry_wait_s},
          {"no_cache", o.no_cache},
          {"cache_dir", o.cache_dir},
          {"baselines", o.baselines}};
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
  get("mode", o.mode);
  get("dataset", o.dataset);
  get("manual_dataset", o.manual_dataset);
  get("chunks", o.chunks);
  get("judge_pipeline_dataset", o.judge_pipeline_dataset);
  get("prompts_dir", o.prompts_dir);
  get("prompt_lang", o.prompt_lang);
  get("top_k", o.top_k);
  get("consistency_runs", o.consistency_runs);
  get("score_truncated", o.score_truncated);
  get("concurrency", o.concurrency);
  get("retries", o.retries);
  get("timeout_s", o.timeout_s);
  get("max_response_bytes", o.max_response_bytes);
  get("max_retry_wait_s", o.max_retry_wait_s);
  get("no_cache", o.no_cache);
  get("cache_dir", o.cache_dir);
  get("baselines", o.baselines);
  o.judge_eval_mode = f.value("judge_eval_mode", std::string("direct")) == "reasoned"
                          ? JudgeEvalMode::reasoned : JudgeEvalMode::direct;
  return o;
}

}  // namespace llmbench::run
