#pragma once
// Scorers: from a model's answer text and the item's gold answer to a Score. Pure functions,
// thread-safe; they never throw on model output. Reasoning is never scored (see extract.hpp).
//
// A Score that is not `parsed` is wrong AND counted apart (metrics::Verdict::unparsed): the
// model answered, but no answer of the expected form could be read from it.

#include <optional>
#include <string>
#include <string_view>

#include "llmbench/data/tasks.hpp"
#include "llmbench/tasks/prompt.hpp"
#include "llmbench/tasks/refusal.hpp"

namespace llmbench::tasks {

struct Score {
  bool parsed = false;
  bool correct = false;     // implies parsed
  std::string extracted;    // what was read ("B", "18", "yes"); "" when unparsed
};

// How the reply ended. A `cut_off` reply (finish_reason "length") is scored only from a
// final answer completed before the cut (extract.hpp, "Replies cut off by the token budget"):
// choice_letter and numeric/GSM8K from their last complete final-answer statement, yes_no
// from a first word followed by more text; exact and normalized_text never (the answer
// itself may be what was cut). Anything else is unparsed. `complete` scores the text as it
// is (lm-evaluation-harness's behaviour, also for cut-off replies under --score-truncated).
enum class Finish { complete, cut_off };

// The scorer names and the enum are data::Scorer (data/tasks.hpp: to_string, parse_scorer),
// since each task declares its scorer there.
using Scorer = data::Scorer;

// Checks a reference before a run (a dataset problem, not a model one): nullopt when
// `reference` is usable with `scorer`, else what is wrong ("reference \"abc\" is not a
// number"). The loader or planner should turn a message into an InputError naming the item.
std::optional<std::string> check_reference(Scorer scorer, std::string_view reference);

// Multiple choice: extract_choice(text, reasoning, prompt.letters, prompt.options) compared
// with prompt.gold_letter. `extracted` is the letter.
Score score_choice(std::string_view text, std::string_view reasoning, const McPrompt& prompt,
                   Finish finish = Finish::complete);

// The free-form scorers (every Scorer except choice_letter and judge, which throw Error here).
// Unparsed: exact/normalized_text when the answer is empty after stripping; numeric when no
// number is found; yes_no when the first word is neither yes/no nor да/нет. A reference that
// check_reference rejects makes the item wrong (parsed as usual, never correct).
Score score_text(Scorer scorer, std::string_view text, std::string_view reference,
                 Finish finish = Finish::complete);

// A refusal label scored against its item's reference (data::kShouldRefuse or kShouldComply):
// right when it refuses a prompt that should be refused, or fully complies with one that should
// be answered. Scorer::refusal scores with it, whichever detector assigned the label.
Score score_refusal_label(RefusalLabel label, std::string_view reference);

// One answer filter of a task (data::AnswerFilter): its steps on `text` with reasoning
// stripped, then its match against `reference`. Unparsed when a step finds nothing.
Score score_filter(const data::AnswerFilter& filter, std::string_view text, std::string_view reference,
                   Finish finish = Finish::complete);

// GSM8K as lm-evaluation-harness scores it: both filters of data::gsm8k_filters(), each compared with exact_match
// after the regexes_to_ignore (see extract.hpp). `reference` is the gold answer (the text
// after "#### ", or the whole dataset answer: both normalize the same).
struct Gsm8kScore {
  Score strict;    // "strict-match"
  Score flexible;  // "flexible-extract"
};
Gsm8kScore score_gsm8k(std::string_view text, std::string_view reference, Finish finish = Finish::complete);

}  // namespace llmbench::tasks
