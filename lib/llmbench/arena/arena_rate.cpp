#include "llmbench/arena/arena_rate.hpp"

#include <set>

#include <fmt/format.h>

#include "llmbench/arena/arena.hpp"
#include "llmbench/error.hpp"
#include "llmbench/records/output_layout.hpp"
#include "llmbench/report/store.hpp"
#include "llmbench/run/run_id.hpp"

namespace llmbench::arena {
namespace {

using nlohmann::json;

const char* winner_letter(Outcome outcome) {
  switch (outcome) {
    case Outcome::a_wins: return "a";
    case Outcome::b_wins: return "b";
    case Outcome::tie:
    case Outcome::tie_bothbad: return "tie";
  }
  return "tie";
}

// A CSV cell: a number as JSON writes it, empty for null, text quoted when it must be.
std::string cell(const json& v) {
  if (v.is_null()) return "";
  if (!v.is_string()) return v.dump();
  const std::string s = v.get<std::string>();
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string quoted = "\"";
  for (char c : s) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

}  // namespace

json rate_battles(const BattleFile& file, const std::string& source, const RateOptions& options) {
  std::set<std::string> models, prompts, voters, categories;
  std::vector<NamedOutcome> outcomes;
  outcomes.reserve(file.battles.size());
  std::size_t bothbad = 0;
  for (const ImportedBattle& b : file.battles) {
    models.insert(b.model_a);
    models.insert(b.model_b);
    if (!b.prompt_id.empty()) prompts.insert(b.prompt_id);
    if (!b.voter.empty()) voters.insert(b.voter);
    if (!b.category.empty()) categories.insert(b.category);
    if (b.outcome == Outcome::tie_bothbad) ++bothbad;
    outcomes.push_back({b.model_a, b.model_b, winner_letter(b.outcome)});
  }
  const std::vector<std::string> names(models.begin(), models.end());
  json arena;
  arena["method"] = "bradley_terry";
  arena["source"] = "imported";
  arena["battles_file"] = source;
  arena["rating_scale"] = {{"base", 1000}, {"scale", 400},
                           {"anchor", "the mean rating of the models that battled is 1000; 400 points = 10:1 odds"}};
  arena["bootstrap_rounds"] = options.bootstrap_rounds;
  arena["bootstrap_seed"] = options.bootstrap_seed;
  arena["pseudo_wins"] = options.pseudo_wins;
  arena["strong_weight"] = 1;
  arena["generation_models"] = names;
  arena["judge_models"] = json::array();
  arena["baseline"] = nullptr;
  arena["prompts"] = prompts.size();
  arena["voters"] = voters.size();
  arena["battles_total"] = file.battles.size();
  arena["battles_rated"] = file.battles.size();
  arena["battles_failed"] = 0;
  arena["bad_lines"] = file.bad_lines;
  arena["ties_bothbad"] = bothbad;
  arena["leaderboard"] =
      leaderboard(outcomes, names, options.bootstrap_rounds, options.bootstrap_seed, options.pseudo_wins);
  if (!categories.empty()) {
    json per = json::object();
    for (const std::string& category : categories) {
      std::vector<NamedOutcome> mine;
      for (std::size_t i = 0; i < file.battles.size(); ++i) {
        if (file.battles[i].category == category) mine.push_back(outcomes[i]);
      }
      per[category] = leaderboard(mine, names, options.bootstrap_rounds, options.bootstrap_seed, options.pseudo_wins);
    }
    arena["categories"] = std::move(per);
  }
  arena["win_rate"] = win_rate(outcomes, arena["leaderboard"]);
  arena["judge_bias"] = json::array();
  arena["judge_agreement"] = {{"judges", json::array()}, {"matrix", json::array()}};
  return arena;
}

std::string rate_csv(const json& arena) {
  std::string out = "rank,model,rating,ci_low,ci_high,battles,wins,losses,ties,elo\n";
  for (const json& row : arena.value("leaderboard", json::array())) {
    const json ci = row.value("ci95", json());
    const json low = ci.is_object() ? ci.value("low", json()) : json();
    const json high = ci.is_object() ? ci.value("high", json()) : json();
    out += fmt::format("{},{},{},{},{},{},{},{},{},{}\n", cell(row.value("rank", json())), cell(row.value("model", json())),
                       cell(row.value("rating", json())), cell(low), cell(high), cell(row.value("battles", json())),
                       cell(row.value("wins", json())), cell(row.value("losses", json())),
                       cell(row.value("ties", json())), cell(row.value("elo", json())));
  }
  return out;
}

std::string save_rate_record(const std::filesystem::path& output_dir, const std::filesystem::path& battles_file,
                             json arena, const json& flags) {
  const std::string run_id = run::new_run_id();
  run::create_run_dir(output_dir, run_id, "try again (run ids are drawn at random)");
  const records::OutputLayout layout(output_dir);
  const std::string copy = "runs/" + run_id + "/imported_battles.jsonl";
  std::error_code ec;
  std::filesystem::copy_file(battles_file, layout.resolve(copy), ec);
  if (ec) {
    throw Error(fmt::format("cannot copy {} to {}: {}", battles_file.string(), layout.resolve(copy).string(),
                            ec.message()),
                ExitCode::internal);
  }
  json record = new_arena_record(run_id, flags, battles_file.string(), "");
  record["dataset_type"] = "arena_import";
  arena["battles_file"] = copy;
  record["arena"] = std::move(arena);
  record["status"] = "completed";
  record["finished_at"] = record["timestamp"];
  report::upsert_run(layout.report_file(), record);
  return run_id;
}

}  // namespace llmbench::arena
