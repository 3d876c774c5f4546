// The item log written a turn of the executor's loop at a time (run/turn_journal.hpp): real
// requests over loopback to the embedded simulator; a full disk is /dev/full.

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "llmbench/http/executor.hpp"
#include "llmbench/records/journal.hpp"
#include "llmbench/run/turn_journal.hpp"
#include "llmbench/sim/simulator.hpp"
#include "support/cli.hpp"

using llmbench::records::JournalWriter;
using llmbench::run::TurnJournal;
using nlohmann::json;

namespace {

llmbench::http::ApiRequest chat(const std::string& base_url, int i) {
  llmbench::http::ApiRequest request;
  request.endpoint.provider = "sim";
  request.endpoint.base_url = base_url;
  request.model = "sim-test";
  request.messages = {{"user", "Question number " + std::to_string(i) + "?"}};
  return request;
}

llmbench::http::ExecutorOptions options() {
  llmbench::http::ExecutorOptions o;
  o.concurrency = 8;
  o.timeout_s = 10;
  o.connect_timeout_s = 2;
  return o;
}

std::size_t lines_in(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::size_t lines = 0;
  for (std::string line; std::getline(in, line);) ++lines;
  return lines;
}

}  // namespace

TEST_CASE("turn journal: every record of a run is in the item log, in order, before it is counted", "[journal][executor]") {
  llmbench::sim::SimOptions sim_options;
  sim_options.models = {{"sim-test", 0.7}};
  llmbench::sim::Simulator sim(sim_options);
  sim.start();
  const auto path = std::filesystem::path(llmbench::test::temp_dir()) / "items.jsonl";
  JournalWriter writer(path);
  llmbench::http::Executor executor(options());
  std::vector<int> counted;
  std::vector<int> written_when_counted;
  std::vector<int> finished;
  {
    TurnJournal log(writer, executor, [&](const json& record) {
      counted.push_back(record.at("item").get<int>());
      written_when_counted.push_back(static_cast<int>(lines_in(path)));
    });
    constexpr int kRequests = 150;  // more than TurnJournal::kMaxHeld
    for (int i = 0; i < kRequests; ++i) {
      executor.submit(chat(sim.base_url(), i), [&, i](llmbench::http::RequestRecord&& r) {
        finished.push_back(i);
        log.add({{"item", i}, {"ok", r.ok()}});
      });
    }
    executor.run();
    CHECK(log.failure().empty());
  }
  REQUIRE(finished.size() == 150);
  CHECK(counted == finished);  // each one counted once, in the order the records came
  for (std::size_t k = 0; k < counted.size(); ++k) CHECK(written_when_counted[k] >= static_cast<int>(k) + 1);
  const auto contents = llmbench::records::read_journal(path);
  REQUIRE(contents.records.size() == 150);
  for (std::size_t k = 0; k < finished.size(); ++k) {
    CHECK(contents.records[k].at("item") == finished[k]);
    CHECK(contents.records[k].at("ok") == true);
  }
}

TEST_CASE("turn journal: a write that fails (disk full) is kept, stops the run, and nothing is counted after it",
          "[journal][executor]") {
  JournalWriter writer("/dev/full");
  llmbench::http::Executor executor(options());
  int counted = 0;
  TurnJournal log(writer, executor, [&](const json&) { ++counted; });
  log.add({{"item", 1}});
  log.add({{"item", 2}});
  CHECK(counted == 0);  // held until the turn ends
  log.write();
  CHECK(counted == 0);
  CHECK_THAT(log.failure(), Catch::Contains("cannot append to item log /dev/full"));
  CHECK(executor.stop_requested());
  log.add({{"item", 3}});
  log.write();
  CHECK(counted == 0);
}
