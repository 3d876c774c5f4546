#pragma once
// One benchmark item as loaded from a dataset file, before any prompting.

#include <string>
#include <vector>

namespace llmbench::data {

struct Item {
  std::string id;       // stable and unique within its task, e.g. "abstract_algebra/test/17"
  std::string subject;  // MMLU subject (or a custom task's category); "" otherwise
  std::string question;
  std::vector<std::string> choices;  // multiple choice, in the data's own order
  int gold_index = -1;               // multiple choice: index into choices
  std::string reference;             // free-form gold answer (GSM8K: the final number)
  std::string source;                // "<file>:<line>" it was read from, for error messages
  std::string solution;  // worked answer when the data has one (GSM8K `answer`, ending "#### n"), for few-shot
                         // code tasks: the canonical program (HumanEval prompt + solution, MBPP code)
  std::string entry_point;  // code tasks: the function the tests call ("has_close_elements")
};

}  // namespace llmbench::data
