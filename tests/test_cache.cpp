// Response cache: SQLite storage keyed by the canonical request, and its use by the executor
// (hits without network, errors never stored, identical requests in flight sent once),
// against the real simulator over loopback.

#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "llmbench/error.hpp"
#include "llmbench/http/cache.hpp"
#include "llmbench/http/executor.hpp"
#include "llmbench/util/sha256.hpp"
#include "llmbench/sim/simulator.hpp"
#include "support/cli.hpp"

using namespace llmbench::http;
using llmbench::sim::SimOptions;
using llmbench::sim::Simulator;

namespace {

SimOptions sim_options() {
  SimOptions options;
  options.models = {{"sim-cache", 0.7}, {"sim-embed", 0.7}};
  options.threads = 32;
  options.seed = 3;
  return options;
}

ExecutorOptions fast_options(ResponseCache* cache) {
  ExecutorOptions options;
  options.concurrency = 8;
  options.retries = 0;
  options.timeout_s = 10;
  options.connect_timeout_s = 2;
  options.backoff_base_s = 0.01;
  options.backoff_max_s = 0.05;
  options.cache = cache;
  return options;
}

ApiRequest chat(const std::string& base_url, const std::string& text, int repeat_index = 0,
                std::vector<std::pair<std::string, std::string>> headers = {}) {
  ApiRequest request;
  request.endpoint.provider = "sim";
  request.endpoint.base_url = base_url;
  request.endpoint.headers = std::move(headers);
  request.model = "sim-cache";
  request.messages = {{"system", "Be brief."}, {"user", text}};
  request.params = {{"temperature", 0}, {"max_tokens", 64}};
  request.repeat_index = repeat_index;
  return request;
}

// Runs the requests through one executor; returns their records in submission order.
std::vector<RequestRecord> run_all(ResponseCache* cache, const std::vector<ApiRequest>& requests,
                                   ExecutorStats* stats_out = nullptr) {
  Executor executor(fast_options(cache));
  std::vector<RequestRecord> records(requests.size());
  std::vector<int> calls(requests.size(), 0);
  const auto loop_thread = std::this_thread::get_id();
  for (std::size_t i = 0; i < requests.size(); ++i) {
    executor.submit(requests[i], [&, i](RequestRecord&& record) {
      CHECK(std::this_thread::get_id() == loop_thread);
      ++calls[i];
      records[i] = std::move(record);
    });
  }
  executor.run();
  for (int count : calls) REQUIRE(count == 1);
  if (stats_out != nullptr) *stats_out = executor.stats();
  return records;
}

RequestRecord ok_record(const std::string& content) {
  RequestRecord record;
  record.outcome = Outcome::ok;
  record.http_status = 200;
  record.attempts = 1;
  record.content = content;
  record.finish_reason = "stop";
  record.timings.sent_ms = 0.5;
  record.timings.done_ms = 42.25;
  record.usage.prompt_tokens = 10;
  record.usage.completion_tokens = 3;
  record.usage.total_tokens = 13;
  return record;
}

}  // namespace

TEST_CASE("cache: sha256 matches the FIPS 180-4 test vectors", "[cache]") {
  using llmbench::util::sha256_hex;
  CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  CHECK(sha256_hex(std::string(1000000, 'a')) ==
        "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST_CASE("cache: the key depends on the request's content, never on its key or headers", "[cache]") {
  const ApiRequest base = chat("http://127.0.0.1:1/v1", "What is 2+2?");
  const std::string key = request_key(base);
  CHECK(key.size() == 64);

  ApiRequest other_key = base;
  other_key.endpoint.api_key = "sk-some-other-secret";
  other_key.endpoint.headers = {{"X-Extra", "1"}};
  other_key.stream = Stream::yes;
  CHECK(request_key(other_key) == key);
  CHECK(canonical_request_json(other_key).find("sk-some-other-secret") == std::string::npos);

  ApiRequest params = base;
  params.params["temperature"] = 0.7;
  CHECK(request_key(params) != key);
  ApiRequest repeat = base;
  repeat.repeat_index = 1;
  CHECK(request_key(repeat) != key);
  ApiRequest model = base;
  model.model = "sim-other";
  CHECK(request_key(model) != key);
  ApiRequest url = base;
  url.endpoint.base_url = "http://127.0.0.1:2/v1";
  CHECK(request_key(url) != key);
  ApiRequest message = base;
  message.messages[1].content += " ";
  CHECK(request_key(message) != key);
  // Parameter order does not matter: the canonical form sorts keys.
  ApiRequest reordered = base;
  reordered.params = nlohmann::json::object();
  reordered.params["max_tokens"] = 64;
  reordered.params["temperature"] = 0;
  CHECK(request_key(reordered) == key);
}

TEST_CASE("cache: a second run of the same requests is served from the cache without network", "[cache]") {
  Simulator sim(sim_options());
  sim.start();
  const std::string dir = llmbench::test::temp_dir("llmbench-cache");
  std::vector<ApiRequest> requests;
  for (int i = 0; i < 4; ++i) requests.push_back(chat(sim.base_url(), "Question number " + std::to_string(i)));

  std::vector<RequestRecord> first;
  {
    auto cache = ResponseCache::open(dir);
    ExecutorStats stats;
    first = run_all(cache.get(), requests, &stats);
    CHECK(stats.cache_hits == 0);
    CHECK(cache->size() == 4);
  }
  const auto requests_sent = sim.stats().requests;
  CHECK(requests_sent == 4);

  auto cache = ResponseCache::open(dir);  // a new process would open it the same way
  ExecutorStats stats;
  const auto second = run_all(cache.get(), requests, &stats);
  CHECK(sim.stats().requests == requests_sent);
  CHECK(stats.cache_hits == 4);
  CHECK(stats.completed == 4);
  CHECK(stats.outcomes.at("ok") == 4);
  for (std::size_t i = 0; i < requests.size(); ++i) {
    REQUIRE(first[i].ok());
    CHECK_FALSE(first[i].cached);
    CHECK(second[i].ok());
    CHECK(second[i].cached);
    CHECK(second[i].content == first[i].content);
    CHECK(second[i].finish_reason == first[i].finish_reason);
    CHECK(second[i].usage.completion_tokens == first[i].usage.completion_tokens);
    CHECK(second[i].timings.latency_ms() == Approx(first[i].timings.latency_ms()));
  }
}

TEST_CASE("cache: a callback that submits a follow-up still gets cached records one at a time", "[cache]") {
  Simulator sim(sim_options());
  sim.start();
  const std::string dir = llmbench::test::temp_dir("llmbench-cache");
  auto cache = ResponseCache::open(dir);
  run_all(cache.get(), {chat(sim.base_url(), "first"), chat(sim.base_url(), "second")});

  Executor executor(fast_options(cache.get()));
  std::vector<std::string> order;
  executor.submit(chat(sim.base_url(), "first"), [&](RequestRecord&& record) {
    CHECK(record.cached);
    order.push_back("first");
    executor.submit(chat(sim.base_url(), "second"), [&](RequestRecord&& follow_up) {
      CHECK(follow_up.cached);
      order.push_back("second");
    });
  });
  executor.run();
  CHECK(order == std::vector<std::string>{"first", "second"});
  CHECK(executor.stats().cache_hits == 2);
}

TEST_CASE("cache: errors are never cached and are sent again next time", "[cache]") {
  Simulator sim(sim_options());
  sim.start();
  const std::string dir = llmbench::test::temp_dir("llmbench-cache");
  auto cache = ResponseCache::open(dir);
  const ApiRequest failing = chat(sim.base_url(), "fail always", 0,
                                  {{"X-Sim-Fault", "500"}, {"X-Sim-Fault-Attempts", "0"}});
  const ApiRequest unauthorised = chat(sim.base_url(), "no key", 0, {{"X-Sim-Fault", "401"}});
  const ApiRequest truncated = chat(sim.base_url(), "too long", 0, {{"X-Sim-Fault", "empty_length"}});
  auto records = run_all(cache.get(), {failing, unauthorised, truncated});
  CHECK(records[0].outcome == Outcome::http_status);
  CHECK(records[1].outcome == Outcome::http_status);
  CHECK(records[2].outcome == Outcome::truncated);
  CHECK(cache->size() == 0);

  const auto before = sim.stats().requests;
  records = run_all(cache.get(), {failing});
  CHECK(records[0].outcome == Outcome::http_status);
  CHECK_FALSE(records[0].cached);
  CHECK(sim.stats().requests == before + 1);

  // put() itself refuses non-ok records.
  RequestRecord bad = ok_record("partial");
  bad.outcome = Outcome::parse;
  cache->put(chat(sim.base_url(), "stored?"), bad);
  CHECK_FALSE(cache->get(chat(sim.base_url(), "stored?")).has_value());
  CHECK(cache->size() == 0);
}

TEST_CASE("cache: repeats of one prompt are separate entries, each sent once", "[cache]") {
  Simulator sim(sim_options());
  sim.start();
  const std::string dir = llmbench::test::temp_dir("llmbench-cache");
  auto cache = ResponseCache::open(dir);
  const std::vector<ApiRequest> repeats = {chat(sim.base_url(), "Tell me a number", 0),
                                           chat(sim.base_url(), "Tell me a number", 1)};
  ExecutorStats stats;
  auto records = run_all(cache.get(), repeats, &stats);
  CHECK(sim.stats().requests == 2);
  CHECK(stats.deduplicated == 0);
  CHECK(cache->size() == 2);
  CHECK_FALSE(records[0].cached);
  CHECK_FALSE(records[1].cached);

  records = run_all(cache.get(), repeats, &stats);
  CHECK(sim.stats().requests == 2);
  CHECK(stats.cache_hits == 2);
}

TEST_CASE("cache: identical requests in flight are sent once and every callback gets the result", "[cache]") {
  Simulator sim(sim_options());
  sim.start();
  const std::string dir = llmbench::test::temp_dir("llmbench-cache");
  auto cache = ResponseCache::open(dir);
  const ApiRequest slow = chat(sim.base_url(), "slow question", 0, {{"X-Sim-Latency-Ms", "200"}});
  ExecutorStats stats;
  const auto records = run_all(cache.get(), {slow, slow, slow}, &stats);
  CHECK(sim.stats().requests == 1);
  CHECK(stats.deduplicated == 2);
  CHECK(stats.completed == 3);
  for (const auto& record : records) {
    CHECK(record.ok());
    CHECK(record.content == records[0].content);
  }
  CHECK(records[0].id != records[1].id);
  CHECK(records[1].id != records[2].id);

  // A failure is shared too, and not cached.
  const ApiRequest failing = chat(sim.base_url(), "slow failure", 0,
                                  {{"X-Sim-Fault", "400"}, {"X-Sim-Latency-Ms", "100"}});
  const auto failed = run_all(cache.get(), {failing, failing}, &stats);
  CHECK(failed[0].outcome == Outcome::http_status);
  CHECK(failed[1].outcome == Outcome::http_status);
  CHECK(stats.deduplicated == 1);
  CHECK(cache->size() == 1);
}

TEST_CASE("cache: without a cache identical requests are all sent", "[cache]") {
  Simulator sim(sim_options());
  sim.start();
  const ApiRequest same = chat(sim.base_url(), "same question");
  ExecutorStats stats;
  const auto records = run_all(nullptr, {same, same}, &stats);
  CHECK(sim.stats().requests == 2);
  CHECK(stats.deduplicated == 0);
  CHECK(stats.cache_hits == 0);
  CHECK_FALSE(records[0].cached);
}

TEST_CASE("cache: the stored text is the record's cache JSON, dumped", "[cache]") {
  RequestRecord record;
  record.outcome = Outcome::ok;
  record.http_status = 200;
  record.attempts = 2;
  record.content = "The answer is (B).\n\"quoted\" \xc3\xa9 \xff";
  record.reasoning = "think\tfirst";
  record.finish_reason = "stop";
  record.usage = {120, 7, 127};
  record.timings = {0.25, 3.5, 3.5, 4.0 / 3.0};
  CHECK(record_to_cache_text(record) ==
        record_to_cache_json(record).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  RequestRecord embeddings;  // unknown usage and timings stay -1
  embeddings.outcome = Outcome::ok;
  embeddings.embeddings = {{0.1F, -2.5F, 1e-7F}, {}, {3.0F}};
  CHECK(record_to_cache_text(embeddings) ==
        record_to_cache_json(embeddings).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

TEST_CASE("cache: embeddings come back from the cache bit for bit", "[cache]") {
  Simulator sim(sim_options());
  sim.start();
  const std::string dir = llmbench::test::temp_dir("llmbench-cache");
  auto cache = ResponseCache::open(dir);
  ApiRequest request;
  request.kind = ApiKind::embeddings;
  request.endpoint.provider = "sim";
  request.endpoint.base_url = sim.base_url();
  request.model = "sim-embed";
  request.inputs = {"first text", "second text"};
  const auto first = run_all(cache.get(), {request});
  const auto second = run_all(cache.get(), {request});
  REQUIRE(first[0].ok());
  REQUIRE(first[0].embeddings.size() == 2);
  CHECK(second[0].cached);
  CHECK(second[0].embeddings == first[0].embeddings);
  CHECK(sim.stats().requests == 1);
}

TEST_CASE("cache: two threads writing one cache directory both land", "[cache]") {
  const std::string dir = llmbench::test::temp_dir("llmbench-cache");
  constexpr int kEach = 150;
  auto write = [&](int writer) {
    auto cache = ResponseCache::open(dir);
    for (int i = 0; i < kEach; ++i) {
      const std::string text = "writer " + std::to_string(writer) + " item " + std::to_string(i);
      cache->put(chat("http://127.0.0.1:1/v1", text), ok_record("answer to " + text));
    }
  };
  std::thread a(write, 1);
  std::thread b(write, 2);
  a.join();
  b.join();
  auto cache = ResponseCache::open(dir);
  CHECK(cache->size() == 2 * kEach);
  const auto hit = cache->get(chat("http://127.0.0.1:1/v1", "writer 2 item 7"));
  REQUIRE(hit.has_value());
  CHECK(hit->content == "answer to writer 2 item 7");
  CHECK(hit->cached);
  CHECK(hit->timings.latency_ms() == Approx(41.75));
  CHECK(hit->usage.total_tokens == 13);
}

TEST_CASE("cache: puts in a batch are read back at once and reach other connections when it ends", "[cache]") {
  const std::string dir = llmbench::test::temp_dir("llmbench-cache");
  auto writer = ResponseCache::open(dir);
  auto reader = ResponseCache::open(dir);
  const ApiRequest first = chat("http://127.0.0.1:1/v1", "batched one");
  const ApiRequest second = chat("http://127.0.0.1:1/v1", "batched two");
  {
    const ResponseCache::Batch batch(writer.get());
    writer->put(first, ok_record("one"));
    writer->put(second, ok_record("two"));
    const auto own = writer->get(second);
    REQUIRE(own.has_value());
    CHECK(own->content == "two");
    CHECK_FALSE(reader->get(first).has_value());  // not committed yet
  }
  const auto seen = reader->get(first);
  REQUIRE(seen.has_value());
  CHECK(seen->content == "one");
  CHECK(reader->size() == 2);
  const ResponseCache::Batch none(nullptr);  // no cache: nothing to batch
}

TEST_CASE("cache: two processes writing one cache directory both land", "[cache]") {
  const std::string dir = llmbench::test::temp_dir("llmbench-cache");
  constexpr int kEach = 150;
  auto write = [&](const std::string& writer) {
    auto cache = ResponseCache::open(dir);
    for (int i = 0; i < kEach; ++i) {
      const std::string text = writer + " item " + std::to_string(i);
      cache->put(chat("http://127.0.0.1:1/v1", text), ok_record("answer to " + text));
    }
  };
  const pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    int code = 0;
    try {
      write("child");
    } catch (...) {
      code = 1;
    }
    _exit(code);
  }
  write("parent");
  int status = 0;
  REQUIRE(waitpid(child, &status, 0) == child);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  auto cache = ResponseCache::open(dir);
  CHECK(cache->size() == 2 * kEach);
  CHECK(cache->get(chat("http://127.0.0.1:1/v1", "child item 149")).has_value());
  CHECK(cache->get(chat("http://127.0.0.1:1/v1", "parent item 0")).has_value());
}

TEST_CASE("cache: a corrupt cache file is an error naming its path", "[cache]") {
  const std::string dir = llmbench::test::temp_dir("llmbench-cache");
  const std::string file = (std::filesystem::path(dir) / kCacheFileName).string();
  {
    std::ofstream out(file, std::ios::binary);
    out << std::string(8192, 'x') << "this is not a database";
  }
  try {
    ResponseCache::open(dir);
    FAIL("open should have thrown");
  } catch (const llmbench::Error& e) {
    const std::string what = e.what();
    CHECK(what.find(file) != std::string::npos);
    CHECK(what.find("--no-cache") != std::string::npos);
  }
}

TEST_CASE("cache: a cache directory that cannot be created is an error naming it", "[cache]") {
  const std::string dir = llmbench::test::temp_dir("llmbench-cache");
  const std::string blocker = (std::filesystem::path(dir) / "file").string();
  std::ofstream(blocker) << "a file, not a directory";
  try {
    ResponseCache::open(std::filesystem::path(blocker) / "cache");
    FAIL("open should have thrown");
  } catch (const llmbench::Error& e) {
    CHECK(std::string(e.what()).find(blocker) != std::string::npos);
  }
}
