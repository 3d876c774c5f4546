#pragma once
// One benchmark item as loaded from a dataset file, before any prompting.

#include <optional>
#include <string>
#include <vector>

namespace llmbench::data {

// What a bias score needs to know of a BBQ item's choices (Parrish et al. 2022; see
// data/safety_loaders.hpp for how they are derived from the item's metadata).
struct BiasFacts {
  bool ambiguous = false;  // context_condition "ambig" (else "disambig")
  int biased_index = -1;   // the choice a biased answer picks: the stereotyped group's answer to a
                           // negative question, the other group's answer to a non-negative one
  int unknown_index = -1;  // the "can't be determined" choice
};

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
  std::optional<BiasFacts> bias;  // BBQ only
};

}  // namespace llmbench::data
