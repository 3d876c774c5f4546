#include "llmbench/tiers/standard_code.hpp"

#include <optional>
#include <utility>

#include "llmbench/records/code_fields.hpp"
#include "llmbench/records/fields.hpp"
#include "llmbench/util/text.hpp"

namespace llmbench::tiers {

namespace field = records::field;
using nlohmann::json;

void put_code_result(json& record, const sandbox::ProgramResult& result) {
  const bool passed = result.outcome == sandbox::Outcome::passed;
  record[field::kTestOutcome] = sandbox::to_string(result.outcome);
  record[field::kVerdict] = passed ? "correct" : "wrong";
  record[field::kCorrect] = passed;
  std::string excerpt = result.stderr_tail.size() > kStderrExcerptBytes
                            ? result.stderr_tail.substr(result.stderr_tail.size() - kStderrExcerptBytes)
                            : result.stderr_tail;
  record[field::kStderr] = util::to_valid_utf8(excerpt);
  record[field::kExitStatus] = result.signal == 0 && result.exit_status >= 0 ? json(result.exit_status) : json();
  record[field::kRunMs] = result.wall_ms;
}

void put_code_unparsed(json& record) {
  record[field::kCode] = nullptr;
  record[field::kTestOutcome] = "unparsed";
  record[field::kVerdict] = "unparsed";
  record[field::kParsed] = false;
  record[field::kCorrect] = false;
  record[field::kStderr] = "";
  record[field::kExitStatus] = nullptr;
  record[field::kRunMs] = nullptr;
}

void CodeRunner::run(http::Executor& executor, std::string program, json record, RecordSink sink) {
  if (!pool_) pool_ = std::make_unique<sandbox::WorkerPool>(sandbox::WorkerPool::core_count());
  executor.hold();
  pool_->submit([&executor, options = options_, program = std::move(program), record = std::move(record),
                 sink = std::move(sink)]() mutable {
    std::optional<sandbox::ProgramResult> result;
    if (!executor.stop_requested()) {
      try {
        result = sandbox::run_python(program, options);
      } catch (const std::exception& e) {  // the host could not start it: an error outcome
        result.emplace();
        result->stderr_tail = std::string("sandbox: ") + e.what();
      }
    }
    executor.post([result = std::move(result), record = std::move(record), sink = std::move(sink)]() mutable {
      if (!result) return;  // stopped: not written, resumable
      put_code_result(record, *result);
      sink(std::move(record));
    });
  });
}

}  // namespace llmbench::tiers
