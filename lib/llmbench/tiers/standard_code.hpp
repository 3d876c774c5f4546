#pragma once
// The standard tier's code tasks (HumanEval, MBPP): each answer's extracted code runs with the
// task's tests in the sandbox (sandbox/sandbox.hpp), on a pool of worker threads (up to the
// core count) beside the HTTP loop; the finished record reaches the sink on the loop thread.
//
// Item-record fields of a code answer (besides the standard ones):
//   code          the code taken from the answer (tasks/code_extract.hpp), or null
//   test_outcome  passed | failed (an assertion) | error (another exception, a crash) |
//                 timeout | unparsed (the answer held no code; the program never ran)
//   stderr        the end of the program's stderr (at most kStderrExcerptBytes, valid UTF-8),
//                 "" when it wrote none
//   exit_status   the program's exit status (null if a signal ended it or it never ran)
//   run_ms        the program's wall time
//   sample        which of --samples answers to the problem this is (0-based)
// verdict: correct when the tests passed, unparsed without code, wrong otherwise.

#include <cstddef>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "llmbench/http/executor.hpp"
#include "llmbench/sandbox/sandbox.hpp"
#include "llmbench/sandbox/worker_pool.hpp"
#include "llmbench/tiers/tier.hpp"

namespace llmbench::tiers {

inline constexpr std::size_t kStderrExcerptBytes = 2000;

// Sets the fields above on `record` (a code answer) from how its program ended.
void put_code_result(nlohmann::json& record, const sandbox::ProgramResult& result);
// Marks `record` as an answer with no code: unparsed, never run.
void put_code_unparsed(nlohmann::json& record);

class CodeRunner {
 public:
  explicit CodeRunner(sandbox::SandboxOptions options) : options_(options) {}

  // Runs `program` for `record` on a worker, then (on the loop thread) completes the record
  // with put_code_result and passes it to `sink`. Loop thread only. After a stop, queued
  // programs are not run and their records not written (like cancelled requests).
  void run(http::Executor& executor, std::string program, nlohmann::json record, RecordSink sink);

 private:
  sandbox::SandboxOptions options_;
  std::unique_ptr<sandbox::WorkerPool> pool_;  // started at the first program
};

}  // namespace llmbench::tiers
