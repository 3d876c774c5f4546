#pragma once
// Chat prompts for the standard benchmarks. Chat APIs have no log-probabilities, so each
// item is asked as a chat prompt and the answer is read back from text (extract.hpp).
//
// Everything here is deterministic: the same item, options and pool give byte-identical
// messages on every run and for every model (option shuffles and few-shot picks are hashes
// of (seed, task, item id), independent of item order, --limit and the model), so requests
// are cacheable and comparable across models.
//
// Multiple-choice user message (zero-shot, MMLU; the subject line only for a per_subject task):
//   The following is a multiple choice question about abstract algebra.
//
//   <question>
//   A. <option>
//   B. <option>
//   ...
//
//   Answer with the letter of the correct option (A, B, C or D) only.
// The question's first line always stands on a line of its own (the simulator relies on it).

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "llmbench/data/item.hpp"
#include "llmbench/http/types.hpp"

namespace llmbench::tasks {

// Option order: task_default shuffles only tasks whose data puts the right answer in a fixed
// place (truthfulqa_mc1 lists it first); all shuffles every task; none keeps data order.
enum class Shuffle { task_default, all, none };
// Few-shot examples as prior user/assistant turns, or inline in one user message.
enum class FewshotStyle { turns, inline_text };

struct PromptOptions {
  std::string task;           // "mmlu", "gsm8k", "arc_challenge", "truthfulqa_mc1", ... or a custom name
  std::string system_prompt;  // "" = no system message
  std::uint64_t seed = 1234;  // option shuffles and few-shot choice
  int num_fewshot = 0;        // 0 = zero-shot
  FewshotStyle fewshot_style = FewshotStyle::turns;
  Shuffle shuffle = Shuffle::task_default;
};

struct McPrompt {
  std::vector<http::ChatMessage> messages;
  std::string letters;               // the letters shown, in order: "ABCD"
  char gold_letter = 0;              // letters[k] where permutation[k] == item.gold_index
  std::vector<int> permutation;      // permutation[k] = index into item.choices shown as letters[k]
  std::vector<std::string> options;  // the option texts as shown (for extract_choice)
};

// Whether `task`'s options are shuffled under `shuffle`.
bool shuffles_options(std::string_view task, Shuffle shuffle);

// The permutation of n options for one item: Fisher-Yates driven by hash(seed, task, item id).
// Stable across runs, platforms and builds.
std::vector<int> option_permutation(std::uint64_t seed, std::string_view task,
                                    std::string_view item_id, std::size_t n);

// The K few-shot examples for `item`, in the order they are shown. Each pool item gets a rank
// hash(seed, task, item id, pool item id); the K lowest ranks win. Pool items whose question
// equals the item's are skipped; for a per_subject task (data::TaskSpec::subjects: MMLU) only
// pool items of the item's subject are eligible.
// Throws Error when the pool holds the item itself (same id: the pool must come from a
// dev/train split, never the evaluated one), when K < 0, or when fewer than K are eligible.
std::vector<const data::Item*> select_fewshot(const data::Item& item,
                                              std::span<const data::Item> pool,
                                              const PromptOptions& options);

// A multiple-choice prompt. `fewshot_pool` is the dev/train split (unused when
// num_fewshot = 0); examples are answered with their gold letter (their options shuffled
// under the same policy). Throws Error (naming item.source and id) for fewer than 2 or
// more than 26 choices or a gold_index out of range, and as select_fewshot does.
McPrompt build_mc_prompt(const data::Item& item, std::span<const data::Item> fewshot_pool,
                         const PromptOptions& options);

inline constexpr std::string_view kGsm8kInstruction =
    "Solve step by step and end with `#### <number>`.";

// A GSM8K prompt: the question, a blank line, kGsm8kInstruction. Few-shot examples are
// answered with their worked solution (Item::solution, which ends in "#### <n>"), or with
// "#### <reference>" when the pool item has none. Throws as select_fewshot does.
std::vector<http::ChatMessage> build_gsm8k_prompt(const data::Item& item,
                                                  std::span<const data::Item> fewshot_pool,
                                                  const PromptOptions& options);

// An MGSM prompt in the problem's own language (Item::subject, one of data::kMgsmLanguages),
// zero-shot in the native chain-of-thought format of the MGSM paper (Shi et al. 2022, as
// lm-evaluation-harness's mgsm_native_cot writes it): "<Question:> <question>\n<Step-by-Step
// Answer:>" with both labels in that language ("Задача: ...\nПошаговое решение:"). One user
// message. Throws Error (naming item.source) for a language it has no labels for.
std::vector<http::ChatMessage> build_native_math_prompt(const data::Item& item);

// The request a benchmark judge gets for one open answer of a `scorer: judge` task: the
// question as the model saw it, the reference when `reference` is not empty, the answer and
// the task's rubric, asking for a 1-5 score ending in {"score": N} (read by
// parse_judge_score in verdict.hpp). One user message; the same inputs give the same bytes.
std::vector<http::ChatMessage> build_rubric_judge_prompt(std::string_view question, std::string_view answer,
                                                         std::string_view reference, std::string_view rubric);

}  // namespace llmbench::tasks
