#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "llmbench/arena/battle_file.hpp"
#include "llmbench/arena/style_features.hpp"
#include "llmbench/metrics/ratings.hpp"
#include "support/cli.hpp"

using nlohmann::json;
using llmbench::test::run_cli;
using llmbench::test::temp_dir;
using llmbench::test::write_text_file;
namespace metrics = llmbench::metrics;

namespace {

// `n` battle lines of a against b with the given winner.
std::string lines(const std::string& a, const std::string& b, const std::string& winner, int n,
                  const std::string& extra = "") {
  std::string out;
  for (int i = 0; i < n; ++i) {
    out += json({{"model_a", a}, {"model_b", b}, {"winner", winner}}).dump();
    if (!extra.empty()) out.insert(out.size() - 1, "," + extra);
    out += "\n";
  }
  return out;
}

json rate_json(const std::string& file, std::vector<std::string> extra = {}) {
  std::vector<std::string> args = {"arena", "rate", "--battles", file, "--format", "json", "--bootstrap", "200"};
  args.insert(args.end(), extra.begin(), extra.end());
  const auto r = run_cli(args);
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  return json::parse(r.out);
}

const json& row_of(const json& arena, const std::string& model) {
  for (const json& row : arena["leaderboard"]) {
    if (row["model"] == model) return row;
  }
  FAIL("no row for " << model);
  static const json none;
  return none;
}

// Hunter's MM iteration for Bradley-Terry (ties half a win each way), run until the strengths
// stop moving: the reference the Newton fit is checked against. Returns ratings on the
// 400*log10 scale around a mean of 1000.
std::vector<double> mm_fit(const metrics::PairCounts& counts) {
  const std::size_t n = counts.models();
  std::vector<double> s(n, 1.0);
  for (int iteration = 0; iteration < 100000; ++iteration) {
    std::vector<double> next(n);
    double change = 0;
    for (std::size_t i = 0; i < n; ++i) {
      double won = 0, denominator = 0;
      for (std::size_t j = 0; j < n; ++j) {
        if (i == j) continue;
        won += counts.wins(i, j);
        denominator += counts.games(i, j) / (s[i] + s[j]);
      }
      next[i] = won / denominator;
    }
    double log_mean = 0;
    for (double v : next) log_mean += std::log(v) / static_cast<double>(n);
    for (std::size_t i = 0; i < n; ++i) {
      next[i] /= std::exp(log_mean);
      change = std::max(change, std::abs(std::log(next[i] / s[i])));
    }
    s = next;
    if (change < 1e-14) break;
  }
  std::vector<double> ratings;
  for (double v : s) ratings.push_back(1000 + 400 * std::log10(v));
  return ratings;
}

}  // namespace

TEST_CASE("arena rate: two models rate 400*log10 of their win ratio apart, ties half a win each way", "[arena_rate]") {
  const std::string dir = temp_dir();
  // 20 wins, 10 ties and 10 losses for x: 25 : 15 after the ties are split.
  const std::string file = write_text_file(dir, "b.jsonl",
                                           lines("x", "y", "a", 12) + lines("y", "x", "model_b", 8) +
                                               lines("x", "y", "tie", 6) + lines("x", "y", "tie (bothbad)", 4) +
                                               lines("y", "x", "model_a", 10));
  const json arena = rate_json(file, {"--pseudo-wins", "0"});
  const json& x = row_of(arena, "x");
  const json& y = row_of(arena, "y");
  CHECK(x["rating"].get<double>() - y["rating"].get<double>() == Approx(400 * std::log10(25.0 / 15.0)).margin(2e-4));
  CHECK(x["rating"].get<double>() + y["rating"].get<double>() == Approx(2000).margin(2e-4));
  CHECK(x["wins"] == 20);
  CHECK(x["losses"] == 10);
  CHECK(x["ties"] == 10);
  CHECK(x["battles"] == 40);
  CHECK(arena["ties_bothbad"] == 4);
  CHECK(arena["battles_total"] == 40);
  CHECK(x["ci95"]["low"].get<double>() <= x["rating"].get<double>());
  CHECK(x["ci95"]["high"].get<double>() >= x["rating"].get<double>());
  CHECK(x["elo"].is_number());
  CHECK(arena["leaderboard"][0]["model"] == "x");
}

TEST_CASE("arena rate: three models whose counts agree with one set of strengths get exactly those", "[arena_rate]") {
  // s_p : s_q : s_r = 4 : 2 : 1, and every pair's wins are in that ratio, so the maximum-
  // likelihood fit is exact: q sits at the mean, p and r 400*log10(2) above and below.
  const std::string dir = temp_dir();
  const std::string file = write_text_file(dir, "b.jsonl",
                                           lines("p", "q", "a", 20) + lines("p", "q", "b", 10) + lines("q", "r", "a", 20) +
                                               lines("q", "r", "b", 10) + lines("r", "p", "a", 6) +
                                               lines("r", "p", "b", 24));
  const json arena = rate_json(file, {"--pseudo-wins", "0"});
  CHECK(row_of(arena, "q")["rating"].get<double>() == Approx(1000).margin(2e-4));
  CHECK(row_of(arena, "p")["rating"].get<double>() == Approx(1000 + 400 * std::log10(2.0)).margin(2e-4));
  CHECK(row_of(arena, "r")["rating"].get<double>() == Approx(1000 - 400 * std::log10(2.0)).margin(2e-4));
  CHECK(arena["pseudo_wins"] == 0);
}

TEST_CASE("arena rate: the plain fit agrees with an iterative MM fit to 1e-6 on 20 models", "[arena_rate]") {
  std::mt19937_64 rng(11);
  std::uniform_int_distribution<std::uint32_t> pick(0, 19);
  std::uniform_real_distribution<double> unit(0, 1);
  std::vector<metrics::Battle> battles;
  while (battles.size() < 5000) {
    const std::uint32_t a = pick(rng), b = pick(rng);
    if (a == b) continue;
    const double p_a = 1 / (1 + std::pow(10.0, -15.0 * (double(a) - double(b)) / 400));
    const double u = unit(rng);
    battles.push_back({a, b, u < 0.1 ? metrics::BattleResult::tie
                             : unit(rng) < p_a ? metrics::BattleResult::a_wins : metrics::BattleResult::b_wins});
  }
  const auto counts = metrics::count_pairs(battles, 20);
  metrics::BtOptions plain;
  plain.pseudo_wins = 0;
  const auto newton = metrics::fit_bradley_terry(counts, plain);
  const auto mm = mm_fit(counts);
  for (std::size_t i = 0; i < 20; ++i) CHECK(std::abs(newton[i] - mm[i]) < 1e-6);
}

TEST_CASE("arena rate: ranks count the models whose interval lies wholly above, and the bootstrap is seeded",
          "[arena_rate]") {
  const std::string dir = temp_dir();
  const std::string file =
      write_text_file(dir, "b.jsonl", lines("top", "mid", "a", 90) + lines("top", "mid", "b", 10) +
                                          lines("mid", "low", "a", 55) + lines("mid", "low", "b", 45) +
                                          lines("top", "low", "a", 95) + lines("top", "low", "b", 5));
  const json arena = rate_json(file, {"--seed", "3"});
  CHECK(row_of(arena, "top")["rank"] == 1);
  // mid and low overlap each other but both lie below top.
  CHECK(row_of(arena, "mid")["rank"] == 2);
  CHECK(row_of(arena, "low")["rank"] == 2);
  for (const json& row : arena["leaderboard"]) {
    int above = 0;
    for (const json& other : arena["leaderboard"]) {
      if (other["ci95"]["low"].get<double>() > row["ci95"]["high"].get<double>()) ++above;
    }
    CHECK(row["rank"] == 1 + above);
  }
  CHECK(rate_json(file, {"--seed", "3"}) == arena);
  CHECK(rate_json(file, {"--seed", "4"})["leaderboard"] != arena["leaderboard"]);
}

TEST_CASE("arena rate: a bad line is an error naming file:line and what is wrong, --skip-bad counts it",
          "[arena_rate]") {
  const std::string dir = temp_dir();
  const std::string good = lines("x", "y", "a", 3);
  for (const auto& [line, message] : std::vector<std::pair<std::string, std::string>>{
           {R"({"model_a": "x", "model_b": "y", "winner": "c"})", R"(winner "c" is not one of a, b, tie)"},
           {R"({"model_a": "x", "winner": "a"})", "model_b is missing"},
           {R"({"model_a": "x", "model_b": "x", "winner": "a"})", "the same model"},
           {R"({"model_a": 3, "model_b": "y", "winner": "a"})", "model_a must be a non-empty string"},
           {R"({"model_a": "x", "model_b": "y", "winner": "a", "voter": 7})", "voter must be a string"},
           {R"({"model_a": "x", "model_b": "y", "winner": "a")", "not valid JSON"},
           {R"(["x", "y", "a"])", "not a JSON object"}}) {
    const std::string file = write_text_file(dir, "b.jsonl", good + line + "\n" + good);
    const auto r = run_cli({"arena", "rate", "--battles", file});
    INFO(line << "\n" << r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find(file + ":4: ") != std::string::npos);
    CHECK(r.err.find(message) != std::string::npos);
    CHECK(r.out.empty());
    const json arena = rate_json(file, {"--skip-bad"});
    CHECK(arena["bad_lines"] == 1);
    CHECK(arena["battles_total"] == 6);
  }
  const auto missing = run_cli({"arena", "rate", "--battles", dir + "/none.jsonl"});
  CHECK(missing.exit_code == 2);
  CHECK(missing.err.find(dir + "/none.jsonl: cannot read") != std::string::npos);
}

TEST_CASE("arena rate: the table and CSV show ranks, intervals, counts and Elo per model", "[arena_rate]") {
  const std::string dir = temp_dir();
  const std::string file = write_text_file(dir, "b.jsonl", lines("x,1", "y", "a", 7) + lines("x,1", "y", "tie", 2) +
                                                                lines("x,1", "y", "b", 3));
  const auto table = run_cli({"arena", "rate", "--battles", file, "--bootstrap", "50"});
  INFO(table.err);
  REQUIRE(table.exit_code == 0);
  CHECK(table.out.find("12 battles between 2 models") != std::string::npos);
  CHECK(table.out.find("online Elo") != std::string::npos);
  CHECK(table.out.find("95% interval") != std::string::npos);
  const auto csv = run_cli({"arena", "rate", "--battles", file, "--bootstrap", "50", "--format", "csv"});
  REQUIRE(csv.exit_code == 0);
  std::istringstream in(csv.out);
  std::string header, first;
  std::getline(in, header);
  std::getline(in, first);
  CHECK(header == "rank,model,rating,ci_low,ci_high,battles,wins,losses,ties,elo");
  CHECK(first.rfind("1,\"x,1\",", 0) == 0);
  CHECK(first.find(",12,7,3,2,") != std::string::npos);
}

TEST_CASE("arena rate: --output-dir appends an arena record the report's Arena tab shows", "[arena_rate]") {
  const std::string dir = temp_dir();
  const std::string file = write_text_file(
      dir, "b.jsonl",
      lines("x", "y", "a", 6, R"("category": "code")") + lines("x", "y", "b", 4, R"("category": "chat")"));
  const auto r = run_cli({"arena", "rate", "--battles", file, "--bootstrap", "50", "--output-dir", dir + "/out",
                          "--format", "json"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  std::ifstream in(dir + "/out/benchmark_runs.json");
  const json runs = json::parse(in);
  REQUIRE(runs.size() == 1);
  const json& run = runs[0];
  CHECK(run["kind"] == "arena");
  CHECK(run["status"] == "completed");
  CHECK(run["arena"]["leaderboard"] == json::parse(r.out)["leaderboard"]);
  CHECK(run["arena"]["categories"].contains("code"));
  const std::string copy = run["arena"]["battles_file"].get<std::string>();
  CHECK(std::filesystem::file_size(dir + "/out/" + copy) == std::filesystem::file_size(file));
  CHECK(r.err.find("recorded as arena run " + run["id"].get<std::string>()) != std::string::npos);
  const auto page = run_cli({"report", "--output-dir", dir + "/out"});
  REQUIRE(page.exit_code == 0);
  std::ifstream html(dir + "/out/report.html");
  std::stringstream text;
  text << html.rdbuf();
  CHECK(text.str().find("\"source\":\"imported\"") != std::string::npos);
}

TEST_CASE("arena rate: battles that name voters get per-voter statistics, and a flagged voter can be left out",
          "[arena_rate]") {
  // On 8 prompts h1 and h2 say X beat Y; mallory says Y won every time.
  std::string text;
  for (int p = 0; p < 8; ++p) {
    const std::string prompt = "\"prompt_id\": \"p" + std::to_string(p) + "\"";
    text += lines("X", "Y", "model_a", 1, "\"voter\": \"h1\"," + prompt);
    text += lines("Y", "X", "b", 1, "\"voter\": \"h2\"," + prompt);
    text += lines("X", "Y", "model_b", 1, "\"voter\": \"mallory\"," + prompt);
  }
  const std::string file = write_text_file(temp_dir("rate-voters"), "votes.jsonl", text);

  const json all = rate_json(file);
  CHECK(all["battles_rated"] == 24);
  REQUIRE(all["voter_stats"].size() == 3);
  const json& mallory = all["voter_stats"][2];
  CHECK(mallory["voter"] == "mallory");
  CHECK(mallory["votes"] == 8);
  CHECK(mallory["agreement"] == 0.0);
  CHECK(mallory["a_share"] == 0.0);
  CHECK(mallory["p_value"] == Approx(1.0 / 256));
  CHECK(mallory["flagged"] == true);
  CHECK(all["voter_stats"][0]["flagged"] == false);
  CHECK(row_of(all, "X")["wins"] == 16);

  const json honest = rate_json(file, {"--exclude-flagged-voters"});
  CHECK(honest["battles_rated"] == 16);
  CHECK(honest["voter_filter"]["excluded_voters"] == json::array({"mallory"}));
  CHECK(row_of(honest, "Y")["wins"] == 0);
  CHECK(row_of(honest, "X")["rating"].get<double>() - row_of(all, "X")["rating"].get<double>() > 50);

  const json capped = rate_json(file, {"--max-votes-per-voter", "2"});
  CHECK(capped["battles_rated"] == 6);
  CHECK(capped["voter_filter"]["capped"] == 18);

  const auto table = run_cli({"arena", "rate", "--battles", file, "--bootstrap", "0"});
  REQUIRE(table.exit_code == 0);
  CHECK(table.out.find("Voters (3;") != std::string::npos);
  CHECK(table.out.find("mallory") != std::string::npos);
}

namespace {

// 600 battles between X and Y, equal but for length: the longer answer wins 4 times in 5,
// whoever gave it, and X gives the longer answer 3 times in 4, so X wins 65% of its battles.
// Who is shown first (i % 3) is independent of both. Even lines carry LMSYS's conv_metadata,
// odd lines the answers' text.
std::string longer_wins_battles() {
  std::string out;
  for (int i = 0; i < 600; ++i) {
    const bool x_longer = i % 4 != 0, longer_wins = i % 5 != 0, x_first = i % 3 != 0;
    const bool a_longer = x_longer == x_first;
    const int a_words = a_longer ? 300 : 100, b_words = a_longer ? 100 : 300;
    json line = {{"model_a", x_first ? "X" : "Y"}, {"model_b", x_first ? "Y" : "X"},
                 {"winner", longer_wins == a_longer ? "model_a" : "model_b"}};
    if (i % 2 == 0) {
      line["conv_metadata"] = {{"sum_assistant_a_tokens", a_words}, {"sum_assistant_b_tokens", b_words},
                               {"header_count_a", {{"h1", 0}, {"h2", 0}}}, {"header_count_b", {{"h1", 0}, {"h2", 0}}},
                               {"list_count_a", {{"ordered", 0}, {"unordered", 0}}},
                               {"list_count_b", {{"ordered", 0}, {"unordered", 0}}},
                               {"bold_count_a", {{"**", 0}, {"__", 0}}}, {"bold_count_b", 0}};
    } else {
      std::string a, b;
      for (int w = 0; w < a_words; ++w) a += "word ";
      for (int w = 0; w < b_words; ++w) b += "word ";
      line["answer_a"] = a;
      line["answer_b"] = b;
    }
    out += line.dump() + "\n";
  }
  return out;
}

}  // namespace

TEST_CASE("arena rate: style control: a model that wins only by being longer drops to the other's rating, the raw "
          "rating stays", "[arena_rate]") {
  const std::string file = write_text_file(temp_dir("rate-style"), "battles.jsonl", longer_wins_battles());
  const json raw = rate_json(file);
  const json styled = rate_json(file, {"--style-control"});
  CHECK(styled["leaderboard"] == raw["leaderboard"]);  // the raw ratings are unchanged
  CHECK_FALSE(raw.contains("style_control"));
  const double raw_gap = row_of(raw, "X")["rating"].get<double>() - row_of(raw, "Y")["rating"].get<double>();
  CHECK(raw_gap == Approx(400 * std::log10(0.65 / 0.35)).margin(3));  // ~107.5

  const json& style = styled["style_control"];
  CHECK(style["battles"] == 600);
  CHECK(style["battles_without_style"] == 0);
  CHECK(style["coefficients"]["length"].get<double>() > 0.5);  // the longer answer is favoured
  CHECK(style["coefficients"]["bold"] == 0.0);
  json by_model;
  for (const json& row : style["leaderboard"]) by_model[row["model"].get<std::string>()] = row;
  const double controlled_gap = by_model["X"]["rating"].get<double>() - by_model["Y"]["rating"].get<double>();
  CHECK(std::abs(controlled_gap) < 3);
  CHECK(by_model["X"]["raw_rating"] == row_of(raw, "X")["rating"]);
  CHECK(by_model["X"]["ci95"]["low"].get<double>() < by_model["Y"]["ci95"]["high"].get<double>());
  CHECK(by_model["X"]["rank"] == 1);
  CHECK(by_model["Y"]["rank"] == 1);

  const auto table = run_cli({"arena", "rate", "--battles", file, "--style-control", "--bootstrap", "50"});
  INFO(table.out << table.err);
  REQUIRE(table.exit_code == 0);
  CHECK(table.out.find("Style-controlled (600 battles") != std::string::npos);
  CHECK(table.out.find("coefficients") != std::string::npos);
}

TEST_CASE("arena rate: style control needs battles with their answers' style, a malformed conv_metadata is a bad line",
          "[arena_rate]") {
  const std::string dir = temp_dir("rate-style-bad");
  const std::string plain = write_text_file(dir, "plain.jsonl", lines("X", "Y", "a", 3));
  const auto none = run_cli({"arena", "rate", "--battles", plain, "--style-control"});
  CHECK(none.exit_code == 2);
  CHECK(none.err.find("--style-control: no battle carries") != std::string::npos);

  const std::string bad = write_text_file(
      dir, "bad.jsonl", lines("X", "Y", "a", 1) + lines("X", "Y", "b", 1, R"("conv_metadata": {"sum_assistant_a_tokens": 3})"));
  const auto refused = run_cli({"arena", "rate", "--battles", bad});
  CHECK(refused.exit_code == 2);
  CHECK(refused.err.find("bad.jsonl:2: conv_metadata.sum_assistant_b_tokens is missing") != std::string::npos);
}

TEST_CASE("arena rate: an answer's style counts words, headers, list items and bold spans, outside code blocks",
          "[arena_rate]") {
  const llmbench::arena::StyleCounts c = llmbench::arena::style_counts(
      "# Title\n\nSome **bold** and __also__ text.\n- one\n- two\n1. first\n```\n# not a header\n- not a list\n```\n");
  CHECK(c[0] == 23);  // words, code included
  CHECK(c[1] == 1);   // headers
  CHECK(c[2] == 3);   // list items
  CHECK(c[3] == 2);   // bold spans
}
