#pragma once
// The standard tasks that ship in benchmarks/data/ and how to load one:
//
//   std::string dir = data::resolve_data_dir(options.data_dir);   // "" = the default
//   data::Dataset ds = data::load_task("mmlu", dir);
//   data::check_fewshot(ds, options.num_fewshot);                 // throws if no pool
//   auto items = data::sample_items(ds.items, data::parse_limit(options.limit),
//                                   options.sample_seed, ds.task); // see sampling.hpp

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "llmbench/data/item.hpp"

namespace llmbench::data {

// How a task's answers are scored (the scorers themselves live in tasks/).
//   choice_letter    multiple choice: the model names a letter; gold is Item::gold_index
//   exact            the answer equals Item::reference exactly (after trimming)
//   normalized_text  equal after case folding, punctuation and whitespace normalisation
//   numeric          the final number equals Item::reference as a number ("1,000" == 1000)
//   yes_no           yes/no in English or Russian (да/нет); Item::reference is "yes" or "no"
enum class Scorer { choice_letter, exact, normalized_text, numeric, yes_no };
std::string_view to_string(Scorer scorer);
std::optional<Scorer> parse_scorer(std::string_view name);
inline constexpr std::string_view kScorerNames =
    "choice_letter, exact, normalized_text, numeric, yes_no";

struct TaskInfo {
  std::string name;         // what --tasks takes: "mmlu", "arc_challenge", ...
  std::string description;
  std::string split;        // the evaluated split: "test", "val"
  std::vector<std::string> files;  // relative to the data dir (a directory for MMLU)
  std::string license;
  std::size_t item_count_expected = 0;  // from the dataset's SOURCE.md
  std::string fewshot_split;  // "dev" where one ships; "" = no few-shot pool
  Scorer scorer = Scorer::choice_letter;
};

// A loaded task: the items to evaluate and the pool few-shot examples come from.
struct Dataset {
  std::string task;
  std::string split;
  std::vector<Item> items;         // file order
  std::vector<Item> fewshot_pool;  // from dev/train only, never the evaluated split
  std::string fewshot_split;       // "" when the task has no pool
  std::vector<std::string> files;  // paths actually read
  Scorer scorer = Scorer::choice_letter;
};

// Items a workload loaded, with the scorer that decides what a right answer is: what the
// embedded simulator learns (run/session.hpp). A view: the items outlive it.
struct ItemSet {
  std::string task;  // keys are "<task>/<item id>"
  Scorer scorer = Scorer::exact;
  const std::vector<Item>* items = nullptr;
};

inline constexpr std::string_view kDefaultDataDir = "benchmarks/data";

// mmlu, gsm8k, arc_challenge, arc_easy, truthfulqa_mc1, hellaswag, medqa, in that order.
const std::vector<TaskInfo>& standard_tasks();
const TaskInfo* find_task(std::string_view name);  // nullptr if unknown

// Loads a standard task from `data_dir`. Throws Error for an unknown name (listing the known
// ones) and InputError for any problem in the files.
Dataset load_task(std::string_view name, const std::string& data_dir);

// The data directory to use. `requested` empty = the default: "benchmarks/data" under the
// current directory if it exists, else LLMBENCH_SOURCE_DIR "/benchmarks/data". A non-empty
// `requested` must be an existing directory (InputError otherwise).
std::string resolve_data_dir(const std::string& requested);

// Throws Error if `num_fewshot` > 0 and the dataset's pool cannot supply that many examples
// (e.g. GSM8K ships only its test split; HellaSwag and MedQA likewise). num_fewshot < 0 is an
// error too. MMLU's pool has 5 per subject, so its limit is 5.
void check_fewshot(const Dataset& dataset, int num_fewshot);

}  // namespace llmbench::data
