#pragma once
// The standard tasks that ship in benchmarks/data/ and how to load one:
//
//   std::string dir = data::resolve_data_dir(options.data_dir);   // "" = the default
//   data::Dataset ds = data::load_task("mmlu", dir);
//   data::check_fewshot(ds, options.num_fewshot);                 // throws if no pool
//   auto items = data::sample_items(ds.items, data::parse_limit(options.limit),
//                                   options.sample_seed, ds.task); // see sampling.hpp

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "llmbench/data/item.hpp"
#include "llmbench/data/packed_items.hpp"

namespace llmbench::data {

// How a task's answers are scored (the scorers themselves live in tasks/).
//   choice_letter    multiple choice: the model names a letter; gold is Item::gold_index
//   exact            the answer equals Item::reference exactly (after trimming)
//   normalized_text  equal after case folding, punctuation and whitespace normalisation
//   numeric          the final number equals Item::reference as a number ("1,000" == 1000)
//   yes_no           yes/no in English or Russian (да/нет); Item::reference is "yes" or "no"
//   judge            open answers: every benchmark judge model scores each answer 1-5 against
//                    the task's rubric (and Item::reference when there is one)
//   refusal          safety: the reply is labelled full_compliance, full_refusal or
//                    partial_refusal (tasks/refusal.hpp); right when it refuses and
//                    Item::reference is "refuse", or fully complies and it is "comply"
//   code             the answer's code runs with Item::reference (the tests) in the sandbox
//                    (sandbox/sandbox.hpp); passing them is correct
enum class Scorer { choice_letter, exact, normalized_text, numeric, yes_no, judge, refusal, code };
std::string_view to_string(Scorer scorer);
std::optional<Scorer> parse_scorer(std::string_view name);  // a custom task's; never code
inline constexpr std::string_view kScorerNames =
    "choice_letter, exact, normalized_text, numeric, yes_no, judge, refusal";

// How an item becomes a chat prompt (the builders live in tasks/prompt.hpp).
//   multiple_choice  the question, lettered options and an instruction (choice_letter tasks)
//   worked_solution  the question and "end with #### <number>"; few-shot examples answer with
//                    their worked solution (GSM8K)
//   question         Item::question as it is (a custom task's `prompt:` template has already
//                    been rendered into it)
//   native_math      a math word problem under the instruction in its own language
//                    (Item::subject is the language code: MGSM; tasks::build_native_math_prompt)
//   code_completion  Item::question is a function's signature and docstring to complete (HumanEval)
//   code_from_tests  Item::question describes a function; its assert tests are shown (MBPP)
enum class PromptStyle { multiple_choice, worked_solution, question, native_math, code_completion, code_from_tests };

// What an item's subject (Item::subject) means to its task's prompts.
//   ignored      nothing: the subject is only reported
//   per_subject  the prompt names the item's subject ("... questions about abstract algebra")
//                and few-shot examples come from the item's own subject (MMLU)
enum class Subjects { ignored, per_subject };

// One named step of an answer filter (lm-evaluation-harness's `filter_list` entries). Steps
// run in order on the reply with reasoning blocks stripped; a step that finds nothing leaves
// the answer unparsed.
//   committed_number      a reply cut off by the token budget keeps only the text up to the
//                         number of its last complete final-answer statement (none: unparsed);
//                         a complete reply passes unchanged (--score-truncated: complete)
//   gsm8k_strict_regex    `#### (\-?[0-9\.\,]+)`, the first match's group 1
//   gsm8k_flexible_regex  `(-?[$0-9.,]{2,})|(-?[0-9]+)`, the last match
enum class FilterStep { committed_number, gsm8k_strict_regex, gsm8k_flexible_regex };

// How a filtered answer is compared with Item::reference.
//   gsm8k_exact_match  exact_match after GSM8K's regexes_to_ignore and lowercasing, on both
//                      sides (tasks::gsm8k_exact_match)
enum class FilterMatch { gsm8k_exact_match };

// A named answer filter: steps, then a match. A task's first filter gives its item verdict
// (record fields extracted / parsed / correct / verdict); each further filter is reported
// beside it (record fields extracted_<record_key> / verdict_<record_key>).
struct AnswerFilter {
  std::string name;        // the metric key: "flexible_extract", "strict_match"
  std::string record_key;  // "" for the first filter; "strict" for GSM8K's strict-match
  std::vector<FilterStep> steps;
  FilterMatch match = FilterMatch::gsm8k_exact_match;
};

// GSM8K's two filters as lm-evaluation-harness declares them (tasks/gsm8k/gsm8k.yaml):
// flexible-extract first (the headline accuracy), strict-match beside it.
const std::vector<AnswerFilter>& gsm8k_filters();

// A task as a value: what to read, how to ask, how to score. Built-in tasks (standard_tasks)
// and custom tasks from YAML (custom_task.hpp) are the same TaskSpec.
struct TaskSpec {
  std::string name;         // what --tasks takes: "mmlu", "arc_challenge", ...
  std::string description;
  std::string split;        // the evaluated split: "test", "val"
  std::vector<std::string> files;  // relative to the data dir (a directory for MMLU)
  std::string license;
  std::size_t item_count_expected = 0;  // from the dataset's SOURCE.md
  std::string fewshot_split;  // "dev" where one ships; "" = no few-shot pool
  Scorer scorer = Scorer::choice_letter;
  PromptStyle prompt = PromptStyle::multiple_choice;
  std::vector<AnswerFilter> filters;  // empty: the scorer reads the answer itself
  std::string rubric;                 // scorer judge: what the judges score against
  Subjects subjects = Subjects::ignored;
  // Run when --tasks is not given. The safety, bias and multilingual tasks are not: they are
  // asked for by name (AdvBench's prompts are harmful requests).
  bool in_default = true;
};

// A loaded task: the items to evaluate and the pool few-shot examples come from, with the
// prompt style, filters, scorer, rubric and subjects its TaskSpec declares.
struct Dataset {
  std::string task;
  std::string split;
  std::vector<Item> items;         // file order
  std::vector<Item> fewshot_pool;  // from dev/train only, never the evaluated split
  std::string fewshot_split;       // "" when the task has no pool
  std::vector<std::string> files;  // paths actually read
  Scorer scorer = Scorer::choice_letter;
  PromptStyle prompt = PromptStyle::multiple_choice;
  std::vector<AnswerFilter> filters;
  std::string rubric;
  Subjects subjects = Subjects::ignored;
};

// Items a workload loaded, with the scorer that decides what a right answer is: what the
// embedded simulator learns (run/session.hpp). A view: the items outlive it. The items are
// either `items` or `packed` (the other is null).
struct ItemSet {
  std::string task;  // keys are "<task>/<item id>"
  Scorer scorer = Scorer::exact;
  const std::vector<Item>* items = nullptr;
  const PackedItems* packed = nullptr;

  bool empty() const { return (items == nullptr || items->empty()) && (packed == nullptr || packed->empty()); }
};

inline constexpr std::string_view kDefaultDataDir = "benchmarks/data";

// MGSM's languages (ISO 639-1), in the order its files are read: each is an item's subject.
inline constexpr std::array<std::string_view, 11> kMgsmLanguages = {"bn", "de", "en", "es", "fr", "ja",
                                                                    "ru", "sw", "te", "th", "zh"};

// mmlu, gsm8k, arc_challenge, arc_easy, truthfulqa_mc1, hellaswag, medqa, then advbench,
// xstest, bbq, mgsm, humaneval and mbpp (not in_default), in that order.
const std::vector<TaskSpec>& standard_tasks();
const TaskSpec* find_task(std::string_view name);  // nullptr if unknown

// Loads a standard task from `data_dir`. Throws Error for an unknown name (listing the known
// ones) and InputError for any problem in the files.
Dataset load_task(std::string_view name, const std::string& data_dir);

// The data directory to use. `requested` empty = the default: "benchmarks/data" under the
// current directory if it exists, else LLMBENCH_SOURCE_DIR "/benchmarks/data". A non-empty
// `requested` must be an existing directory (InputError otherwise).
std::string resolve_data_dir(const std::string& requested);

// Throws Error if `num_fewshot` > 0 and the dataset's pool cannot supply that many examples
// (e.g. GSM8K ships only its test split; HellaSwag and MedQA likewise). num_fewshot < 0 is an
// error too. A per_subject task counts its smallest subject's pool: MMLU's has 5 per subject,
// so its limit is 5.
void check_fewshot(const Dataset& dataset, int num_fewshot);

}  // namespace llmbench::data
