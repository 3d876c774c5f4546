// llmbench sim: the embedded OpenAI-compatible simulator, served on loopback.
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <pthread.h>

#include "commands.hpp"
#include "llmbench/error.hpp"
#include "llmbench/sim/simulator.hpp"

namespace llmbench::app {
namespace {

struct SimCommandOptions {
  std::string host = "127.0.0.1";
  bool allow_remote = false;
  int port = 8089;
  double latency_ms = 0;
  double ttft_ms = 0;
  double tokens_per_s = 0;
  std::string models = "sim-small=0.45,sim-medium=0.65,sim-large=0.85";
  std::string api_key_env;
  double rate_limit_rate = 0;
  double error_rate = 0;
  double bad_gateway_rate = 0;
  double drop_rate = 0;
  double truncate_rate = 0;
  double stall_rate = 0;
  double length_rate = 0;
  double retry_after_s = 1;
  double stall_s = 30;
  std::uint64_t seed = 0;
  int threads = 256;
  double requests_per_s = 0;
  std::string write_log;
};

bool is_loopback(const std::string& host) {
  return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

std::vector<sim::SimModel> parse_models(const std::string& spec) {
  std::vector<sim::SimModel> models;
  std::size_t start = 0;
  while (start <= spec.size()) {
    std::size_t comma = spec.find(',', start);
    std::string item = spec.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    start = comma == std::string::npos ? spec.size() + 1 : comma + 1;
    if (item.empty()) continue;
    sim::SimModel m;
    std::size_t eq = item.find('=');
    m.id = item.substr(0, eq);
    if (eq != std::string::npos) {
      const std::string value = item.substr(eq + 1);
      char* end = nullptr;
      m.accuracy = std::strtod(value.c_str(), &end);
      if (value.empty() || *end != '\0' || !(m.accuracy >= 0 && m.accuracy <= 1))
        throw Error("--models: \"" + item + "\" needs an accuracy in [0,1] after '=', e.g. "
                    "--models \"sim-a=0.5,sim-b=0.9\"");
    }
    if (m.id.empty()) throw Error("--models: an entry has no model id; write id=accuracy, e.g. sim-a=0.5");
    models.push_back(m);
  }
  if (models.empty()) throw Error("--models: no model given; write id=accuracy,id=accuracy");
  return models;
}

int run_sim(const SimCommandOptions& o) {
  if (!is_loopback(o.host) && !o.allow_remote)
    throw Error("--host " + o.host + " is not a loopback address; the simulator serves 127.0.0.1 "
                "by default, add --allow-remote to serve other addresses");
  sim::SimOptions options;
  options.keep_answers = false;  // a long-running server: its answers would grow with every request
  options.host = o.host;
  options.port = o.port;
  options.latency_ms = o.latency_ms;
  options.ttft_ms = o.ttft_ms;
  options.tokens_per_s = o.tokens_per_s;
  options.models = parse_models(o.models);
  if (!o.api_key_env.empty()) {
    const char* key = std::getenv(o.api_key_env.c_str());
    if (key == nullptr || *key == '\0')
      throw Error("--api-key-env " + o.api_key_env + ": that environment variable is not set or "
                  "empty; export it with the key clients must send");
    options.api_key = key;
  }
  options.faults.rate_limit = o.rate_limit_rate;
  options.faults.server_error = o.error_rate;
  options.faults.bad_gateway_html = o.bad_gateway_rate;
  options.faults.drop = o.drop_rate;
  options.faults.truncate = o.truncate_rate;
  options.faults.stall = o.stall_rate;
  options.faults.length = o.length_rate;
  options.faults.retry_after_s = o.retry_after_s;
  options.faults.stall_s = o.stall_s;
  options.seed = o.seed;
  options.threads = o.threads;
  options.requests_per_s = o.requests_per_s;
  options.write_log = o.write_log;

  // Block the stop signals before any server thread exists, so only sigwait() sees them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  sim::Simulator simulator(options);
  simulator.start();
  std::string names;
  for (const auto& m : options.models) names += (names.empty() ? "" : ", ") + m.id;
  std::printf("llmbench sim: serving %s (models: %s)\n", simulator.base_url().c_str(), names.c_str());
  std::fflush(stdout);

  int received = 0;
  sigwait(&signals, &received);
  simulator.stop();

  const sim::SimStats stats = simulator.stats();
  std::string faults;
  std::uint64_t fault_total = 0;
  for (const auto& [kind, n] : stats.faults) {
    faults += " " + kind + "=" + std::to_string(n);
    fault_total += n;
  }
  std::fprintf(stderr, "llmbench sim: stopped after %llu requests, %llu faults injected%s%s",
               static_cast<unsigned long long>(stats.requests),
               static_cast<unsigned long long>(fault_total), faults.empty() ? "" : ":", faults.c_str());
  if (o.requests_per_s > 0)
    std::fprintf(stderr, ", %llu refused by --requests-per-s", static_cast<unsigned long long>(stats.rate_limited));
  std::fprintf(stderr, "\n");
  return 0;
}

}  // namespace

Runner setup_sim(CLI::App& app) {
  auto options = std::make_shared<SimCommandOptions>();
  CLI::App* cmd = app.add_subcommand(
      "sim",
      "Serve the embedded OpenAI-compatible simulator on loopback (/v1/models, /v1/chat/completions, "
      "/v1/embeddings). It simulates models with set accuracies, latency and faults for testing "
      "llmbench and its pipelines; it measures nothing about real models.");
  cmd->add_option("--host", options->host,
                  "Address to bind; only loopback (127.x, ::1, localhost) unless --allow-remote")
      ->capture_default_str();
  cmd->add_flag("--allow-remote", options->allow_remote,
                "Allow a non-loopback --host (the simulator has no protection of its own)");
  cmd->add_option("--port", options->port, "TCP port; 0 = any free port (printed on start)")
      ->capture_default_str()->check(CLI::Range(0, 65535));
  cmd->add_option("--latency-ms", options->latency_ms,
                  "Delay before each response (or the first SSE event), in ms")
      ->capture_default_str()->check(non_negative_number());
  cmd->add_option("--ttft-ms", options->ttft_ms, "Extra delay before the first token, in ms")
      ->capture_default_str()->check(non_negative_number());
  cmd->add_option("--tokens-per-s", options->tokens_per_s,
                  "Generation pace (words per second); 0 = all at once")
      ->capture_default_str()->check(non_negative_number());
  cmd->add_option("--models", options->models,
                  "Simulated models and their accuracy on recognised questions, as id=accuracy,...")
      ->capture_default_str();
  cmd->add_option("--api-key-env", options->api_key_env,
                  "Name of an environment variable holding the bearer key clients must send; "
                  "default: no key required (the key is never printed)");
  cmd->add_option("--rate-limit-rate", options->rate_limit_rate,
                  "Share of requests answered 429 with Retry-After, in [0,1]")
      ->capture_default_str()->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--error-rate", options->error_rate,
                  "Share of requests answered 500 or 503 with a JSON error, in [0,1]")
      ->capture_default_str()->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--bad-gateway-rate", options->bad_gateway_rate,
                  "Share of requests answered 502 with an HTML page, in [0,1]")
      ->capture_default_str()->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--drop-rate", options->drop_rate,
                  "Share of requests whose connection is closed without a response, in [0,1]")
      ->capture_default_str()->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--truncate-rate", options->truncate_rate,
                  "Share of requests whose 200 body (or stream) is cut short, in [0,1]")
      ->capture_default_str()->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--stall-rate", options->stall_rate,
                  "Share of requests that get silence for --stall-s, then a close, in [0,1]")
      ->capture_default_str()->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--length-rate", options->length_rate,
                  "Share of chat replies cut off in mid-reasoning (finish_reason length) with a tail naming "
                  "an answer, in [0,1]")
      ->capture_default_str()->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--retry-after", options->retry_after_s, "Retry-After sent with 429, in seconds")
      ->capture_default_str()->check(non_negative_seconds());
  cmd->add_option("--stall-s", options->stall_s, "How long a stalled request stays silent, in seconds")
      ->capture_default_str()->check(non_negative_seconds());
  cmd->add_option("--seed", options->seed,
                  "Seed of every decision (answers, styles, faults); faults hit first attempts only")
      ->capture_default_str();
  cmd->add_option("--requests-per-s", options->requests_per_s,
                  "Provider rate limit: admit this many chat/embeddings requests per second (burst: as many), "
                  "announce it in x-ratelimit-*-requests headers and refuse the rest with 429 + Retry-After; "
                  "0 = no limit")
      ->capture_default_str()->check(non_negative_number());
  cmd->add_option("--write-log", options->write_log,
                  "Write when each token of each streamed reply was really written, a JSON line per "
                  "request (request_id from X-Request-Id, received_ns, token_ns[]: CLOCK_MONOTONIC ns), "
                  "to FILE; default: no log")
      ->type_name("FILE");
  cmd->add_option("--threads", options->threads, "Connections served at once")
      ->capture_default_str()->check(CLI::Range(1, 4096));
  return [options]() -> int { return run_sim(*options); };
}

}  // namespace llmbench::app
