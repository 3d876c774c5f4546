#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "llmbench/data/ux_log.hpp"
#include "llmbench/error.hpp"
#include "llmbench/metrics/ci.hpp"
#include "llmbench/metrics/near_duplicates.hpp"
#include "llmbench/records/journal.hpp"
#include "llmbench/sim/responder.hpp"
#include "llmbench/tasks/prompt_template.hpp"
#include "llmbench/tasks/verdict.hpp"
#include "llmbench/tiers/ux_tier.hpp"
#include "support/cli.hpp"
#include "support/errors.hpp"
#include "support/ok_server.hpp"

using nlohmann::json;
using namespace llmbench;
namespace fs = std::filesystem;

namespace {

std::string error_text(const std::string& path) {
  try {
    data::load_ux_log(path);
  } catch (const Error& e) {
    CHECK(e.code() == ExitCode::bad_input);
    return e.what();
  }
  FAIL("expected an Error");
  return "";
}

// Four turns in three sessions: turn 3 repeats turn 1 but for case and punctuation (a hit at any
// threshold), the others share no word with an earlier question; two follow-ups.
const char* kLog =
    R"({"session_id": "a", "turn": 1, "question": "How do I reset my password?", "answer": "Use Settings.", "cached": false}
{"session_id": "b", "turn": 1, "question": "What refund policy applies to annual plans?", "answer": "Fourteen days.", "cached": false}
{"session_id": "c", "turn": 1, "question": "how do i reset my password", "answer": "Use Settings.", "cached": true}
{"session_id": "b", "turn": 2, "question": "And monthly ones?", "answer": "Monthly plans are not refunded.", "cached": true}

{"session_id": 7, "turn": 1, "question": "Which Linux distributions work?", "answer": "Ubuntu and Fedora."}
{"session_id": 7, "turn": 2, "question": "Even ARM boards?", "answer": "No, x86-64 only."}
)";

const char* kSimConfig = R"(providers:
  sim:
    base_url: sim://
models:
  - {id: sim-judge, provider: sim, sim_accuracy: 0.7, params: {temperature: 0, max_tokens: 64}}
  - {id: sim-embed, provider: sim, kind: embedding}
)";

std::vector<std::string> ux_args(const std::string& dir, const std::string& run_id) {
  return {"run", "--tier", "ux", "--ux-log", dir + "/log.jsonl", "--config", dir + "/models.yaml",
          "--judge-models", "sim-judge", "--embedding-models", "sim-embed", "--output-dir", dir + "/out",
          "--progress", "none", "--run-id", run_id};
}

json run_record(const std::string& dir, const std::string& id) {
  const json runs = json::parse(std::ifstream(dir + "/out/benchmark_runs.json"));
  for (const json& r : runs) {
    if (r["id"] == id) return r;
  }
  FAIL("no run " << id);
  return {};
}

http::RequestRecord reply(const std::string& content) {
  http::RequestRecord r;
  r.outcome = http::Outcome::ok;
  r.http_status = 200;
  r.attempts = 1;
  r.content = content;
  r.finish_reason = "stop";
  return r;
}

}  // namespace

TEST_CASE("ux: every bad line of the log is named by file and line with what is wrong", "[ux]") {
  const std::string dir = test::temp_dir("ux-bad");
  const std::string path = test::write_text_file(
      dir, "log.jsonl",
      R"({"session_id": "a", "turn": 1, "question": "q1", "answer": "a1"}
{"session_id": "a", "turn": "2", "question": "q2", "answer": "a2"}
{"session_id": "a", "question": "q3", "answer": "a3"}
{"session_id": "a", "turn": 1, "question": "again", "answer": "a4"}
{"session_id": "b", "turn": 3, "question": "q5", "answer": "a5"}
{"session_id": "b", "turn": 2, "question": "q6", "answer": "a6"}
{"session_id": "c", "turn": 1, "question": "q7"}
{"session_id": "c", "turn": 2, "question": "q8", "answer": "a8", "cached": "yes"}
{"session_id": "c", "turn": 3, "question": "q9", "answer": 
[1, 2]
{"session_id": "c", "turn": 0, "question": "q11", "answer": "a11"}
{"session_id": "c", "turn": 4, "question": "   ", "answer": "a12"}
)");
  const std::string text = error_text(path);
  CHECK_THAT(text, Catch::Contains("10 bad lines"));
  CHECK_THAT(text, Catch::Contains(path + ":2: \"turn\" is not an integer"));
  CHECK_THAT(text, Catch::Contains(path + ":3: missing field \"turn\""));
  CHECK_THAT(text, Catch::Contains(path + ":4: duplicate turn 1 of session \"a\" (first on line 1)"));
  CHECK_THAT(text, Catch::Contains(path + ":6: turn 2 of session \"b\" comes after its turn 3 (line 5)"));
  CHECK_THAT(text, Catch::Contains(path + ":7: missing field \"answer\""));
  CHECK_THAT(text, Catch::Contains(path + ":8: \"cached\" is not true or false"));
  CHECK_THAT(text, Catch::Contains(path + ":9: bad JSON"));
  CHECK_THAT(text, Catch::Contains(path + ":10: expected a JSON object"));
  CHECK_THAT(text, Catch::Contains(path + ":11: \"turn\" must be 1 or more"));
  CHECK_THAT(text, Catch::Contains(path + ":12: \"question\" is empty"));
  CHECK_THAT(text, !Catch::Contains(path + ":1:") && !Catch::Contains(path + ":5:"));

  const std::string bad_utf8 =
      test::write_text_file(dir, "utf8.jsonl", "{\"session_id\": \"a\", \"turn\": 1, \"question\": \"q\", \"answer\": \"a\"}\n"
                                               "{\"session_id\": \"a\", \"turn\": 2, \"question\": \"\xff\", \"answer\": \"a\"}\n");
  CHECK_THAT(test::input_error_text([&] { data::load_ux_log(bad_utf8); }),
             Catch::Contains(bad_utf8 + ":2:") && Catch::Contains("UTF-8"));

  // The CLI: exit 2 before any request, naming the lines; no report, no run folder.
  std::ofstream(dir + "/models.yaml") << kSimConfig;
  std::vector<std::string> args = {"run", "--tier", "ux", "--ux-log", path, "--config", dir + "/models.yaml",
                                   "--judge-models", "sim-judge", "--embedding-models", "sim-embed",
                                   "--output-dir", dir + "/out", "--progress", "none"};
  const test::CliResult r = test::run_cli(args);
  INFO(r.out << r.err);
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains(path + ":6: turn 2 of session \"b\""));
  CHECK_FALSE(fs::exists(dir + "/out/benchmark_runs.json"));
  CHECK_FALSE(fs::exists(dir + "/out/runs"));
}

TEST_CASE("ux: the nearest earlier question and the hit rate match a hand computation", "[ux]") {
  // a = (1, 0), b = (0, 1), c ~ a (cos 0.96), d equally near b and c (cos 0.8 each: the earlier, b, wins).
  const std::vector<metrics::Embedding> v = {{1, 0}, {0, 1}, {0.96, 0.28}, {0.6, 0.8}};
  const auto nearest = metrics::nearest_earlier(v);
  REQUIRE(nearest.size() == 4);
  CHECK_FALSE(nearest[0].index);
  CHECK(*nearest[1].index == 0);
  CHECK(nearest[1].similarity == Approx(0));
  CHECK(*nearest[2].index == 0);
  CHECK(nearest[2].similarity == Approx(0.96));
  CHECK(*nearest[3].index == 1);
  CHECK(nearest[3].similarity == Approx(0.8));
  int hits = 0;
  for (const auto& n : nearest) hits += metrics::is_hit(n, 0.9) ? 1 : 0;
  CHECK(hits == 1);
  CHECK(metrics::is_hit(nearest[3], 0.8));  // >= threshold

  // ux_metrics over records: 1 hit of 4 (one embedding error apart), flags on 3 turns.
  std::vector<json> records = {
      {{"role", "embedding"}, {"hit", false}, {"logged_cached", false}, {"similarity_threshold", 0.9}},
      {{"role", "embedding"}, {"hit", false}, {"logged_cached", true}, {"similarity_threshold", 0.9}},
      {{"role", "embedding"}, {"hit", true}, {"logged_cached", true}, {"similarity_threshold", 0.9}},
      {{"role", "embedding"}, {"hit", false}, {"logged_cached", nullptr}, {"similarity_threshold", 0.9}},
      {{"role", "embedding"}, {"error_kind", "timeout"}, {"error", "timeout"}, {"similarity_threshold", 0.9}},
      {{"role", "judge"}, {"preserved", true}, {"latency_ms", 10}},
      {{"role", "judge"}, {"preserved", false}, {"latency_ms", 30}},
      {{"role", "judge"}, {"preserved", nullptr}, {"error_kind", "unparsed_verdict"}, {"error", "x"}}};
  std::vector<const json*> ptrs;
  for (const json& r : records) ptrs.push_back(&r);
  const json m = tiers::ux_metrics(ptrs);
  CHECK(m["cache_hit"]["n"] == 4);
  CHECK(m["cache_hit"]["hits"] == 1);
  CHECK(m["cache_hit"]["errors"] == 1);
  CHECK(m["cache_hit"]["rate"].get<double>() == Approx(0.25));
  const auto ci = metrics::wilson_interval(1, 4);
  CHECK(m["cache_hit"]["ci95"]["low"].get<double>() == Approx(ci->low));
  CHECK(m["cache_hit"]["ci95"]["high"].get<double>() == Approx(ci->high));
  CHECK(m["cache_flags"]["total_evaluations"] == 3);
  CHECK(m["cache_flags"]["precision"].get<double>() == Approx(1.0));  // the one hit was logged cached
  CHECK(m["cache_flags"]["recall"].get<double>() == Approx(0.5));     // of two logged hits
  CHECK(m["context_preservation"]["n"] == 2);
  CHECK(m["context_preservation"]["preserved"] == 1);
  CHECK(m["context_preservation"]["errors"] == 1);
  CHECK(m["context_preservation"]["rate"].get<double>() == Approx(0.5));
  CHECK(m["context_preservation"]["avg_latency_ms"].get<double>() == Approx(20));
}

TEST_CASE("ux: a judge reply that does not start with Yes or No is an item error, never a verdict", "[ux]") {
  const data::UxTurn turn{"s", 2, "And monthly?", "Not refunded.", std::nullopt, 2};
  auto record = [&](const std::string& content) {
    return tiers::ux_judge_record("k", "j", turn, "Turn 1\nUser: q\nAssistant: a\n", {{"user", "p"}}, reply(content));
  };
  for (const char* unreadable : {"The answer uses them, so yes.", "", "Maybe", "Not really", "I cannot say yes or no"}) {
    INFO(unreadable);
    const json r = record(unreadable);
    CHECK(r["error_kind"] == "unparsed_verdict");
    CHECK(r["preserved"].is_null());
    CHECK(r["parsed"] == false);
  }
  CHECK(record("Yes")["preserved"] == true);
  CHECK(record("**Yes**, it resolves \"monthly\"")["preserved"] == true);
  const json no = record("No: it ignores turn 1.");
  CHECK(no["preserved"] == false);
  CHECK(no["error"].is_null());
  CHECK(no["reason"] == "it ignores turn 1.");
  http::RequestRecord failed = reply("");
  failed.outcome = http::Outcome::timeout;
  failed.error = "timeout";
  CHECK(tiers::ux_judge_record("k", "j", turn, "", {}, failed)["error_kind"] == "timeout");
}

TEST_CASE("ux: run --tier ux on the embedded simulator reports the hand-computed hit rate and context "
          "preservation, and a second run is served from the cache",
          "[ux]") {
  const std::string dir = test::temp_dir("ux-run");
  test::write_text_file(dir, "log.jsonl", kLog);
  std::ofstream(dir + "/models.yaml") << kSimConfig;
  const test::CliResult r = test::run_cli(ux_args(dir, "first"), dir);
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("UX: answer-cache hit rate and multi-turn context preservation"));

  const json run = run_record(dir, "first");
  REQUIRE(run["model_runs"].size() == 1);
  const json& m = run["model_runs"][0]["metrics"]["tier_ux"];
  INFO(m.dump());
  CHECK(m["cache_hit"]["n"] == 6);
  CHECK(m["cache_hit"]["hits"] == 1);  // turn c#1 repeats a#1
  CHECK(m["cache_hit"]["rate"].get<double>() == Approx(1.0 / 6));
  CHECK(m["cache_hit"]["threshold"].get<double>() == Approx(0.9));
  CHECK(m["cache_hit"]["ci95"]["low"].get<double>() == Approx(metrics::wilson_interval(1, 6)->low));
  // Flags on 4 turns: the rule finds c#1 (logged cached) and misses b#2 (logged cached).
  CHECK(m["cache_flags"]["total_evaluations"] == 4);
  CHECK(m["cache_flags"]["precision"].get<double>() == Approx(1.0));
  CHECK(m["cache_flags"]["recall"].get<double>() == Approx(0.5));
  CHECK(m["context_preservation"]["errors"] == 0);
  CHECK(m["context_preservation"]["n"] == 2);  // b#2 and 7#2

  const auto items = records::read_journal(fs::path(dir) / "out/runs/first/items.jsonl").records;
  std::size_t judged = 0, embedded = 0;
  for (const json& rec : items) {
    CHECK(rec["tier"] == "tier_ux");
    CHECK(rec["error"].is_null());
    if (rec["role"] == "judge") {
      ++judged;
      CHECK(rec["preserved"].is_boolean());
      CHECK_THAT(rec["context"].get<std::string>(), Catch::StartsWith("Turn 1\nUser: "));
    } else {
      ++embedded;
      if (rec["item_id"] == "c#1") {
        CHECK(rec["hit"] == true);
        CHECK(rec["nearest_item_id"] == "a#1");
        CHECK(rec["similarity"].get<double>() == Approx(1.0));
      }
      if (rec["item_id"] == "a#1") CHECK(rec["similarity"].is_null());
      if (rec["item_id"] == "7#1") CHECK(rec["logged_cached"].is_null());
    }
  }
  CHECK(judged == 2);
  CHECK(embedded == 6);
  const std::size_t sent = run["requests"]["total"].get<std::size_t>();
  CHECK(sent == 1 + 2);  // one embedding batch, two verdicts

  // The same run again under another id: every request comes from the response cache, same numbers.
  const test::CliResult again = test::run_cli(ux_args(dir, "second"), dir);
  INFO(again.out << again.err);
  REQUIRE(again.exit_code == 0);
  const json second = run_record(dir, "second");
  CHECK(second["requests"]["cache_hits"] == sent);
  // Cached answers took no time in this run: their latency is left out (not a result), the rest is equal.
  json without_latency = m;
  without_latency["context_preservation"].erase("avg_latency_ms");
  CHECK(second["model_runs"][0]["metrics"]["tier_ux"] == without_latency);

  // Resuming the finished run sends nothing and keeps its metrics.
  const test::CliResult resumed =
      test::run_cli({"run", "--resume", "first", "--output-dir", dir + "/out", "--progress", "none"}, dir);
  INFO(resumed.out << resumed.err);
  REQUIRE(resumed.exit_code == 0);
  const json after = run_record(dir, "first");
  CHECK(after["requests"]["total"] == 0);
  CHECK(after["requests"]["resumed_items"] == 8);
  CHECK(after["model_runs"][0]["metrics"]["tier_ux"] == m);
}

TEST_CASE("ux: a judge that answers without a leading Yes or No leaves every follow-up an error, counted apart",
          "[ux]") {
  test::OkServer server("The answer clearly uses the earlier turns, yes.");
  const std::string dir = test::temp_dir("ux-unparsed");
  test::write_text_file(dir, "log.jsonl", kLog);
  std::ofstream(dir + "/models.yaml") << "providers:\n  raw:\n    base_url: " + server.url("v1") +
                                              "\n  sim:\n    base_url: sim://\nmodels:\n"
                                              "  - {id: sim-judge, provider: raw}\n"
                                              "  - {id: sim-embed, provider: sim, kind: embedding}\n";
  std::ofstream(dir + "/none.env") << "";
  std::vector<std::string> args = ux_args(dir, "unparsed");
  args.insert(args.end(), {"--env-file", dir + "/none.env"});
  const test::CliResult r = test::run_cli(args, dir);
  INFO(r.out << r.err);
  CHECK(r.exit_code == 1);
  const json m = run_record(dir, "unparsed")["model_runs"][0]["metrics"]["tier_ux"];
  INFO(m.dump());
  CHECK(m["context_preservation"]["n"] == 0);
  CHECK(m["context_preservation"]["errors"] == 2);
  CHECK_FALSE(m["context_preservation"].contains("rate"));
  CHECK(m["cache_hit"]["hits"] == 1);
}

TEST_CASE("ux: the simulator answers the shipped ux_context prompts, en and ru, with a readable Yes or No, the same "
          "every time",
          "[ux]") {
  const sim::AnswerBook book;
  for (const char* lang : {"en", "ru"}) {
    const tasks::PromptTemplate prompt = tasks::load_prompt_template(
        tasks::resolve_prompts_dir("configs/prompts"), lang, "ux_context",
        {tasks::Placeholder::question, tasks::Placeholder::context, tasks::Placeholder::answer});
    std::set<std::string> verdicts;
    for (int i = 0; i < 20; ++i) {
      const std::string text = prompt.fill({"And on the Team plan? #" + std::to_string(i),
                                            "Turn 1\nUser: What is the upload limit?\nAssistant: 50 GB.\n",
                                            "The 50 GB limit applies.", ""});
      const sim::Reply first = sim::compose_reply(book, {"sim-judge", 0.7}, 42, text);
      CHECK(sim::compose_reply(book, {"sim-judge", 0.7}, 42, text).content == first.content);
      const tasks::ShowVerdict v = tasks::parse_show_verdict(first.content);
      INFO(lang << ": " << first.content);
      REQUIRE(v.ok());
      verdicts.insert(v.show == metrics::Show::yes ? "Yes" : "No");
    }
    CHECK(verdicts.size() == 2);  // both verdicts occur over 20 follow-ups
  }
}
