#pragma once
// Prompts and test programs for the code tasks (data::PromptStyle code_completion: HumanEval;
// code_from_tests: MBPP). Deterministic, like every prompt (prompt.hpp).
//
// HumanEval (one user message; the prompt's first line stands on a line of its own):
//   Complete the following Python function. Reply with the complete function in one ```python
//   code block.
//
//   ```python
//   <signature and docstring>
//   ```
// MBPP, as in the MBPP paper (the text on a line of its own, then the tests):
//   You are an expert Python programmer, and here is your task:
//   <text>
//   Your code should pass these tests:
//
//   <asserts>
//
//   Reply with your code in one ```python code block.
// Few-shot examples (MBPP: task_ids 2-10) are prior turns answered with their code, fenced.

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "llmbench/data/item.hpp"
#include "llmbench/data/tasks.hpp"
#include "llmbench/http/types.hpp"
#include "llmbench/tasks/prompt.hpp"

namespace llmbench::tasks {

// Throws as select_fewshot does.
std::vector<http::ChatMessage> build_code_prompt(data::PromptStyle style, const data::Item& item,
                                                 std::span<const data::Item> fewshot_pool,
                                                 const PromptOptions& options);

// The program the sandbox runs for `code` (extract_code's) answering `item`:
//   code_completion: the prompt (its stub is a complete function: a docstring is a body), then
//     the answer, then the tests. A full definition of the entry point redefines the stub; an
//     answer that does not define it at the left margin is the body that completes the prompt
//     (indented by four spaces when it was given flush left);
//   code_from_tests: the answer, then the tests.
std::string code_program(data::PromptStyle style, const data::Item& item, std::string_view code);

}  // namespace llmbench::tasks
