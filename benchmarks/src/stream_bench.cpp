// Drives N streamed chat requests, all in flight at once, through llmbench's Executor and
// writes what the client measured for each, for benchmarks/stream_fidelity to hold against
// the simulator's write-time log. Not installed.
//
//   llmbench_stream_bench --url http://127.0.0.1:8089/v1 --streams 1000 --tokens 64 --out client.jsonl
//
// First N models requests at once open the connections (a warm-up, not measured). Each
// streamed request carries X-Request-Id: llmbench-<i>, and its prompt makes the simulator copy
// back a sentence of --tokens words (the same prompt benchmarks/stream_fidelity/aiohttp_client.py
// sends). --out gets one JSON line per request:
//   {"request_id":"llmbench-0","ok":true,"ttft_ms":T,"itl_ms":[...]}
// ttft_ms: first token's arrival minus the request's send (Timings::ttft_ms); itl_ms: the gaps
// between consecutive token chunks' arrivals (Timings::token_ms). stdout gets one JSON line:
// streams, ok, failed, seconds, events (token chunks received), cpu_s (user + system over the
// run) and cpu_ms_per_1000_events.

#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <curl/curl.h>
#include <nlohmann/json.hpp>

#include "llmbench/http/executor.hpp"

namespace {

double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

// A context of one sentence of `words` words: the simulator's reply is that sentence.
std::string prompt_of(int words) {
  std::string sentence;
  for (int i = 0; i < words; ++i) sentence += (i > 0 ? " w" : "w") + std::to_string(i);
  return "Context: " + sentence + ".\nQuestion: repeat the context.";
}

}  // namespace

int main(int argc, char** argv) {
  std::string url;
  std::string model = "sim-small";
  int streams = 1000;
  int tokens = 64;
  std::string out_path;
  CLI::App app{"llmbench streaming load driver"};
  app.add_option("--url", url, "Base URL, e.g. http://127.0.0.1:8089/v1")->required();
  app.add_option("--model", model, "Model name")->capture_default_str();
  app.add_option("--streams", streams, "Streamed requests, all in flight at once")->capture_default_str();
  app.add_option("--tokens", tokens, "Tokens (words) each reply streams")->capture_default_str();
  app.add_option("--out", out_path, "Per-request client timings (JSON lines)")->required();
  CLI11_PARSE(app, argc, argv);

  curl_global_init(CURL_GLOBAL_DEFAULT);
  llmbench::http::ExecutorOptions options;
  options.concurrency = streams;
  options.retries = 0;
  options.timeout_s = 300;
  options.connect_timeout_s = 60;
  std::vector<std::string> lines;  // written after the run, not on the executor's loop
  lines.reserve(static_cast<std::size_t>(streams));
  std::uint64_t ok = 0, failed = 0, events = 0;
  const std::string prompt = prompt_of(tokens);
  llmbench::http::Executor executor(options);
  // Warm-up: N models requests at once open the N connections the streams then reuse, so
  // the connection burst (connect, accept) is not in the streams' TTFT.
  for (int i = 0; i < streams; ++i) {
    llmbench::http::ApiRequest request;
    request.kind = llmbench::http::ApiKind::models;
    request.endpoint.provider = "bench";
    request.endpoint.base_url = url;
    executor.submit(std::move(request), [](llmbench::http::RequestRecord&&) {});
  }
  executor.run();
  const double cpu_before = cpu_seconds();
  const auto start = std::chrono::steady_clock::now();
  {
    for (int i = 0; i < streams; ++i) {
      llmbench::http::ApiRequest request;
      request.model = model;
      request.messages = {{"user", prompt}};
      request.params = {{"max_tokens", tokens}};
      request.endpoint.provider = "bench";
      request.endpoint.base_url = url;
      const std::string id = "llmbench-" + std::to_string(i);
      request.endpoint.headers = {{"X-Request-Id", id}};
      request.stream = llmbench::http::Stream::yes;
      executor.submit(std::move(request), [&, id](llmbench::http::RequestRecord&& r) {
        r.ok() ? ++ok : ++failed;
        const auto& t = r.timings;
        events += t.token_ms.size();
        nlohmann::json itl = nlohmann::json::array();
        for (std::size_t k = 1; k < t.token_ms.size(); ++k) itl.push_back(t.token_ms[k] - t.token_ms[k - 1]);
        lines.push_back(
            nlohmann::json{{"request_id", id}, {"ok", r.ok()}, {"ttft_ms", t.ttft_ms()}, {"itl_ms", std::move(itl)}, {"error", llmbench::http::failure_text(r)}}.dump());
      });
    }
    executor.run();
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double cpu_s = cpu_seconds() - cpu_before;
  std::ofstream out(out_path);
  for (const std::string& line : lines) out << line << '\n';
  nlohmann::json summary = {{"streams", streams}, {"ok", ok},         {"failed", failed},
                            {"seconds", seconds}, {"events", events}, {"cpu_s", cpu_s},
                            {"cpu_ms_per_1000_events", events > 0 ? cpu_s * 1e6 / static_cast<double>(events) : 0.0}};
  std::printf("%s\n", summary.dump().c_str());
  curl_global_cleanup();
  return failed == 0 ? 0 : 1;
}
