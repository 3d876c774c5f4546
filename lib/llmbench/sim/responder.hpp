#pragma once
// What a simulated model says to a chat prompt. Pure and deterministic: the reply is a
// function of (seed, model, prompt) only.
//
// - A question found in the AnswerBook is answered right with the model's accuracy
//   (decided by a hash of seed, model and question key), in one of the answer styles
//   real models use (bare letter, "(B)", "Answer: B", "**B**", reasoning then
//   "The answer is (B).", a <think> block, a reasoning_content field, "#### 42", "$1,234",
//   "Ответ: B" for Russian prompts), and the reply carries the SimAnswer to record.
// - The refusal judge's prompt (tasks/refusal_judge.hpp) gets the class of the reply it quotes:
//   the simulator's own refusal texts are full (or, the partial ones, partial) refusals, any
//   other reply full compliance.
// - A judge prompt asking for a 1-5 score gets a rationale and {"score": N}; one asking
//   for exactly "Yes" or "No" gets "Yes" or "No: <reason>"; a pairwise comparison asking
//   for [[A]]/[[B]]/[[C]] gets a verdict in that form.
// - Otherwise: one or two sentences copied from a "Context:"/"Контекст:" block if there
//   is one, else a sentence from a small built-in pool.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "llmbench/sim/answer_book.hpp"
#include "llmbench/sim/simulator.hpp"

namespace llmbench::sim {

struct Reply {
  std::string content;
  std::string reasoning;  // for the reasoning_content field; "" = none
  std::optional<SimAnswer> answer;  // set when the prompt held a recognised question
};

Reply compose_reply(const AnswerBook& book, const SimModel& model, std::uint64_t seed,
                    std::string_view prompt);

// True when `text` holds Cyrillic letters (the simulator then answers in Russian style).
bool has_cyrillic(std::string_view text);

}  // namespace llmbench::sim
