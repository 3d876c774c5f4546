#include "llmbench/arena/arena_rate.hpp"

#include <cmath>
#include <map>
#include <numeric>
#include <set>

#include <fmt/format.h>

#include "llmbench/arena/arena.hpp"
#include "llmbench/arena/voters.hpp"
#include "llmbench/metrics/style_control.hpp"
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

// The style-controlled leaderboard of the rated battles that carry their answers' style.
json style_controlled(const std::vector<const ImportedBattle*>& rated, const std::vector<std::string>& names,
                      const json& raw_board, const RateOptions& options, const std::string& source) {
  std::map<std::string, std::uint32_t> index;
  for (std::size_t i = 0; i < names.size(); ++i) index.emplace(names[i], static_cast<std::uint32_t>(i));
  std::vector<metrics::Battle> battles;
  std::vector<std::array<StyleCounts, 2>> styles;
  for (const ImportedBattle* b : rated) {
    if (!b->style) continue;
    const metrics::BattleResult result = b->outcome == Outcome::a_wins   ? metrics::BattleResult::a_wins
                                         : b->outcome == Outcome::b_wins ? metrics::BattleResult::b_wins
                                                                         : metrics::BattleResult::tie;
    battles.push_back({index.at(b->model_a), index.at(b->model_b), result});
    styles.push_back(*b->style);
  }
  if (battles.empty()) {
    throw InputError(source, 0, "--style-control: no battle carries its answers' style (conv_metadata, or answer_a and "
                                "answer_b)");
  }
  const std::vector<double> covariates = style_covariates(styles);
  const metrics::StyledBattles data{battles, covariates, kStyleFeatures};
  metrics::BootstrapOptions boot;
  boot.rounds = options.bootstrap_rounds;
  boot.seed = options.bootstrap_seed;
  boot.fit.pseudo_wins = options.pseudo_wins;
  const metrics::StyleFit fit = metrics::fit_style_controlled(data, names.size(), boot.fit);
  const std::vector<metrics::RatingInterval> intervals = metrics::style_controlled_intervals(data, names.size(), boot);
  const std::vector<int> ranks = metrics::ranks_from_intervals(intervals);
  std::map<std::string, json> raw;
  for (const json& row : raw_board) raw[row["model"].get<std::string>()] = row["rating"];
  std::vector<std::size_t> order(names.size());
  std::iota(order.begin(), order.end(), 0);
  const auto key = [&](std::size_t i) { return std::isfinite(fit.ratings[i]) ? fit.ratings[i] : -1e300; };
  std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) { return key(x) > key(y); });
  // Rounded to 1e-4 as the leaderboard's ratings are; NaN is null.
  const auto number = [](double v) { return std::isfinite(v) ? json(std::round(v * 1e4) / 1e4) : json(nullptr); };
  json board = json::array();
  for (std::size_t i : order) {
    board.push_back({{"model", names[i]},
                     {"rating", number(fit.ratings[i])},
                     {"ci95", std::isfinite(intervals[i].low) ? json{{"low", number(intervals[i].low)}, {"high", number(intervals[i].high)}}
                                                              : json(nullptr)},
                     {"rank", ranks[i] > 0 ? json(ranks[i]) : json(nullptr)},
                     {"raw_rating", raw[names[i]]}});
  }
  json coefficients = json::object();
  for (std::size_t f = 0; f < kStyleFeatures; ++f) coefficients[kStyleFeatureNames[f]] = number(fit.coefficients[f]);
  return {{"features", kStyleFeatureNames},
          {"coefficients", std::move(coefficients)},
          {"battles", battles.size()},
          {"battles_without_style", rated.size() - battles.size()},
          {"leaderboard", std::move(board)}};
}

}  // namespace

json rate_battles(const BattleFile& file, const std::string& source, const RateOptions& options) {
  std::vector<CrowdVote> votes;
  votes.reserve(file.battles.size());
  bool named = false;
  for (const ImportedBattle& b : file.battles) {
    named = named || !b.voter.empty();
    const VoteChoice choice = b.outcome == Outcome::a_wins   ? VoteChoice::a
                              : b.outcome == Outcome::b_wins ? VoteChoice::b
                                                             : VoteChoice::tie;
    votes.push_back({b.voter, b.prompt_id.empty() ? std::string() : unit_key(b.prompt_id, b.model_a, b.model_b),
                     b.model_a, b.model_b, choice});
  }
  const FilteredVotes filtered = filter_votes(votes, options.voters);
  std::set<std::string> models, prompts, voters, categories;
  std::vector<NamedOutcome> outcomes;
  std::vector<const ImportedBattle*> rated;
  outcomes.reserve(file.battles.size());
  std::size_t bothbad = 0;
  for (std::size_t i = 0; i < file.battles.size(); ++i) {
    const ImportedBattle& b = file.battles[i];
    models.insert(b.model_a);
    models.insert(b.model_b);
    if (!b.prompt_id.empty()) prompts.insert(b.prompt_id);
    if (!b.voter.empty()) voters.insert(b.voter);
    if (!filtered.keep[i]) continue;
    if (!b.category.empty()) categories.insert(b.category);
    if (b.outcome == Outcome::tie_bothbad) ++bothbad;
    outcomes.push_back({b.model_a, b.model_b, winner_letter(b.outcome)});
    rated.push_back(&b);
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
  arena["battles_rated"] = outcomes.size();
  arena["battles_failed"] = 0;
  arena["bad_lines"] = file.bad_lines;
  arena["ties_bothbad"] = bothbad;
  arena["leaderboard"] =
      leaderboard(outcomes, names, options.bootstrap_rounds, options.bootstrap_seed, options.pseudo_wins);
  if (!categories.empty()) {
    json per = json::object();
    for (const std::string& category : categories) {
      std::vector<NamedOutcome> mine;
      for (std::size_t i = 0; i < rated.size(); ++i) {
        if (rated[i]->category == category) mine.push_back(outcomes[i]);
      }
      per[category] = leaderboard(mine, names, options.bootstrap_rounds, options.bootstrap_seed, options.pseudo_wins);
    }
    arena["categories"] = std::move(per);
  }
  arena["win_rate"] = win_rate(outcomes, arena["leaderboard"]);
  arena["judge_bias"] = json::array();
  arena["judge_agreement"] = {{"judges", json::array()}, {"matrix", json::array()}};
  if (named) arena.update(voters_json(filtered, options.voters));
  if (options.style_control) arena["style_control"] = style_controlled(rated, names, arena["leaderboard"], options, source);
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
