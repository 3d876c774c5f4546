#include "llmbench/arena/arena_merge.hpp"

#include <fmt/format.h>

#include "llmbench/arena/arena.hpp"
#include "llmbench/error.hpp"
#include "llmbench/records/fields.hpp"
#include "llmbench/records/journal.hpp"
#include "llmbench/records/output_layout.hpp"
#include "llmbench/run/session.hpp"

namespace llmbench::arena {

using nlohmann::json;

int merge_arena(const run::MergeOptions& o, const std::vector<run::ShardRun>& shards) {
  json run = run::merged_record(shards);
  const std::string run_id = run.value("id", "");
  if (run.value("kind", "") != "arena") {
    throw Error(fmt::format("merge: run {} is not an arena run", run_id), ExitCode::internal);
  }
  run::SessionOptions options = o.session;
  options.run_id = run_id;
  options.progress = run::Progress::none;
  run::RunSession session(options, "merge");
  std::size_t planned = 0;  // the shards plan disjoint prompts
  for (const run::ShardRun& s : shards) {
    planned += s.record.value("arena", json::object()).value("battles_planned", std::size_t{0});
  }
  const std::string battles_log = records::OutputLayout::battles_log(run_id);
  run::merge_into(
      session, shards, run, battles_log, records::field::kBattleId,
      [&](json& merged, const std::filesystem::path& log) {
        const std::vector<json> lines = records::read_journal(log).records;
        merged["arena"] = arena_results(records::battle_records(lines), merged["flags"], planned, battles_log);
        merged["battles_log"] = battles_log;
      },
      o.merge_cache);
  return finish_arena(session, run);
}

}  // namespace llmbench::arena
