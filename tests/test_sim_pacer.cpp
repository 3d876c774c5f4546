// The simulator's paced streams (sim/pacer.hpp) over real loopback HTTP with libcurl: many
// concurrent streams on schedule without a thread waking per token, a client leaving
// mid-stream, stop() during streams.
#include <catch2/catch.hpp>

#include <curl/curl.h>
#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "llmbench/sim/simulator.hpp"
#include "support/cli.hpp"

using nlohmann::json;
using namespace llmbench::sim;

namespace {

struct Sink {
  std::string body;
  std::size_t stop_after = 0;  // bytes; 0: read everything
};

std::size_t collect(char* data, std::size_t size, std::size_t n, void* out) {
  auto* sink = static_cast<Sink*>(out);
  sink->body.append(data, size * n);
  if (sink->stop_after > 0 && sink->body.size() >= sink->stop_after) return 0;  // curl aborts and closes
  return size * n;
}

// POSTs a streamed chat request; returns the body read (all of it, or until `stop_after` bytes).
std::string stream(const std::string& url, const std::string& id, int words, std::size_t stop_after = 0) {
  std::string sentence;
  for (int i = 0; i < words; ++i) sentence += (i > 0 ? " w" : "w") + std::to_string(i);
  const std::string body =
      json{{"model", "sim-small"},
           {"stream", true},
           {"messages", {{{"role", "user"}, {"content", "Context: " + sentence + ".\nQuestion: repeat the context."}}}}}
          .dump();
  Sink sink{{}, stop_after};
  CURL* curl = curl_easy_init();
  curl_slist* list = curl_slist_append(nullptr, "Content-Type: application/json");
  list = curl_slist_append(list, ("X-Request-Id: " + id).c_str());
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 30000L);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.c_str());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &sink);
  curl_easy_perform(curl);
  curl_slist_free_all(list);
  curl_easy_cleanup(curl);
  return sink.body;
}

std::vector<json> read_log(const std::string& path) {
  std::vector<json> out;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) out.push_back(json::parse(line));
  return out;
}

// This process's threads named `name`, with their voluntary context switches (sleeps) so far.
std::vector<long> thread_sleeps(const std::string& name) {
  std::vector<long> out;
  DIR* dir = ::opendir("/proc/self/task");
  REQUIRE(dir != nullptr);
  while (dirent* e = ::readdir(dir)) {
    if (e->d_name[0] == '.') continue;
    const std::string task = std::string("/proc/self/task/") + e->d_name;
    std::string comm = llmbench::test::slurp(task + "/comm");
    if (!comm.empty() && comm.back() == '\n') comm.pop_back();
    if (comm != name) continue;
    std::ifstream status(task + "/status");
    for (std::string line; std::getline(status, line);)
      if (line.rfind("voluntary_ctxt_switches:", 0) == 0) out.push_back(std::stol(line.substr(24)));
  }
  ::closedir(dir);
  return out;
}

}  // namespace

TEST_CASE("sim: 200 concurrent streams are written on schedule by the pacing threads while their workers sleep",
          "[sim][pacer]") {
  constexpr int kStreams = 200, kTokens = 20;
  constexpr double kTtftMs = 50, kTokenMs = 20;
  SimOptions options;
  options.ttft_ms = kTtftMs;
  options.tokens_per_s = 1000 / kTokenMs;
  options.write_log = llmbench::test::temp_dir("llmbench-pacer") + "/writes.jsonl";
  Simulator sim(options);
  sim.start();
  std::vector<std::thread> clients;
  for (int i = 0; i < kStreams; ++i)
    clients.emplace_back([&, i] { stream(sim.base_url() + "/chat/completions", "s" + std::to_string(i), kTokens); });
  for (auto& t : clients) t.join();
  // A worker slept a few times per request (reading it, waiting for the pacer), not per token:
  // with a thread pacing its own stream it would sleep kTokens times.
  const std::vector<long> worker_sleeps = thread_sleeps("sim-worker");
  const long slept = [&] {
    long sum = 0;
    for (long n : worker_sleeps) sum += n;
    return sum;
  }();
  CHECK(thread_sleeps("sim-pacer").size() == 2);
  CHECK_FALSE(worker_sleeps.empty());
  CHECK(slept < kStreams * 10);
  sim.stop();

  const std::vector<json> log = read_log(options.write_log);
  REQUIRE(log.size() == kStreams);
  std::vector<double> errors_ms;
  for (const json& r : log) {
    CHECK(r.at("complete") == true);
    const auto tokens = r.at("token_ns").get<std::vector<long long>>();
    REQUIRE(tokens.size() == kTokens);
    CHECK(std::is_sorted(tokens.begin(), tokens.end()));
    const auto received = r.at("received_ns").get<long long>();
    const auto scheduled = r.at("scheduled_ns").get<long long>();
    CHECK(scheduled >= received);
    for (std::size_t k = 0; k < tokens.size(); ++k) {
      const auto due = scheduled + static_cast<long long>((kTtftMs + kTokenMs * static_cast<double>(k)) * 1e6);
      CHECK(tokens[k] >= due);  // never early
      errors_ms.push_back(static_cast<double>(tokens[k] - due) / 1e6);
    }
  }
  // How late is a figure of the machine, measured by benchmarks/stream_fidelity (pacing.py:
  // p50 0.06 ms at 1,000 streams on the quiet machine). Here the test's own 200 client threads
  // compete with the pacing threads for 2 cores, and a sanitizer build on a loaded machine saw a
  // median over 100 ms, so the bound only catches a pacer that falls behind by a whole stream.
  std::sort(errors_ms.begin(), errors_ms.end());
  CHECK(errors_ms[errors_ms.size() / 2] < 400);
}

TEST_CASE("sim: a client that leaves mid-stream ends its stream incomplete and holds up no other", "[sim][pacer]") {
  constexpr int kTokens = 30;
  SimOptions options;
  options.tokens_per_s = 50;  // 20 ms apart: 0.6 s a stream
  options.write_log = llmbench::test::temp_dir("llmbench-pacer-gone") + "/writes.jsonl";
  Simulator sim(options);
  sim.start();
  const std::string url = sim.base_url() + "/chat/completions";
  std::vector<std::thread> clients;
  std::vector<std::string> bodies(5);
  for (std::size_t i = 0; i < bodies.size(); ++i)
    clients.emplace_back([&, i] { bodies[i] = stream(url, "stay-" + std::to_string(i), kTokens); });
  std::string partial = stream(url, "gone", kTokens, 1000);  // a few events, then it hangs up
  for (auto& t : clients) t.join();
  sim.stop();

  CHECK(partial.find("[DONE]") == std::string::npos);
  for (const auto& b : bodies) CHECK(b.find("data: [DONE]") != std::string::npos);
  const std::vector<json> log = read_log(options.write_log);
  REQUIRE(log.size() == 6);
  for (const json& r : log) {
    const auto tokens = r.at("token_ns").get<std::vector<long long>>();
    if (r.at("request_id") == "gone") {
      CHECK(r.at("complete") == false);
      CHECK(tokens.size() < kTokens);
    } else {
      CHECK(r.at("complete") == true);
      CHECK(tokens.size() == kTokens);
      const double late_ms = static_cast<double>(tokens.back() - r.at("scheduled_ns").get<long long>()) / 1e6 -
                             20.0 * (kTokens - 1);
      CHECK(late_ms >= 0);
      CHECK(late_ms < 250);
    }
  }
}

TEST_CASE("sim: stopping during 100 paced streams returns promptly and logs them incomplete", "[sim][pacer]") {
  SimOptions options;
  options.tokens_per_s = 5;  // 200 ms apart: 6 s a stream
  options.write_log = llmbench::test::temp_dir("llmbench-pacer-stop") + "/writes.jsonl";
  auto sim = std::make_unique<Simulator>(options);
  sim->start();
  const std::string url = sim->base_url() + "/chat/completions";
  std::vector<std::thread> clients;
  for (int i = 0; i < 100; ++i) clients.emplace_back([&url, i] { stream(url, "s" + std::to_string(i), 30); });
  for (int waited = 0; sim->stats().requests < 100 && waited < 4000; waited += 10)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));  // every stream under way
  REQUIRE(sim->stats().requests == 100);
  const auto start = std::chrono::steady_clock::now();
  sim.reset();
  CHECK(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() < 1.0);
  for (auto& t : clients) t.join();

  const std::vector<json> log = read_log(options.write_log);
  CHECK(log.size() == 100);
  for (const json& r : log) {
    CHECK(r.at("complete") == false);
    CHECK(r.at("token_ns").size() < 30);
  }
}

TEST_CASE("sim: a slow reader gets its whole stream once it reads and holds up no other stream", "[sim][pacer]") {
  constexpr int kWords = 25000;  // some 6 MB of events at once: more than the socket buffers hold
  SimOptions options;
  options.write_log = llmbench::test::temp_dir("llmbench-pacer-slow") + "/writes.jsonl";
  Simulator sim(options);
  sim.start();
  std::string sentence;
  for (int i = 0; i < kWords; ++i) sentence += (i > 0 ? " w" : "w") + std::to_string(i);
  const std::string body =
      json{{"model", "sim-small"},
           {"stream", true},
           {"messages", {{{"role", "user"}, {"content", "Context: " + sentence + ".\nQuestion: repeat the context."}}}}}
          .dump();
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  int small = 4096;
  ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(sim.port()));
  ::inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  const std::string request = "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nX-Request-Id: slow\r\n"
                              "Connection: close\r\nContent-Type: application/json\r\nContent-Length: " +
                              std::to_string(body.size()) + "\r\n\r\n" + body;
  REQUIRE(::send(fd, request.data(), request.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(request.size()));
  // Meanwhile another stream through the same pacer.
  std::thread other([&] { stream(sim.base_url() + "/chat/completions", "other", 20); });
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // the pacer meets a full socket
  std::string got;
  char buf[65536];
  for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;) got.append(buf, static_cast<std::size_t>(n));
  ::close(fd);
  other.join();
  sim.stop();

  CHECK(got.size() > 5'000'000);
  CHECK(got.find("data: [DONE]") != std::string::npos);
  CHECK(got.size() >= 5);
  CHECK(got.substr(got.size() - 5) == "0\r\n\r\n");
  const std::vector<json> log = read_log(options.write_log);
  REQUIRE(log.size() == 2);
  for (const json& r : log) {
    CHECK(r.at("complete") == true);
    CHECK(r.at("token_ns").size() == (r.at("request_id") == "slow" ? kWords : 20));
  }
}
