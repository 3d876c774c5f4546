// Streamed answers end to end: `run --stream` (or `stream: true` on a model) against the
// embedded simulator pacing its tokens, and a raw server that streams without usage. Each
// record's TTFT is the first text chunk's, never a whole response's; TTFO, ITL, TPOT and the
// output token count (and where it came from) sit beside it.
#include <catch2/catch.hpp>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "llmbench/http/executor.hpp"
#include "llmbench/records/item_record.hpp"
#include "llmbench/records/journal.hpp"
#include "llmbench/report/store.hpp"
#include "llmbench/run/request_fields.hpp"
#include "support/cli.hpp"
#include "support/raw_server.hpp"

namespace fs = std::filesystem;
using nlohmann::json;
using namespace llmbench;

namespace {

constexpr double kTtftMs = 40;

// A config with one model on the embedded simulator, which waits kTtftMs before the first token
// and then sends 400 tokens/s (one SSE chunk each). `model_extra` goes under the model.
std::string write_config(const std::string& dir, const std::string& model_extra = "") {
  const std::string path = dir + "/models.yaml";
  std::ofstream(path) << "providers:\n  local:\n    base_url: sim://?ttft_ms=" << kTtftMs
                      << "&tokens_per_s=400&seed=3\nmodels:\n  - id: sim-large\n    provider: local\n"
                      << model_extra;
  return path;
}

std::vector<std::string> run_args(const std::string& config, const std::string& dir, const std::string& out) {
  const std::string env = dir + "/empty.env";
  std::ofstream(env) << "";
  return {"run",   "--config", config, "--env-file",          env,         "--tier",      "standard",
          "--tasks", "mmlu,gsm8k", "--limit", "4", "--generation-models", "sim-large", "--output-dir", out,
          "--progress", "none", "--no-cache"};
}

std::vector<json> items_of(const std::string& out) {
  std::vector<json> items;
  for (const auto& entry : fs::directory_iterator(fs::path(out) / "runs")) {
    for (json& r : records::read_journal(entry.path() / "items.jsonl").records) items.push_back(std::move(r));
  }
  return items;
}

// What each streamed record must hold, checked against its own latency and usage.
void check_streamed(const json& r) {
  INFO(r.dump());
  REQUIRE(r.at("ttft_ms").is_number());
  const double ttft = r.at("ttft_ms").get<double>(), latency = r.at("latency_ms").get<double>();
  CHECK(ttft >= kTtftMs);  // no token comes before the simulator's wait
  CHECK(ttft <= latency);
  const json& s = r.at("stream");
  REQUIRE(s.at("ttfo_ms").is_number());
  CHECK(s.at("ttfo_ms").get<double>() >= ttft);
  CHECK(s.at("output_tokens_from") == "usage");
  const std::int64_t tokens = s.at("output_tokens").get<std::int64_t>();
  CHECK(tokens == r.at("usage").at("completion_tokens").get<std::int64_t>());
  // The simulator sends a chunk per token: a gap before each text chunk after the first;
  // together the gaps span the first text chunk to the last.
  REQUIRE(tokens >= 1);
  CHECK(s.at("itl_ms").size() <= static_cast<std::size_t>(tokens - 1));
  CHECK(s.at("itl_ms").size() * 2 >= static_cast<std::size_t>(tokens - 1));
  double span = 0;
  for (const json& gap : s.at("itl_ms")) {
    CHECK(gap.get<double>() >= 0);
    span += gap.get<double>();
  }
  CHECK(ttft + span <= latency + 0.5);  // each gap is rounded to the microsecond
  if (tokens >= 2) {
    REQUIRE(s.at("tpot_ms").is_number());
    CHECK(s.at("tpot_ms").get<double>() == Approx((latency - ttft) / static_cast<double>(tokens - 1)));
  } else {
    CHECK(s.at("tpot_ms").is_null());
  }
}

}  // namespace

TEST_CASE("stream: --stream records each item's TTFT, first answer token, ITL and TPOT, without it TTFT is absent",
          "[stream]") {
  const std::string dir = test::temp_dir(), config = write_config(dir);
  const std::string streamed = dir + "/streamed", whole = dir + "/whole";
  auto args = run_args(config, dir, streamed);
  args.push_back("--stream");
  const auto result = test::run_cli(args);
  INFO(result.out << result.err);
  REQUIRE(result.exit_code == 0);
  CHECK(result.out.find("streamed answers") != std::string::npos);
  const auto items = items_of(streamed);
  REQUIRE(items.size() == 8);
  for (const json& r : items) check_streamed(r);
  // A streamed record is typed whole and written back byte for byte.
  for (const json& r : items) {
    const std::string line = r.dump(-1, ' ', false, json::error_handler_t::replace);
    const records::ItemRecord typed = records::item_record_from_json(json::parse(line));
    REQUIRE(typed.request.has_value());
    REQUIRE(typed.request->timings.has_value());
    REQUIRE(typed.request->timings->stream.has_value());
    CHECK(typed.request->timings->stream->output_tokens_from == "usage");
    CHECK_FALSE(typed.payload.contains("stream"));
    CHECK(json(typed).dump(-1, ' ', false, json::error_handler_t::replace) == line);
  }
  // The answers are the same whether streamed or not; a whole response has no token times.
  const auto again = test::run_cli(run_args(config, dir, whole));
  REQUIRE(again.exit_code == 0);
  const auto plain = items_of(whole);
  REQUIRE(plain.size() == 8);
  for (const json& r : plain) {
    CHECK(r.at("ttft_ms").is_null());
    CHECK_FALSE(r.contains("stream"));
  }
  // The standard table gains TTFT and TPOT percentiles per task when streamed, and only then.
  CHECK(result.out.find("TTFT p50 ms") != std::string::npos);
  CHECK(result.out.find("TPOT p95 ms") != std::string::npos);
  CHECK(again.out.find("TTFT p50 ms") == std::string::npos);
  const json metrics = report::read_runs(fs::path(streamed) / report::kReportFileName)
                           .at(0).at("model_runs").at(0).at("metrics").at("standard");
  for (const char* task : {"mmlu", "gsm8k"}) {
    INFO(task);
    CHECK(metrics.at(task).at("ttft_ms").at("p50").get<double>() >= kTtftMs);
    CHECK(metrics.at(task).at("ttft_ms").at("p95").get<double>() >= metrics.at(task).at("ttft_ms").at("p50").get<double>());
    CHECK(metrics.at(task).at("tpot_ms").at("p50").is_number());
  }
  const json plain_metrics = report::read_runs(fs::path(whole) / report::kReportFileName)
                                 .at(0).at("model_runs").at(0).at("metrics").at("standard");
  CHECK_FALSE(plain_metrics.at("mmlu").contains("ttft_ms"));
  std::map<std::string, std::string> answers;
  for (const json& r : items) answers[r.at("key")] = r.at("response");
  for (const json& r : plain) CHECK(answers[r.at("key")] == r.at("response").get<std::string>());
}

TEST_CASE("stream: stream: true on a model streams it, stream in its params is refused, naming the line", "[stream]") {
  const std::string dir = test::temp_dir(), out = dir + "/out";
  const auto result = test::run_cli(run_args(write_config(dir, "    stream: true\n"), dir, out));
  INFO(result.out << result.err);
  REQUIRE(result.exit_code == 0);
  for (const json& r : items_of(out)) check_streamed(r);

  const std::string bad = write_config(dir, "    params: {stream: true}\n");
  const auto refused = test::run_cli(run_args(bad, dir, dir + "/refused"));
  CHECK(refused.exit_code == 2);
  CHECK(refused.err.find("models.yaml:7") != std::string::npos);
  CHECK(refused.err.find("stream: true") != std::string::npos);
  CHECK_FALSE(fs::exists(dir + "/refused"));
}

TEST_CASE("stream: a server that streams without usage has its output tokens counted from the chunks", "[stream]") {
  test::RawServer server([](const test::RawRequest&, const test::RawWrite& write) {
    std::string body;
    for (const char* text : {"The", " answer", " is", " B"}) {
      body += "data: " + json{{"choices", {{{"index", 0}, {"delta", {{"content", text}}}}}}}.dump() + "\n\n";
    }
    body += "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n";
    write("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n" + body);
  });
  http::ApiRequest request;
  request.kind = http::ApiKind::chat;
  request.endpoint.base_url = server.url("plain");
  request.model = "m";
  request.messages = {{"user", "Which?"}};
  request.stream = http::Stream::yes;
  http::Executor executor(http::ExecutorOptions{});
  http::RequestRecord record;
  executor.submit(request, [&](http::RequestRecord&& r) { record = std::move(r); });
  executor.run();
  REQUIRE(record.outcome == http::Outcome::ok);
  CHECK(record.content == "The answer is B");
  CHECK_FALSE(record.usage.known());
  const json stats = run::request_stats(record);
  INFO(stats.dump());
  CHECK(stats.at("usage").is_null());
  REQUIRE(stats.at("ttft_ms").is_number());
  const json& s = stats.at("stream");
  CHECK(s.at("output_tokens_from") == "chunks");
  CHECK(s.at("output_tokens") == 4);
  CHECK(s.at("itl_ms").size() == 3);
  CHECK(s.at("ttfo_ms") == stats.at("ttft_ms"));  // no reasoning: the first text is the answer
}

namespace {

// The server writes "A", then "B" kGap later, noting when each write began and returned
// (the bytes reached the client's socket in between, however loaded the machine).
struct TwoTokenServer {
  static constexpr auto kGap = std::chrono::milliseconds(150);
  struct Write {
    std::chrono::steady_clock::time_point began, returned;
  };
  std::mutex mutex;
  std::vector<Write> written;  // guarded by mutex
  test::RawServer server{[this](const test::RawRequest&, const test::RawWrite& write) {
    write("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n");
    for (const char* text : {"A", "B"}) {
      if (text[0] == 'B') std::this_thread::sleep_for(kGap);
      const std::string event = "data: " + json{{"choices", {{{"index", 0}, {"delta", {{"content", text}}}}}}}.dump() + "\n\n";
      const auto began = std::chrono::steady_clock::now();
      write(event);
      const std::lock_guard lock(mutex);
      written.push_back({began, std::chrono::steady_clock::now()});
    }
    write("data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n");
  }};

  http::ApiRequest request() const {
    http::ApiRequest r;
    r.kind = http::ApiKind::chat;
    r.endpoint.base_url = server.url("plain");
    r.model = "m";
    r.messages = {{"user", "Which?"}};
    r.stream = http::Stream::yes;
    return r;
  }
  // The least and the most time there can have been between A's and B's arrival.
  std::pair<double, double> gap_ms() {
    const std::lock_guard lock(mutex);
    REQUIRE(written.size() == 2);
    auto ms = [](auto d) { return std::chrono::duration<double, std::milli>(d).count(); };
    return {ms(written[1].began - written[0].returned), ms(written[1].returned - written[0].began)};
  }
};

constexpr auto kBusy = std::chrono::milliseconds(500);

// Runs `request` alone on `executor`: an ok answer of two tokens.
http::RequestRecord stream_two_tokens(http::Executor& executor, const http::ApiRequest& request) {
  http::RequestRecord record;
  executor.submit(request, [&](http::RequestRecord&& r) { record = std::move(r); });
  executor.run();
  REQUIRE(record.outcome == http::Outcome::ok);
  REQUIRE(record.timings.token_ms.size() == 2);
  return record;
}

}  // namespace

TEST_CASE("stream: a token is timed when its bytes arrived, not when a client busy elsewhere got round to reading it",
          "[stream][receive_time]") {
  // Once "A" is in, the executor's loop spends kBusy on other work (a posted task), so "B"
  // waits unread in the socket meanwhile.
  TwoTokenServer server;
  http::Executor executor(http::ExecutorOptions{});
  http::ApiRequest request = server.request();
  bool busy_once = false;
  request.on_content = [&](std::string_view) {
    if (std::exchange(busy_once, true)) return;
    executor.hold();
    executor.post([] { std::this_thread::sleep_for(kBusy); });
  };
  const http::RequestRecord record = stream_two_tokens(executor, request);
  const auto [least_ms, most_ms] = server.gap_ms();
  const double client_gap_ms = record.timings.token_ms[1] - record.timings.token_ms[0];
  INFO("the server wrote B " << least_ms << " to " << most_ms << " ms after A; the client timed it " << client_gap_ms
                             << " ms after");
  // Read at the earliest kBusy after A, timed by arrival (1 ms for the clocks' conversion).
  CHECK(client_gap_ms > least_ms - 1);
  CHECK(client_gap_ms < most_ms + 1);
  const json stats = run::request_stats(record);
  CHECK(stats.at("stream").at("token_times_from") == "kernel");
}

TEST_CASE("stream: bytes read while a token's own callback held the loop are timed when read, never early",
          "[stream][receive_time]") {
  // libcurl reads "B" in the same turn as "A", after A's callback returned: B's bytes came
  // after the peek that stamped A's, so B has no stamp of its own.
  TwoTokenServer server;
  http::Executor executor(http::ExecutorOptions{});
  http::ApiRequest request = server.request();
  bool busy_once = false;
  request.on_content = [&](std::string_view) {
    if (!std::exchange(busy_once, true)) std::this_thread::sleep_for(kBusy);
  };
  const http::RequestRecord record = stream_two_tokens(executor, request);
  const double client_gap_ms = record.timings.token_ms[1] - record.timings.token_ms[0];
  INFO("the server wrote B at most " << server.gap_ms().second << " ms after A; the client timed it " << client_gap_ms
                                     << " ms after");
  CHECK(client_gap_ms >= std::chrono::duration<double, std::milli>(kBusy).count() - 1);
  // A is stamped ("mixed") unless a loaded machine held libcurl's read past kFresh ("read").
  const json stats = run::request_stats(record);
  CHECK(stats.at("stream").at("token_times_from") != "kernel");
}
