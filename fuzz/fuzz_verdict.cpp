// Judge verdict parsers: any judge answer is a verdict or an error value, never a crash.
#include "fuzz_support.hpp"
#include "llmbench/tasks/verdict.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace llmbench::tasks;
  const std::string_view text = llmbench::fuzz::as_text(data, size);
  const ScoreVerdict score = parse_judge_score(text, 1, 5);
  llmbench::fuzz::require(!score.ok() || (score.score >= 1 && score.score <= 5), "an ok score is in range");
  const ScoreVerdict ten = parse_judge_score(text, 0, 10);
  llmbench::fuzz::require(!ten.ok() || (ten.score >= 0 && ten.score <= 10), "an ok score is in range");
  (void)parse_show_verdict(text);
  (void)parse_pairwise_verdict(text);
  return 0;
}
