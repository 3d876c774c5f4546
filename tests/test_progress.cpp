// The progress line (run/progress.cpp): what it counts and how it fits the terminal.
#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "llmbench/run/progress.hpp"

using namespace llmbench;

namespace {

std::size_t code_points(const std::string& text) {
  std::size_t n = 0;
  for (char c : text) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

// Sets an environment variable for the test's scope.
struct ScopedEnv {
  std::string name;
  ScopedEnv(const char* n, const char* value) : name(n) { ::setenv(n, value, 1); }
  ~ScopedEnv() { ::unsetenv(name.c_str()); }
};

}  // namespace

TEST_CASE("progress: after --resume, items/s and the ETA count only this session's items", "[progress]") {
  run::ProgressSnapshot snapshot;
  snapshot.total = 2000;
  snapshot.kept = 900;   // finished before the resume
  snapshot.done = 1000;  // 100 of them in this session's 10 s
  const std::string line = run::format_progress(snapshot, 10.0);
  INFO(line);
  CHECK(line.find("1000/2000 (50%) 10.0 items/s ETA 1m40s") != std::string::npos);
  CHECK(line.find("900 kept") != std::string::npos);
}

TEST_CASE("progress: requests retrying and their back-off are shown", "[progress]") {
  run::ProgressSnapshot snapshot;
  snapshot.total = 10;
  snapshot.retrying = 3;
  snapshot.retry_wait_s = 11.2;
  CHECK(run::format_progress(snapshot, 5.0).find("| retrying 3 (back-off 12s)") != std::string::npos);
  snapshot.retry_wait_s = 0;  // all three are sending their retry
  CHECK(run::format_progress(snapshot, 5.0).find("| retrying 3") != std::string::npos);
  snapshot.retrying = 0;
  CHECK(run::format_progress(snapshot, 5.0).find("retrying") == std::string::npos);
}

TEST_CASE("progress: the model check shows what answered and what it still waits on", "[progress]") {
  run::CheckProgress p;
  p.total = 3;
  p.ok = 1;
  p.waiting = {"sim-b", "gpt-x"};
  p.retries = 2;
  CHECK(run::format_check_progress(p, 12.3) == "checking 3 models: 1/3 ok, waiting on sim-b, gpt-x (12s), 2 retries");
  p.waiting = {"a", "b", "c", "d", "e"};
  CHECK(run::format_check_progress(p, 1).find("waiting on a, b, c and 2 more (1s)") != std::string::npos);
  p.waiting.clear();
  p.ok = 2;
  p.failed = 1;
  CHECK(run::format_check_progress(p, 20) == "checked 3 models: 2/3 ok, 1 failed");
}

TEST_CASE("progress: request counts show done, cancelled and failed apart", "[progress]") {
  http::ExecutorStats stats;
  stats.outcomes = {{"ok", 650}, {"truncated", 7}, {"cancelled", 1143}, {"timeout", 2}, {"http_status", 1}};
  stats.cache_hits = 30;
  stats.retries = 40;
  CHECK(run::format_request_counts(stats, 0) ==
        "Requests: 657 done (30 from the cache), 1143 cancelled, 3 failed, 40 retries");
  stats.outcomes = {{"ok", 5}};
  CHECK(run::format_request_counts(stats, 100) ==
        "Requests: 5 done (30 from the cache), 40 retries; 100 items kept from before the resume");
}

TEST_CASE("progress: a line is cut to the columns given, the cut marked", "[progress]") {
  CHECK(run::fit_columns("short", 80) == "short");
  CHECK(run::fit_columns("abcdef", 4) == "abc\u2026");
  CHECK(code_points(run::fit_columns("ответ ответ ответ", 7)) == 7);
  CHECK(run::fit_columns("abc", 0).empty());
}

TEST_CASE("progress: at 80 columns every redraw of the bar stays on one line", "[progress]") {
  const ScopedEnv columns("COLUMNS", "80");
  const ScopedEnv colour("NO_COLOR", "1");
  std::FILE* out = std::tmpfile();
  REQUIRE(out != nullptr);
  {
    run::ProgressDisplay display(run::Progress::bar, "run r1", out);
    run::ProgressSnapshot snapshot;
    snapshot.total = 14042;
    snapshot.errors = {{"timeout", 12}, {"rate_limited", 3}, {"http_status", 1}};
    snapshot.backing_off = {{"mistral", 12}, {"openai", 3}};
    snapshot.retrying = 17;
    snapshot.retry_wait_s = 9;
    for (int i = 0; i < 3; ++i) {
      snapshot.done += 100;
      display.update_status("checking 12 models: 3/12 ok, waiting on mistral-large-latest, gpt-4.1, claude (4s)");
      display.finish_status("checked 12 models: 12/12 ok");
      display.update(snapshot);
      display.finish(snapshot);
    }
  }
  std::rewind(out);
  std::string written;
  for (int c; (c = std::fgetc(out)) != EOF;) written += static_cast<char>(c);
  std::fclose(out);
  REQUIRE(written.find("items/s") != std::string::npos);
  // Each redraw starts with '\r'; no drawn line, padding included, reaches the 80th column.
  std::size_t segments = 0;
  std::size_t start = 0;
  while (start < written.size()) {
    std::size_t end = written.find_first_of("\r\n", start);
    if (end == std::string::npos) end = written.size();
    const std::string segment = written.substr(start, end - start);
    INFO(segment);
    CHECK(code_points(segment) <= 79);
    ++segments;
    start = end + 1;
  }
  CHECK(segments >= 12);
}
