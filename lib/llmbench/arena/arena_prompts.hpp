#pragma once
// What an arena asks: the prompts (a user's JSONL of questions, or standard task questions)
// and the pairwise judge prompt.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "llmbench/data/tasks.hpp"
#include "llmbench/http/types.hpp"

namespace llmbench::arena {

struct ArenaPrompt {
  std::string id;        // unique within the arena
  std::string category;  // "" = none; the leaderboard is split by category when there are several
  std::string text;      // the user message every model answers
};

// A JSONL file, one object per line: "prompt" (required, non-empty string), "id" (string or
// integer; default "<line number>"), "category" (string). Throws InputError naming the
// file and line for a missing or empty prompt, a duplicate id, or a wrong type.
std::vector<ArenaPrompt> load_prompt_file(const std::string& path);

// Standard task questions as prompts: id "<task>/<item id>", category = the task, text =
// the question with its options lettered "A. ..." and a request to answer and explain.
// `limit` and `seed` pick items per task as `llmbench run --limit` does (sampling.hpp).
// When `chosen` is given, each task's dataset is added to it with `items` = the items chosen
// (their gold answers: what the embedded simulator learns).
std::vector<ArenaPrompt> load_task_prompts(const std::vector<std::string>& tasks, const std::string& limit,
                                           std::uint64_t seed, std::vector<data::Dataset>* chosen);

// Keeps `limit` prompts ("" = all) chosen by the seeded rank of their ids, in file order.
std::vector<ArenaPrompt> sample_prompts(std::vector<ArenaPrompt> prompts, const std::string& limit,
                                        std::uint64_t seed);

// The pairwise judge prompt (MT-Bench's, with Arena-Hard's strong verdicts when asked):
// the judge must end with [[A]], [[B]] or [[C]] (tie), or with `strong` also [[A>>B]] /
// [[B>>A]] for a clear difference. Answer A is shown first.
std::vector<http::ChatMessage> pairwise_judge_messages(std::string_view question, std::string_view answer_a,
                                                       std::string_view answer_b, bool strong);

}  // namespace llmbench::arena
