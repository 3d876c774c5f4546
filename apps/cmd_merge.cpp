// llmbench merge: the shards of a run (`run --shard I/N`) made into one run.
#include <memory>

#include "commands.hpp"
#include "llmbench/tiers/merge.hpp"

namespace llmbench::app {
namespace {

struct MergeFlags {
  tiers::MergeOptions options;
  std::vector<std::string> shard_dirs;
  CLI::Option* config = nullptr;
  std::string output = "text";
};

int run_merge(MergeFlags& flags) {
  tiers::MergeOptions options = flags.options;
  options.shard_dirs.assign(flags.shard_dirs.begin(), flags.shard_dirs.end());
  options.config_given = flags.config->count() > 0;
  options.session.output = flags.output == "json" ? run::OutputFormat::json : run::OutputFormat::text;
  return tiers::merge_sweep(options);
}

}  // namespace

Runner setup_merge(CLI::App& app) {
  auto flags = std::make_shared<MergeFlags>();
  auto& o = flags->options;
  CLI::App* cmd = app.add_subcommand(
      "merge", "Merge the output dirs of a run's shards (run --shard I/N) into one run, metrics computed again");
  cmd->add_option("SHARD_DIR", flags->shard_dirs, "The --output-dir of every shard, each once (any order)")
      ->required();
  cmd->add_option("--output-dir", o.session.output_dir,
                  "Where the merged run goes (its report, runs/<id>/items.jsonl); not a shard's dir")
      ->required();
  cmd->add_option("--run-id", o.run_id, "The sharded run to merge; default: the one in the first SHARD_DIR");
  flags->config = cmd->add_option("--config", o.session.config,
                                  "models.yaml for the models' ids and prices; default: the config the shards used");
  cmd->add_option("--env-file", o.session.env_file,
                  "dotenv file the models' keys are resolved from (nothing is sent)")
      ->capture_default_str();
  cmd->add_flag("--merge-cache", o.merge_cache,
                "Also copy the shards' response caches into <output-dir>/cache (entries it lacks)");
  cmd->add_flag("--report", o.session.render_report, "Also write <output-dir>/report.html");
  cmd->add_option("--output", flags->output, "text (summary) or json (the merged record on stdout)")
      ->check(one_of({"text", "json"}))
      ->capture_default_str();
  return [flags] { return run_merge(*flags); };
}

}  // namespace llmbench::app
