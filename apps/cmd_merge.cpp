// llmbench merge: the shards of a run (`run --shard I/N`, `arena run --shard I/N`) made into one run.
#include <memory>

#include "commands.hpp"
#include "llmbench/arena/arena_merge.hpp"
#include "llmbench/tiers/merge.hpp"

namespace llmbench::app {
namespace {

struct MergeFlags {
  run::MergeOptions options;
  std::vector<std::string> shard_dirs;
  std::string output = "text";
};

int run_merge(MergeFlags& flags) {
  run::MergeOptions options = flags.options;
  options.shard_dirs.assign(flags.shard_dirs.begin(), flags.shard_dirs.end());
  options.session.output = flags.output == "json" ? run::OutputFormat::json : run::OutputFormat::text;
  const std::vector<run::ShardRun> shards = run::read_shards(options.shard_dirs, options.run_id);
  if (shards.front().record.value("kind", "") == "arena") return arena::merge_arena(options, shards);
  return tiers::merge_sweep(options, shards);
}

}  // namespace

Runner setup_merge(CLI::App& app) {
  auto flags = std::make_shared<MergeFlags>();
  auto& o = flags->options;
  CLI::App* cmd = app.add_subcommand(
      "merge", "Merge the output dirs of a run's shards (run or arena run --shard I/N) into one run, metrics "
               "computed again; needs no config and no keys");
  cmd->add_option("SHARD_DIR", flags->shard_dirs, "The --output-dir of every shard, each once (any order)")
      ->required();
  cmd->add_option("--output-dir", o.session.output_dir,
                  "Where the merged run goes (its report, runs/<id>/); not a shard's dir")
      ->required();
  cmd->add_option("--run-id", o.run_id, "The sharded run to merge; default: the one in the first SHARD_DIR");
  cmd->add_flag("--merge-cache", o.merge_cache,
                "Also copy the shards' response caches into <output-dir>/cache (entries it lacks)");
  cmd->add_flag("--report", o.session.render_report, "Also write <output-dir>/report.html");
  cmd->add_option("--output", flags->output, "text (summary) or json (the merged record on stdout)")
      ->check(one_of({"text", "json"}))
      ->capture_default_str();
  return [flags] { return run_merge(*flags); };
}

}  // namespace llmbench::app
