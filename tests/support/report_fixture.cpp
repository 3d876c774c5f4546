#include "support/report_fixture.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace llmbench::test {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

const std::vector<std::string> kGenerationModels = {"gpt-4o-mini", "llama-3.1-8b-instruct",
                                                    "qwen2.5-7b-instruct"};
const std::vector<double> kQuality = {0.84, 0.61, 0.72};
const std::vector<std::string> kJudges = {"gpt-4o", "claude-3-5-sonnet"};
const std::vector<std::string> kProductionJudges = {"llama-guard-3-8b", "gpt-4o-mini-judge"};
const std::vector<std::string> kSubjects = {"abstract_algebra", "anatomy", "astronomy",
                                            "college_physics", "world_religions"};

// Deterministic pseudo-random numbers in [0, 1) (splitmix64).
class Dice {
 public:
  explicit Dice(std::uint64_t seed) : state_(seed) {}
  double next() {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    return static_cast<double>(z >> 11) / 9007199254740992.0;
  }

 private:
  std::uint64_t state_;
};

double round4(double x) { return std::round(x * 10000.0) / 10000.0; }

json wilson(int correct, int n) {
  const double z = 1.96, p = static_cast<double>(correct) / n;
  const double denom = 1 + z * z / n;
  const double centre = (p + z * z / (2.0 * n)) / denom;
  const double half = z * std::sqrt(p * (1 - p) / n + z * z / (4.0 * n * n)) / denom;
  return {{"low", round4(centre - half)}, {"high", round4(centre + half)}};
}

json accuracy_block(double quality, int n, Dice& dice) {
  int correct = static_cast<int>(std::lround(std::clamp(quality + (dice.next() - 0.5) * 0.2, 0.0, 1.0) * n));
  json block = {{"n", n}, {"n_correct", correct}, {"n_unparsed", static_cast<int>(dice.next() * 3)},
                {"n_errors", 0}};
  block["accuracy"] = round4(static_cast<double>(correct) / n);
  block["ci95"] = wilson(correct, n);
  return block;
}

json standard_metrics(std::size_t model, double shift, int limit, bool gsm8k_failed, Dice& dice) {
  const double q = kQuality[model] + shift;
  json mmlu = {{"subjects", json::object()}};
  int n_total = 0, c_total = 0;
  double macro = 0;
  for (const auto& subject : kSubjects) {
    json s = accuracy_block(q - 0.1 + 0.05 * static_cast<double>(subject.size() % 5), limit / 5, dice);
    n_total += s["n"].get<int>();
    c_total += s["n_correct"].get<int>();
    macro += s["accuracy"].get<double>();
    mmlu["subjects"][subject] = s;
  }
  mmlu.update({{"n", n_total}, {"n_correct", c_total}, {"n_unparsed", 1}, {"n_errors", 0},
               {"accuracy", round4(static_cast<double>(c_total) / n_total)},
               {"ci95", wilson(c_total, n_total)},
               {"macro_accuracy", round4(macro / static_cast<double>(kSubjects.size()))},
               {"micro_accuracy", round4(static_cast<double>(c_total) / n_total)}});
  const double latency = 300 + 900 * (1 - kQuality[model]) + dice.next() * 50;
  mmlu["latency_ms"] = {{"mean", round4(latency)}, {"p50", round4(latency * 0.9)}, {"p95", round4(latency * 2.1)}};
  mmlu["tokens"] = {{"prompt", n_total * 420}, {"completion", n_total * 12}};
  mmlu["cost"] = {{"input", round4(n_total * 420 * 1.5e-7)}, {"output", round4(n_total * 12 * 6e-7)},
                  {"total", round4(n_total * 420 * 1.5e-7 + n_total * 12 * 6e-7)}};
  json gsm8k;
  if (gsm8k_failed) {
    gsm8k = {{"n", 0}, {"n_correct", 0}, {"n_unparsed", 0}, {"n_errors", limit},
             {"strict_match", {{"n_correct", 0}, {"n_unparsed", 0}}},
             {"flexible_extract", {{"n_correct", 0}, {"n_unparsed", 0}}}};
  } else {
    json flexible = accuracy_block(q - 0.15, limit, dice);
    json strict = accuracy_block(q - 0.25, limit, dice);
    gsm8k = flexible;
    gsm8k["strict_match"] = strict;
    gsm8k["flexible_extract"] = flexible;
    gsm8k["latency_ms"] = {{"mean", round4(latency * 3)}, {"p50", round4(latency * 2.8)}, {"p95", round4(latency * 6)}};
  }
  return {{"mmlu", mmlu}, {"gsm8k", gsm8k}};
}

json text_metrics(double q, Dice& dice) {
  auto v = [&](double base) { return round4(std::clamp(base + (dice.next() - 0.5) * 0.06, 0.0, 1.0)); };
  const double faithfulness = v(q + 0.08);
  return {{"avg_faithfulness", faithfulness},
          {"avg_faithfulness_ci95", {{"low", round4(faithfulness - 0.04)}, {"high", round4(faithfulness + 0.03)}}},
          {"avg_answer_relevance", v(q + 0.1)},
          {"avg_answer_correctness", v(q)},       {"avg_rouge1_f", v(q * 0.6)},
          {"avg_rouge2_f", v(q * 0.35)},          {"avg_rougeL_f", v(q * 0.52)},
          {"avg_bleu", v(q * 0.3)},               {"response_exact_match_rate", v(q * 0.2)},
          {"response_semantic_consistency", v(q + 0.05)}, {"total_queries", 50},
          {"successful_evaluations", 50 - static_cast<int>((1 - q) * 6)},
          {"errors", static_cast<int>((1 - q) * 6)}};
}

// Production-judge outcomes per judge, counted from the items (positive = show).
struct Confusion {
  int tp = 0, fp = 0, fn = 0, tn = 0;
};

json model_run(std::size_t g, std::size_t j, std::size_t p, const json& run_flags, double shift,
               bool missing_bleu, bool missing_judge_latency, bool gsm8k_failed, const Confusion& confusion,
               Dice& dice) {
  const double q = kQuality[g] + shift;
  json metrics;
  metrics["standard"] = standard_metrics(g, shift, 50, gsm8k_failed, dice);
  metrics["tier_2"] = text_metrics(q * (j == 0 ? 1.0 : 0.96), dice);
  if (missing_bleu) metrics["tier_2"].erase("avg_bleu");
  json t3 = text_metrics(q * 0.97, dice);
  t3.update({{"avg_e2e_score", round4(q * 0.9)}, {"avg_semantic_similarity", round4(0.6 + q * 0.3)},
             {"avg_dot_similarity", round4(0.55 + q * 0.3)}, {"avg_euclidean_distance", round4(1.2 - q)}});
  metrics["tier_3"] = t3;
  json judge = {{"consistency_score", round4(j == 0 ? 0.93 : 0.88)}, {"error_rate", j == 0 ? 0.01 : 0.04},
                {"avg_latency_ms", j == 0 ? 812.5 : 1430.25}, {"avg_score", round4(3.2 + q)}};
  if (missing_judge_latency && j == 1) judge.erase("avg_latency_ms");
  metrics["tier_judge"] = judge;
  const int tp = confusion.tp, fp = confusion.fp, fn = confusion.fn, tn = confusion.tn;
  const double precision = static_cast<double>(tp) / std::max(1, tp + fp), recall = static_cast<double>(tp) / std::max(1, tp + fn);
  metrics["tier_judge_pipeline"] = {
      {"accuracy", round4(static_cast<double>(tp + tn) / (tp + fp + fn + tn))},
      {"precision", round4(precision)}, {"recall", round4(recall)},
      {"f1_score", round4(precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0.0)},
      {"avg_latency_ms", p == 0 ? 233.0 : 612.0}, {"true_positives", tp}, {"false_positives", fp},
      {"false_negatives", fn}, {"true_negatives", tn}, {"total_evaluations", tp + fp + fn + tn},
      {"failed_evaluations", p == 0 ? 0 : 2}};
  return {{"generation_model", kGenerationModels[g]}, {"judge_model", kJudges[j]},
          {"production_judge_model", kProductionJudges[p]},
          {"judge_eval_mode", run_flags["judge_eval_mode"]},
          {"consistency_runs", run_flags["consistency_runs"]},
          {"api_key_envs", {{"generation", "OPENAI_API_KEY"}, {"judge", "JUDGE_API_KEY"}}},
          {"status", g == 1 && gsm8k_failed ? "partial" : "completed"},
          {"metrics", metrics}};
}

json arena_section() {
  json arena;
  arena["judge_models"] = kJudges;
  arena["method"] = "bradley_terry";
  arena["leaderboard"] = json::array({
      {{"model", "gpt-4o-mini"}, {"rating", 1084.2}, {"ci95", {{"low", 1061.0}, {"high", 1107.9}}},
       {"wins", 71}, {"losses", 33}, {"ties", 16}, {"battles", 120}},
      {{"model", "qwen2.5-7b-instruct"}, {"rating", 1002.7}, {"ci95", {{"low", 980.4}, {"high", 1024.1}}},
       {"wins", 55}, {"losses", 52}, {"ties", 13}, {"battles", 120}},
      {{"model", "llama-3.1-8b-instruct"}, {"rating", 913.1}, {"ci95", {{"low", 889.5}, {"high", 937.3}}},
       {"wins", 31}, {"losses", 72}, {"ties", 17}, {"battles", 120}}});
  arena["win_rate"] = {{"models", {"gpt-4o-mini", "qwen2.5-7b-instruct", "llama-3.1-8b-instruct"}},
                       {"matrix", {{nullptr, 0.62, 0.78}, {0.38, nullptr, 0.66}, {0.22, 0.34, nullptr}}}};
  arena["judge_bias"] = json::array({
      {{"judge_model", "gpt-4o"}, {"position_a_win_rate", 0.54}, {"tie_rate", 0.11},
       {"self_preference", nullptr}, {"swap_consistency", 0.87}, {"n", 180}},
      {{"judge_model", "claude-3-5-sonnet"}, {"position_a_win_rate", 0.61}, {"tie_rate", 0.16},
       {"self_preference", nullptr}, {"swap_consistency", 0.79}, {"n", 180}}});
  json battles = json::array();
  for (int i = 0; i < 24; ++i) {
    const std::size_t a = static_cast<std::size_t>(i) % 3, b = (a + 1 + static_cast<std::size_t>(i / 3) % 2) % 3;
    const char* winner = i % 5 == 0 ? "tie" : (i % 3 == 0 ? "b" : "a");
    std::string rationale = fmt::format("Answer {} cites the context more precisely.", winner);
    if (i == 4) rationale = "<img src=x onerror=\"window.__xss=7;alert(7)\"> Ответ A точнее.";
    battles.push_back({{"item_id", fmt::format("rag-{:04d}", i)}, {"model_a", kGenerationModels[a]},
                       {"model_b", kGenerationModels[b]}, {"judge_model", kJudges[static_cast<std::size_t>(i) % 2]},
                       {"winner", winner}, {"swapped", i % 2 == 1}, {"rationale", rationale}});
  }
  arena["battles"] = battles;
  return arena;
}

// Item text: mostly ordinary, some hostile, some Cyrillic.
std::string question_text(std::size_t i, const std::string& task) {
  if (i % 97 == 3) return "<script>window.__xss=1;alert(1)</script> Which option is correct?";
  if (i % 89 == 5) return "Какая планета ближе всего к Солнцу? (A) Венера (B) Меркурий (C) Марс (D) Земля";
  if (task == "gsm8k") {
    return fmt::format("Natalia sold clips to {} of her friends in April, and then she sold half as many "
                       "clips in May. How many clips did Natalia sell altogether in April and May?", 40 + i % 20);
  }
  if (task == "mmlu") {
    return fmt::format("Question {}: Find the degree of the field extension Q(sqrt(2), sqrt({})) over Q. "
                       "(A) 0 (B) 4 (C) 2 (D) 6", i, 3 + i % 5);
  }
  return fmt::format("According to the handbook, what is the retention period for audit logs of system {}?", i % 40);
}

std::string answer_text(std::size_t i, std::size_t model, bool correct) {
  if (i % 97 == 3 && model == 1) return "<img src=x onerror=\"window.__xss=2;alert(2)\"> The answer is (B).";
  if (i % 97 == 3 && model == 2) return "</script><script>window.__xss=3;alert(3)</script>(B)";
  if (i % 89 == 5) return correct ? "Ответ: (B) Меркурий." : "Ответ: (A) Венера.";
  if (i % 53 == 7) return "Line one\u2028line two\u2029 and the answer is (C) | piped";
  return correct ? fmt::format("Let me think step by step. The answer is (B). [{}]", i)
                 : fmt::format("I believe the answer is (C) because of item {}.", i);
}

// Writes the item log; returns the production judges' confusion counts over the items written.
std::vector<Confusion> write_items(const fs::path& file, std::size_t count, std::size_t run_index, bool standard_only) {
  std::vector<Confusion> confusion(kProductionJudges.size());
  fs::create_directories(file.parent_path());
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  Dice dice(1000 + run_index);
  std::size_t written = 0;
  for (std::size_t i = 0; written < count; ++i) {
    const std::size_t kind = standard_only ? 0 : i % 4;  // 0 mmlu, 1 gsm8k, 2 tier_2, 3 pipeline
    const std::string task = kind == 0 ? "mmlu" : kind == 1 ? "gsm8k" : kind == 2 ? "rag" : "moderation";
    const std::string tier = kind <= 1 ? "standard" : kind == 2 ? "tier_2" : "tier_judge_pipeline";
    const std::string item_id = fmt::format("{}-{:05d}", task, i);
    const std::string question = question_text(i, task);
    auto emit = [&](json record) {
      if (written >= count) return false;
      out << record.dump(-1, ' ', false, json::error_handler_t::replace) << '\n';
      ++written;
      return true;
    };
    if (kind == 3) {
      for (std::size_t p = 0; p < kProductionJudges.size(); ++p) {
        const bool gold_fail = i % 3 == 0, says_fail = dice.next() < (gold_fail ? 0.85 : 0.1);
        Confusion& c = confusion[p];
        const bool emitted = emit({{"tier", tier}, {"task", task}, {"item_id", item_id}, {"subject", "policy"},
              {"model", kProductionJudges[p]}, {"role", "production_judge"}, {"repeat", 0},
              {"question", question}, {"context", nullptr}, {"reference", gold_fail ? "FAIL" : "PASS"},
              {"response", says_fail ? "FAIL: the reply leaks an internal URL." : "PASS"},
              {"extracted", says_fail ? "FAIL" : "PASS"}, {"gold", gold_fail ? "FAIL" : "PASS"},
              {"parsed", true}, {"correct", says_fail == gold_fail}, {"error_kind", nullptr},
              {"error", nullptr}, {"http_status", 200}, {"attempts", 1},
              {"latency_ms", round4(200 + dice.next() * 500)}, {"ttft_ms", nullptr}});
        if (emitted) ++(gold_fail ? (says_fail ? c.tn : c.fp) : (says_fail ? c.fn : c.tp));
      }
      continue;
    }
    const std::size_t models = standard_only ? 3 : 3;
    for (std::size_t g = 0; g < models; ++g) {
      const bool failed = dice.next() < 0.02;
      const bool correct = dice.next() < kQuality[g];
      json record = {{"tier", tier}, {"task", task}, {"item_id", item_id},
                     {"subject", kind == 0 ? json(kSubjects[i % kSubjects.size()]) : json(nullptr)},
                     {"model", kGenerationModels[g]}, {"role", "generation"}, {"repeat", 0},
                     // as the sweep writes them: the key names one request across runs (compare matches by it)
                     {"generation_model", kGenerationModels[g]}, {"key", fmt::format("{}/{}/{}", item_id, kGenerationModels[g], tier)},
                     {"question", question},
                     {"context", kind == 2 ? json(fmt::format("Handbook section {}: audit logs are kept for {} "
                                                             "days, then archived & deleted.", i % 40, 90 + i % 4 * 30))
                                           : json(nullptr)},
                     {"reference", kind == 2 ? json(fmt::format("{} days", 90 + i % 4 * 30)) : json(nullptr)},
                     {"gold", kind == 0 ? "B" : kind == 1 ? json(std::to_string(60 + i % 30)) : json(nullptr)},
                     {"http_status", failed ? 504 : 200}, {"attempts", failed ? 5 : 1},
                     {"latency_ms", round4(250 + 1200 * (1 - kQuality[g]) + dice.next() * 300)},
                     {"ttft_ms", round4(80 + dice.next() * 100)},
                     {"usage", {{"prompt_tokens", 400 + i % 50}, {"completion_tokens", 20 + i % 90}}}};
      if (failed) {
        record.update({{"response", nullptr}, {"extracted", nullptr}, {"parsed", false}, {"correct", nullptr},
                       {"error_kind", "timeout"}, {"error", "no response within 120 s (5 attempts)"}});
      } else if (kind == 0 && !correct && i % 11 == 5) {  // no letter found, one in two cut off
        record.update({{"response", "Let me weigh each option in turn before I"}, {"extracted", nullptr},
                       {"parsed", false}, {"correct", false}, {"truncated", i % 22 == 5},
                       {"finish_reason", i % 22 == 5 ? "length" : "stop"}, {"error_kind", nullptr}, {"error", nullptr}});
      } else {
        record.update({{"response", answer_text(i, g, correct)}, {"extracted", correct ? "B" : "C"},
                       {"parsed", true}, {"correct", kind == 2 ? json(nullptr) : json(correct)},
                       {"error_kind", nullptr}, {"error", nullptr}});
      }
      record["cached"] = i % 13 == 4;
      if (record["cached"] == true) {  // as the sweep writes it: the old latency kept apart
        record["cached_latency_ms"] = record["latency_ms"];
        record["latency_ms"] = nullptr;
      }
      if (kind == 0) {
        record["options"] = {fmt::format("Venus ({})", i), fmt::format("Mercury ({})", i), "Mars", "Jupiter"};
        record["letters"] = "ABCD";
      }
      emit(record);
      if (kind == 2 && !failed) {
        for (std::size_t j = 0; j < kJudges.size(); ++j) {
          const int score = 2 + static_cast<int>(dice.next() * 3.99);
          emit({{"tier", tier}, {"task", task}, {"item_id", item_id}, {"subject", nullptr},
                {"model", kJudges[j]}, {"role", "judge"}, {"judged_model", kGenerationModels[g]},
                {"repeat", 0}, {"question", question}, {"score", score},
                {"response", i % 97 == 3 ? "<b onmouseover=alert(5)>Faithful</b> score 4"
                                         : fmt::format("Faithfulness {}/5: the answer {} the handbook.", score,
                                                       score >= 4 ? "matches" : "partly contradicts")},
                {"error_kind", nullptr}, {"error", nullptr}, {"latency_ms", round4(700 + dice.next() * 900)}});
        }
      }
    }
  }
  return confusion;
}

json base_run(const char* id, const char* timestamp, const char* status, const char* overall, json flags) {
  return {{"id", id}, {"schema_version", 1}, {"timestamp", timestamp}, {"finished_at", timestamp},
          {"status", status}, {"overall_status", overall}, {"llmbench_version", "0.1.0"},
          {"git", {{"branch", "main"}, {"commit", "3f2c1e9"}}}, {"flags", flags},
          {"item_log", fmt::format("runs/{}/items.jsonl", id)}};
}

}  // namespace

void write_report_fixture(const fs::path& dir, const ReportFixtureOptions& options) {
  fs::create_directories(dir);
  json flags1 = {{"tiers", {"2", "3", "judge", "judge_pipeline", "standard"}}, {"tasks", {"mmlu", "gsm8k"}},
                 {"limit", "50"}, {"sample_seed", 1234}, {"num_fewshot", 0}, {"judge_eval_mode", "direct"},
                 {"consistency_runs", 1}, {"concurrency", 32}, {"retries", 4}, {"timeout_s", 120},
                 {"config", "configs/models.yaml"}, {"generation_models", kGenerationModels},
                 {"judge_models", kJudges}, {"production_judge_models", kProductionJudges}};
  json flags2 = flags1;
  flags2["limit"] = "100";
  flags2["judge_eval_mode"] = "reasoned";
  flags2["consistency_runs"] = 3;
  json flags3 = {{"tiers", {"standard"}}, {"tasks", {"mmlu"}}, {"limit", "50"}, {"sample_seed", 1234},
                 {"num_fewshot", 5}, {"judge_eval_mode", "direct"}, {"consistency_runs", 1},
                 {"generation_models", kGenerationModels}};

  json runs = json::array();
  const json* flag_sets[] = {&flags1, &flags1, &flags2, &flags3};
  const char* stamps[] = {"2025-03-01T09:00:00Z", "2025-03-08T09:00:00Z", "2025-03-10T12:00:00Z",
                          "2025-03-11T08:00:00Z"};
  const char* statuses[] = {"completed", "completed", "completed", "interrupted"};
  const char* overall[] = {"pass", "pass", "fail", "no_baseline"};
  const double shares[] = {0.15, 0.25, 0.5, 0.1};
  for (std::size_t r = 0; r < 4; ++r) {
    const json& flags = *flag_sets[r];
    json run = base_run(kFixtureRunIds[r], stamps[r], statuses[r], overall[r], flags);
    Dice dice(r + 7);
    const double shift = r == 1 ? 0.03 : r == 2 ? -0.02 : 0.0;
    json model_runs = json::array();
    const auto count = static_cast<std::size_t>(static_cast<double>(options.item_records) * shares[r]);
    const std::vector<Confusion> confusion = write_items(dir / run["item_log"].get<std::string>(), count, r, r == 3);
    if (r == 3) {
      // The interrupted run stopped before any item of its last model finished: no model run.
      for (std::size_t g = 0; g + 1 < kGenerationModels.size(); ++g) {
        json metrics;
        metrics["standard"] = {{"mmlu", standard_metrics(g, 0.05, 50, false, dice)["mmlu"]}};
        model_runs.push_back({{"generation_model", kGenerationModels[g]}, {"judge_model", nullptr},
                              {"production_judge_model", nullptr}, {"judge_eval_mode", "direct"},
                              {"consistency_runs", 1}, {"status", "completed"}, {"metrics", metrics}});
      }
      run["dataset_type"] = "standard";
    } else {
      for (std::size_t g = 0; g < 3; ++g)
        for (std::size_t j = 0; j < 2; ++j)
          for (std::size_t p = 0; p < 2; ++p)
            model_runs.push_back(model_run(g, j, p, flags, shift, r == 1 && g == 1, r == 1, r == 1 && g == 2, confusion[p], dice));
      model_runs.push_back({{"generation_model", "mistral-large-2411"}, {"judge_model", nullptr},
                            {"production_judge_model", nullptr}, {"status", "unavailable"},
                            {"unavailable_reason", "preflight: HTTP 401 from provider \"mistral\" (check MISTRAL_API_KEY)"},
                            {"metrics", json::object()}});
      run["dataset_file"] = "benchmarks/data/rag/synthetic_qa.jsonl";
      run["dataset_type"] = "synthetic";
    }
    run["datasets"] = json::array({{{"task", "mmlu"}, {"split", "test"}, {"files", {"benchmarks/data/mmlu/test.jsonl"}},
                                    {"items_total", 14042}, {"items_selected", 50}}});
    run["requests"] = {{"total", 1800 + r * 100}, {"by_outcome", {{"ok", 1780 + r * 95}, {"timeout", 12}, {"rate_limited", 8 - r}}},
                       {"retries", 41}, {"cache_hits", r * 120}};
    if (r == 3) run["requests"]["by_outcome"] = {{"ok", 1900}, {"cancelled", 180}, {"timeout", 12}, {"rate_limited", 8}};
    run["model_runs"] = model_runs;
    if (r == 2 && options.arena == WithArena::yes) run["arena"] = arena_section();
    runs.push_back(run);
  }
  std::ofstream(dir / "benchmark_runs.json", std::ios::binary | std::ios::trunc) << runs.dump(2) << '\n';
}

}  // namespace llmbench::test
