#pragma once
// One loader per dataset format that ships in benchmarks/data/ (see its README.md). Each
// reads the real file as it was copied from upstream, converts it in code, and returns items
// in file order with stable unique ids. Every parse problem is an InputError
// "<file>:<line>: <what is wrong>; <how to fix>".

#include <string>
#include <vector>

#include "llmbench/data/item.hpp"
#include "llmbench/data/sampling.hpp"

namespace llmbench::data {

// MMLU, HF-style CSV: header `question,choice0,choice1,choice2,choice3,answer`, answer 0-3.
// Ids "<subject>/<split>/<row>" (row 0 = first data row); subject is set.
std::vector<Item> load_mmlu_csv(const std::string& path, const std::string& subject,
                                const std::string& split);
// Every "<subject>_<split>.csv" in `dir`, subjects in alphabetical order.
std::vector<Item> load_mmlu_dir(const std::string& dir, const std::string& split);

// The items sample_items(load_mmlu_dir(dir, split), limit, seed, task) returns, with the same
// errors for a bad row in any file, building only the chosen rows: every row is checked and
// counted, and only the chosen ones are parsed into items. `total`: the split's row count.
struct MmluSample {
  std::vector<Item> items;
  std::size_t total = 0;
};
MmluSample load_mmlu_dir_sample(const std::string& dir, const std::string& split, const SampleLimit& limit,
                                std::uint64_t seed, std::string_view task);

// GSM8K JSONL {question, answer}. The reference is the exact text after the last "#### " of
// `answer` (e.g. "1,000" keeps its comma: lm-eval strips commas when scoring, not when
// loading, and so should our numeric scorer). solution is the whole `answer` (the worked
// chain of thought ending in "#### n"). Ids "<split>/<line>" (1-based line).
std::vector<Item> load_gsm8k_jsonl(const std::string& path, const std::string& split);

// ARC JSONL {id, question: {stem, choices: [{text, label}]}, answerKey}. 3-5 choices labelled
// A-E or 1-5; gold_index is the position of answerKey among the labels. Ids are ARC's own.
std::vector<Item> load_arc_jsonl(const std::string& path);

// TruthfulQA MC1 from mc_task.json: choices are the mc1_targets keys in file order (the
// correct one first, exactly one has value 1). Ids "mc1/<index>" (0-based). If
// `csv_path` is given (TruthfulQA.csv, same question order) subject is its Category column,
// when the question text matches.
std::vector<Item> load_truthfulqa_mc1(const std::string& json_path,
                                      const std::string& csv_path = "");

// HellaSwag, the bz2 "preprocessed text format": 6 lines per item ("<activity>: <ctx>",
// gold 0-3, four endings). question is the first line, subject the activity label.
// Ids "val/<index>" (0-based item number; the format has no `ind`).
std::vector<Item> load_hellaswag_bz2(const std::string& path);

// MedQA JSONL {question, options: {A..D}, answer_idx}. subject is meta_info ("step1",
// "step2&3") when present; reference is the answer text. Ids "<split>/<line>".
std::vector<Item> load_medqa_jsonl(const std::string& path, const std::string& split);

}  // namespace llmbench::data
