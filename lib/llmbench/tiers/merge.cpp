#include "llmbench/tiers/merge.hpp"

#include <algorithm>
#include <cstdio>

#include <fmt/format.h>

#include "llmbench/error.hpp"
#include "llmbench/records/output_layout.hpp"
#include "llmbench/report/summary.hpp"
#include "llmbench/run/session.hpp"
#include "llmbench/tiers/sweep.hpp"

namespace llmbench::tiers {

using nlohmann::json;

int merge_sweep(const run::MergeOptions& o, const std::vector<run::ShardRun>& shards) {
  json run = run::merged_record(shards);
  const std::string run_id = run.value("id", "");
  if (run.contains("kind")) {  // perf and arena records have a kind; a sweep's has none
    throw Error(fmt::format("merge: run {} is {} run; merge takes the shards of `llmbench run`", run_id,
                            run["kind"].get<std::string>()));
  }
  // The run's own flags decide its data and models; this command decides where the run goes.
  run::RunOptions options = run::options_from_json(run["flags"]);
  options.output_dir = o.session.output_dir;
  options.render_report = o.session.render_report;
  options.output = o.session.output;
  options.progress = run::Progress::none;
  options.run_id = run_id;
  run::RunSession session(options, "merge");
  const std::string item_log = records::OutputLayout::item_log(run_id);
  run::merge_into(
      session, shards, run, item_log, records::field::kKey,
      [&](json& merged, const std::filesystem::path& log) {
        aggregate_logged_sweep(options, session, log, merged);
        merged["item_log"] = item_log;
        merged["requests"]["resumed_items"] = 0;
      },
      o.merge_cache);
  std::fprintf(session.human(), "\n%s", report::render_summary(run).c_str());
  session.write_html(true);
  session.print_record(run);
  const bool failed_items = std::any_of(run["model_runs"].begin(), run["model_runs"].end(),
                                        [](const json& mr) { return mr.value("status", "") == "partial"; });
  return static_cast<int>(failed_items || run["overall_status"] == "fail" ? ExitCode::failures : ExitCode::ok);
}

}  // namespace llmbench::tiers
