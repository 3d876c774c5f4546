#include "llmbench/tiers/merge.hpp"

#include <algorithm>
#include <cstdio>

#include <fmt/format.h>

#include "llmbench/error.hpp"
#include "llmbench/records/output_layout.hpp"
#include "llmbench/report/summary.hpp"
#include "llmbench/run/merge.hpp"
#include "llmbench/run/record_tally.hpp"
#include "llmbench/run/run_id.hpp"
#include "llmbench/run/session.hpp"
#include "llmbench/tiers/sweep.hpp"

namespace llmbench::tiers {

using nlohmann::json;

int merge_sweep(MergeOptions o) {
  const std::vector<run::ShardRun> shards = run::read_shards(o.shard_dirs, o.run_id);
  json run = run::merged_record(shards);
  const std::string run_id = run.value("id", "");
  if (run.contains("kind")) {  // perf and arena records have a kind; a sweep's has none
    throw Error(fmt::format("merge: run {} is {} run; merge takes the shards of `llmbench run`", run_id,
                            run["kind"].get<std::string>()));
  }
  // The run's own flags decide its data and models; this command decides where and with which keys.
  run::RunOptions options = run::options_from_json(run["flags"]);
  options.output_dir = o.session.output_dir;
  options.env_file = o.session.env_file;
  if (o.config_given) options.config = o.session.config;
  options.render_report = o.session.render_report;
  options.output = o.session.output;
  options.progress = run::Progress::none;
  options.run_id = run_id;
  run::RunSession session(options, "merge");
  const records::OutputLayout& out = session.layout();

  run::create_run_dir(out.dir(), run_id,
                      fmt::format("merge into another --output-dir, or remove {}", out.run_dir(run_id).string()));
  const std::string item_log = records::OutputLayout::item_log(run_id);
  try {
    const std::size_t records = run::merge_logs(shards, item_log, out);
    aggregate_logged_sweep(options, session, out.resolve(item_log), run);
    run["item_log"] = item_log;
    run["requests"]["resumed_items"] = 0;
    session.save(run);
    std::fprintf(session.human(), "Merged %zu shards of run %s (%zu item records) into %s\n", shards.size(),
                 run_id.c_str(), records, out.report_file().c_str());
  } catch (...) {
    std::error_code ignored;  // nothing of a refused merge is left behind
    std::filesystem::remove_all(out.run_dir(run_id), ignored);
    throw;
  }
  if (o.merge_cache) {
    const long long added = run::merge_caches(shards, out.cache_dir());
    std::fprintf(session.human(), "Cache: %lld responses added to %s\n", added, out.cache_dir().c_str());
  }
  std::fprintf(session.human(), "\n%s", report::render_summary(run).c_str());
  session.write_html(true);
  session.print_record(run);
  const bool failed_items = std::any_of(run["model_runs"].begin(), run["model_runs"].end(),
                                        [](const json& mr) { return mr.value("status", "") == "partial"; });
  return static_cast<int>(failed_items || run["overall_status"] == "fail" ? ExitCode::failures : ExitCode::ok);
}

}  // namespace llmbench::tiers
