// What the end of a run advises (run/failures.cpp): a resend only for errors a resend can fix.
#include <catch2/catch.hpp>

#include <fstream>

#include <nlohmann/json.hpp>

#include "llmbench/report/store.hpp"
#include "llmbench/run/failures.hpp"
#include "llmbench/run/record_tally.hpp"
#include "support/cli.hpp"
#include "support/raw_server.hpp"

using nlohmann::json;
using namespace llmbench;

namespace {

json failed(const std::string& kind, int status = 0) {
  return {{"key", kind + std::to_string(status)}, {"error_kind", kind}, {"error", "x"}, {"http_status", status}};
}

std::string write_file(const std::string& dir, const std::string& name, const std::string& text) {
  const std::string path = dir + "/" + name;
  std::ofstream(path) << text;
  return path;
}

}  // namespace

TEST_CASE("failures: timeouts, dropped connections, rate limits, 5xx and garbled bodies are worth a resend, "
          "4xx, too large and unreadable answers are not", "[failures]") {
  for (const json& r : {failed("timeout"), failed("connect"), failed("rate_limited", 429), failed("parse", 200),
                        failed("cancelled"), failed("http_status", 500), failed("http_status", 503),
                        failed("http_status", 408)}) {
    INFO(r.dump());
    CHECK(run::resend_may_fix(r));
  }
  for (const json& r : {failed("http_status", 400), failed("http_status", 401), failed("http_status", 404),
                        failed("http_status", 422), failed("too_large", 200), failed("truncated", 200),
                        failed("unparsed_verdict", 200), failed("upstream")}) {
    INFO(r.dump());
    CHECK_FALSE(run::resend_may_fix(r));
  }
}

TEST_CASE("failures: the advice names the --retry-errors resume only for errors a resend can fix", "[failures]") {
  const json ok = {{"key", "fine"}, {"error", nullptr}};
  const json timeout = failed("timeout"), e503 = failed("http_status", 503), e400 = failed("http_status", 400),
             upstream = failed("upstream");
  SECTION("a context-length 400 that will always fail") {
    const auto counts = run::count_failures({&ok, &e400, &upstream});
    CHECK(counts.resendable.empty());
    CHECK(counts.permanent == std::map<std::string, std::uint64_t>{{"http 400", 1}});
    const std::string advice = run::failure_advice(counts, {}, "r1", "out");
    CHECK(advice.find("1 item failed with errors a resend will not fix (http 400 1)") != std::string::npos);
    CHECK(advice.find("--retry-errors") == std::string::npos);
    CHECK(advice.find("--resume") == std::string::npos);
  }
  SECTION("transient errors beside a 400") {
    const auto counts = run::count_failures({&timeout, &e503, &e400});
    const std::string advice = run::failure_advice(counts, {}, "r1", "out");
    CHECK(advice.find("2 items failed with errors a resend can fix (http 503 1, timeout 1)") != std::string::npos);
    CHECK(advice.find("llmbench run --resume r1 --retry-errors --output-dir out") != std::string::npos);
    CHECK(advice.find("a resend will not fix (http 400 1)") != std::string::npos);
  }
  SECTION("an unavailable model is checked again by a plain --resume, after a fix when it needs one") {
    const std::string bad_key = run::failure_advice({}, {{"generation/a", "bad key: check K", false}}, "r1", "out");
    CHECK(bad_key.find("Fix what the check said") != std::string::npos);
    CHECK(bad_key.find("llmbench run --resume r1 --output-dir out [--env-file FILE]") != std::string::npos);
    CHECK(bad_key.find("--retry-errors") == std::string::npos);
    const std::string down = run::failure_advice({}, {{"generation/a", "timeout: no answer", true}}, "r1", "out");
    CHECK(down.find("did not answer the check in time") != std::string::npos);
    CHECK(down.find("llmbench run --resume r1 --output-dir out\n") != std::string::npos);
  }
  CHECK(run::failure_advice({}, {}, "r1", "out").empty());
}

TEST_CASE("failures: a tally of item records counts each key once, last wins, and only a string error as a failure",
          "[failures]") {
  run::RecordTally tally;
  tally.add(json{{"key", "a"}, {"error", nullptr}});
  tally.add(failed("timeout"));                                   // key "timeout0"
  tally.add(json{{"key", "b"}, {"error", 5}});                    // an error that is no string: not failed
  tally.add(json{{"key", "c"}});                                  // no error field at all
  tally.add(json{{"key", ""}, {"error", nullptr}});               // keys that are empty or no string count as ""
  tally.add(json{{"key", 7}, {"error", nullptr}});
  tally.add(failed("http_status", 400));                          // key "http_status400"
  tally.add(json{{"key", "http_status400"}, {"error", nullptr}});  // resent with success
  CHECK(tally.finished() == 6);  // a, timeout0, b, c, "", http_status400
  const run::FailureCounts counts = tally.failures();
  CHECK(counts.resendable == std::map<std::string, std::uint64_t>{{"timeout", 1}});
  CHECK(counts.permanent.empty());
}

TEST_CASE("failures: a run whose every item gets a context-length 400 does not advise a resend", "[failures]") {
  test::RawServer server([](const test::RawRequest& request, const test::RawWrite& write) {
    if (request.body.find("Reply with one word: ok") != std::string::npos) {
      test::write_json_response(write, "200 OK", test::chat_completion_json("ok"));
      return;
    }
    test::write_json_response(write, "400 Bad Request",
                              R"({"error":{"message":"This model's maximum context length is 8 tokens",)"
                              R"("type":"invalid_request_error","code":"context_length_exceeded"}})");
  });
  const std::string dir = test::temp_dir();
  const std::string config = write_file(dir, "models.yaml",
                                        "providers:\n  small:\n    base_url: " + server.url("ctx") +
                                            "\nmodels:\n  - id: tiny\n    provider: small\n");
  const auto result = test::run_cli({"run", "--config", config, "--env-file", write_file(dir, "none.env", ""),
                                     "--tasks", "mmlu", "--limit", "2", "--generation-models", "tiny",
                                     "--output-dir", dir + "/out", "--progress", "none", "--run-id", "ctx"});
  INFO(result.out << result.err);
  CHECK(result.exit_code == 1);
  CHECK(result.out.find("2 items failed with errors a resend will not fix (http 400 2)") != std::string::npos);
  CHECK(result.out.find("--retry-errors") == std::string::npos);
  CHECK(result.out.find("Requests: 0 done (0 from the cache), 2 failed") != std::string::npos);
}
