// Drives N chat requests at concurrency C through llmbench's Executor against a server and
// prints one JSON line: requests, seconds, requests_per_s, ok, failed, retries, peak_rss_kib.
// Used by benchmarks/client_throughput, benchmarks/mmlu_full and benchmarks/rate_limit; not installed.
//
//   llmbench_client_bench --url http://127.0.0.1:8089/v1 --requests 20000 --concurrency 64
//   llmbench_client_bench --url ... --prompts runs/<id>/items.jsonl   (the run's own requests:
//       each item record's "prompt" messages to its "model", --requests ignored)

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

int main(int argc, char** argv) {
  std::string url;
  std::string model = "sim-small";
  int requests = 20000;
  int concurrency = 64;
  bool stream = false;
  std::string prompts;
  bool no_header_pacing = false;
  int retries = 2;
  CLI::App app{"llmbench client load driver"};
  app.add_option("--url", url, "Base URL, e.g. http://127.0.0.1:8089/v1")->required();
  app.add_option("--model", model, "Model name")->capture_default_str();
  app.add_option("--requests", requests, "Requests to send")->capture_default_str();
  app.add_option("--concurrency", concurrency, "Requests in flight")->capture_default_str();
  app.add_flag("--stream", stream, "Use SSE streaming");
  app.add_option("--prompts", prompts, "An item log whose records' prompts are sent instead");
  app.add_option("--retries", retries, "Retries after the first attempt")->capture_default_str();
  app.add_flag("--no-header-pacing", no_header_pacing,
               "Do not pace by x-ratelimit-* budgets (only Retry-After and an exhausted budget pause)");
  CLI11_PARSE(app, argc, argv);

  std::vector<llmbench::http::ApiRequest> from_log;
  if (!prompts.empty()) {
    std::ifstream in(prompts);
    for (std::string line; std::getline(in, line);) {
      const nlohmann::json record = nlohmann::json::parse(line);
      llmbench::http::ApiRequest request;
      request.model = record.at("model").get<std::string>();
      for (const auto& m : record.at("prompt")) {
        request.messages.push_back({m.at("role").get<std::string>(), m.at("content").get<std::string>()});
      }
      from_log.push_back(std::move(request));
    }
    requests = static_cast<int>(from_log.size());
  }

  curl_global_init(CURL_GLOBAL_DEFAULT);
  llmbench::http::ExecutorOptions options;
  options.concurrency = concurrency;
  options.retries = retries;
  options.header_pacing = no_header_pacing ? llmbench::http::HeaderPacing::off : llmbench::http::HeaderPacing::on;
  options.timeout_s = 60;
  std::uint64_t ok = 0, failed = 0, retried = 0;
  const auto start = std::chrono::steady_clock::now();
  {
    llmbench::http::Executor executor(options);
    for (int i = 0; i < requests; ++i) {
      llmbench::http::ApiRequest request;
      if (from_log.empty()) {
        request.model = model;
        request.messages = {{"user", "Say hello #" + std::to_string(i % 100)}};
        request.params = {{"max_tokens", 16}};
      } else {
        request = std::move(from_log[static_cast<std::size_t>(i)]);
      }
      request.endpoint.provider = "bench";
      request.endpoint.base_url = url;
      request.stream = stream ? llmbench::http::Stream::yes : llmbench::http::Stream::no;
      executor.submit(std::move(request), [&](llmbench::http::RequestRecord&& r) {
        r.ok() ? ++ok : ++failed;
      });
    }
    executor.run();
    retried = executor.stats().retries;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  nlohmann::json out = {{"requests", requests},    {"concurrency", concurrency},
                        {"ok", ok},                {"failed", failed},
                        {"retries", retried},
                        {"seconds", seconds},      {"requests_per_s", requests / seconds},
                        {"peak_rss_kib", usage.ru_maxrss}};
  std::printf("%s\n", out.dump().c_str());
  curl_global_cleanup();
  return failed == 0 ? 0 : 1;
}
