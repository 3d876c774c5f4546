#pragma once
// Loaders for the code tasks: HumanEval (gzip-compressed JSONL, read as shipped) and MBPP (the
// full JSONL). Each item holds what the code scorer needs:
//   question     HumanEval: the prompt (signature and docstring); MBPP: the task's text
//   reference    the test program run after the model's code: HumanEval's `test` followed by
//                "check(<entry_point>)"; MBPP's `test_setup_code` and its `test_list` asserts
//   solution     the canonical program (HumanEval: prompt + canonical_solution; MBPP: code)
//   entry_point  the function the tests call
// Files are validated like every dataset (util/text_file.hpp); a missing field is an InputError
// naming the file and line.

#include <string>
#include <vector>

#include "llmbench/data/item.hpp"

namespace llmbench::data {

// HumanEval.jsonl.gz: 164 problems, ids as in the file ("HumanEval/0").
std::vector<Item> load_humaneval_gz(const std::string& path);

// MBPP's splits by task_id (the official README): test 11-510, few-shot prompts 2-10 (task 1 is
// left out, as in the MBPP paper's prompts); ids are the task_id ("11").
struct MbppSplits {
  std::vector<Item> test;
  std::vector<Item> prompt;
};
MbppSplits load_mbpp_jsonl(const std::string& path);

// The assert lines of an MBPP item's tests (what its prompt shows), one per line.
std::string mbpp_asserts(const Item& item);

// The answer a correct model gives: the canonical solution in a ```python block (few-shot
// turns, and the simulator's right answer).
std::string fenced_solution(const Item& item);

}  // namespace llmbench::data
