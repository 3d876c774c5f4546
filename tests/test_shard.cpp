// Shards and merge through the real binary against the embedded simulator: N shard processes,
// each in its own output dir, merged into one run whose metrics equal the unsharded run's; the
// merges that must be refused; and the partition's hash, pinned.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "llmbench/error.hpp"
#include "llmbench/records/journal.hpp"
#include "llmbench/report/store.hpp"
#include "llmbench/run/options.hpp"
#include "llmbench/run/shard.hpp"
#include "support/cli.hpp"

namespace fs = std::filesystem;
using nlohmann::json;
using namespace llmbench;

namespace {

constexpr const char* kRunId = "nightly";

// Models on the embedded simulator, two of them priced, and an empty env file (hermetic).
std::vector<std::string> session_args(const std::string& dir) {
  std::ofstream(dir + "/models.yaml") << R"(providers:
  sim:
    base_url: sim://
models:
  - {id: sim-small, provider: sim, sim_accuracy: 0.45, params: {temperature: 0, max_tokens: 512},
     price: {input_per_mtok: 1.5, output_per_mtok: 4}}
  - {id: sim-medium, provider: sim, sim_accuracy: 0.65, params: {temperature: 0, max_tokens: 512}}
  - {id: sim-large, provider: sim, sim_accuracy: 0.85, params: {temperature: 0, max_tokens: 512},
     price: {input_per_mtok: 3, output_per_mtok: 15}}
  - {id: sim-embed, provider: sim, kind: embedding}
)";
  std::ofstream(dir + "/empty.env") << "";
  return {"--config", dir + "/models.yaml", "--env-file", dir + "/empty.env", "--progress", "none"};
}

std::vector<std::string> operator+(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

json run_record(const std::string& out_dir) {
  const json runs = report::read_runs(fs::path(out_dir) / report::kReportFileName);
  REQUIRE(runs.size() == 1);
  return runs[0];
}

std::set<std::string> record_keys(const std::string& out_dir) {
  std::set<std::string> keys;
  const json run = run_record(out_dir);
  for (const json& r : records::read_journal(fs::path(out_dir) / run.at("item_log").get<std::string>()).records) {
    keys.insert(r.at("key").get<std::string>());
  }
  return keys;
}

// A key measured in time (latency, throughput): the one thing two runs of a plan may differ in.
bool timed(const std::string& key) {
  for (const char* part : {"latency", "_ms", "per_s", "ttft", "duration", "elapsed"}) {
    if (key.find(part) != std::string::npos) return true;
  }
  return false;
}

json without_timings(const json& j) {
  if (j.is_array()) {
    json out = json::array();
    for (const json& v : j) out.push_back(without_timings(v));
    return out;
  }
  if (!j.is_object()) return j;
  json out = json::object();
  for (const auto& [key, value] : j.items()) {
    if (!timed(key)) out[key] = without_timings(value);
  }
  return out;
}

// What must be bit-identical between the unsharded run and the merged one: every model run's
// fields and metrics (timings aside), the datasets and the outcome.
json results(const json& run) {
  return {{"model_runs", without_timings(run.at("model_runs"))},
          {"datasets", run.at("datasets")},
          {"status", run.at("status")},
          {"overall_status", run.at("overall_status")}};
}

// The shards' config and env file are gone: merge must need neither.
void remove_config(const std::string& dir) {
  REQUIRE(fs::remove(dir + "/models.yaml"));
  REQUIRE(fs::remove(dir + "/empty.env"));
}

// Runs `plan` unsharded into dir/whole, as `shards` shards into dir/shard-I, merges those into
// dir/merged once the shards' config and env file are gone, and checks the merged run against the
// whole one.
// The runs start in `run_cwd` and the merge in `merge_cwd` ("" = this process's directory).
void check_shards_merge_to_whole(const std::string& dir, const std::vector<std::string>& plan, std::size_t shards,
                                 const std::string& run_cwd = "", const std::string& merge_cwd = "") {
  const auto whole =
      test::run_cli(plan + std::vector<std::string>{"--output-dir", dir + "/whole", "--run-id", kRunId}, run_cwd);
  INFO(whole.out << whole.err);
  REQUIRE(whole.exit_code == 0);
  std::vector<std::string> merge = {"merge", "--output-dir", dir + "/merged"};
  std::set<std::string> union_keys;
  std::size_t shard_records = 0;
  for (std::size_t i = 0; i < shards; ++i) {
    const std::string out = fmt::format("{}/shard-{}", dir, i);
    const auto r = test::run_cli(plan + std::vector<std::string>{"--output-dir", out, "--run-id", kRunId, "--shard",
                                                                  fmt::format("{}/{}", i, shards)},
                                  run_cwd);
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    const json record = run_record(out);
    CHECK(record.at("shard").at("index") == i);
    CHECK(record.at("shard").at("count") == shards);
    const auto keys = record_keys(out);
    CHECK(!keys.empty());
    shard_records += keys.size();
    union_keys.insert(keys.begin(), keys.end());
    merge.push_back(out);
  }
  CHECK(shard_records == union_keys.size());  // no record in two shards
  CHECK(union_keys == record_keys(dir + "/whole"));

  remove_config(dir);
  const auto merged = test::run_cli(merge, merge_cwd);
  INFO(merged.out << merged.err);
  REQUIRE(merged.exit_code == 0);
  const json run = run_record(dir + "/merged");
  CHECK(run.at("id") == kRunId);
  CHECK(!run.contains("shard"));
  CHECK(run.at("merged_from").at("shards").size() == shards);
  CHECK(record_keys(dir + "/merged") == union_keys);
  CHECK(results(run).dump() == results(run_record(dir + "/whole")).dump());
  CHECK(run.at("models") == run_record(dir + "/whole").at("models"));
  CHECK(run.at("requests").at("total").get<long long>() > 0);

  const auto report = test::run_cli({"report", "--output-dir", dir + "/merged"});
  INFO(report.out << report.err);
  CHECK(report.exit_code == 0);
}

}  // namespace

TEST_CASE("shard: a key's shard is fixed by its bytes alone (FNV-1a 64, SplitMix64 finaliser, mod N)", "[shard]") {
  // Pinned: a change here moves items between the shards of runs already made, and merge of
  // shards made by two builds would then count some items twice and others never.
  CHECK(run::shard_hash("") == 0xf52a15e9a9b5e89bULL);
  CHECK(run::shard_hash("mmlu/abstract_algebra/test/17") == 0x00d9474eabe46751ULL);
  CHECK(run::shard_of("mmlu/abstract_algebra/test/17", 4) == 1);
  CHECK(run::shard_of("rag/q1", 4) == 0);
  CHECK(run::shard_of("rag/q1", 7) == 5);
  CHECK(run::shard_of("anything", 1) == 0);
  // Adding items never moves another: the shard of a key does not depend on the rest of the plan.
  std::size_t in_first = 0;
  for (int i = 0; i < 1000; ++i) in_first += run::shard_of(fmt::format("gsm8k/{}", i), 4) == 0 ? 1 : 0;
  CHECK(in_first == 261);  // about a quarter
}

TEST_CASE("shard: --shard takes I/N with 0 <= I < N, anything else exits 2 naming the rule", "[shard]") {
  CHECK(run::parse_shard("0/1").index == 0);
  CHECK(run::parse_shard("3/4").count == 4);
  for (const char* bad : {"4/4", "1/0", "-1/4", "1", "a/b", "1/4/", " 1/4", "1/99999"}) {
    INFO(bad);
    CHECK_THROWS_AS(run::parse_shard(bad), Error);
  }
  const std::string dir = test::temp_dir("shard-flag");
  const auto plan = std::vector<std::string>{"run", "--tasks", "mmlu", "--limit", "2", "--generation-models",
                                             "sim-small", "--output-dir", dir + "/out"} +
                    session_args(dir);
  const auto bad = test::run_cli(plan + std::vector<std::string>{"--run-id", "x", "--shard", "2/2"});
  CHECK(bad.exit_code == 2);
  CHECK_THAT(bad.err, Catch::Contains("--shard: expected I/N with 0 <= I < N"));
  const auto no_id = test::run_cli(plan + std::vector<std::string>{"--shard", "0/2"});
  CHECK(no_id.exit_code == 2);
  CHECK_THAT(no_id.err, Catch::Contains("--shard needs --run-id"));
  CHECK(!fs::exists(dir + "/out/runs"));
}

TEST_CASE("shard: three shards of the standard tier, judge-scored task included, merge into the unsharded metrics",
          "[shard]") {
  const std::string dir = test::temp_dir("shard-standard");
  const auto plan = std::vector<std::string>{"run", "--tier", "standard", "--tasks-file",
                                             "benchmarks/data/custom_example/judged.yaml", "--tasks",
                                             "mmlu,gsm8k,arc_easy,truthfulqa_mc1,example_open_answers", "--limit",
                                             "12", "--generation-models", "sim-small,sim-large", "--judge-models",
                                             "sim-medium"} +
                    session_args(dir);
  check_shards_merge_to_whole(dir, plan, 3);
  // The prices came from the shards' records: the merged cost is the unsharded one, not absent.
  const json merged = run_record(dir + "/merged");
  for (const json& mr : merged.at("model_runs")) {
    INFO(mr.dump());
    CHECK(mr.at("metrics").at("standard").at("mmlu").at("cost").at("total").get<double>() > 0);
  }
}

TEST_CASE("shard: two shards of every model-lab tier (0-3, judge, judge_pipeline) merge into the unsharded metrics",
          "[shard]") {
  const std::string dir = test::temp_dir("shard-rag");
  const auto plan = std::vector<std::string>{"run", "--tier", "0,1,2,3,judge,judge_pipeline", "--limit", "6",
                                             "--consistency-runs", "2", "--generation-models", "sim-small",
                                             "--judge-models", "sim-medium", "--production-judge-models",
                                             "sim-large", "--embedding-models", "sim-embed"} +
                    session_args(dir);
  check_shards_merge_to_whole(dir, plan, 2);
}

TEST_CASE("shard: shards given relative data paths merge from another working directory into the unsharded "
          "metrics",
          "[shard]") {
  // A merge Job's working directory is not the shards': the record must name the files they read.
  const std::string dir = test::temp_dir("shard-cwd"), elsewhere = test::temp_dir("shard-cwd-merge");
  fs::copy(fs::path(LLMBENCH_SOURCE_DIR) / "benchmarks/data/custom_example", fs::path(dir) / "custom",
           fs::copy_options::recursive);
  const auto plan = std::vector<std::string>{"run", "--tier", "standard", "--tasks-file", "custom/tasks.yaml",
                                             "--generation-models", "sim-small,sim-large"} +
                    session_args(dir);
  check_shards_merge_to_whole(dir, plan, 2, dir, elsewhere);
  const json merged = run_record(dir + "/merged");
  CHECK(merged.at("flags").at("tasks_file") == (fs::path(dir) / "custom/tasks.yaml").string());
  CHECK(merged.at("model_runs").at(0).at("metrics").at("standard").size() >= 3);
  CHECK_FALSE(fs::exists(fs::path(elsewhere) / "custom"));
}

TEST_CASE("shard: merge refuses a missing, duplicated, unfinished or other-plan shard, naming it, and writes nothing",
          "[shard]") {
  const std::string dir = test::temp_dir("shard-refuse");
  const auto plan = std::vector<std::string>{"run", "--tasks", "mmlu,arc_easy", "--limit", "6", "--generation-models",
                                             "sim-small", "--run-id", kRunId} +
                    session_args(dir);
  auto shard = [&](const std::string& out, const std::string& which, const std::vector<std::string>& extra = {}) {
    const auto r = test::run_cli(plan + std::vector<std::string>{"--output-dir", dir + "/" + out, "--shard", which} +
                                 extra);
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    return dir + "/" + out;
  };
  const std::string s0 = shard("s0", "0/2"), s1 = shard("s1", "1/2");
  const std::string other_plan = shard("other", "1/2", {"--sample-seed", "99"});
  const std::string other_count = shard("other-count", "1/3");
  // An interrupted shard: its record says so (as Ctrl-C or --max-cost leave it).
  const std::string stopped = shard("stopped", "1/2");
  json runs = report::read_runs(fs::path(stopped) / report::kReportFileName);
  runs[0]["status"] = "interrupted";
  std::ofstream(fs::path(stopped) / report::kReportFileName) << runs.dump();

  // A shard whose config priced a model otherwise (the same path on another machine).
  const std::string repriced = shard("repriced", "1/2");
  runs = report::read_runs(fs::path(repriced) / report::kReportFileName);
  runs[0]["models"]["generation"][0]["price"]["input_per_mtok"] = 9.0;
  std::ofstream(fs::path(repriced) / report::kReportFileName) << runs.dump();

  auto merge = [&](const std::vector<std::string>& dirs) {
    return test::run_cli(std::vector<std::string>{"merge", "--output-dir", dir + "/merged"} + dirs);
  };
  struct Refusal {
    std::vector<std::string> dirs;
    std::string says;
  };
  for (const Refusal& refusal : {Refusal{{s0}, "missing shard(s) 1/2 of run nightly"},
                                 Refusal{{s0, s1, s0}, "shard 0/2 is given twice: " + s0 + " and " + s0},
                                 Refusal{{s0, other_plan}, "shard 1/2 (" + other_plan + ") is of another plan"},
                                 Refusal{{s0, other_count}, "shard 1/3 (" + other_count + ") is of another plan"},
                                 Refusal{{s0, stopped}, "shard 1/2 (" + stopped + ") did not finish (status interrupted)"},
                                 Refusal{{s0, repriced}, "shard 1/2 (" + repriced + ") names other models or prices"},
                                 Refusal{{s0, dir + "/nowhere"}, dir + "/nowhere holds no report"}}) {
    const auto r = merge(refusal.dirs);
    INFO(r.out << r.err);
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Catch::Contains(refusal.says));
    CHECK(!fs::exists(dir + "/merged/runs/nightly"));
  }

  const auto ok = test::run_cli(std::vector<std::string>{"merge", "--output-dir", dir + "/merged", "--merge-cache", s1, s0});
  INFO(ok.out << ok.err);
  REQUIRE(ok.exit_code == 0);
  CHECK_THAT(ok.err + ok.out, Catch::Contains("Cache: 12 responses added"));
  const auto again = merge({s0, s1});
  CHECK(again.exit_code == 2);
  CHECK_THAT(again.err, Catch::Contains("nightly"));
}

namespace {

// Eight prompts: keys arena/p1..p8 fall in all three of 3 shards (p3, p6 | p1, p2, p4, p5, p8 | p7).
std::string write_arena_prompts(const std::string& dir) {
  std::ofstream out(dir + "/prompts.jsonl");
  const char* texts[] = {"Write a haiku about the sea.", "Describe autumn in two sentences.",
                         "Name three prime numbers.", "Why is the sky blue?", "Explain recursion to a child.",
                         "What is the capital of France?", "Give two uses of copper.", "Summarise the water cycle."};
  for (int i = 0; i < 8; ++i) {
    out << json{{"id", fmt::format("p{}", i + 1)}, {"category", i % 2 == 0 ? "writing" : "facts"},
                {"prompt", texts[i]}}
               .dump()
        << "\n";
  }
  return dir + "/prompts.jsonl";
}

// The battles of an arena output dir, by id, without the verdict request's latency (timing).
std::map<std::string, json> battles_by_id(const std::string& out_dir) {
  std::map<std::string, json> out;
  for (json b : records::read_journal(fs::path(out_dir) / "runs" / kRunId / "battles.jsonl").records) {
    b.erase("latency_ms");
    out[b.at("battle_id").get<std::string>()] = b;
  }
  return out;
}

}  // namespace

TEST_CASE("shard: three shards of an arena, merged without config or keys, equal the unsharded ratings and battles",
          "[shard]") {
  const std::string dir = test::temp_dir("shard-arena");
  const auto plan = std::vector<std::string>{"arena", "run", "--generation-models", "sim-small,sim-medium,sim-large",
                                             "--judge-models", "sim-medium,sim-large", "--dataset",
                                             write_arena_prompts(dir), "--bootstrap-rounds", "200", "--run-id",
                                             kRunId} +
                    session_args(dir);
  const auto whole = test::run_cli(plan + std::vector<std::string>{"--output-dir", dir + "/whole"});
  INFO(whole.out << whole.err);
  REQUIRE(whole.exit_code == 0);
  const auto no_id = test::run_cli(std::vector<std::string>{"arena", "run", "--dataset", dir + "/prompts.jsonl",
                                                            "--generation-models", "sim-small,sim-large",
                                                            "--output-dir", dir + "/no-id", "--shard", "0/3"} +
                                   session_args(dir));
  CHECK(no_id.exit_code == 2);
  CHECK_THAT(no_id.err, Catch::Contains("--shard needs --run-id"));

  std::vector<std::string> dirs;
  std::size_t shard_battles = 0;
  for (std::size_t i = 0; i < 3; ++i) {
    const std::string out = fmt::format("{}/shard-{}", dir, i);
    const auto r = test::run_cli(plan + std::vector<std::string>{"--output-dir", out, "--shard", fmt::format("{}/3", i)});
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(r.out, Catch::Contains(fmt::format("shard {}/3", i)));
    const json record = run_record(out);
    CHECK(record.at("shard").at("index") == i);
    CHECK(!battles_by_id(out).empty());
    shard_battles += battles_by_id(out).size();
    dirs.push_back(out);
  }
  CHECK(shard_battles == battles_by_id(dir + "/whole").size());  // every battle in exactly one shard

  remove_config(dir);
  const auto missing = test::run_cli(std::vector<std::string>{"merge", "--output-dir", dir + "/merged", dirs[0],
                                                              dirs[2]});
  CHECK(missing.exit_code == 2);
  CHECK_THAT(missing.err, Catch::Contains("missing shard(s) 1/3 of run nightly"));
  const auto merged = test::run_cli(std::vector<std::string>{"merge", "--output-dir", dir + "/merged", dirs[2],
                                                             dirs[0], dirs[1]},
                                    test::temp_dir("shard-arena-cwd"));
  INFO(merged.out << merged.err);
  REQUIRE(merged.exit_code == 0);
  CHECK_THAT(merged.out, Catch::Contains("Arena nightly: 96 battles"));  // 3 pairs x 8 prompts x 2 orders x 2 judges
  const json run = run_record(dir + "/merged");
  const json unsharded = run_record(dir + "/whole");
  CHECK(run.at("kind") == "arena");
  CHECK(run.at("status") == "completed");
  CHECK(!run.contains("shard"));
  CHECK(run.at("merged_from").at("shards").size() == 3);
  // Ratings, intervals, win rates, judge biases: bit-identical (no timing in the section).
  CHECK(run.at("arena").dump() == unsharded.at("arena").dump());
  CHECK(battles_by_id(dir + "/merged") == battles_by_id(dir + "/whole"));
}

TEST_CASE("shard: the plan fingerprint differs for another --ux-log or --ux-similarity, not for session-only flags",
          "[shard]") {
  run::RunOptions o;
  o.tiers = {"ux"};
  o.ux_log = "logs/week1.jsonl";
  const json flags = run::options_to_json(o);
  const std::string plan = run::plan_fingerprint(flags);
  json other = flags;
  other["ux_similarity"] = 0.85;
  CHECK(run::plan_fingerprint(other) != plan);
  other = flags;
  other["ux_log"] = "logs/week2.jsonl";
  CHECK(run::plan_fingerprint(other) != plan);
  other = flags;
  other["concurrency"] = 3;
  other["shard"] = "1/2";
  CHECK(run::plan_fingerprint(other) == plan);
}
