#pragma once
// Reading the code out of a chat answer to a code task (HumanEval, MBPP). Pure, thread-safe,
// never throws on any model output.
//
// Rules, on the content with reasoning blocks stripped (strip_think: code inside <think> is
// never taken, and the separate reasoning text is never read):
//  1. fenced blocks (``` or ```python / ```py / ```python3; an unclosed fence runs to the end
//     of the answer; a block fenced for another language is skipped): the first block that
//     defines the entry point (`def <entry_point>(`), else the first non-blank one;
//  2. no fenced block: an answer that defines the entry point at the start of a line is code
//     from its first code line (def, class, import, from, @) to the end, prose lines at the
//     left margin after it dropped;
//  3. otherwise nothing (the item is unparsed, not a failed test).
// What is taken may be a full function definition or the body that completes the prompt;
// code_program (code_prompt.hpp) tells them apart, as EvalPlus's sanitizer does.

#include <optional>
#include <string>
#include <string_view>

namespace llmbench::tasks {

std::optional<std::string> extract_code(std::string_view content, std::string_view entry_point);

}  // namespace llmbench::tasks
