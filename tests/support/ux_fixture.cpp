#include "support/ux_fixture.hpp"

#include <algorithm>
#include <fstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace llmbench::test {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

struct Turn {
  const char* session;
  int turn;
  std::string question, answer;
};

// The log: two sessions of two turns, the second follow-up hostile, and four more first turns.
std::vector<Turn> log_turns() {
  return {{"s1", 1, "How do I reset my password?", "Open Settings > Security and choose Reset password."},
          {"s2", 1, "Where do deleted files go?", kHostileUxAnswer},
          {"s1", 2, "The link expired. What now?", "Request a new link from the same page."},
          {"s2", 2, kHostileUxQuestion, kHostileUxFollowUpAnswer},
          {"s3", 1, "How do I reset my password please?", "Open Settings > Security."},
          {"s4", 1, "What is the upload limit?", "50 GB on paid plans."},
          {"s5", 1, "How can I reset my password?", "Open Settings > Security."},
          {"s6", 1, "Can I share a folder?", "Yes, from its menu."}};
}

json wilson(double low, double high) { return {{"low", low}, {"high", high}}; }

json model_run(const char* embedding, const char* judge, json metrics) {
  return {{"generation_model", nullptr}, {"embedding_model", embedding}, {"judge_model", judge},
          {"production_judge_model", nullptr}, {"judge_eval_mode", "direct"}, {"consistency_runs", 1},
          {"api_key_envs", {{"embedding", ""}, {"judge", ""}}}, {"status", "completed"},
          {"metrics", {{"tier_ux", std::move(metrics)}}}};
}

void write_items(const fs::path& file) {
  fs::create_directories(file.parent_path());
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  const std::vector<Turn> turns = log_turns();
  for (const char* embedding : {"sim-embed", "sim-embed-large"}) {
    for (std::size_t i = 0; i < turns.size(); ++i) {
      const Turn& t = turns[i];
      const std::string id = fmt::format("{}#{}", t.session, t.turn);
      const bool hit = t.question.find("reset my password") != std::string::npos && i > 0;
      json r = {{"tier", "tier_ux"}, {"task", "ux"}, {"item_id", id}, {"question", t.question},
                {"session_id", t.session}, {"turn", t.turn}, {"repeat", 0}, {"role", "embedding"},
                {"model", embedding}, {"embedding_model", embedding},
                {"key", fmt::format("tier_ux|{}|emb={}", id, embedding)}, {"similarity_threshold", 0.9},
                {"logged_cached", hit || i == 5}, {"http_status", 200}, {"attempts", 1},
                {"error", nullptr}, {"error_kind", nullptr},
                {"similarity", i == 0 ? json() : json(hit ? 0.93 : 0.41)},
                {"nearest_item_id", i == 0 ? json() : json("s1#1")}, {"hit", hit}};
      out << r.dump() << '\n';
    }
  }
  for (const char* judge : {"judge-a", kHostileUxJudge}) {
    for (const Turn& t : turns) {
      if (t.turn == 1) continue;
      const std::string id = fmt::format("{}#{}", t.session, t.turn);
      const Turn& before = *std::find_if(turns.begin(), turns.end(),
                                         [&](const Turn& x) { return std::string(x.session) == t.session && x.turn == 1; });
      const std::string context = fmt::format("Turn 1\nUser: {}\nAssistant: {}\n", before.question, before.answer);
      json r = {{"tier", "tier_ux"}, {"task", "ux"}, {"item_id", id}, {"question", t.question},
                {"session_id", t.session}, {"turn", t.turn}, {"repeat", 0}, {"role", "judge"},
                {"model", judge}, {"judge_model", judge}, {"key", fmt::format("tier_ux|{}|judge={}", id, judge)},
                {"context", context}, {"answer", t.answer}, {"response", "Yes: it keeps the earlier turn."},
                {"extracted", "Yes"}, {"parsed", true}, {"preserved", true}, {"http_status", 200},
                {"attempts", 1}, {"latency_ms", 812.5}, {"error", nullptr}, {"error_kind", nullptr}};
      out << r.dump() << '\n';
    }
  }
}

}  // namespace

void add_ux_fixture(const fs::path& dir) {
  const fs::path file = dir / "benchmark_runs.json";
  json runs = json::array();
  if (fs::exists(file)) runs = json::parse(std::ifstream(file));
  const std::string item_log = fmt::format("runs/{}/items.jsonl", kUxRunId);
  write_items(dir / item_log);
  json first = {
      {"cache_hit", {{"rate", 0.25}, {"ci95", wilson(0.0715, 0.5907)}, {"n", 8}, {"hits", 2}, {"errors", 0}, {"threshold", 0.9}}},
      {"cache_flags", {{"accuracy", 0.875}, {"precision", 1.0}, {"recall", 0.6667}, {"f1_score", 0.8},
                       {"true_positives", 2}, {"false_positives", 0}, {"false_negatives", 1}, {"true_negatives", 5},
                       {"total_evaluations", 8}, {"failed_evaluations", 0}}},
      {"context_preservation", {{"rate", 0.75}, {"ci95", wilson(0.3006, 0.9544)}, {"n", 4}, {"preserved", 3},
                                {"errors", 0}, {"avg_latency_ms", 812.5}}}};
  json second = {
      {"cache_hit", {{"rate", 1.0 / 7}, {"ci95", wilson(0.0257, 0.5131)}, {"n", 7}, {"hits", 1}, {"errors", 1}, {"threshold", 0.9}}},
      {"context_preservation", {{"rate", 2.0 / 3}, {"ci95", wilson(0.2077, 0.9385)}, {"n", 3}, {"preserved", 2},
                                {"errors", 1}, {"avg_latency_ms", 1430.25}}}};
  json flags = {{"tiers", {"ux"}}, {"tasks", json::array()}, {"limit", ""}, {"sample_seed", 1234},
                {"num_fewshot", 0}, {"judge_eval_mode", "direct"}, {"consistency_runs", 1},
                {"ux_log", kUxLog}, {"ux_similarity", 0.9}, {"embedding_models", {"sim-embed", "sim-embed-large"}},
                {"judge_models", {"judge-a", kHostileUxJudge}}, {"generation_models", json::array()}};
  json run = {{"id", kUxRunId}, {"schema_version", 1}, {"timestamp", "2025-03-13T09:00:00Z"},
              {"finished_at", "2025-03-13T09:02:00Z"}, {"status", "completed"}, {"overall_status", "no_baseline"},
              {"llmbench_version", "0.1.0"}, {"flags", flags}, {"item_log", item_log},
              {"datasets", json::array({{{"task", "ux"}, {"tier", "tier_ux"}, {"split", "all"}, {"files", {kUxLog}},
                                         {"items_total", 8}, {"items_selected", 8}}})},
              {"requests", {{"total", 14}, {"by_outcome", {{"ok", 12}, {"timeout", 2}}}, {"retries", 0}, {"cache_hits", 0}}},
              {"model_runs", json::array({model_run("sim-embed", "judge-a", first),
                                          model_run("sim-embed-large", kHostileUxJudge, second)})}};
  runs.push_back(std::move(run));
  fs::create_directories(dir);
  std::ofstream(file, std::ios::binary | std::ios::trunc) << runs.dump(2) << '\n';
}

}  // namespace llmbench::test
