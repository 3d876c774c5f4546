// The simulator, exercised over real loopback HTTP with libcurl (not our executor).
#include <catch2/catch.hpp>

#include <curl/curl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "llmbench/sim/answer_book.hpp"
#include "llmbench/sim/embedding.hpp"
#include "llmbench/sim/simulator.hpp"
#include "support/cli.hpp"

using nlohmann::json;
using namespace llmbench::sim;

namespace {

struct Reply {
  CURLcode code = CURLE_OK;
  long status = 0;
  std::string body;
  std::string headers;  // raw, as received
  double seconds = 0;
  json parsed() const { return json::parse(body, nullptr, false); }
};

std::size_t append(char* data, std::size_t size, std::size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

// GET when body is empty, else POST of `body` as JSON.
Reply request(const std::string& url, const std::string& body = "",
              const std::vector<std::string>& headers = {}, long timeout_ms = 10000) {
  Reply r;
  CURL* curl = curl_easy_init();
  curl_slist* list = curl_slist_append(nullptr, "Content-Type: application/json");
  for (const auto& h : headers) list = curl_slist_append(list, h.c_str());
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, timeout_ms);
  if (!body.empty()) curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.c_str());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, append);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &r.body);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, append);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &r.headers);
  auto start = std::chrono::steady_clock::now();
  r.code = curl_easy_perform(curl);
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &r.status);
  curl_slist_free_all(list);
  curl_easy_cleanup(curl);
  return r;
}

std::string chat_body(const std::string& model, const std::string& prompt, json extra = json::object()) {
  json body = {{"model", model}, {"messages", {{{"role", "user"}, {"content", prompt}}}}};
  body.update(extra);
  return body.dump();
}

// The data: payloads of an SSE body, in order.
std::vector<std::string> sse_data(const std::string& body) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while ((pos = body.find("data: ", pos)) != std::string::npos) {
    std::size_t end = body.find("\n\n", pos);
    out.push_back(body.substr(pos + 6, end == std::string::npos ? std::string::npos : end - pos - 6));
    if (end == std::string::npos) break;
    pos = end + 2;
  }
  return out;
}

// The answer letter a reader would take: the last stand-alone capital A-J after any
// <think> block.
char answer_letter(std::string text) {
  if (auto end = text.find("</think>"); end != std::string::npos) text = text.substr(end + 8);
  char found = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    bool alone = c >= 'A' && c <= 'J' && (i == 0 || !std::isalpha(static_cast<unsigned char>(text[i - 1]))) &&
                 (i + 1 == text.size() || !std::isalpha(static_cast<unsigned char>(text[i + 1])));
    if (alone) found = c;
  }
  return found;
}

double cosine(const std::vector<double>& a, const std::vector<double>& b) {
  double dot = 0;
  for (std::size_t i = 0; i < a.size(); ++i) dot += a[i] * b[i];
  return dot;
}

}  // namespace

TEST_CASE("sim: /v1/models lists the default simulated models", "[sim]") {
  Simulator sim(SimOptions{});
  sim.start();
  Reply r = request(sim.base_url() + "/models");
  REQUIRE(r.status == 200);
  json j = r.parsed();
  CHECK(j["object"] == "list");
  std::vector<std::string> ids;
  for (const auto& m : j["data"]) {
    ids.push_back(m["id"]);
    CHECK(m["object"] == "model");
    CHECK(m["owned_by"] == "llmbench-sim");
  }
  CHECK(ids == std::vector<std::string>{"sim-small", "sim-medium", "sim-large"});
}

TEST_CASE("sim: a non-streaming chat completion has the OpenAI shape and word-count usage", "[sim]") {
  Simulator sim(SimOptions{});
  sim.start();
  Reply r = request(sim.base_url() + "/chat/completions", chat_body("sim-medium", "Tell me about caching"));
  REQUIRE(r.status == 200);
  json j = r.parsed();
  CHECK(j["object"] == "chat.completion");
  CHECK(j["model"] == "sim-medium");
  CHECK(j["choices"][0]["message"]["role"] == "assistant");
  const std::string content = j["choices"][0]["message"]["content"];
  CHECK(!content.empty());
  CHECK(j["choices"][0]["finish_reason"] == "stop");
  CHECK(j["usage"]["prompt_tokens"] == 4);
  CHECK(j["usage"]["total_tokens"] == j["usage"]["prompt_tokens"].get<int>() + j["usage"]["completion_tokens"].get<int>());
  // Deterministic: the same request gets the same answer.
  Reply again = request(sim.base_url() + "/chat/completions", chat_body("sim-medium", "Tell me about caching"));
  CHECK(again.parsed()["choices"][0]["message"]["content"] == content);
  auto stats = sim.stats();
  CHECK(stats.requests == 2);
  CHECK(stats.by_path["/v1/chat/completions"] == 2);
}

TEST_CASE("sim: a stream sends content chunks, a finish chunk, usage when asked, then [DONE]", "[sim]") {
  Simulator sim(SimOptions{});
  sim.start();
  const std::string prompt = "Context: Paris is the capital of France. It lies on the Seine.\nQuestion: where?";
  Reply plain = request(sim.base_url() + "/chat/completions", chat_body("sim-small", prompt));
  Reply r = request(sim.base_url() + "/chat/completions",
                    chat_body("sim-small", prompt, {{"stream", true}, {"stream_options", {{"include_usage", true}}}}));
  REQUIRE(r.status == 200);
  CHECK(r.headers.find("text/event-stream") != std::string::npos);
  auto events = sse_data(r.body);
  REQUIRE(events.size() >= 4);
  CHECK(events.back() == "[DONE]");
  std::string content;
  std::string finish;
  json usage;
  for (std::size_t i = 0; i + 1 < events.size(); ++i) {
    json chunk = json::parse(events[i]);
    CHECK(chunk["object"] == "chat.completion.chunk");
    if (chunk.contains("usage")) usage = chunk["usage"];
    if (chunk["choices"].empty()) continue;
    const json& delta = chunk["choices"][0]["delta"];
    if (delta.contains("content")) content += delta["content"].get<std::string>();
    if (!chunk["choices"][0]["finish_reason"].is_null()) finish = chunk["choices"][0]["finish_reason"];
  }
  CHECK(finish == "stop");
  CHECK(content == plain.parsed()["choices"][0]["message"]["content"]);
  CHECK(prompt.find(content.substr(0, 10)) != std::string::npos);  // copied from the context
  REQUIRE(usage.is_object());
  CHECK(usage == plain.parsed()["usage"]);

  Reply no_usage = request(sim.base_url() + "/chat/completions", chat_body("sim-small", prompt, {{"stream", true}}));
  CHECK(no_usage.body.find("\"usage\"") == std::string::npos);
}

TEST_CASE("sim: max_tokens cuts the answer to that many words with finish_reason length", "[sim]") {
  Simulator sim(SimOptions{});
  sim.start();
  Reply r = request(sim.base_url() + "/chat/completions", chat_body("sim-large", "Say something long", {{"max_tokens", 2}}));
  json j = r.parsed();
  CHECK(j["choices"][0]["finish_reason"] == "length");
  CHECK(j["usage"]["completion_tokens"] == 2);
  const std::string content = j["choices"][0]["message"]["content"];
  CHECK(std::count(content.begin(), content.end(), ' ') == 1);
}

TEST_CASE("sim: an api key is required when set, and unknown models and bad JSON are refused", "[sim]") {
  SimOptions options;
  options.api_key = "sk-sim-test";
  Simulator sim(options);
  sim.start();
  const std::string url = sim.base_url() + "/chat/completions";
  CHECK(request(url, chat_body("sim-small", "hi")).status == 401);
  Reply wrong = request(url, chat_body("sim-small", "hi"), {"Authorization: Bearer sk-other"});
  CHECK(wrong.status == 401);
  CHECK(wrong.parsed()["error"]["code"] == "invalid_api_key");
  CHECK(wrong.body.find("sk-sim-test") == std::string::npos);
  const std::string auth = "Authorization: Bearer sk-sim-test";
  CHECK(request(url, chat_body("sim-small", "hi"), {auth}).status == 200);
  Reply unknown = request(url, chat_body("gpt-nope", "hi"), {auth});
  CHECK(unknown.status == 404);
  CHECK(unknown.parsed()["error"]["code"] == "model_not_found");
  CHECK(unknown.parsed()["error"]["type"] == "invalid_request_error");
  CHECK(request(url, "{not json", {auth}).status == 400);
}

TEST_CASE("sim: each X-Sim-Fault hits the first attempt and a retry of the same body succeeds", "[sim]") {
  SimOptions options;
  options.faults.stall_s = 0.3;
  options.faults.retry_after_s = 2;
  Simulator sim(options);
  sim.start();
  const std::string url = sim.base_url() + "/chat/completions";
  struct Case {
    std::string fault;
    long status;
    CURLcode code;
  };
  for (const Case& c : std::vector<Case>{{"429", 429, CURLE_OK},
                                         {"500", 500, CURLE_OK},
                                         {"503", 503, CURLE_OK},
                                         {"502html", 502, CURLE_OK},
                                         {"400", 400, CURLE_OK},
                                         {"401", 401, CURLE_OK},
                                         {"404", 404, CURLE_OK},
                                         {"422", 422, CURLE_OK},
                                         {"drop", 0, CURLE_GOT_NOTHING},
                                         {"stall", 0, CURLE_GOT_NOTHING},
                                         {"truncate", 200, CURLE_PARTIAL_FILE},
                                         {"empty_length", 200, CURLE_OK}}) {
    INFO("fault " << c.fault);
    const std::string body = chat_body("sim-small", "fault test " + c.fault);
    Reply first = request(url, body, {"X-Sim-Fault: " + c.fault});
    CHECK(first.code == c.code);
    CHECK(first.status == c.status);
    if (c.fault == "429") {
      CHECK(first.headers.find("Retry-After: 2\r\n") != std::string::npos);
      CHECK(first.headers.find("x-ratelimit-remaining-requests: 0") != std::string::npos);
    }
    if (c.fault == "502html") CHECK(first.headers.find("text/html") != std::string::npos);
    if (c.fault == "500" || c.fault == "422") CHECK(first.parsed()["error"].is_object());
    if (c.fault == "stall") CHECK(first.seconds >= 0.25);
    if (c.fault == "empty_length") {
      CHECK(first.parsed()["choices"][0]["message"]["content"] == "");
      CHECK(first.parsed()["choices"][0]["finish_reason"] == "length");
    }
    Reply second = request(url, body, {"X-Sim-Fault: " + c.fault});
    CHECK(second.code == CURLE_OK);
    CHECK(second.status == 200);
    CHECK(second.parsed()["choices"][0]["finish_reason"] == "stop");
    CHECK(sim.stats().faults[c.fault] == 1);
  }
}

TEST_CASE("sim: X-Sim-Fault-Attempts 0 repeats the fault, and a streamed truncate has no [DONE]", "[sim]") {
  Simulator sim(SimOptions{});
  sim.start();
  const std::string url = sim.base_url() + "/chat/completions";
  const std::string body = chat_body("sim-small", "always failing");
  for (int i = 0; i < 3; ++i)
    CHECK(request(url, body, {"X-Sim-Fault: 503", "X-Sim-Fault-Attempts: 0"}).status == 503);
  const std::string streamed = chat_body("sim-small", "stream me", {{"stream", true}});
  Reply cut = request(url, streamed, {"X-Sim-Fault: truncate"});
  CHECK(cut.code != CURLE_OK);
  CHECK(cut.body.find("[DONE]") == std::string::npos);
  Reply whole = request(url, streamed, {"X-Sim-Fault: truncate"});
  CHECK(whole.code == CURLE_OK);
  CHECK(sse_data(whole.body).back() == "[DONE]");
}

TEST_CASE("sim: fault rates hit first attempts only, reproducibly from the seed", "[sim]") {
  SimOptions options;
  options.faults.drop = 1.0;
  Simulator sim(options);
  sim.start();
  const std::string url = sim.base_url() + "/chat/completions";
  CHECK(request(url, chat_body("sim-small", "q1")).code == CURLE_GOT_NOTHING);
  CHECK(request(url, chat_body("sim-small", "q1")).status == 200);
  CHECK(request(url, chat_body("sim-small", "q2")).code == CURLE_GOT_NOTHING);
  CHECK(sim.stats().faults["drop"] == 2);

  SimOptions half;
  half.faults.rate_limit = 0.5;
  half.seed = 7;
  auto statuses = [&] {
    Simulator s(half);
    s.start();
    std::vector<long> out;
    for (int i = 0; i < 20; ++i)
      out.push_back(request(s.base_url() + "/chat/completions", chat_body("sim-small", "n" + std::to_string(i))).status);
    return out;
  };
  auto a = statuses();
  CHECK(a == statuses());
  auto limited = std::count(a.begin(), a.end(), 429L);
  CHECK(limited > 2);
  CHECK(limited < 18);
}

TEST_CASE("sim: an oversized request head gets 431 and an oversized body 413", "[sim]") {
  Simulator sim(SimOptions{});
  sim.start();
  Reply head = request(sim.base_url() + "/models", "", {"X-Big: " + std::string(70 * 1024, 'x')});
  CHECK(head.status == 431);
  Reply body = request(sim.base_url() + "/embeddings",
                       json{{"model", "sim-small"}, {"input", std::string(9 * 1024 * 1024, 'a')}}.dump());
  CHECK(body.status == 413);
  CHECK(request(sim.base_url() + "/models").status == 200);
}

TEST_CASE("sim: X-Sim-Latency-Ms delays the response", "[sim]") {
  Simulator sim(SimOptions{});
  sim.start();
  Reply r = request(sim.base_url() + "/models", "", {"X-Sim-Latency-Ms: 300"});
  CHECK(r.status == 200);
  CHECK(r.seconds >= 0.29);
  Reply fast = request(sim.base_url() + "/models");
  CHECK(fast.seconds < 0.25);
}

TEST_CASE("sim: embeddings are deterministic unit vectors, closer for texts sharing words", "[sim]") {
  Simulator sim(SimOptions{});
  sim.start();
  const json body = {{"model", "sim-small"},
                     {"input", {"Кошка спит на диване", "кошка СПИТ на ковре", "Биржевые котировки выросли"}}};
  Reply r = request(sim.base_url() + "/embeddings", body.dump());
  REQUIRE(r.status == 200);
  json j = r.parsed();
  REQUIRE(j["data"].size() == 3);
  std::vector<std::vector<double>> v;
  for (std::size_t i = 0; i < 3; ++i) {
    CHECK(j["data"][i]["index"] == i);
    v.push_back(j["data"][i]["embedding"].get<std::vector<double>>());
    CHECK(v.back().size() == static_cast<std::size_t>(kEmbeddingDims));
    CHECK(std::abs(cosine(v.back(), v.back()) - 1.0) < 1e-5);
  }
  CHECK(cosine(v[0], v[1]) > cosine(v[0], v[2]) + 0.3);
  CHECK(j["usage"]["prompt_tokens"] == 11);
  Reply again = request(sim.base_url() + "/embeddings", json{{"model", "sim-small"}, {"input", "Кошка спит на диване"}}.dump());
  CHECK(again.parsed()["data"][0]["embedding"].get<std::vector<double>>() == v[0]);
  Reply other_model = request(sim.base_url() + "/embeddings", json{{"model", "sim-large"}, {"input", "Кошка спит на диване"}}.dump());
  CHECK(other_model.parsed()["data"][0]["embedding"].get<std::vector<double>>() != v[0]);
}

TEST_CASE("sim: a recognised multiple-choice question is answered by its gold text, per accuracy", "[sim]") {
  auto book = std::make_shared<AnswerBook>();
  const int kQuestions = 24;
  for (int i = 0; i < kQuestions; ++i)
    book->add_choice("Which value belongs to item " + std::to_string(i) + "?",
                     {"red " + std::to_string(i), "green", "blue", "yellow"}, 0, "mc/" + std::to_string(i));
  SimOptions options;
  options.models = {{"always", 1.0}, {"never", 0.0}};
  options.answers = book;
  Simulator sim(options);
  sim.start();
  int replies = 0;
  int russian = 0, reasoning_plain = 0, reasoning_stream = 0, think = 0;
  for (int i = 0; i < kQuestions; ++i) {
    // Options shuffled: the gold text "red i" is shown under letter C; formats vary.
    const std::string n = std::to_string(i);
    const std::string opts[] = {"A. green\nB. blue\nC. red " + n + "\nD. yellow",
                                "(A) green\n(B) blue\n(C) red " + n + "\n(D) yellow",
                                "A) green\nB) blue\nC) red " + n + "\nD) yellow"};
    std::string prompt = "Answer with the letter of the correct option.\n\nQuestion: Which value belongs to item " + n +
                         "?\n" + opts[i % 3] + "\nAnswer:";
    if (i % 4 == 0) prompt = "Выберите правильный ответ.\n" + prompt;
    for (const char* model : {"always", "never"}) {
      Reply r = request(sim.base_url() + "/chat/completions", chat_body(model, prompt, {{"stream", i % 2 == 1}}));
      REQUIRE(r.status == 200);
      std::string content;
      if (i % 2 == 1) {
        for (const auto& e : sse_data(r.body))
          if (e != "[DONE]") {
            json c = json::parse(e);
            if (!c["choices"].empty() && c["choices"][0]["delta"].contains("content"))
              content += c["choices"][0]["delta"]["content"].get<std::string>();
            if (!c["choices"].empty() && c["choices"][0]["delta"].contains("reasoning_content"))
              ++reasoning_stream;
          }
      } else {
        content = r.parsed()["choices"][0]["message"]["content"];
        reasoning_plain += r.parsed()["choices"][0]["message"].contains("reasoning_content");
      }
      russian += content.find("Ответ: ") != std::string::npos;
      think += content.find("</think>") != std::string::npos;
      INFO(model << ": " << content);
      if (std::string(model) == "always") CHECK(answer_letter(content) == 'C');
      else CHECK(answer_letter(content) != 'C');
      ++replies;
    }
  }
  // The answer styles real models use all occur: Russian, reasoning_content, <think>.
  CHECK(russian > 0);
  CHECK(reasoning_plain > 0);
  CHECK(reasoning_stream > 0);
  CHECK(think > 0);
  auto answers = sim.answers();
  REQUIRE(answers.size() == static_cast<std::size_t>(replies));
  for (const auto& a : answers) {
    CHECK(a.gold == "C");
    CHECK(a.correct == (a.model == "always"));
    CHECK(a.correct == (a.given == "C"));
    CHECK(a.question_key.rfind("mc/", 0) == 0);
  }
}

TEST_CASE("sim: a recognised numeric question gets the gold number or a nearby wrong one", "[sim]") {
  auto book = std::make_shared<AnswerBook>();
  for (int i = 0; i < 12; ++i)
    book->add_number("Tom has " + std::to_string(i) + " boxes of 100 apples. How many apples?",
                     std::to_string(i * 100 + 1234), "gsm/" + std::to_string(i));
  SimOptions options;
  options.models = {{"half", 0.5}};
  options.answers = book;
  Simulator sim(options);
  sim.start();
  for (int i = 0; i < 12; ++i) {
    Reply r = request(sim.base_url() + "/chat/completions",
                      chat_body("half", "Solve.\nTom has " + std::to_string(i) + " boxes of 100 apples. How many apples?"));
    REQUIRE(r.status == 200);
  }
  auto answers = sim.answers();
  REQUIRE(answers.size() == 12);
  int right = 0;
  for (const auto& a : answers) {
    const double gold = std::stod(a.gold), given = std::stod(a.given);
    CHECK(a.correct == (gold == given));
    CHECK(std::abs(gold - given) <= 9);
    right += a.correct;
  }
  CHECK(right > 0);
  CHECK(right < 12);
}

TEST_CASE("sim: judge prompts get a score, a Yes/No verdict or a pairwise verdict", "[sim]") {
  Simulator sim(SimOptions{});
  sim.start();
  const std::string url = sim.base_url() + "/chat/completions";
  auto content = [&](const std::string& prompt) {
    return request(url, chat_body("sim-large", prompt)).parsed()["choices"][0]["message"]["content"].get<std::string>();
  };
  std::string scored = content("Rate the answer on a 1-5 scale. Reply with JSON {\"score\": N}.\nAnswer: Paris");
  auto brace = scored.find('{');
  REQUIRE(brace != std::string::npos);
  int score = json::parse(scored.substr(brace))["score"];
  CHECK(score >= 1);
  CHECK(score <= 5);
  std::string verdict = content("Is the answer grounded? Answer exactly \"Yes\" or \"No\".\nAnswer: Paris");
  CHECK((verdict == "Yes" || verdict.rfind("No: ", 0) == 0));
  std::string pair = content("Compare assistant A and B. Output [[A]], [[B]] or [[C]] for a tie.");
  CHECK((pair.find("[[A]]") != std::string::npos || pair.find("[[B]]") != std::string::npos ||
         pair.find("[[C]]") != std::string::npos));
}

TEST_CASE("sim: 100 concurrent delayed requests are served in parallel", "[sim]") {
  SimOptions options;
  options.latency_ms = 200;
  Simulator sim(options);
  sim.start();
  std::vector<std::thread> threads;
  std::vector<long> status(100, 0);
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 100; ++i)
    threads.emplace_back([&, i] {
      status[static_cast<std::size_t>(i)] =
          request(sim.base_url() + "/chat/completions", chat_body("sim-small", "q" + std::to_string(i))).status;
    });
  for (auto& t : threads) t.join();
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  CHECK(std::count(status.begin(), status.end(), 200L) == 100);
  CHECK(seconds < 3.0);  // serialised it would take 20 s
}

namespace {

// A prompt the simulator answers by copying back its context: one sentence of `words` words.
std::string copy_prompt(int words) {
  std::string sentence;
  for (int i = 0; i < words; ++i) sentence += (i > 0 ? " w" : "w") + std::to_string(i);
  return "Context: " + sentence + ".\nQuestion: repeat the context.";
}

std::vector<json> read_lines(const std::string& path) {
  std::vector<json> out;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) out.push_back(json::parse(line));
  return out;
}

}  // namespace

TEST_CASE("sim: the write log holds one record per streamed request with a time per token, after receipt and ttft",
          "[sim]") {
  SimOptions options;
  options.ttft_ms = 30;
  options.tokens_per_s = 200;
  options.write_log = llmbench::test::temp_dir("llmbench-writelog") + "/writes.jsonl";
  Simulator sim(options);
  sim.start();
  const std::string url = sim.base_url() + "/chat/completions";
  const std::string streamed = chat_body("sim-small", copy_prompt(12), {{"stream", true}});
  Reply named = request(url, streamed, {"X-Request-Id: client-7"});
  Reply unnamed = request(url, streamed);
  Reply reasoning = request(url, chat_body("sim-small", "stream me", {{"stream", true}, {"max_tokens", 3}}),
                            {"X-Request-Id: short"});
  request(url, chat_body("sim-small", copy_prompt(12)));  // not streamed: not logged
  sim.stop();

  const std::vector<json> log = read_lines(options.write_log);
  REQUIRE(log.size() == 3);
  CHECK(log[0].at("request_id") == "client-7");
  CHECK(log[1].at("request_id") == "sim-1");
  CHECK(log[2].at("request_id") == "short");
  const Reply* replies[] = {&named, &unnamed, &reasoning};
  for (std::size_t i = 0; i < log.size(); ++i) {
    std::size_t token_chunks = 0;
    for (const auto& data : sse_data(replies[i]->body)) {
      json chunk = json::parse(data, nullptr, false);
      if (chunk.is_discarded() || chunk.at("choices").empty()) continue;
      const json& delta = chunk.at("choices")[0].at("delta");
      if (delta.contains("reasoning_content") || (delta.contains("content") && delta.at("content") != "")) ++token_chunks;
    }
    const auto tokens = log[i].at("token_ns").get<std::vector<long long>>();
    CHECK(tokens.size() == token_chunks);
    CHECK(log[i].at("complete") == true);
    REQUIRE_FALSE(tokens.empty());
    CHECK(tokens.front() - log[i].at("received_ns").get<long long>() >= 30'000'000);
    CHECK(std::is_sorted(tokens.begin(), tokens.end()));
  }
  CHECK(log[0].at("token_ns").size() == 12);
  CHECK(log[2].at("token_ns").size() == 3);
}

TEST_CASE("sim: 50 concurrent streams write each token on schedule, never early and without drift", "[sim]") {
  constexpr int kStreams = 50, kTokens = 25;
  constexpr double kTtftMs = 40, kTokenMs = 10;
  SimOptions options;
  options.ttft_ms = kTtftMs;
  options.tokens_per_s = 1000 / kTokenMs;
  options.write_log = llmbench::test::temp_dir("llmbench-pacing") + "/writes.jsonl";
  Simulator sim(options);
  sim.start();
  const std::string body = chat_body("sim-small", copy_prompt(kTokens), {{"stream", true}});
  std::vector<std::thread> threads;
  for (int i = 0; i < kStreams; ++i)
    threads.emplace_back([&] { request(sim.base_url() + "/chat/completions", body); });
  for (auto& t : threads) t.join();
  sim.stop();

  const std::vector<json> log = read_lines(options.write_log);
  REQUIRE(log.size() == kStreams);
  std::vector<double> first_errors_ms, last_errors_ms;
  for (const json& r : log) {
    const auto tokens = r.at("token_ns").get<std::vector<long long>>();
    REQUIRE(tokens.size() == kTokens);
    const auto received = r.at("received_ns").get<long long>();
    const auto scheduled = r.at("scheduled_ns").get<long long>();
    CHECK(scheduled >= received);
    for (std::size_t k = 0; k < tokens.size(); ++k) {
      const auto due = scheduled + static_cast<long long>((kTtftMs + kTokenMs * static_cast<double>(k)) * 1e6);
      CHECK(tokens[k] >= due);  // a token never leaves before its time
      const double error_ms = static_cast<double>(tokens[k] - due) / 1e6;
      if (k == 0) first_errors_ms.push_back(error_ms);
      if (k + 1 == tokens.size()) last_errors_ms.push_back(error_ms);
    }
  }
  // Bounds a loaded machine running a sanitizer build passes (how late is measured by
  // benchmarks/stream_fidelity): each token is due at its own time on the schedule, so the
  // lateness of the last of 25 tokens is no more than a stream's length.
  std::sort(first_errors_ms.begin(), first_errors_ms.end());
  std::sort(last_errors_ms.begin(), last_errors_ms.end());
  CHECK(first_errors_ms[kStreams / 2] < 250);
  CHECK(last_errors_ms[kStreams / 2] < 250);
}

TEST_CASE("sim: idle keep-alive connections give way to waiting ones beyond the thread cap", "[sim]") {
  SimOptions options;
  options.threads = 2;
  Simulator sim(options);
  sim.start();
  const std::string url = sim.base_url() + "/models";
  std::vector<CURL*> handles;
  std::string sink;
  for (int i = 0; i < 3; ++i) {
    CURL* h = curl_easy_init();
    curl_easy_setopt(h, CURLOPT_URL, url.c_str());
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 5000L);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, append);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &sink);
    handles.push_back(h);
  }
  auto start = std::chrono::steady_clock::now();
  for (int round = 0; round < 2; ++round)
    for (CURL* h : handles) CHECK(curl_easy_perform(h) == CURLE_OK);  // each keeps its connection
  CHECK(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() < 3.0);
  for (CURL* h : handles) curl_easy_cleanup(h);
}

TEST_CASE("sim: stopping does not wait for stalled connections", "[sim]") {
  auto sim = std::make_unique<Simulator>(SimOptions{});
  sim->start();
  const std::string url = sim->base_url() + "/chat/completions";
  std::thread client([url] { request(url, chat_body("sim-small", "stall"), {"X-Sim-Fault: stall"}, 60000); });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  auto start = std::chrono::steady_clock::now();
  sim.reset();
  CHECK(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() < 2.0);
  client.join();
}

TEST_CASE("sim: the answer book finds a question by its first line amid other text", "[sim]") {
  AnswerBook book;
  book.add_choice("What is 2+2?\nPick one.", {"3", "4"}, 1, "k1");
  book.add_choice("What is 2+2?\nPick again.", {"5", "6"}, 0, "k2");
  book.add_text("Name the capital of France.", "Paris");
  CHECK(book.find("nothing here") == nullptr);
  REQUIRE(book.find("Intro\nQuestion: What is 2+2?\nA. 5\nB. 6") != nullptr);
  CHECK(book.find("Intro\nQuestion: What is 2+2?\nA. 5\nB. 6")->key == "k2");
  CHECK(book.find("  What is 2+2?  \nA. 3\nB. 4")->key == "k1");
  REQUIRE(book.find("Name the capital of France.") != nullptr);
  CHECK(book.find("Name the capital of France.")->reference == "Paris");
}

TEST_CASE("sim: llmbench sim prints the serving line and stops on SIGTERM", "[sim]") {
  int out[2];
  int err[2];
  REQUIRE(::pipe(out) == 0);
  REQUIRE(::pipe(err) == 0);
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::dup2(out[1], 1);
    ::dup2(err[1], 2);
    ::close(out[0]);
    ::close(err[0]);
    ::execl(LLMBENCH_BINARY, LLMBENCH_BINARY, "sim", "--port", "0", "--models", "sim-x=1,sim-y=0.2",
            static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::close(out[1]);
  ::close(err[1]);
  std::string line;
  char c;
  while (::read(out[0], &c, 1) == 1 && c != '\n') line += c;
  INFO(line);
  REQUIRE(line.rfind("llmbench sim: serving http://127.0.0.1:", 0) == 0);
  CHECK(line.find("(models: sim-x, sim-y)") != std::string::npos);
  const std::string base = line.substr(std::string("llmbench sim: serving ").size(),
                                       line.find(' ', 22) - 22);
  Reply r = request(base + "/models");
  CHECK(r.status == 200);
  CHECK(r.body.find("sim-y") != std::string::npos);
  ::kill(pid, SIGTERM);
  int status = 0;
  ::waitpid(pid, &status, 0);
  std::string errors;
  char buf[512];
  for (ssize_t n; (n = ::read(err[0], buf, sizeof buf)) > 0;) errors.append(buf, static_cast<std::size_t>(n));
  ::close(out[0]);
  ::close(err[0]);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  CHECK(errors.find("1 requests") != std::string::npos);
}

TEST_CASE("sim: llmbench sim refuses a non-loopback host and says why", "[sim]") {
  auto r = llmbench::test::run_cli({"sim", "--host", "0.0.0.0"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("--allow-remote") != std::string::npos);
  auto help = llmbench::test::run_cli({"sim", "--help"});
  CHECK(help.exit_code == 0);
  CHECK(help.out.find("measures nothing about real models") != std::string::npos);
  auto bad = llmbench::test::run_cli({"sim", "--models", "a=2"});
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find("--models") != std::string::npos);
}
