// llmbench arena import: merges votes cast elsewhere (other people's `arena vote --voter`
// logs, a form's export) into an arena run's vote log and stores the human leaderboard and
// per-voter statistics of every vote (arena/vote_import.hpp).
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "commands.hpp"
#include "llmbench/arena/arena_analysis.hpp"
#include "llmbench/arena/arena_votes.hpp"
#include "llmbench/arena/vote_import.hpp"
#include "llmbench/arena/voters.hpp"
#include "llmbench/error.hpp"
#include "llmbench/records/battle_record.hpp"
#include "llmbench/records/journal.hpp"
#include "llmbench/records/output_layout.hpp"
#include "llmbench/report/store.hpp"
#include "llmbench/util/terminal.hpp"

namespace llmbench::app {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

struct ImportFlags {
  std::vector<std::string> files;
  std::string output_dir = "benchmarks/reports";
  std::string run_id;  // "" = the newest arena run
  arena::VoterFilter filter;
};

// The arena run `id` names (the newest with ""), from the report `file`.
json arena_run_named(const json& runs, const std::string& id, const fs::path& file) {
  for (auto it = runs.rbegin(); it != runs.rend(); ++it) {
    const bool has_battles = it->value("kind", std::string()) == "arena" && it->contains("arena") &&
                             it->at("arena").value("source", std::string()) != "imported";
    if (has_battles && (id.empty() || it->value("id", std::string()) == id)) return *it;
  }
  throw InputError(file.string(), 0,
                   id.empty() ? "no arena run with battles here; run `llmbench arena run` first"
                              : fmt::format("no arena run with battles has id {}", util::terminal_safe(id)));
}

int run_arena_import(const ImportFlags& flags) {
  const fs::path dir = flags.output_dir;
  const fs::path report_file = dir / report::kReportFileName;
  const json record = arena_run_named(report::read_runs(report_file), flags.run_id, report_file);
  const std::string id = record["id"].get<std::string>();
  const records::OutputLayout layout(dir);
  const std::string log = record["arena"].value("battles_log", records::OutputLayout::battles_log(id));
  const std::vector<records::BattleRecord> battles = records::battle_records(records::read_journal(dir / log).records);
  const fs::path votes_path = layout.resolve(records::OutputLayout::votes_log(id));
  records::JournalContents previous = records::read_journal(votes_path);
  if (previous.dropped_torn_tail) records::truncate_journal(votes_path, previous.valid_bytes);
  std::vector<json> lines = std::move(previous.records);

  const std::vector<fs::path> files(flags.files.begin(), flags.files.end());
  const arena::VoteImport imported = arena::read_vote_files(files, battles, arena::latest_votes(lines));
  {
    records::JournalWriter writer(votes_path);
    for (const records::VoteRecord& v : imported.added) {
      lines.push_back(json(v));
      writer.append(lines.back());
    }
  }
  const json human = arena::record_human_votes(dir, record, battles, arena::latest_votes(lines), flags.filter);

  std::string text = fmt::format("Imported {} vote(s) from {} file(s) into arena run {} ({}).\n", imported.added.size(),
                                 files.size(), util::terminal_safe(id), votes_path.string());
  if (imported.duplicates > 0) {
    text += fmt::format("{} duplicate(s) by (voter, battle) not counted again ({} with another outcome); the first:\n",
                        imported.duplicates, imported.conflicting);
    for (const std::string& e : imported.duplicate_examples) text += "  " + util::terminal_safe(e) + "\n";
  }
  text += fmt::format("\nLeaderboard from {} vote(s) (Bradley-Terry, 95% bootstrap interval):\n",
                      human.value("voter_filter", json::object()).value("votes_rated", human.value("votes", 0)));
  text += arena::leaderboard_text(human["leaderboard"]);
  if (human.contains("voter_stats")) text += "\n" + arena::voters_text(human["voter_stats"]);
  std::fwrite(text.data(), 1, text.size(), stdout);
  return 0;
}

}  // namespace

Runner setup_arena_import(CLI::App& arena) {
  auto flags = std::make_shared<ImportFlags>();
  CLI::App* cmd = arena.add_subcommand(
      "import", "Merge votes cast elsewhere (JSONL: voter, key or prompt_id, model_a, model_b, vote) into an arena "
                "run's votes; duplicates by (voter, battle) are reported and not counted twice");
  cmd->add_option("files", flags->files, "Vote files (JSONL), e.g. other voters' runs/<id>/votes.jsonl")
      ->required();
  cmd->add_option("--output-dir", flags->output_dir, "Directory holding benchmark_runs.json and runs/")
      ->capture_default_str();
  cmd->add_option("--run", flags->run_id, "Arena run id (default: the newest arena run with battles)");
  add_voter_filter_flags(*cmd, flags->filter);
  return [flags] { return run_arena_import(*flags); };
}

}  // namespace llmbench::app
