// Hostile endpoints at the HTTP and output layer: bodies that never end or inflate to a GiB,
// a day-long Retry-After, a model that echoes its API key, and error bodies full of terminal
// escapes. Each ends as a classified record, bounded in memory and time, with no key stored
// and no control byte printed. Servers are raw loopback sockets (support/raw_server.hpp).

#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "llmbench/http/executor.hpp"
#include "llmbench/run/progress.hpp"
#include "llmbench/util/redact.hpp"
#include "llmbench/util/terminal.hpp"
#include "support/cli.hpp"
#include "support/process.hpp"
#include "support/raw_server.hpp"

using namespace llmbench::http;
using llmbench::test::CliProcess;
using llmbench::test::CliResult;
using llmbench::test::RawRequest;
using llmbench::test::RawServer;
using llmbench::test::RawWrite;
using llmbench::test::run_cli;
using llmbench::test::temp_dir;
namespace fs = std::filesystem;
using llmbench::test::slurp;

namespace {

constexpr std::size_t kMiB = 1u << 20;

std::string chunk(std::string_view bytes) {
  std::ostringstream s;
  s << std::hex << bytes.size() << "\r\n" << bytes << "\r\n";
  return s.str();
}

std::string chat_json(const std::string& content, const std::string& reasoning = "") {
  return R"({"id":"x","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":")" +
         content + R"(","reasoning_content":")" + reasoning +
         R"("},"finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":5,"total_tokens":8}})";
}

void respond(const RawWrite& write, const std::string& status, const std::string& headers, const std::string& body) {
  write("HTTP/1.1 " + status + "\r\n" + headers + "Content-Length: " + std::to_string(body.size()) +
        "\r\nConnection: close\r\n\r\n" + body);
}

// The hostile responses, by the first path segment. Bodies are generated as streams: the
// server never holds more than a MiB of any of them.
void hostile(const RawRequest& request, const RawWrite& write) {
  const std::string kind = request.path.substr(1, request.path.find('/', 1) - 1);
  const std::string filler(kMiB, 'x');
  if (kind == "json200mb") {  // 200 MB of well-formed JSON, with its Content-Length
    const std::string head = R"({"choices":[{"index":0,"message":{"role":"assistant","content":")";
    const std::string tail = R"("},"finish_reason":"stop"}]})";
    const std::size_t body = 200 * kMiB;
    if (!write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body) +
               "\r\nConnection: close\r\n\r\n" + head)) {
      return;
    }
    std::size_t sent = head.size();
    while (sent + tail.size() < body) {
      const std::size_t n = std::min(filler.size(), body - tail.size() - sent);
      if (!write(std::string_view(filler).substr(0, n))) return;
      sent += n;
    }
    write(tail);
  } else if (kind == "chunked200mb" || kind == "sseline") {  // chunked, never a newline
    const bool sse = kind == "sseline";
    if (!write(std::string("HTTP/1.1 200 OK\r\nContent-Type: ") + (sse ? "text/event-stream" : "text/plain") +
               "\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n" + (sse ? chunk("data: ") : ""))) {
      return;
    }
    for (int i = 0; i < 200; ++i) {
      if (!write(chunk(filler))) return;
    }
    write("0\r\n\r\n");
  } else if (kind == "gzipbomb") {  // ~1 MB of gzip that inflates to 1 GiB of zeros
    if (!write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\n"
               "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n")) {
      return;
    }
    z_stream z{};
    deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY);
    const std::string zeros(kMiB, '0');
    std::string out(256 * 1024, '\0');
    bool open = true;
    for (int i = 0; i <= 1024 && open; ++i) {
      z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(zeros.data()));
      z.avail_in = i < 1024 ? static_cast<uInt>(zeros.size()) : 0;
      const int flush = i < 1024 ? Z_NO_FLUSH : Z_FINISH;
      do {
        z.next_out = reinterpret_cast<Bytef*>(out.data());
        z.avail_out = static_cast<uInt>(out.size());
        deflate(&z, flush);
        const std::size_t have = out.size() - z.avail_out;
        if (have > 0 && !write(chunk(std::string_view(out).substr(0, have)))) open = false;
      } while (open && z.avail_out == 0);
    }
    deflateEnd(&z);
    if (open) write("0\r\n\r\n");
  } else if (kind == "ratelimit") {
    respond(write, "429 Too Many Requests", "Content-Type: application/json\r\nRetry-After: 99999\r\n",
            R"({"error":{"message":"slow down","type":"rate_limit"}})");
  } else if (kind == "ratelimit30") {
    respond(write, "429 Too Many Requests", "Content-Type: application/json\r\nRetry-After: 30\r\n",
            R"({"error":{"message":"slow down","type":"rate_limit"}})");
  } else if (kind == "echo" || kind == "echoerr") {  // a model that repeats its Authorization header
    const std::string auth = request.header("Authorization");
    const std::string key = auth.rfind("Bearer ", 0) == 0 ? auth.substr(7) : auth;
    const std::string text = "header [" + auth + "] key [" + key + "] piece [" + key.substr(4, 10) + "]";
    if (kind == "echo") {
      respond(write, "200 OK", "Content-Type: application/json\r\nX-Echo: " + auth + "\r\n", chat_json(text, text));
    } else {
      respond(write, "400 Bad Request", "Content-Type: application/json\r\n",
              R"({"error":{"message":"invalid request: )" + text + R"("}})");
    }
  } else if (kind == "terminal") {  // an error body that would retitle and clear a terminal
    static const char kBody[] = "\x1b]0;pwned title\x07\x1b[2Jcleared \xff\xfe bad utf8 \0 after nul\x1b[31m red";
    respond(write, "400 Bad Request", "Content-Type: text/plain\r\n", std::string(kBody, sizeof kBody - 1));
  } else {
    respond(write, "404 Not Found", "Content-Type: text/plain\r\n", "no such hostile kind");
  }
}

ExecutorOptions fast_options() {
  ExecutorOptions options;
  options.retries = 2;
  options.timeout_s = 30;
  options.backoff_base_s = 0.01;
  options.backoff_max_s = 0.02;
  return options;
}

RequestRecord run_one(const std::string& base_url, Stream stream = Stream::no, ExecutorOptions options = fast_options()) {
  Executor executor(options);
  ApiRequest request;
  request.endpoint.provider = "hostile";
  request.endpoint.base_url = base_url;
  request.model = "m";
  request.messages = {{"user", "hi"}};
  request.stream = stream;
  RequestRecord out;
  executor.submit(request, [&](RequestRecord&& record) { out = std::move(record); });
  executor.run();
  return out;
}

std::string write_file(const std::string& dir, const std::string& name, const std::string& text) {
  const std::string path = dir + "/" + name;
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

std::string config_for(const std::vector<std::pair<std::string, std::string>>& models, const std::string& key_env = "") {
  std::string text = "providers:\n";
  for (const auto& [id, url] : models) {
    text += "  " + id + ":\n    base_url: " + url + "\n";
    if (!key_env.empty()) text += "    api_key_env: " + key_env + "\n";
  }
  text += "models:\n";
  for (const auto& [id, url] : models) text += "  - id: " + id + "\n    provider: " + id + "\n    model: m\n";
  text += "roles:\n  generation: [";
  for (std::size_t i = 0; i < models.size(); ++i) text += (i ? ", " : "") + models[i].first;
  return text + "]\n";
}

// VmHWM (peak resident set) of a running process in KiB, 0 once it has exited; -1 while the
// forked child is still a copy of this test process (before its exec of llmbench).
long peak_rss_kib(pid_t pid) {
  std::error_code error;
  const fs::path exe = fs::read_symlink("/proc/" + std::to_string(pid) + "/exe", error);
  if (!error && exe != fs::canonical(LLMBENCH_BINARY)) return -1;
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
  }
  return 0;
}

}  // namespace

TEST_CASE("hostile http: huge, endless, compressed-bomb and SSE bodies end as too_large", "[hostile_http]") {
  RawServer server(hostile);
  for (const std::string kind : {"json200mb", "chunked200mb", "gzipbomb", "sseline"}) {
    INFO(kind);
    const auto started = std::chrono::steady_clock::now();
    const RequestRecord record = run_one(server.url(kind), kind == std::string("sseline") ? Stream::yes : Stream::no);
    INFO(record.error);
    CHECK(record.outcome == Outcome::too_large);
    CHECK(record.attempts == 1);  // not retried: the next answer would be as large
    CHECK(record.error.find("--max-response-bytes") != std::string::npos);
    CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(20));
  }
  SECTION("the cap is the flag's value: a 1 MiB cap stops a 2 MiB body") {
    ExecutorOptions options = fast_options();
    options.max_response_bytes = kMiB;
    const RequestRecord record = run_one(server.url("chunked200mb"), Stream::no, options);
    CHECK(record.outcome == Outcome::too_large);
    CHECK(record.error.find("1048576") != std::string::npos);
  }
  CHECK(to_string(Outcome::too_large) == "too_large");
}

TEST_CASE("hostile http: llmbench run stays under 256 MB of RSS against each huge body", "[hostile_http]") {
  RawServer server(hostile);
  for (const std::string kind : {"json200mb", "chunked200mb", "gzipbomb", "sseline"}) {
    INFO(kind);
    const std::string dir = temp_dir("llmbench-hostile-http");
    const std::string config = write_file(dir, "models.yaml", config_for({{"big", server.url(kind)}}));
    CliProcess process({"run", "--config", config, "--env-file", write_file(dir, "none.env", ""), "--tier", "standard", "--tasks",
                        "gsm8k", "--limit", "2", "--progress", "none", "--output-dir", dir + "/out"},
                       dir,
                       // ASan keeps up to 256 MB of freed blocks in quarantine by default; that is
                       // ASan's memory, not ours, so the child keeps little of it.
                       {"ASAN_OPTIONS=detect_leaks=0:quarantine_size_mb=8"});
    long peak_kib = 0;
    const pid_t pid = process.pid();
    for (;;) {
      const long now_kib = peak_rss_kib(pid);
      if (now_kib == 0) break;
      if (now_kib < 0) continue;  // exited (a zombie has no VmHWM)
      peak_kib = std::max(peak_kib, now_kib);
      if (peak_kib > 1024 * 1024) break;  // 1 GB: failed already; do not wait for a swap storm
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    if (peak_kib > 1024 * 1024) process.signal(SIGKILL);
    const CliResult result = process.wait();
    INFO(result.out.substr(0, 2000) << result.err.substr(0, 2000));
    INFO("peak RSS " << peak_kib / 1024 << " MiB");
    CHECK(peak_kib > 0);
    CHECK(peak_kib < 256 * 1024);
    CHECK(result.exit_code < 3);  // neither an internal error nor a crash
    CHECK((result.out + result.err).find("too_large") != std::string::npos);
  }
}

TEST_CASE("hostile http: a Retry-After past --max-retry-wait or the time budget fails at once", "[hostile_http]") {
  RawServer server(hostile);
  SECTION("Retry-After: 99999 is refused, saying what the server asked for") {
    const auto started = std::chrono::steady_clock::now();
    const RequestRecord record = run_one(server.url("ratelimit"));
    INFO(record.error);
    CHECK(record.outcome == Outcome::rate_limited);
    CHECK(record.attempts == 1);
    CHECK(record.error.find("server asked to wait 99999 s (more than --max-retry-wait 60)") != std::string::npos);
    CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(5));
  }
  SECTION("a 30 s wait is more than a 2 x 2 s budget has left") {
    ExecutorOptions options = fast_options();
    options.timeout_s = 2;
    options.retries = 1;
    const auto started = std::chrono::steady_clock::now();
    const RequestRecord record = run_one(server.url("ratelimit30"), Stream::no, options);
    INFO(record.error);
    CHECK(record.outcome == Outcome::rate_limited);
    CHECK(record.error.find("time budget") != std::string::npos);
    CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(5));
  }
  SECTION("llmbench run against it ends within seconds") {
    const std::string dir = temp_dir("llmbench-hostile-http");
    const std::string config = write_file(dir, "models.yaml", config_for({{"limited", server.url("ratelimit")}}));
    const auto started = std::chrono::steady_clock::now();
    const CliResult result = run_cli({"run", "--config", config, "--env-file", write_file(dir, "none.env", ""), "--tier", "standard",
                                      "--tasks", "gsm8k", "--limit", "3", "--progress", "plain", "--output-dir",
                                      dir + "/out"},
                                     dir);
    INFO(result.out << result.err);
    CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(30));
    CHECK(result.exit_code < 3);
    CHECK(result.err.find("99999") != std::string::npos);
  }
}

TEST_CASE("hostile http: the progress line shows how long a provider backs off", "[hostile_http]") {
  llmbench::run::ProgressSnapshot snapshot;
  snapshot.done = 3;
  snapshot.total = 10;
  snapshot.backing_off = {{"mistral", 11.2}, {"openai", 0.4}, {"groq", 4.5, llmbench::http::ProviderWait::Why::budget_reset}};
  const std::string line = llmbench::run::format_progress(snapshot, 2.0);
  CHECK(line.find("mistral backing off 12s") != std::string::npos);
  CHECK(line.find("openai backing off 1s") != std::string::npos);
  CHECK(line.find("groq waiting 5s for its rate-limit reset") != std::string::npos);
}

TEST_CASE("redact: a key, any 8+ byte piece of it and its Bearer form become [redacted]", "[hostile_http]") {
  llmbench::util::Redactor redactor;
  const std::string key = "sk-live-0123456789abcdef";
  CHECK(redactor.add(key));
  CHECK_FALSE(redactor.add(key));
  CHECK(redactor.redact("say " + key + " now") == "say [redacted] now");
  CHECK(redactor.redact("Authorization: Bearer " + key) == "Authorization: Bearer [redacted]");
  CHECK(redactor.redact("piece 23456789ab here") == "piece [redacted] here");
  CHECK(redactor.redact("short 2345678 stays") == "short 2345678 stays");  // 7 bytes
  CHECK(redactor.redact("nothing secret") == "nothing secret");
  llmbench::util::Redactor none;
  CHECK(none.redact(key) == key);
}

TEST_CASE("terminal_safe: control characters are escaped and invalid UTF-8 replaced", "[hostile_http]") {
  using llmbench::util::terminal_safe;
  CHECK(terminal_safe("plain text, Привет") == "plain text, Привет");
  CHECK(terminal_safe("\x1b]0;t\x07\x1b[2J") == "\\x1b]0;t\\x07\\x1b[2J");
  CHECK(terminal_safe(std::string("a\0b", 3)) == "a\\x00b");
  CHECK(terminal_safe("caf\xe9!") == "caf\xef\xbf\xbd!");
  CHECK(terminal_safe("csi \xc2\x9b") == "csi \\u009b");
  CHECK(terminal_safe("two\nlines\t") == "two\\nlines\\t");
  CHECK(terminal_safe("two\nlines\t", llmbench::util::Newlines::keep) == "two\nlines\t");
}

TEST_CASE("hostile http: a model echoing its API key gets it stored and printed nowhere", "[hostile_http][secrets]") {
  RawServer server(hostile);
  const std::string key = "sk-echo-7Hq2Zp9Lw4Xv8Rt3Ny6K";
  const std::string dir = temp_dir("llmbench-hostile-http");
  const std::string config = write_file(
      dir, "models.yaml", config_for({{"echo", server.url("echo")}, {"echoerr", server.url("echoerr")}}, "ECHO_TEST_KEY"));
  const std::string env = write_file(dir, "keys.env", "ECHO_TEST_KEY=" + key + "\n");
  const std::string out = dir + "/out";
  const CliResult run = run_cli({"run", "--config", config, "--env-file", env, "--tier", "standard", "--tasks",
                                 "gsm8k", "--limit", "2", "--verbose", "--report", "--progress", "plain",
                                 "--output-dir", out},
                                dir);
  INFO(run.out.substr(0, 3000) << run.err.substr(0, 3000));
  CHECK(run.exit_code < 3);
  const CliResult report = run_cli({"report", "--output-dir", out}, dir);
  INFO(report.err);
  CHECK(report.exit_code == 0);
  CHECK(fs::exists(fs::path(out) / "report.html"));
  CHECK(fs::exists(fs::path(out) / "cache"));

  std::vector<std::string> pieces;
  for (std::size_t i = 0; i + 8 <= key.size(); ++i) pieces.push_back(key.substr(i, 8));
  std::string everything = run.out + run.err + report.out + report.err;
  std::size_t files = 0;
  for (const auto& entry : fs::recursive_directory_iterator(out)) {
    if (!entry.is_regular_file()) continue;
    ++files;
    const std::string bytes = slurp(entry.path());
    for (const auto& piece : pieces) {
      INFO(entry.path().string() << " holds " << piece);
      CHECK(bytes.find(piece) == std::string::npos);
    }
  }
  CHECK(files >= 4);  // report, item log, HTML page, cache database
  for (const auto& piece : pieces) {
    INFO("output holds " << piece);
    CHECK(everything.find(piece) == std::string::npos);
  }
  // The echo did arrive and was redacted (the grep is not vacuous).
  std::string journal;
  for (const auto& entry : fs::recursive_directory_iterator(fs::path(out) / "runs")) {
    if (entry.path().filename() == "items.jsonl") journal += slurp(entry.path());
  }
  CHECK(journal.find("Bearer [redacted]") != std::string::npos);
  CHECK(journal.find("piece [[redacted]]") != std::string::npos);
}

TEST_CASE("hostile http: a header with CR/LF or a control character in models.yaml is an input error", "[hostile_http]") {
  const std::string dir = temp_dir("llmbench-hostile-http");
  struct Case {
    std::string header;
    std::string expect;
  };
  for (const Case& c : {Case{"      X-Tag: \"ok\\r\\nX-Injected: 1\"\n", "models.yaml:5"},
                        Case{"      X-Tag: \"bell\\x07\"\n", "models.yaml:5"},
                        Case{"      \"X-Bad\\nName\": v\n", "models.yaml:5"},
                        Case{"      \"X Spaced\": v\n", "models.yaml:5"}}) {
    INFO(c.header);
    const std::string config = write_file(dir, "models.yaml",
                                          "providers:\n  p:\n    base_url: http://127.0.0.1:9/v1\n    headers:\n" +
                                              c.header + "models:\n  - id: m\n    provider: p\n");
    const CliResult result = run_cli({"models", "list", "--config", config, "--env-file", write_file(dir, "none.env", "")}, dir);
    INFO(result.err);
    CHECK(result.exit_code == 2);
    CHECK(result.err.find(c.expect) != std::string::npos);
    CHECK(result.err.find("header") != std::string::npos);
    CHECK(result.err.find('\r') == std::string::npos);
  }
}

TEST_CASE("hostile http: terminal escapes, invalid UTF-8 and NUL in an error body never reach the terminal raw",
          "[hostile_http]") {
  RawServer server(hostile);
  const std::string dir = temp_dir("llmbench-hostile-http");
  const std::string config = write_file(dir, "models.yaml", config_for({{"term", server.url("terminal")}}));
  const std::string env = write_file(dir, "none.env", "");
  const CliResult run = run_cli({"run", "--config", config, "--env-file", env, "--tier", "standard", "--tasks", "gsm8k",
                                 "--limit", "2", "--verbose", "--progress", "plain", "--output-dir", dir + "/out"},
                                dir);
  const CliResult test = run_cli({"models", "test", "--config", config, "--env-file", env, "--verbose"}, dir);
  const CliResult json =
      run_cli({"models", "test", "--config", config, "--env-file", env, "--verbose", "--format", "json"}, dir);
  CHECK(json.out.find("\\u001b]0;pwned title") != std::string::npos);  // JSON's own escape
  for (const CliResult* result : {&run, &test, &json}) {
    const std::string all = result->out + result->err;
    INFO(all.substr(0, 3000));
    CHECK(result->exit_code < 3);
    CHECK(all.find("pwned title") != std::string::npos);  // the body is shown, escaped
    CHECK(all.find('\x1b') == std::string::npos);
    CHECK(all.find('\0') == std::string::npos);
    CHECK(all.find('\x07') == std::string::npos);
    CHECK(all.find('\xff') == std::string::npos);
  }
}
