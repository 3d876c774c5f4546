#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "llmbench/error.hpp"
#include "llmbench/report/store.hpp"
#include "llmbench/util/atomic_file.hpp"
#include "support/cli.hpp"

namespace fs = std::filesystem;
using llmbench::report::read_runs;
using llmbench::report::upsert_run;
using llmbench::test::slurp;

namespace {
}  // namespace

TEST_CASE("report store: a missing report reads as no runs", "[report_store]") {
  CHECK(read_runs(fs::path(llmbench::test::temp_dir()) / "benchmark_runs.json").empty());
}

TEST_CASE("report store: upsert appends new runs and replaces one with the same id", "[report_store]") {
  auto file = fs::path(llmbench::test::temp_dir()) / "benchmark_runs.json";
  upsert_run(file, {{"id", "a"}, {"schema_version", 1}, {"status", "running"}});
  upsert_run(file, {{"id", "b"}, {"schema_version", 1}});
  upsert_run(file, {{"id", "a"}, {"schema_version", 1}, {"status", "completed"}});
  auto runs = read_runs(file);
  REQUIRE(runs.size() == 2);
  CHECK(runs[0]["status"] == "completed");
  CHECK(runs[1]["id"] == "b");
}

TEST_CASE("report store: a damaged report is named with line and column and never overwritten",
          "[report_store]") {
  auto file = fs::path(llmbench::test::temp_dir()) / "benchmark_runs.json";
  const std::string damaged = "[\n  {\"id\": \"a\",\n   \"model_runs\": [}\n]\n";
  { std::ofstream(file) << damaged; }
  try {
    upsert_run(file, {{"id", "b"}});
    FAIL("expected an error");
  } catch (const llmbench::InputError& e) {
    CHECK(e.line() == 3);
    CHECK(std::string(e.what()).find("benchmark_runs.json:3: column") != std::string::npos);
  }
  CHECK(slurp(file) == damaged);
}

TEST_CASE("report store: runs without schema_version are migrated, newer versions are refused",
          "[report_store]") {
  auto file = fs::path(llmbench::test::temp_dir()) / "benchmark_runs.json";
  { std::ofstream(file) << R"([{"id": "old", "model_runs": [{"generation_model": "m"}]}])"; }
  auto runs = read_runs(file);
  CHECK(runs[0]["schema_version"] == llmbench::report::kSchemaVersion);
  CHECK(runs[0]["model_runs"][0]["generation_model"] == "m");
  { std::ofstream(file) << R"([{"id": "future", "schema_version": 999}])"; }
  CHECK_THROWS_WITH(read_runs(file), Catch::Contains("schema_version 999"));
}

TEST_CASE("report store: concurrent writers in separate processes all land", "[report_store]") {
  auto file = fs::path(llmbench::test::temp_dir()) / "benchmark_runs.json";
  constexpr int kProcesses = 4, kRunsEach = 25;
  std::vector<pid_t> children;
  for (int p = 0; p < kProcesses; ++p) {
    pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      for (int i = 0; i < kRunsEach; ++i) {
        upsert_run(file, {{"id", "p" + std::to_string(p) + "-" + std::to_string(i)},
                          {"schema_version", 1}});
      }
      ::_exit(0);
    }
    children.push_back(pid);
  }
  for (pid_t pid : children) {
    int status = 0;
    ::waitpid(pid, &status, 0);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
  }
  auto runs = read_runs(file);
  std::set<std::string> ids;
  for (const auto& r : runs) ids.insert(r["id"].get<std::string>());
  CHECK(ids.size() == kProcesses * kRunsEach);
  // No temp files are left behind.
  for (const auto& entry : fs::directory_iterator(file.parent_path())) {
    CHECK(entry.path().filename().string().find(".tmp.") == std::string::npos);
  }
}

TEST_CASE("report store: temp files left by a writer killed mid-write are removed at the next write",
          "[report_store]") {
  const fs::path dir = llmbench::test::temp_dir();
  const fs::path html = dir / "report.html";
  // A writer that is gone: a child that has exited and been reaped.
  const pid_t dead = ::fork();
  if (dead == 0) ::_exit(0);
  ::waitpid(dead, nullptr, 0);
  const auto touch = [&](const std::string& name) {
    std::ofstream(dir / name) << std::string(1000, 'x');
    return dir / name;
  };
  const fs::path of_dead = touch(".report.html.tmp." + std::to_string(dead) + ".a1B2c3");
  const fs::path old_style = touch(".report.html.tmp.Zq81xy");  // no pid: kept until it is old
  const fs::path old = touch(".report.html.tmp.Yy71ab");
  fs::last_write_time(old, fs::file_time_type::clock::now() - std::chrono::hours(1));
  const fs::path live = touch(".report.html.tmp." + std::to_string(::getpid()) + ".d4E5f6");  // a writer at work
  const fs::path other = touch(".benchmark_runs.json.tmp." + std::to_string(dead) + ".g7H8i9");  // another file's
  const fs::path user = touch("report.html.tmp.notes");  // not our naming

  llmbench::util::write_file_atomically(html, "<html></html>");

  CHECK(slurp(html) == "<html></html>");
  CHECK_FALSE(fs::exists(of_dead));
  CHECK_FALSE(fs::exists(old));
  CHECK(fs::exists(old_style));
  CHECK(fs::exists(live));
  CHECK(fs::exists(other));
  CHECK(fs::exists(user));
}
