#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <tuple>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "llmbench/data/tasks.hpp"
#include "llmbench/http/executor.hpp"
#include "llmbench/records/journal.hpp"
#include "llmbench/sim/answer_book.hpp"
#include "llmbench/sim/simulator.hpp"
#include "llmbench/tiers/judge_tiers.hpp"
#include "llmbench/tiers/rag_answer_metrics.hpp"
#include "llmbench/tiers/rag_context.hpp"
#include "llmbench/tiers/rag_generation_tiers.hpp"
#include "llmbench/tiers/rag_requests.hpp"
#include "llmbench/tiers/rag_retrieval_tiers.hpp"
#include "llmbench/tiers/tier.hpp"
#include "support/cli.hpp"
#include "support/task_sim.hpp"
#include "support/raw_server.hpp"

using nlohmann::json;
using namespace llmbench;
namespace fs = std::filesystem;

namespace {

// A small RAG set: 7 questions (one Russian, one without a reference), 10 chunks, and a
// judge-pipeline set of 8 items. Returns the flags that point a run at it.
std::vector<std::string> write_rag_fixture(const std::string& dir) {
  struct Row {
    const char* city;
    const char* country;
  };
  const std::vector<Row> rows = {{"Paris", "France"},   {"Berlin", "Germany"}, {"Madrid", "Spain"},
                                 {"Rome", "Italy"},     {"Lisbon", "Portugal"}, {"Vienna", "Austria"},
                                 {"Warsaw", "Poland"},  {"Prague", "Czechia"},  {"Oslo", "Norway"},
                                 {"Athens", "Greece"}};
  auto chunk_text = [&](std::size_t i) {
    if (i == 9) return std::string("Афины — столица Греции. В Афинах много музеев и древних храмов.");
    return std::string(rows[i].city) + " is the capital of " + rows[i].country + ". The city of " + rows[i].city +
           " has many museums and a long history.";
  };
  {
    std::ofstream chunks(dir + "/chunks.jsonl");
    for (std::size_t i = 0; i < rows.size(); ++i) {
      chunks << json{{"chunk_id", "c" + std::to_string(i)}, {"text", chunk_text(i)},
                     {"url", "https://wiki.example/" + std::to_string(i)}}.dump() << "\n";
    }
  }
  {
    std::ofstream rag(dir + "/rag.jsonl");
    for (std::size_t i : {0, 1, 2, 3, 4, 5, 9}) {
      std::string question = std::string("What is the capital of ") + rows[i].country + "?";
      std::string answer = rows[i].city;
      if (i == 9) {
        question = "Какой город — столица Греции?";
        answer = "Афины";
      }
      if (i == 5) answer = "";  // no reference: left out of correctness, e2e and text metrics
      rag << json{{"id", "q" + std::to_string(i)}, {"question", question}, {"ground_truth_answer", answer},
                  {"chunk_id", "c" + std::to_string(i)}, {"chunk_text", chunk_text(i)},
                  {"relevant_chunk_ids", {"c" + std::to_string(i)}}}.dump() << "\n";
    }
  }
  {
    json pipeline = json::array();
    for (std::size_t i = 0; i < 8; ++i) {
      const bool show = i % 2 == 0;
      pipeline.push_back({{"id", "p" + std::to_string(i)},
                          {"question", std::string("What is the capital of ") + rows[i].country + "?"},
                          {"answer", show ? rows[i].city : rows[i + 1].city},
                          {"context", i == 7 ? "" : chunk_text(i)},
                          {"ground_truth_show", show},
                          {"rationale", show ? "grounded" : "names another city"}});
    }
    std::ofstream(dir + "/pipeline.json") << pipeline.dump(1);
  }
  return {"--dataset", dir + "/rag.jsonl", "--chunks", dir + "/chunks.jsonl", "--judge-pipeline-dataset",
          dir + "/pipeline.json"};
}

std::vector<json> read_items(const std::string& file) {
  std::vector<json> out;
  std::ifstream in(file);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) out.push_back(json::parse(line));
  }
  return out;
}

std::size_t batches(std::size_t n) { return (n + 63) / 64; }

const std::map<std::string, std::vector<std::string>> kIssueKeys = {
    {"tier_0", {"avg_nn_distance", "std_nn_distance", "density_score", "avg_spread", "max_spread", "spread_std",
                "effective_dimensionality", "avg_pairwise_distance", "std_pairwise_distance",
                "min_pairwise_distance", "max_pairwise_distance", "total_samples"}},
    {"tier_1", {"hit_rate@1", "hit_rate@5", "hit_rate@10", "mrr", "recall@1", "recall@3", "recall@5", "recall@10",
                "precision@1", "precision@3", "precision@5", "precision@10", "ndcg@5", "ndcg@10",
                "retrieval_consistency"}},
    {"tier_2", {"avg_faithfulness", "avg_answer_relevance", "avg_answer_correctness", "avg_rouge1_f", "avg_rouge2_f",
                "avg_rougeL_f", "avg_bleu", "response_exact_match_rate", "response_semantic_consistency",
                "total_queries", "successful_evaluations", "errors"}},
    {"tier_3", {"avg_e2e_score", "avg_semantic_similarity", "avg_dot_similarity", "avg_euclidean_distance",
                "avg_rouge1_f", "avg_rouge2_f", "avg_rougeL_f", "avg_bleu", "response_exact_match_rate",
                "response_semantic_consistency", "total_queries", "successful_evaluations", "errors"}},
    {"tier_judge", {"consistency_score", "error_rate", "avg_latency_ms", "avg_score"}},
    {"tier_judge_pipeline", {"accuracy", "precision", "recall", "f1_score", "avg_latency_ms", "true_positives",
                             "false_positives", "false_negatives", "true_negatives", "total_evaluations",
                             "failed_evaluations"}},
};

}  // namespace

TEST_CASE("rag_tiers: a 2x2x2 sweep over every tier writes G x J x P model runs with every metric and sends each "
          "distinct request once",
          "[rag_tiers]") {
  const std::string dir = test::temp_dir("rag-sweep");
  test::write_embedded_sim_config(dir);
  std::vector<std::string> args = {"run", "--tier", "all", "--limit", "5", "--consistency-runs", "2",
                                   "--config", dir + "/models.yaml", "--output-dir", dir + "/out",
                                   "--generation-models", "sim-small,sim-large",
                                   "--judge-models", "sim-medium,sim-large",
                                   "--production-judge-models", "sim-small,sim-medium",
                                   "--embedding-models", "sim-embed", "--progress", "none"};
  for (auto& a : write_rag_fixture(dir)) args.push_back(a);
  // From another directory: data and prompt templates come from the source tree.
  const test::CliResult r = test::run_cli(args, dir);
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("Tier 2: answers on the gold context") &&
                        Catch::Contains("Production judges (positive = show)"));

  const json runs = json::parse(std::ifstream(dir + "/out/benchmark_runs.json"));
  const json& run = runs.back();
  const std::size_t G = 2, J = 2, P = 2, E = 1, R = 2;
  REQUIRE(run["model_runs"].size() == G * J * P * E);
  std::set<std::string> combos;
  for (const json& mr : run["model_runs"]) {
    CHECK(mr["status"] == "completed");
    combos.insert(mr["generation_model"].get<std::string>() + "/" + mr["judge_model"].get<std::string>() + "/" +
                  mr["production_judge_model"].get<std::string>());
    for (const auto& [tier, keys] : kIssueKeys) {
      REQUIRE(mr["metrics"].contains(tier));
      for (const auto& key : keys) {
        INFO(tier << "." << key);
        CHECK(mr["metrics"][tier].contains(key));
      }
    }
    CHECK(mr["metrics"].contains("standard"));
    CHECK(mr["metrics"]["tier_judge_pipeline"]["total_evaluations"] == 5);
    CHECK(mr["metrics"]["tier_1"]["ndcg@10"].get<double>() <= 1.0);
  }
  CHECK(combos.size() == G * J * P);

  // The item log: unique keys, and the job counts of the plan.
  const std::vector<json> items = read_items(dir + "/out/" + run["item_log"].get<std::string>());
  std::set<std::string> keys, rag_items, with_reference;
  std::map<std::string, std::size_t> per_tier;
  for (const json& rec : items) {
    CHECK(keys.insert(rec["key"].get<std::string>()).second);
    CHECK(rec["error"].is_null());
    ++per_tier[rec["tier"].get<std::string>()];
    if (rec["tier"] == "tier_2" && rec["role"] == "generation") {
      rag_items.insert(rec["item_id"].get<std::string>());
      if (rec["reference"].is_string()) with_reference.insert(rec["item_id"].get<std::string>());
    }
    if (rec["role"] == "judge" && rec["tier"] != "tier_judge" && rec["tier"] != "tier_ux") {
      CHECK(rec["judged_model"].is_string());
      CHECK(rec["score"].is_number());
    }
  }
  const std::size_t N = rag_items.size(), Nref = with_reference.size(), M = 5;
  REQUIRE(N == 5);
  std::size_t standard_items = 0, chunks = 10;
  for (const json& d : run["datasets"]) {
    if (!d.contains("tier")) standard_items += d["items_selected"].get<std::size_t>();
  }
  CHECK(per_tier["tier_0"] == E);
  CHECK(per_tier["tier_1"] == E * N);
  CHECK(per_tier["tier_2"] == G * (N * R + J * (2 * N + Nref) + N * E));
  CHECK(per_tier["tier_3"] == G * E * (N * R + J * Nref + N));
  CHECK(per_tier["tier_judge"] == J * Nref * 2);
  CHECK(per_tier["tier_judge_pipeline"] == P * M);
  CHECK(per_tier["standard"] == G * standard_items);
  // tier_ux on the shipped sample log (40 questions, --limit 5 of them): a record per selected
  // turn and embedding model, and per selected follow-up and judge.
  std::size_t ux_judged = 0;
  for (const json& rec : items) ux_judged += rec["tier"] == "tier_ux" && rec["role"] == "judge" ? 1 : 0;
  CHECK(per_tier["tier_ux"] == E * 5 + ux_judged);
  CHECK(ux_judged % J == 0);

  // Requests: each distinct request once. Answers, pipeline verdicts, standard prompts and the
  // question/chunk batches are distinct by construction; judge prompts and answer embeddings
  // are distinct unless two answers coincide (both models right), so those are counted from
  // what the records say was asked.
  std::set<std::string> judge_requests, embed_requests;
  std::size_t judge_records = 0;
  for (const json& rec : items) {
    if (rec["role"] == "judge" && rec["tier"] != "tier_ux") {
      ++judge_records;
      judge_requests.insert(rec["model"].dump() + rec["prompt"].dump() + rec["repeat"].dump());
    }
    if (rec.contains("inputs")) embed_requests.insert(rec["model"].dump() + rec["inputs"].dump());
  }
  CHECK(judge_records == J * (G * (2 * N + Nref) + G * E * Nref + 2 * Nref));
  // tier_judge's first verdict on a reference is tier 2's faithfulness request on an answer
  // equal to it, and the repeats of tier_judge are distinct: some sharing must have happened.
  CHECK(judge_requests.size() < judge_records);
  const std::size_t expected = E * (2 * batches(N) + batches(chunks))  // questions x2 (tier 1 rerun), chunks
                               + G * N * R * (1 + E)                   // tier 2 and tier 3 answers
                               + P * M                                 // production judge verdicts
                               + G * standard_items                    // standard tier
                               + judge_requests.size() + embed_requests.size()
                               + E * batches(40) + ux_judged;          // tier_ux: the log's questions, verdicts
  CHECK(run["requests"]["total"].get<std::size_t>() == expected);
}

TEST_CASE("rag_tiers: an unreadable judge verdict is an error record, never a score", "[rag_tiers]") {
  const std::string dir = test::temp_dir("rag-unparsed");
  test::write_embedded_sim_config(dir);
  fs::copy(std::string(LLMBENCH_SOURCE_DIR) + "/configs/prompts", dir + "/prompts", fs::copy_options::recursive);
  // A faithfulness prompt that asks for no score: the simulator answers with prose.
  std::ofstream(dir + "/prompts/en/judge_faithfulness_direct.txt")
      << "Read this.\n{{question}}\n{{context}}\n{{answer}}\n";
  std::vector<std::string> args = {"run", "--tier", "2", "--limit", "3", "--config", dir + "/models.yaml",
                                   "--output-dir", dir + "/out", "--prompts-dir", dir + "/prompts",
                                   "--generation-models", "sim-large", "--judge-models", "sim-medium",
                                   "--progress", "none"};
  for (auto& a : write_rag_fixture(dir)) args.push_back(a);
  const test::CliResult r = test::run_cli(args, dir);
  INFO(r.out << r.err);
  CHECK(r.exit_code == 1);
  const json run = json::parse(std::ifstream(dir + "/out/benchmark_runs.json")).back();
  const json& metrics = run["model_runs"][0]["metrics"]["tier_2"];
  CHECK_FALSE(metrics.contains("avg_faithfulness"));
  CHECK(metrics.contains("avg_answer_relevance"));
  CHECK(metrics["errors"] == 3);
  CHECK(run["model_runs"][0]["status"] == "partial");
  std::size_t unparsed = 0;
  for (const json& rec : read_items(dir + "/out/" + run["item_log"].get<std::string>())) {
    if (rec.value("metric", "") != "faithfulness") continue;
    CHECK(rec["error_kind"] == "unparsed_verdict");
    CHECK(rec["score"].is_null());
    ++unparsed;
  }
  CHECK(unparsed == 3);
}

TEST_CASE("rag_tiers: a missing prompts directory stops the run before any request, naming the flag", "[rag_tiers]") {
  const std::string dir = test::temp_dir("rag-noprompts");
  test::write_embedded_sim_config(dir);
  std::vector<std::string> args = {"run", "--tier", "judge_pipeline", "--config", dir + "/models.yaml",
                                   "--output-dir", dir + "/out", "--prompts-dir", dir + "/nowhere"};
  for (auto& a : write_rag_fixture(dir)) args.push_back(a);
  const test::CliResult r = test::run_cli(args, dir);
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains(dir + "/nowhere/en/production_judge.txt") && Catch::Contains("--prompts-dir"));
  CHECK_FALSE(fs::exists(dir + "/out/benchmark_runs.json"));
}

TEST_CASE("rag_tiers: identical requests are sent once and every caller gets the record", "[rag_tiers]") {
  sim::SimOptions so;
  so.answers = std::make_shared<sim::AnswerBook>();
  sim::Simulator sim(so);
  sim.start();
  http::Executor executor(http::ExecutorOptions{});
  tiers::SharedRequests shared(executor);
  http::ApiRequest request;
  request.endpoint.base_url = sim.base_url();
  request.model = "sim-small";
  request.messages = {{"user", "Tell me about caching"}};
  std::vector<std::string> answers;
  for (int i = 0; i < 3; ++i) {
    shared.submit(request, [&](const http::RequestRecord& r) {
      answers.push_back(r.content);
      if (answers.size() == 1) {
        // A follow-up asking the same thing after the record arrived is answered at once.
        shared.submit(request, [&](const http::RequestRecord& again) { answers.push_back(again.content); });
      }
    });
  }
  http::ApiRequest repeat = request;
  repeat.repeat_index = 1;  // a consistency repeat is a different request
  shared.submit(repeat, [&](const http::RequestRecord& r) { CHECK(r.ok()); });
  executor.run();
  REQUIRE(answers.size() == 4);
  for (const auto& a : answers) CHECK(a == answers[0]);
  CHECK(shared.sent() == 2);
  CHECK(shared.shared() == 3);
  CHECK(executor.stats().completed == 2);
  CHECK(sim.stats().requests == 2);
}

TEST_CASE("rag_tiers: ending the request sharing lets its records go, and the next requests() starts afresh",
          "[rag_tiers]") {
  sim::SimOptions so;
  so.answers = std::make_shared<sim::AnswerBook>();
  sim::Simulator sim(so);
  sim.start();
  http::Executor executor(http::ExecutorOptions{});
  tiers::RagContext context(run::RunOptions{}, data::resolve_data_dir(""));
  http::ApiRequest request;
  request.endpoint.base_url = sim.base_url();
  request.model = "sim-small";
  request.messages = {{"user", "Tell me about caching"}};
  int answered = 0;
  context.requests(executor).submit(request, [&](const http::RequestRecord& r) { answered += r.ok() ? 1 : 0; });
  executor.run();
  CHECK(answered == 1);
  CHECK(context.requests(executor).sent() == 1);  // kept: a later job may ask the same
  context.end_requests();                         // the sweep's executor has run
  CHECK(context.requests(executor).sent() == 0);
  context.requests(executor).submit(request, [&](const http::RequestRecord& r) { answered += r.ok() ? 1 : 0; });
  executor.run();
  CHECK(answered == 2);
  CHECK(sim.stats().requests == 2);  // asked again: nothing of the first sharing was left
}

TEST_CASE("rag_tiers: embedding batches split large inputs and return vectors in input order", "[rag_tiers]") {
  sim::SimOptions so;
  so.models = {{"sim-embed", 0.5}};
  so.answers = std::make_shared<sim::AnswerBook>();
  sim::Simulator sim(so);
  sim.start();
  http::Executor executor(http::ExecutorOptions{});
  tiers::SharedRequests shared(executor);
  config::ResolvedModel model;
  model.id = "sim-embed";
  model.api_model = "sim-embed";
  model.endpoint.base_url = sim.base_url();
  std::vector<std::string> texts;
  for (int i = 0; i < 70; ++i) texts.push_back("text number " + std::to_string(i));
  tiers::EmbedResult all, again, single;
  tiers::embed_texts(shared, model, texts, 0, [&](const tiers::EmbedResult& e) { all = e; });
  tiers::embed_texts(shared, model, texts, 0, [&](const tiers::EmbedResult& e) { again = e; });
  tiers::embed_texts(shared, model, {texts[65]}, 0, [&](const tiers::EmbedResult& e) { single = e; });
  executor.run();
  INFO(all.error_kind << ": " << all.error);
  REQUIRE(all.ok());
  REQUIRE(all.vectors.size() == 70);
  CHECK(tiers::embedding_requests(70) == 2);
  CHECK(shared.sent() == 3);  // two batches, shared by the second call, plus the single text
  CHECK(again.vectors == all.vectors);
  REQUIRE(single.vectors.size() == 1);
  CHECK(metrics::cosine_similarity(single.vectors[0], all.vectors[65]) == Approx(1.0));
}

TEST_CASE("rag_tiers: answer metrics leave out items without a reference and failed records", "[rag_tiers]") {
  auto gen = [](const char* item, int repeat, const char* response, json reference) {
    return json{{"role", "generation"}, {"item_id", item}, {"repeat", repeat}, {"response", response},
                {"reference", reference}, {"error", nullptr}};
  };
  auto judge = [](const char* item, const char* metric, json score, json error = nullptr) {
    return json{{"role", "judge"}, {"item_id", item}, {"metric", metric}, {"score", score}, {"error", error}};
  };
  const std::vector<json> records = {
      gen("a", 0, "Paris", "Paris"),        gen("a", 1, "Paris", "Paris"),
      gen("b", 0, "Berlin is it", nullptr), gen("b", 1, "It is Berlin", nullptr),
      judge("a", "faithfulness", 5),        judge("b", "faithfulness", 3),
      judge("a", "correctness", 4),         judge("b", "relevance", nullptr, "judge verdict unreadable"),
      {{"role", "embedding"}, {"item_id", "a"}, {"semantic_consistency", 1.0}, {"semantic_similarity", 0.5},
       {"error", nullptr}},
  };
  std::vector<const json*> ptrs;
  for (const auto& r : records) ptrs.push_back(&r);
  const json m = tiers::answer_metrics(ptrs);
  CHECK(m["avg_faithfulness"] == Approx(4.0));
  CHECK(m["avg_faithfulness_ci95"] == json{{"low", 3.0}, {"high", 5.0}});  // items a (5) and b (3)
  CHECK(m["avg_answer_correctness"] == Approx(4.0));
  CHECK(m["avg_answer_correctness_ci95"] == json{{"low", 4.0}, {"high", 4.0}});  // one item
  CHECK_FALSE(m.contains("avg_answer_relevance"));  // its only verdict failed: absent, not 0
  CHECK(m["avg_rouge1_f"] == Approx(1.0));            // only item a has a reference
  CHECK(m["response_exact_match_rate"] == Approx(0.5));
  CHECK(m["response_semantic_consistency"] == Approx(1.0));
  CHECK(m["avg_semantic_similarity"] == Approx(0.5));
  CHECK_FALSE(m.contains("avg_e2e_score"));
  CHECK(m["total_queries"] == 2);
  CHECK(m["successful_evaluations"] == 3);
  CHECK(m["errors"] == 1);
}

TEST_CASE("rag_tiers: pipeline metrics count failed verdicts apart from the confusion matrix", "[rag_tiers]") {
  auto rec = [](bool gold, json extracted, json error = nullptr) {
    return json{{"ground_truth_show", gold}, {"extracted", extracted}, {"parsed", extracted.is_string()},
                {"error", error}, {"latency_ms", 100.0}};
  };
  const std::vector<json> records = {rec(true, "Yes"), rec(true, "No"), rec(false, "No"), rec(false, "Yes"),
                                     rec(true, "Yes"), rec(false, nullptr, "does not start with Yes or No")};
  std::vector<const json*> ptrs;
  for (const auto& r : records) ptrs.push_back(&r);
  const json m = tiers::pipeline_metrics(ptrs);
  CHECK(m["true_positives"] == 2);
  CHECK(m["false_negatives"] == 1);
  CHECK(m["true_negatives"] == 1);
  CHECK(m["false_positives"] == 1);
  CHECK(m["total_evaluations"] == 6);
  CHECK(m["failed_evaluations"] == 1);
  CHECK(m["accuracy"] == Approx(0.6));
  CHECK(m["avg_latency_ms"] == Approx(100.0));
}

TEST_CASE("rag_tiers: retrieved chunks are numbered for the answer prompt", "[rag_tiers]") {
  data::Chunk a{"c1", "First text.", ""}, b{"c2", "Second text.", ""};
  CHECK(tiers::format_retrieved({&a, &b}) == "[1] First text.\n\n[2] Second text.");
}

TEST_CASE("rag_tiers: embedding-tier records carry the last attempt's status and the attempt count", "[rag_tiers]") {
  // The check ("ping") is answered; every other embeddings request gets a 500.
  test::RawServer server([](const test::RawRequest& request, const test::RawWrite& write) {
    if (request.body.find("\"ping\"") != std::string::npos) {
      test::write_json_response(write, "200 OK",
                                R"({"object":"list","data":[{"object":"embedding","index":0,)"
                                R"("embedding":[0.1,0.2,0.3]}],"model":"e"})");
      return;
    }
    test::write_json_response(write, "500 Internal Server Error", R"({"error":{"message":"overloaded"}})");
  });
  const std::string dir = test::temp_dir("rag-emb");
  const std::vector<std::string> data = write_rag_fixture(dir);
  std::ofstream(dir + "/models.yaml") << "providers:\n  raw:\n    base_url: " + server.url("emb") +
                                              "\n  sim:\n    base_url: sim://\nmodels:\n"
                                              "  - id: emb-down\n    provider: raw\n    kind: embedding\n"
                                              "  - id: emb-sim\n    provider: sim\n    kind: embedding\n";
  std::ofstream(dir + "/none.env") << "";
  std::vector<std::string> args = {"run", "--config", dir + "/models.yaml", "--env-file", dir + "/none.env",
                                   "--tier", "0,1", "--limit", "3", "--embedding-models", "emb-down,emb-sim",
                                   "--retries", "1", "--output-dir", dir + "/out", "--progress", "none",
                                   "--run-id", "emb"};
  args.insert(args.end(), data.begin(), data.end());
  const auto result = test::run_cli(args);
  INFO(result.out << result.err);
  CHECK(result.exit_code == 1);
  const auto records = records::read_journal(fs::path(dir) / "out/runs/emb/items.jsonl").records;
  REQUIRE(records.size() == 2 * (1 + 3));  // per model: tier_0 once, tier_1 per question
  for (const json& r : records) {
    INFO(r.dump());
    REQUIRE(r.contains("http_status"));
    REQUIRE(r.contains("attempts"));
    if (r.at("embedding_model") == "emb-down") {
      CHECK(r.at("error_kind") == "http_status");
      CHECK(r.at("http_status") == 500);
      CHECK(r.at("attempts") == 2);
    } else {
      CHECK(r.at("error").is_null());
      CHECK(r.at("http_status") == 200);
      CHECK(r.at("attempts") == 1);
    }
  }
}

TEST_CASE("rag_tiers: --resume of a run whose item log lost every other record writes exactly the lost records, "
          "with the same metrics",
          "[rag_tiers]") {
  const std::string dir = test::temp_dir("rag-resume");
  test::write_embedded_sim_config(dir);
  std::vector<std::string> args = {"run", "--tier", "1,2,3,judge,judge_pipeline", "--limit", "5",
                                   "--consistency-runs", "2", "--config", dir + "/models.yaml",
                                   "--output-dir", dir + "/out", "--run-id", "lossy",
                                   "--generation-models", "sim-small,sim-large", "--judge-models", "sim-medium",
                                   "--production-judge-models", "sim-small", "--embedding-models", "sim-embed",
                                   "--progress", "none"};
  for (auto& a : write_rag_fixture(dir)) args.push_back(a);
  const test::CliResult first = test::run_cli(args, dir);
  INFO(first.out << first.err);
  REQUIRE(first.exit_code == 0);
  auto only_run = [&] { return json::parse(std::ifstream(dir + "/out/benchmark_runs.json")).back(); };
  const json complete = only_run();
  const std::string log = dir + "/out/" + complete["item_log"].get<std::string>();
  const std::vector<json> all = read_items(log);
  {
    std::ofstream kept(log, std::ios::trunc);
    for (std::size_t i = 0; i < all.size(); i += 2) kept << all[i].dump() << "\n";
  }

  const test::CliResult resumed = test::run_cli({"run", "--resume", "lossy", "--output-dir", dir + "/out",
                                                 "--progress", "none"}, dir);
  INFO(resumed.out << resumed.err);
  REQUIRE(resumed.exit_code == 0);
  std::set<std::string> before, after;
  for (const json& r : all) before.insert(r["key"].get<std::string>());
  for (const json& r : read_items(log)) CHECK(after.insert(r["key"].get<std::string>()).second);
  CHECK(after == before);
  const json run = only_run();
  CHECK(run["requests"]["resumed_items"] == (all.size() + 1) / 2);
  REQUIRE(run["model_runs"].size() == complete["model_runs"].size());
  // The same metrics but latencies (the resent requests' are new); means may differ in the
  // last bits, the records being summed in another order.
  std::function<void(const json&, const json&)> same = [&](const json& a, const json& b) {
    REQUIRE(a.type() == b.type());
    if (a.is_number_float()) {
      CHECK(a.get<double>() == Approx(b.get<double>()));
    } else if (a.is_object()) {
      REQUIRE(a.size() == b.size());
      for (const auto& [name, value] : a.items()) {
        INFO(name);
        REQUIRE(b.contains(name));
        if (name.find("latency") == std::string::npos) same(value, b[name]);
      }
    } else if (a.is_array()) {
      REQUIRE(a.size() == b.size());
      for (std::size_t i = 0; i < a.size(); ++i) same(a[i], b[i]);
    } else {
      CHECK(a == b);
    }
  };
  for (std::size_t i = 0; i < run["model_runs"].size(); ++i) {
    INFO("model run " << i);
    same(run["model_runs"][i]["metrics"], complete["model_runs"][i]["metrics"]);
  }
}

TEST_CASE("rag_tiers: the metrics a sweep keeps as compact entries while records stream by, in any order and "
          "with a stale record of a key before its latest, are exactly those of the whole records",
          "[rag_tiers][rag_entries]") {
  const std::string dir = test::temp_dir("rag-entries");
  test::write_embedded_sim_config(dir);
  const std::vector<std::string> fixture = write_rag_fixture(dir);
  std::vector<std::string> args = {"run", "--tier", "2,3,judge,judge_pipeline", "--limit", "5",
                                   "--consistency-runs", "2", "--config", dir + "/models.yaml",
                                   "--output-dir", dir + "/out", "--generation-models", "sim-small,sim-large",
                                   "--judge-models", "sim-medium", "--production-judge-models", "sim-small",
                                   "--embedding-models", "sim-embed", "--progress", "none"};
  for (const auto& a : fixture) args.push_back(a);
  const test::CliResult r = test::run_cli(args, dir);
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  const json run = json::parse(std::ifstream(dir + "/out/benchmark_runs.json")).back();
  const std::vector<json> items = read_items(dir + "/out/" + run["item_log"].get<std::string>());
  json bare_runs = run["model_runs"];
  for (json& mr : bare_runs) mr.erase("metrics");

  run::RunOptions options;
  options.limit = "5";
  options.consistency_runs = 2;
  options.dataset = fixture[1];
  options.chunks = fixture[3];
  options.judge_pipeline_dataset = fixture[5];
  const run::ModelMatrix models;  // no prices: tokens, no cost
  for (const std::string tier_arg : {"2", "3", "judge", "judge_pipeline"}) {
    const std::unique_ptr<tiers::Tier> tier = tiers::make_tier(tier_arg, options, data::resolve_data_dir(""));
    INFO(tier->name());
    std::vector<const json*> mine;
    for (const json& rec : items) {
      if (rec["tier"] == tier->name()) mine.push_back(&rec);
    }
    REQUIRE(mine.size() > 4);
    // A failed record of a key, earlier in the journal than its latest (as a --retry-errors
    // resume leaves it): counted by neither.
    json stale = *mine[3];
    stale["error"] = "connection refused";
    stale["error_kind"] = "connect";
    stale["score"] = 1;
    stale["response"] = "something else";
    const std::unique_ptr<tiers::TierAggregator> whole = tier->Tier::aggregator(models);  // every record kept
    const std::unique_ptr<tiers::TierAggregator> compact = tier->aggregator(models);
    whole->add(stale);
    for (const json* rec : mine) whole->add(*rec);
    compact->add(stale);
    for (auto it = mine.rbegin(); it != mine.rend(); ++it) {  // another order of finishing
      if (*it != mine[3]) compact->add(**it);
    }
    compact->add(*mine[3]);
    json expected = bare_runs, got = bare_runs;
    whole->finish(expected);
    compact->finish(got);
    for (std::size_t i = 0; i < got.size(); ++i) {
      INFO("model run " << i);
      REQUIRE(expected[i]["metrics"].contains(tier->name()));
      CHECK(got[i]["metrics"][tier->name()] == expected[i]["metrics"][tier->name()]);  // exact, not approx
      CHECK(got[i]["metrics"][tier->name()] == run["model_runs"][i]["metrics"][tier->name()]);
    }
  }
}

TEST_CASE("rag_tiers: repeated answers that differ only in surrounding whitespace count as an exact match",
          "[rag_tiers][rag_entries]") {
  auto gen = [](const char* item, int repeat, const char* response) {
    return json{{"role", "generation"}, {"item_id", item}, {"repeat", repeat}, {"response", response},
                {"error", nullptr}};
  };
  const std::vector<json> records = {gen("a", 0, "Paris"), gen("a", 1, "  Paris\n"), gen("b", 0, "Berlin"),
                                     gen("b", 1, "berlin"), gen("c", 0, "Rome"), gen("c", 1, "Rome.")};
  std::vector<const json*> ptrs;
  for (const auto& rec : records) ptrs.push_back(&rec);
  CHECK(tiers::answer_metrics(ptrs)["response_exact_match_rate"] == Approx(1.0 / 3.0));
}

TEST_CASE("rag_tiers: a priced sweep records each model run's actual cost, tokens x price, answers and verdicts "
          "apart, and an unpriced model has none",
          "[rag_tiers][tier_cost]") {
  const std::string dir = test::temp_dir("rag-cost");
  test::write_embedded_sim_config(dir);
  // sim-small answers at $3/$15 per million tokens, sim-medium judges at $1/$4; sim-large has no price.
  std::ofstream(dir + "/models.yaml") << R"(providers:
  sim:
    base_url: sim://
models:
  - {id: sim-small, provider: sim, sim_accuracy: 0.45, params: {temperature: 0, max_tokens: 512}, price: {input_per_mtok: 3, output_per_mtok: 15}}
  - {id: sim-medium, provider: sim, sim_accuracy: 0.65, params: {temperature: 0, max_tokens: 512}, price: {input_per_mtok: 1, output_per_mtok: 4}}
  - {id: sim-large, provider: sim, sim_accuracy: 0.85, params: {temperature: 0, max_tokens: 512}}
  - {id: sim-embed, provider: sim, kind: embedding}
)";
  std::vector<std::string> args = {"run", "--tier", "2,judge_pipeline", "--limit", "5", "--config",
                                   dir + "/models.yaml", "--env-file", dir + "/empty.env",
                                   "--output-dir", dir + "/out", "--generation-models", "sim-small,sim-large",
                                   "--judge-models", "sim-medium", "--production-judge-models", "sim-medium,sim-large",
                                   "--embedding-models", "sim-embed", "--progress", "none"};
  for (auto& a : write_rag_fixture(dir)) args.push_back(a);
  const test::CliResult r = test::run_cli(args, dir);
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  const json run = json::parse(std::ifstream(dir + "/out/benchmark_runs.json")).back();

  // Usage per (tier, role, model) from the item log: what the costs must be made of.
  // (tier, role, model, generation model: the one it answered or judged, "" for none)
  std::map<std::tuple<std::string, std::string, std::string, std::string>, std::pair<std::int64_t, std::int64_t>> usage;
  for (const json& rec : read_items(dir + "/out/" + run["item_log"].get<std::string>())) {
    if (!rec["usage"].is_object()) continue;
    const std::string judged = rec.value("generation_model", json()).is_string() ? rec["generation_model"] : "";
    auto& [prompt, completion] = usage[{rec["tier"], rec["role"], rec["model"], judged}];
    prompt += rec["usage"]["prompt_tokens"].get<std::int64_t>();
    completion += rec["usage"]["completion_tokens"].get<std::int64_t>();
  }
  auto expect = [&](const json& block, const char* tokens_key, const char* cost_key, const std::string& tier,
                    const char* role, const std::string& model, const std::string& judged,
                    std::optional<std::pair<double, double>> price) {
    INFO(tier << " " << role << " " << model << " of " << judged);
    const auto [prompt, completion] = usage.at({tier, role, model, judged});
    REQUIRE(prompt > 0);
    REQUIRE(completion > 0);
    CHECK(block.at(tokens_key) == json{{"prompt", prompt}, {"completion", completion}});
    if (!price) {
      CHECK_FALSE(block.contains(cost_key));  // never a 0
      return;
    }
    const double input = static_cast<double>(prompt) * price->first / 1e6;
    const double output = static_cast<double>(completion) * price->second / 1e6;
    CHECK(block.at(cost_key).at("input").get<double>() == Approx(input).epsilon(1e-12));
    CHECK(block.at(cost_key).at("output").get<double>() == Approx(output).epsilon(1e-12));
    CHECK(block.at(cost_key).at("total").get<double>() == Approx(input + output).epsilon(1e-12));
  };
  const std::pair<double, double> small{3, 15}, medium{1, 4};
  std::map<std::string, double> answers_cost, tier2_judging;  // by generation model
  double pipeline_judging = 0;
  for (const json& mr : run["model_runs"]) {
    const std::string gen = mr["generation_model"], prod = mr["production_judge_model"];
    const json& t2 = mr["metrics"]["tier_2"];
    expect(t2, "tokens", "cost", "tier_2", "generation", gen, gen,
           gen == "sim-small" ? std::optional(small) : std::nullopt);
    expect(t2, "judge_tokens", "judge_cost", "tier_2", "judge", "sim-medium", gen, medium);
    const json& pipeline = mr["metrics"]["tier_judge_pipeline"];
    expect(pipeline, "judge_tokens", "judge_cost", "tier_judge_pipeline", "production_judge", prod, "",
           prod == "sim-medium" ? std::optional(medium) : std::nullopt);
    CHECK_FALSE(pipeline.contains("cost"));
    if (t2.contains("cost")) answers_cost[gen] = t2["cost"]["total"];
    tier2_judging[gen] = t2["judge_cost"]["total"];
    if (prod == "sim-medium") pipeline_judging = pipeline["judge_cost"]["total"];
  }
  // The summary sums per model over tiers, each block once (the model runs repeat tier 2's per
  // production judge): sim-medium judged both models' answers and was one production judge.
  const std::size_t at = r.out.find("Cost per model");
  REQUIRE(at != std::string::npos);
  std::map<std::string, std::string> rows;
  std::istringstream table(r.out.substr(at));
  for (std::string line; std::getline(table, line);) {
    if (line.rfind("sim-", 0) == 0) rows[line.substr(0, line.find(' '))] = line;
  }
  CHECK(rows.size() == 2);  // sim-large has no price in any role: no row, never a 0
  CHECK_THAT(rows["sim-small"], Catch::Contains(fmt::format("{:.4f}", answers_cost.at("sim-small"))));
  CHECK_THAT(rows["sim-medium"],
             Catch::Contains(fmt::format("{:.4f}", tier2_judging.at("sim-small") + tier2_judging.at("sim-large") +
                                                       pipeline_judging)));
  // The page's data holds the same sums, which its Overview card and leaderboard show.
  const test::CliResult page = test::run_cli({"report", "--output-dir", dir + "/out"});
  REQUIRE(page.exit_code == 0);
  const std::string html = test::slurp(dir + "/out/report.html");
  const json expected = {{"model", "sim-small"}, {"cost", answers_cost.at("sim-small")}, {"judge_cost", nullptr}};
  CHECK_THAT(html, Catch::Contains("\"cost_by_model\":[" + expected.dump()));
}
