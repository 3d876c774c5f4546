#pragma once
// Everything `llmbench run` was asked to do. Filled by apps/cmd_run.cpp from flags (or,
// on --resume, from the run being resumed); read by the planner.

#include <cstdint>
#include <string>
#include <vector>

namespace llmbench::run {

enum class Progress { auto_, bar, plain, none };
enum class JudgeEvalMode { direct, reasoned };

struct RunOptions {
  std::string config = "configs/models.yaml";
  std::string env_file = ".env.benchmark-models";
  std::vector<std::string> tiers;  // 0,1,2,3,judge,judge_pipeline,standard (or all)
  std::vector<std::string> tasks;  // standard tasks: mmlu, gsm8k, ...
  std::string limit;               // "" = all items, "30" = 30 items, "0.1" = a tenth
  std::uint64_t sample_seed = 1234;
  int num_fewshot = 0;
  std::vector<std::string> generation_models;
  std::vector<std::string> judge_models;
  std::vector<std::string> production_judge_models;
  JudgeEvalMode judge_eval_mode = JudgeEvalMode::direct;
  int consistency_runs = 1;
  int concurrency = 32;
  int retries = 4;
  double timeout_s = 120;
  std::string output_dir = "benchmarks/reports";
  std::string run_id;  // "" = generated
  std::string resume;  // run id to resume
  Progress progress = Progress::auto_;
  bool dry_run = false;
  bool verbose = false;
};

}  // namespace llmbench::run
