#pragma once
// Parsers for what LLM judges answer. Pure functions over the judge's text: no I/O, no
// default verdicts. An answer that holds no verdict, an out-of-range score or two
// conflicting verdicts is an error value (VerdictError), which the caller counts as a
// failed verdict (see metrics/classification.hpp); it is never turned into a score.

#include <string>
#include <string_view>

#include "llmbench/metrics/classification.hpp"

namespace llmbench::tasks {

enum class VerdictError {
  none,          // parsed
  no_verdict,    // nothing that looks like a verdict
  out_of_range,  // a score outside [min, max]
  ambiguous,     // two different verdicts (e.g. "Score: 3" and "Score: 4")
};
std::string_view to_string(VerdictError error);  // "none", "no_verdict", ...

// ---- benchmark judge: a numeric score ----

struct ScoreVerdict {
  VerdictError error = VerdictError::none;
  double score = 0;        // meaningful when ok(); for out_of_range the value found
  std::string rationale;   // the judge's reasoning (see parse_judge_score), trimmed
  std::string detail;      // for errors: what was found, safe to show in a report
  bool ok() const { return error == VerdictError::none; }
};

// Accepted forms, tried in this order:
// 1. JSON: the LAST JSON object in the text that has a "score" or "rating" key (any ASCII
//    case; a number or a numeric string), bare, inside a ``` / ```json fence, or after
//    prose. Rationale: the text before the object (fence marker dropped); if that is
//    empty, the object's "reasoning" / "rationale" / "explanation" / "reason" /
//    "justification" string.
// 2. Text: `[[4]]`, and labelled scores `Score: 4`, `score = 4.5`, `**Score:** 4`,
//    `Rating: 4`, `Оценка: 4` (label case-insensitive, ':' or '=' required; a decimal
//    comma "4,5" is read as 4.5; "4/5" reads the 4). Every such verdict in the text must
//    agree, else `ambiguous`. Rationale: the text before the first verdict, or if that
//    is empty the text after the last.
// The score must lie in [min_score, max_score], else `out_of_range`.
ScoreVerdict parse_judge_score(std::string_view text, double min_score = 1, double max_score = 5);

// ---- production judge: show the answer or not ----

struct ShowVerdict {
  VerdictError error = VerdictError::none;  // none or no_verdict
  metrics::Show show = metrics::Show::no;   // meaningful when ok()
  std::string reason;                       // text after the verdict word and its separator
  bool ok() const { return error == VerdictError::none; }
};

// The answer must START with the verdict word `Yes` / `No` / `Да` / `Нет` (any case),
// after optional whitespace, markdown emphasis (* _ ` #), and quotes (" ' « “ „); the
// word must end there ("Not sure" is no verdict). `No: reason`, `No - reason`,
// `**Yes**, because ...` give the reason after the separator. A "yes" or "no" anywhere
// else ("The answer is yes", "I cannot say yes or no") is NOT a verdict: no_verdict.
ShowVerdict parse_show_verdict(std::string_view text);

// ---- arena judge: which of two answers is better ----

enum class PairwiseVerdict { a_much_better, a_better, tie, b_better, b_much_better };
std::string_view to_string(PairwiseVerdict verdict);  // "A>>B", "A>B", "A=B", "B>A", "B>>A"

enum class Winner { a, tie, b };
Winner winner(PairwiseVerdict verdict);

struct PairwiseResult {
  VerdictError error = VerdictError::none;  // none or no_verdict
  PairwiseVerdict verdict = PairwiseVerdict::tie;  // meaningful when ok()
  bool ok() const { return error == VerdictError::none; }
};

// `[[A]]` = A>B, `[[B]]` = B>A, `[[C]]` = tie (MT-Bench), and the Arena-Hard forms
// `[[A>>B]]`, `[[A>B]]`, `[[A=B]]`, `[[B>A]]`, `[[B>>A]]` (also `[[A<B]]`, `[[A<<B]]`;
// spaces inside the brackets and letter case are ignored). The LAST such label in the
// text wins (judges often quote the format before answering); none -> no_verdict.
PairwiseResult parse_pairwise_verdict(std::string_view text);

}  // namespace llmbench::tasks
