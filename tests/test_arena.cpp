#include <catch2/catch.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "llmbench/arena/arena_analysis.hpp"
#include "llmbench/arena/arena_votes.hpp"
#include "llmbench/records/journal.hpp"
#include "llmbench/records/vote_record.hpp"
#include "support/cli.hpp"

using nlohmann::json;
using llmbench::test::run_cli;
using llmbench::test::StdinText;
using llmbench::test::temp_dir;
using llmbench::test::slurp;
using llmbench::test::write_text_file;

namespace {

const std::string kModels = "sim-small,sim-medium,sim-large";

// Four prompts in two categories. The simulator copies sentences of a "Context:" block into
// its answers, so the third prompt makes the models answer with a <script> element.
std::string write_prompts(const std::string& dir) {
  const std::string path = dir + "/prompts.jsonl";
  std::ofstream out(path);
  out << R"({"id": "p1", "category": "writing", "prompt": "Write a haiku about the sea."})" << "\n"
      << R"({"id": "p2", "category": "writing", "prompt": "Describe autumn in two sentences."})" << "\n"
      << R"({"id": "p3", "category": "facts", "prompt": "Context: <script>window.__arena=1</script> The Nile is long.\nQuestion: Which river is long?"})"
      << "\n"
      << R"({"id": "p4", "category": "facts", "prompt": "Name three prime numbers and say why they are prime."})" << "\n";
  return path;
}

json read_report(const std::string& dir) { return json::parse(slurp(dir + "/benchmark_runs.json")); }

std::vector<json> read_lines(const std::string& path) { return llmbench::records::read_journal(path).records; }

// An arena over the four prompts in `dir`; returns the run record.
json run_arena(const std::string& dir, const std::vector<std::string>& extra = {}) {
  std::vector<std::string> args = {"arena", "run", "--generation-models", kModels, "--dataset", write_prompts(dir),
                                   "--output-dir", dir, "--progress", "none", "--bootstrap-rounds", "200",
                                   "--no-cache", "--run-id", "arena-test"};
  args.insert(args.end(), extra.begin(), extra.end());
  const auto r = run_cli(args);
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  return read_report(dir).back();
}

}  // namespace

TEST_CASE("arena: a run against the simulator rates three models with intervals and logs every battle", "[arena]") {
  const std::string dir = temp_dir("arena-run");
  const json run = run_arena(dir, {"--judge-models", "sim-medium"});
  CHECK(run["kind"] == "arena");
  CHECK(run["status"] == "completed");
  const json& arena = run["arena"];
  REQUIRE(arena["leaderboard"].size() == 3);
  for (const json& row : arena["leaderboard"]) {
    INFO(row.dump());
    REQUIRE(row["ci95"].is_object());
    CHECK(row["ci95"]["low"].get<double>() <= row["rating"].get<double>());
    CHECK(row["rating"].get<double>() <= row["ci95"]["high"].get<double>());
    CHECK(row["rank"].get<int>() >= 1);
    CHECK(row["battles"].get<int>() == 16);  // 2 opponents x 4 prompts x 2 orders
  }
  // 3 pairs x 4 prompts x 2 orders x 1 judge
  CHECK(arena["battles_total"] == 24);
  CHECK(arena["win_rate"]["models"].size() == 3);
  CHECK(arena["categories"].contains("writing"));
  CHECK(arena["categories"].contains("facts"));
  REQUIRE(arena["judge_bias"].size() == 1);
  CHECK(arena["judge_bias"][0]["self_win_rate"].is_number());  // sim-medium judges and competes
  const auto battles = read_lines(dir + "/runs/arena-test/battles.jsonl");
  REQUIRE(battles.size() == 24);
  for (const json& b : battles) {
    CHECK_FALSE(b["answer_a"].get<std::string>().empty());
    CHECK_FALSE(b["answer_b"].get<std::string>().empty());
    CHECK(b["model_a"] != b["model_b"]);
    CHECK((b["winner"] == "a" || b["winner"] == "b" || b["winner"] == "tie"));
    if (b["flip"].get<bool>()) CHECK(b["winner"] == "tie");
  }
  CHECK(slurp(dir + "/runs/arena-test/battles.jsonl").find("<script>window.__arena=1</script>") != std::string::npos);
}

TEST_CASE("arena: two judges each judge every pair in both orders, and --baseline limits the pairs", "[arena]") {
  const std::string dir = temp_dir("arena-judges");
  const json run = run_arena(dir, {"--judge-models", "sim-medium,sim-large", "--baseline", "sim-small"});
  const json& arena = run["arena"];
  // 2 pairs (each vs sim-small) x 4 prompts x 2 orders x 2 judges
  CHECK(arena["battles_total"] == 32);
  CHECK(arena["baseline"] == "sim-small");
  CHECK(arena["judge_bias"].size() == 2);
  CHECK(arena["judge_agreement"]["judges"].size() == 2);
  CHECK(arena["judge_bias"][0]["agreement"].contains("sim-large"));
  for (const json& b : read_lines(dir + "/runs/arena-test/battles.jsonl")) {
    CHECK((b["model_a"] == "sim-small" || b["model_b"] == "sim-small"));
  }
}

TEST_CASE("arena: a prompt file line without a prompt is refused before any model is asked", "[arena]") {
  const std::string dir = temp_dir("arena-bad");
  {
    std::ofstream out(dir + "/bad.jsonl");
    out << R"({"prompt": "fine"})" << "\n" << R"({"question": "no prompt field"})" << "\n";
  }
  const auto r = run_cli({"arena", "run", "--generation-models", kModels, "--judge-models", "sim-medium", "--dataset",
                          dir + "/bad.jsonl", "--output-dir", dir, "--no-cache"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("bad.jsonl:2") != std::string::npos);
  CHECK(r.err.find("prompt") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir + "/benchmark_runs.json"));
  const auto one = run_cli({"arena", "run", "--generation-models", "sim-small", "--judge-models", "sim-medium",
                            "--dataset", dir + "/bad.jsonl", "--output-dir", dir, "--no-cache"});
  CHECK(one.exit_code == 2);
}

TEST_CASE("arena: votes are saved as cast, blind, and a second session resumes where the first stopped", "[arena]") {
  const std::string dir = temp_dir("arena-vote");
  run_arena(dir, {"--judge-models", "sim-medium"});
  const std::string votes_path = dir + "/runs/arena-test/votes.jsonl";

  auto first = run_cli({"arena", "vote", "--output-dir", dir}, StdinText{"a\nz\nb\ns\nq\n"});
  INFO(first.out << first.err);
  REQUIRE(first.exit_code == 0);
  CHECK(first.out.find("1/12") != std::string::npos);
  CHECK(first.out.find("Please press") != std::string::npos);  // "z" is not a key
  for (const char* model : {"sim-small", "sim-medium", "sim-large"}) CHECK(first.out.find(model) == std::string::npos);
  auto votes = read_lines(votes_path);
  REQUIRE(votes.size() == 2);
  CHECK(votes[0]["vote"] == "a");
  CHECK(votes[1]["vote"] == "b");
  CHECK(votes[0]["winner_model"] == votes[0]["model_a"]);

  // The session resumes at the third pair (the skipped one comes back); end of input quits.
  std::string keys;
  for (int i = 0; i < 10; ++i) keys += i % 3 == 0 ? "t\n" : i % 3 == 1 ? "x\n" : "a\n";
  auto second = run_cli({"arena", "vote", "--output-dir", dir, "--run", "arena-test", "--reveal"}, StdinText{keys});
  INFO(second.out << second.err);
  REQUIRE(second.exit_code == 0);
  CHECK(second.out.find("2 already voted") != std::string::npos);
  CHECK(second.out.find("3/12") != std::string::npos);
  CHECK(second.out.find("Who was who") != std::string::npos);
  CHECK(second.out.find("sim-large") != std::string::npos);
  CHECK(read_lines(votes_path).size() == 12);
  const json arena = read_report(dir).back()["arena"];
  CHECK(arena["human"]["votes"] == 12);
  CHECK(arena["human"]["leaderboard"].size() == 3);
  CHECK(arena["judge_bias"][0]["human_agreement"].is_number());

  auto third = run_cli({"arena", "vote", "--output-dir", dir}, StdinText{"a\n"});
  CHECK(third.out.find("12 already voted") != std::string::npos);
  CHECK(read_lines(votes_path).size() == 12);

  // Every vote line round-trips through its typed form byte for byte.
  std::ifstream in(votes_path);
  for (std::string line; std::getline(in, line);) CHECK(json(json::parse(line).get<llmbench::records::VoteRecord>()).dump() == line);
}

TEST_CASE("arena: the HTML report gets an Arena tab whose answers are text, never markup", "[arena]") {
  const std::string dir = temp_dir("arena-html");
  run_arena(dir, {"--judge-models", "sim-medium"});
  const auto r = run_cli({"report", "--output-dir", dir});
  REQUIRE(r.exit_code == 0);
  const std::string html = slurp(dir + "/report.html");
  CHECK(html.find("<script>window.__arena") == std::string::npos);
  CHECK(html.find("\\u003cscript\\u003ewindow.__arena=1") != std::string::npos);

  // In a real browser: the page is rendered at #arena and the DOM dumped.
  if (!std::filesystem::exists("/usr/bin/chromium")) {
    WARN("chromium is not installed: the rendered Arena tab is not checked");
    return;
  }
  const std::string cmd = "timeout 60 /usr/bin/chromium --headless --no-sandbox --disable-gpu --virtual-time-budget=5000 "
                          "--dump-dom 'file://" + dir + "/report.html#arena' 2>/dev/null";
  std::string dom;
  if (FILE* pipe = ::popen(cmd.c_str(), "r")) {
    char buffer[65536];
    for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) dom.append(buffer, n);
    ::pclose(pipe);
  }
  REQUIRE_FALSE(dom.empty());
  CHECK(dom.find("data-tab=\"arena\"") != std::string::npos);
  CHECK(dom.find("data-table-id=\"arena-leaderboard\"") != std::string::npos);
  CHECK(dom.find("data-table-id=\"arena-winrate\"") != std::string::npos);
  CHECK(dom.find("data-table-id=\"arena-bias\"") != std::string::npos);
  CHECK(dom.find("data-table-id=\"arena-battles\"") != std::string::npos);
  // The answer quoting <script> is shown as text (escaped in the DOM), and it never ran.
  CHECK(dom.find("&lt;script&gt;window.__arena=1&lt;/script&gt;") != std::string::npos);
  CHECK(dom.find("<script>window.__arena") == std::string::npos);
}

TEST_CASE("arena: judge bias counts first-position wins, flips, longer-answer wins and self-preference", "[arena]") {
  auto battle = [](const char* prompt, const char* a, const char* b, const char* judge, const char* raw,
                   const char* winner, bool flip, const char* answer_a, const char* answer_b) {
    return json{{"prompt_id", prompt}, {"model_a", a}, {"model_b", b}, {"judge_model", judge}, {"raw_winner", raw},
                {"winner", winner}, {"flip", flip}, {"answer_a", answer_a}, {"answer_b", answer_b}, {"category", ""}};
  };
  // Judge "x" always picks position A: both orders flip, so both count as ties.
  // Judge "y" (also competing) picks itself in both orders.
  const std::vector<json> battles = {
      battle("p1", "x", "y", "x", "a", "tie", true, "long answer here", "short"),
      battle("p1", "y", "x", "x", "a", "tie", true, "short", "long answer here"),
      battle("p1", "x", "y", "y", "b", "b", false, "long answer here", "short"),
      battle("p1", "y", "x", "y", "a", "a", false, "short", "long answer here"),
  };
  llmbench::arena::ArenaAnalysisOptions options;
  options.models = {"x", "y"};
  options.judges = {"x", "y"};
  options.bootstrap_rounds = 50;
  const json arena = llmbench::arena::analyze_arena(battles, options);
  const json& x = arena["judge_bias"][0];
  const json& y = arena["judge_bias"][1];
  CHECK(x["position_a_win_rate"] == 1.0);
  CHECK(x["flip_rate"] == 1.0);
  CHECK(x["swap_consistency"] == 0.0);
  CHECK(x["longer_answer_win_rate"] == 0.5);
  CHECK(y["flip_rate"] == 0.0);
  CHECK(y["swap_consistency"] == 1.0);
  CHECK(y["longer_answer_win_rate"] == 0.0);
  CHECK(y["self_win_rate"] == 1.0);     // y judged itself the winner twice
  CHECK(y["others_win_rate"] == 0.5);   // judge x's flips are ties
  CHECK(y["self_preference"] == 0.5);
  CHECK(x["agreement"]["y"] == 0.0);    // x: tie, y: y wins
  CHECK(arena["leaderboard"][0]["model"] == "y");
}

TEST_CASE("arena: vote text wraps to the terminal width, keeping short lines and cutting long words", "[arena]") {
  using llmbench::arena::wrap_text;
  using llmbench::arena::display_width;
  const auto lines = wrap_text("short line\n    indented code()\n" + std::string(30, 'w') + " and some more words here",
                               20);
  REQUIRE(lines.size() >= 4);
  CHECK(lines[0] == "short line");
  CHECK(lines[1] == "    indented code()");
  for (const auto& l : lines) CHECK(display_width(l) <= 20);
  const auto cyrillic = wrap_text("Привет мир это длинная строка на русском языке", 12);
  for (const auto& l : cyrillic) CHECK(display_width(l) <= 12);
  CHECK(display_width("日本語") == 6);
  CHECK(wrap_text("", 80) == std::vector<std::string>{""});
}

TEST_CASE("arena: a reused --run-id exits 2 naming it, leaving the first run's battles as they were", "[arena]") {
  const std::string dir = temp_dir("arena-reuse");
  run_arena(dir, {"--judge-models", "sim-medium"});
  const std::string before = slurp(dir + "/runs/arena-test/battles.jsonl");
  const auto again = run_cli({"arena", "run", "--generation-models", kModels, "--judge-models", "sim-medium",
                              "--dataset", write_prompts(dir), "--output-dir", dir, "--progress", "none", "--no-cache",
                              "--run-id", "arena-test"});
  INFO(again.err);
  CHECK(again.exit_code == 2);
  CHECK(again.err.find("run id \"arena-test\" is taken") != std::string::npos);
  CHECK(slurp(dir + "/runs/arena-test/battles.jsonl") == before);
}

TEST_CASE("arena: battles without a verdict are logged as failed with their reason, and the run completes rated on the rest",
          "[arena]") {
  const std::string dir = temp_dir("arena-failed-battles");
  // sim-broken's provider answers every request with a 500; sim-mute's four-token budget cuts
  // every verdict before its [[A]]/[[B]]/[[C]].
  const std::string config = dir + "/models.yaml";
  std::ofstream(config) << "providers:\n"
                           "  sim:\n    base_url: sim://\n"
                           "  broken:\n    base_url: sim://?server_error=1&first_attempt_only=false\n"
                           "models:\n"
                           "  - {id: sim-small, provider: sim, sim_accuracy: 0.45}\n"
                           "  - {id: sim-large, provider: sim, sim_accuracy: 0.85}\n"
                           "  - {id: sim-medium, provider: sim, sim_accuracy: 0.65}\n"
                           "  - {id: sim-broken, provider: broken, model: sim-large}\n"
                           "  - {id: sim-mute, provider: sim, model: sim-medium, params: {max_tokens: 4}}\n";
  const auto r = run_cli({"arena", "run", "--config", config, "--generation-models", "sim-small,sim-large,sim-broken",
                          "--judge-models", "sim-medium,sim-mute", "--dataset", write_prompts(dir), "--output-dir", dir,
                          "--progress", "none", "--bootstrap-rounds", "50", "--no-cache", "--retries", "0",
                          "--run-id", "arena-failed"});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 1);  // some battles failed
  CHECK(r.err.find("internal error") == std::string::npos);
  const json run = read_report(dir).back();
  CHECK(run["status"] == "completed");
  const json& arena = run["arena"];
  // 3 pairs x 4 prompts x 2 orders x 2 judges; only (sim-small, sim-large) judged by sim-medium has verdicts.
  CHECK(arena["battles_total"] == 48);
  CHECK(arena["battles_rated"] == 8);
  CHECK(arena["battles_failed"] == 40);
  const auto battles = read_lines(dir + "/runs/arena-failed/battles.jsonl");
  REQUIRE(battles.size() == 48);
  std::size_t no_answer = 0, no_verdict = 0;
  for (const json& b : battles) {
    INFO(b.dump());
    const bool broken = b["model_a"] == "sim-broken" || b["model_b"] == "sim-broken";
    if (broken || b["judge_model"] == "sim-mute") {
      CHECK(b["status"] == "failed");
      CHECK(b["winner"].is_null());
      CHECK(b["error_kind"].is_string());
      CHECK_FALSE(b["error"].get<std::string>().empty());
      if (broken) ++no_answer;
      else ++no_verdict;
    } else {
      CHECK(b["status"] == "judged");
      CHECK((b["winner"] == "a" || b["winner"] == "b" || b["winner"] == "tie"));
    }
  }
  CHECK(no_answer == 32);
  CHECK(no_verdict == 8);
  // The ratings count only battles with verdicts: sim-broken fought none.
  for (const json& row : arena["leaderboard"]) {
    INFO(row.dump());
    CHECK(row["battles"].get<int>() == (row["model"] == "sim-broken" ? 0 : 8));
  }
  CHECK(r.out.find("40 failed") != std::string::npos);
}

TEST_CASE("arena: votes of many voters merge by import, a duplicate (voter, battle) is reported and not counted twice",
          "[arena]") {
  const std::string dir = temp_dir("arena-import");
  run_arena(dir, {"--judge-models", "sim-medium"});
  const std::string votes_path = dir + "/runs/arena-test/votes.jsonl";
  std::string keys;
  for (int i = 0; i < 12; ++i) keys += "a\n";
  const auto alice = run_cli({"arena", "vote", "--output-dir", dir, "--voter", "alice"}, StdinText{keys});
  INFO(alice.out << alice.err);
  REQUIRE(alice.exit_code == 0);
  const std::vector<json> cast = read_lines(votes_path);
  REQUIRE(cast.size() == 12);
  CHECK(cast[0]["voter"] == "alice");

  // bob voted elsewhere on the first 4 pairs as alice did, once twice; carol names no voter.
  std::string bob;
  for (int i = 0; i < 4; ++i) {
    json line = cast[static_cast<std::size_t>(i)];
    line["voter"] = "bob";
    bob += line.dump() + "\n";
  }
  json again = cast[0];
  again["voter"] = "bob";
  again["vote"] = "b";
  again.erase("winner_model");
  bob += again.dump() + "\n";
  const std::string bob_file = write_text_file(dir, "bob.jsonl", bob);
  const auto imported = run_cli({"arena", "import", bob_file, "--output-dir", dir});
  INFO(imported.out << imported.err);
  REQUIRE(imported.exit_code == 0);
  CHECK(imported.out.find("Imported 4 vote(s)") != std::string::npos);
  CHECK(imported.out.find("1 duplicate(s)") != std::string::npos);
  CHECK(imported.out.find("bob.jsonl:5: voter \"bob\" already voted") != std::string::npos);
  CHECK(imported.out.find("with another outcome") != std::string::npos);
  CHECK(read_lines(votes_path).size() == 16);
  json human = read_report(dir).back()["arena"]["human"];
  CHECK(human["votes"] == 16);
  REQUIRE(human["voter_stats"].size() == 2);
  CHECK(human["voter_stats"][0]["voter"] == "alice");
  CHECK(human["voter_stats"][0]["votes"] == 12);
  CHECK(human["voter_stats"][0]["shared"] == 4);    // bob's four pairs
  CHECK(human["voter_stats"][0]["agreement"] == 1.0);
  CHECK(human["voter_stats"][1]["a_share"] == 1.0);

  // The same file again adds nothing.
  const auto twice = run_cli({"arena", "import", bob_file, "--output-dir", dir});
  CHECK(twice.out.find("Imported 0 vote(s)") != std::string::npos);
  CHECK(twice.out.find("5 duplicate(s)") != std::string::npos);
  CHECK(read_lines(votes_path).size() == 16);

  // A bad line is named and nothing of its file is imported.
  json unnamed = cast[1];
  unnamed.erase("voter");
  const std::string bad = write_text_file(dir, "bad.jsonl", cast[2].dump() + "\n" + unnamed.dump() + "\n");
  const auto refused = run_cli({"arena", "import", bad, "--output-dir", dir});
  CHECK(refused.exit_code == 2);
  CHECK(refused.err.find("bad.jsonl:2: voter is missing") != std::string::npos);
  json stranger = cast[1];
  stranger["model_b"] = "sim-huge";
  const auto wrong_pair = run_cli({"arena", "import", write_text_file(dir, "pair.jsonl", stranger.dump() + "\n"),
                                   "--output-dir", dir});
  CHECK(wrong_pair.exit_code == 2);
  CHECK(wrong_pair.err.find("pair.jsonl:1: model_a and model_b") != std::string::npos);
  CHECK(read_lines(votes_path).size() == 16);
}
