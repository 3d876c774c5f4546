// `llmbench arena ask`: a person's own questions answered by two anonymous models, streamed, voted
// on, then revealed (arena/ask.hpp). Driven as a person would over a pipe: questions and votes on
// stdin, real HTTP to the embedded simulator or a loopback server, real files.

#include <catch2/catch.hpp>

#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "llmbench/arena/arena_votes.hpp"
#include "llmbench/arena/ask.hpp"
#include "llmbench/records/journal.hpp"
#include "support/cli.hpp"
#include "support/raw_server.hpp"

using llmbench::test::run_cli;
using llmbench::test::slurp;
using llmbench::test::StdinText;
using llmbench::test::temp_dir;
using llmbench::test::write_text_file;
using nlohmann::json;

namespace {

const std::string kModels = "sim-small,sim-medium,sim-large";

std::vector<json> read_lines(const std::string& path) { return llmbench::records::read_journal(path).records; }
json read_report(const std::string& dir) { return json::parse(slurp(dir + "/benchmark_runs.json")); }

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// An SSE chat completion streamed in `pieces`, one event each.
std::string sse_reply(const std::vector<std::string>& pieces) {
  std::string out = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n";
  for (const std::string& piece : pieces) {
    const json chunk = {{"choices", {{{"index", 0}, {"delta", {{"content", piece}}}}}}};
    out += "data: " + chunk.dump() + "\n\n";
  }
  out += "data: " + json({{"choices", {{{"index", 0}, {"delta", json::object()}, {"finish_reason", "stop"}}}}}).dump() +
         "\n\ndata: [DONE]\n\n";
  return out;
}

}  // namespace

TEST_CASE("arena ask: piped questions and votes land as one run's battles and votes, models revealed only after each vote",
          "[arena_ask]") {
  const std::string dir = temp_dir("arena-ask");
  const std::string input = "What is the capital of France?\na\nName two prime numbers.\nt\nWhy is the sky blue?\ns\n";
  const auto r = run_cli({"arena", "ask", "--models", kModels, "--output-dir", dir, "--voter", "alice", "--run-id",
                          "ask-test", "--seed", "3"},
                         StdinText{input}, "", {"COLUMNS=80"});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);

  // Each question: both answers labelled A and B, no model named until the vote is in.
  std::size_t from = 0;
  for (const char* after : {"Vote recorded.", "Vote recorded.", "Not recorded."}) {
    const std::size_t question = r.out.find("Question: ", from);
    REQUIRE(question != std::string::npos);
    const std::size_t reveal = r.out.find(after, question);
    REQUIRE(reveal != std::string::npos);
    const std::string shown = r.out.substr(question, reveal - question);
    // At 80 columns, side by side: headings A and B over two 38-column answers.
    CHECK(shown.find("\nA" + std::string(37, ' ') + " │ B\n") != std::string::npos);
    CHECK(shown.find("── A ") == std::string::npos);
    for (const char* model : {"sim-small", "sim-medium", "sim-large"}) CHECK(shown.find(model) == std::string::npos);
    const std::string revealed = r.out.substr(reveal, r.out.find('\n', reveal) - reveal);
    CHECK(revealed.find("A was sim-") != std::string::npos);
    CHECK(revealed.find(", B was sim-") != std::string::npos);
    from = reveal;
  }
  CHECK(r.out.find("you chose a tie") != std::string::npos);
  CHECK(r.out.find("2 vote(s) recorded in arena run ask-test") != std::string::npos);

  // The battles and votes, in the arena's own files and formats.
  const auto battles = read_lines(dir + "/runs/ask-test/battles.jsonl");
  const auto votes = read_lines(dir + "/runs/ask-test/votes.jsonl");
  REQUIRE(battles.size() == 2);
  REQUIRE(votes.size() == 2);
  CHECK(battles[0]["prompt"] == "What is the capital of France?");
  CHECK(battles[0]["winner"] == "a");
  CHECK(battles[1]["winner"] == "tie");
  CHECK(battles[0]["voter"] == "alice");
  CHECK(battles[0]["model_a"] != battles[0]["model_b"]);
  CHECK_FALSE(battles[0]["answer_a"].get<std::string>().empty());
  CHECK(votes[0]["voter"] == "alice");
  CHECK(votes[0]["vote"] == "a");
  CHECK(votes[0]["winner_model"] == battles[0]["model_a"]);
  CHECK(votes[1]["vote"] == "tie");
  for (std::size_t i = 0; i < 2; ++i) {
    CHECK(votes[i]["prompt_id"] == battles[i]["prompt_id"]);
    CHECK(votes[i]["model_a"] == battles[i]["model_a"]);
  }

  // The run's record: an arena run whose ratings and human summary count the votes, with the voter.
  const json run = read_report(dir).back();
  CHECK(run["id"] == "ask-test");
  CHECK(run["kind"] == "arena");
  CHECK(run["arena"]["source"] == "ask");
  CHECK(run["arena"]["battles_rated"] == 2);
  CHECK(run["arena"]["human"]["votes"] == 2);
  REQUIRE(run["arena"]["human"]["voter_stats"].size() == 1);
  CHECK(run["arena"]["human"]["voter_stats"][0]["voter"] == "alice");

  // `arena rate` reads the battle log as it is, voter included.
  const auto rate = run_cli({"arena", "rate", "--battles", dir + "/runs/ask-test/battles.jsonl", "--format", "json",
                             "--bootstrap", "20"});
  INFO(rate.out << rate.err);
  REQUIRE(rate.exit_code == 0);
  const json rated = json::parse(rate.out);
  int battles_counted = 0;
  for (const json& row : rated["leaderboard"]) battles_counted += row["battles"].get<int>();
  CHECK(battles_counted == 4);  // two battles, two models each
  CHECK(rated["voter_stats"][0]["voter"] == "alice");

  // A second person's session joins the newest ask run by default. At 50 columns the answers
  // are shown one after the other, A then B.
  const auto bob = run_cli({"arena", "ask", "--models", kModels, "--output-dir", dir, "--voter", "bob"},
                           StdinText{"Tell me a joke.\nb\n"}, "", {"COLUMNS=50"});
  INFO(bob.out << bob.err);
  REQUIRE(bob.exit_code == 0);
  CHECK(bob.out.find("── A ") < bob.out.find("── B "));
  CHECK(bob.out.find("── B ") != std::string::npos);
  CHECK(bob.out.find(" │ ") == std::string::npos);
  CHECK(bob.out.find("run ask-test (2 earlier battles)") != std::string::npos);
  CHECK(read_lines(dir + "/runs/ask-test/battles.jsonl").size() == 3);
  const json human = read_report(dir).back()["arena"]["human"];
  CHECK(human["votes"] == 3);
  std::set<std::string> voters;
  for (const json& v : human["voter_stats"]) voters.insert(v["voter"].get<std::string>());
  CHECK(voters == std::set<std::string>{"alice", "bob"});

  // The HTML report carries the run and its battles (its Arena tab draws them).
  const auto report = run_cli({"report", "--output-dir", dir});
  REQUIRE(report.exit_code == 0);
  const std::string html = slurp(dir + "/report.html");
  CHECK(html.find("ask-test") != std::string::npos);
  CHECK(html.find("Tell me a joke.") != std::string::npos);
}

TEST_CASE("arena ask: streamed hostile answers are shown side by side at 80 columns, escaped, no line wider",
          "[arena_ask]") {
  // Both models stream from a loopback server: an OSC title and a clear-screen split across
  // chunks, a BEL, a NUL, a 200-character word, a long paragraph and wide characters; each
  // answer starts with its model's word (alpha or gamma, the same length, so both wrap alike).
  const std::string word(200, 'w');
  std::string paragraph;
  for (int i = 0; i < 60; ++i) paragraph += "lorem ipsum dolor ";
  llmbench::test::RawServer server([&](const llmbench::test::RawRequest& request, const llmbench::test::RawWrite& send) {
    const bool host_a = request.body.find("\"host-a\"") != std::string::npos;
    send(sse_reply({host_a ? "alpha: " : "gamma: ", "Hello \x1b", "]0;pwned title\x07 there \x1b[", "2J cleared " + std::string(1, '\0') + " nul ", word, " ",
                    paragraph, "\nsecond line\n", "with CJK 日本語日本語 text"}));
  });
  const std::string dir = temp_dir("arena-ask-hostile");
  const std::string config = write_text_file(dir, "models.yaml",
                                             "providers:\n  hostile:\n    base_url: " + server.url("x") +
                                                 "\nmodels:\n  - {id: host-a, provider: hostile}\n"
                                                 "  - {id: host-b, provider: hostile}\n");
  const auto r = run_cli({"arena", "ask", "--config", config, "--models", "host-a,host-b", "--output-dir", dir, "--run-id", "hostile"},
                         StdinText{"Say \x1b]0;evil\x07 something\nx\n"}, "", {"COLUMNS=80"});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  const std::string printed = r.out + r.err;
  CHECK(printed.find('\x1b') == std::string::npos);
  CHECK(printed.find('\x07') == std::string::npos);
  CHECK(printed.find('\0') == std::string::npos);
  CHECK(printed.find('\xff') == std::string::npos);
  CHECK(r.out.find("pwned title") != std::string::npos);  // shown, escaped
  CHECK(r.out.find("second line") != std::string::npos);
  for (const std::string& line : lines_of(r.out)) {
    INFO(line);
    CHECK(llmbench::arena::display_width(line) <= 80);
  }
  // Side by side: headings, then each row holds line k of both answers, in 38-column cells.
  const auto pad = [](const std::string& cell) { return cell + std::string(38 - llmbench::arena::display_width(cell), ' '); };
  CHECK(r.out.find("\n" + pad("A") + " │ B\n") != std::string::npos);
  const bool alpha_left = r.out.find("\nalpha: Hello") != std::string::npos;
  CHECK(r.out.find(alpha_left ? "\nalpha: Hello" : "\ngamma: Hello") != std::string::npos);
  const std::size_t first_row = r.out.find(alpha_left ? "\nalpha: Hello" : "\ngamma: Hello");
  const std::string row = r.out.substr(first_row + 1, r.out.find('\n', first_row + 1) - first_row - 1);
  const std::size_t bar = row.find(alpha_left ? " │ gamma: Hello" : " │ alpha: Hello");
  REQUIRE(bar != std::string::npos);
  CHECK(llmbench::arena::display_width(row.substr(0, bar)) == 38);
  CHECK(r.out.find("\n" + pad("second line") + " │ second line\n") != std::string::npos);
  CHECK(r.out.find("── A ") == std::string::npos);  // not one after the other
  // The vote is stored with the answers exactly as they came.
  const auto battles = read_lines(dir + "/runs/hostile/battles.jsonl");
  REQUIRE(battles.size() == 1);
  CHECK(battles[0]["answer_a"].get<std::string>().find(word) != std::string::npos);
  CHECK(read_lines(dir + "/runs/hostile/votes.jsonl")[0]["vote"] == "both_bad");
}

TEST_CASE("arena ask: a model that fails records no battle and no vote, says why, and prints no key", "[arena_ask]") {
  const std::string dir = temp_dir("arena-ask-fail");
  const std::string config = write_text_file(dir, "models.yaml",
                                             "providers:\n"
                                             "  sim:\n    base_url: sim://\n"
                                             "  broken:\n    base_url: sim://?server_error=1&first_attempt_only=false\n"
                                             "    api_key_env: ASK_TEST_KEY\n"
                                             "models:\n"
                                             "  - {id: sim-small, provider: sim}\n"
                                             "  - {id: sim-broken, provider: broken, model: sim-large}\n");
  const std::string key = "sk-ask-secret-0123456789abcdef";
  const auto r = run_cli({"arena", "ask", "--config", config, "--models", "sim-small,sim-broken", "--output-dir", dir, "--run-id", "fail",
                          "--retries", "0",
                          "--voter", "carol"},
                         StdinText{"What is two plus two?\n"}, "", {"ASK_TEST_KEY=" + key});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("failed: http_status") != std::string::npos);
  CHECK(r.out.find("nothing was recorded") != std::string::npos);
  CHECK(r.out.find("Which is better?") == std::string::npos);  // no vote asked for
  CHECK(r.out.find("0 vote(s) recorded") != std::string::npos);
  CHECK((r.out + r.err).find(key) == std::string::npos);
  CHECK(read_lines(dir + "/runs/fail/battles.jsonl").empty());
  CHECK(read_lines(dir + "/runs/fail/votes.jsonl").empty());
  CHECK_FALSE(read_report(dir).back().contains("arena"));  // no ratings from nothing
}

TEST_CASE("arena ask: fewer than two models is an error before any model is asked", "[arena_ask]") {
  const std::string dir = temp_dir("arena-ask-one");
  const auto r = run_cli({"arena", "ask", "--models", "sim-small", "--output-dir", dir}, StdinText{"hi\n"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("needs at least two models") != std::string::npos);
}

TEST_CASE("arena ask: a streamed answer laid out chunk by chunk gives the lines of the whole answer wrapped at once",
          "[arena_ask]") {
  const std::string text =
      "First paragraph with some words that will need wrapping because it is long enough to pass the width.\n"
      "\n    indented code line\n" + std::string(50, 'x') + " tail words here 日本語の文章です and more text to wrap";
  for (std::size_t step : {1u, 3u, 7u, 64u}) {
    llmbench::arena::LiveWrap wrap(24);
    std::vector<std::string> lines;
    for (std::size_t end = step; end < text.size() + step; end += step) {
      for (auto& l : wrap.feed(std::string_view(text).substr(0, std::min(end, text.size())))) lines.push_back(l);
    }
    for (auto& l : wrap.finish(text)) lines.push_back(l);
    INFO("step " << step);
    CHECK(lines == llmbench::arena::wrap_text(text, 24));
  }
  // A long paragraph without a space (CJK text, 6,000 bytes) streamed in pieces that split its
  // characters: laid out within the width, every character intact.
  std::string cjk;
  for (int i = 0; i < 2000; ++i) cjk += "日";
  llmbench::arena::LiveWrap wide(20);
  std::string joined;
  for (std::size_t end = 5; end < cjk.size() + 5; end += 5) {
    for (auto& l : wide.feed(std::string_view(cjk).substr(0, std::min(end, cjk.size())))) {
      CHECK(llmbench::arena::display_width(l) <= 20);
      joined += l;
    }
  }
  for (auto& l : wide.finish(cjk)) joined += l;
  CHECK(joined == cjk);

  // A retried request starts its text again: the layout says so and starts over.
  llmbench::arena::LiveWrap wrap(24);
  wrap.feed("partial answer that is going");
  const auto again = wrap.feed("new");
  REQUIRE_FALSE(again.empty());
  std::string note;  // wrapped to the width like the answer
  for (const auto& l : again) {
    CHECK(llmbench::arena::display_width(l) <= 24);
    note += l + " ";
  }
  CHECK(note.find("the answer starts again: its request was retried") != std::string::npos);
  CHECK(wrap.finish("new answer") == std::vector<std::string>{"new answer"});
}

TEST_CASE("arena ask: each question's pair is two distinct models, the same for the same seed, all pairs in time",
          "[arena_ask]") {
  const std::vector<std::string> models = {"m1", "m2", "m3", "m4"};
  std::set<std::pair<std::string, std::string>> seen;
  for (std::size_t n = 0; n < 200; ++n) {
    const auto pair = llmbench::arena::pick_pair(models, 7, n);
    CHECK(pair.first != pair.second);
    CHECK(pair == llmbench::arena::pick_pair(models, 7, n));
    seen.insert(pair);
  }
  CHECK(seen.size() == 12);  // every ordered pair
  std::vector<std::pair<std::string, std::string>> seven, eight;
  for (std::size_t n = 0; n < 10; ++n) {
    seven.push_back(llmbench::arena::pick_pair(models, 7, n));
    eight.push_back(llmbench::arena::pick_pair(models, 8, n));
  }
  CHECK(seven != eight);  // another seed, other pairs
}
