#pragma once
// Custom tasks without code: a YAML `tasks:` list names a JSONL/JSON/CSV/TSV file, which of its
// fields hold the id, question (or a prompt template over several fields), choices, answer
// and subject, and the scorer. Each becomes the same TaskSpec a built-in task is. The format is
// documented in benchmarks/data/README.md ("Custom tasks"); an example ships in
// benchmarks/data/custom_example/.
//
//   tasks:
//     - name: capitals                # [a-z0-9_-], not a standard task name, unique
//       file: capitals.jsonl          # relative to the YAML file's directory
//       question_field: question
//       choices_field: options        # a list field, or choice_fields: [A, B, C, D]
//       answer_field: answer          # choice tasks: answer_format letter|index|text
//       scorer: choice_letter         # choice_letter|exact|normalized_text|numeric|yes_no|judge
//     - name: summaries
//       file: articles.jsonl
//       prompt: "{context}\n\nQuestion: {question}"   # instead of question_field; {{ }} = braces
//       answer_field: reference       # scorer judge: optional, and a record may lack it
//       scorer: judge                 # every --judge-models judge scores each answer 1-5
//       rubric: "Full marks for ..."  # required by scorer judge
//
// Every record is checked when the task loads: a named field missing from a record, an answer
// that is not one of the choices, a field a prompt template uses but a record lacks, a
// non-numeric reference for `numeric`, ... are InputErrors
// "<data file>:<line>: ..." naming the field; config mistakes are "<yaml>:<line>: ...".

#include <string>
#include <vector>

#include "llmbench/data/tasks.hpp"

namespace YAML {
class Node;
}

namespace llmbench::data {

struct CustomTask {
  TaskSpec info;    // item_count_expected = the count loaded; files relative to the YAML file
  Dataset dataset;  // split "custom"; fewshot_pool from fewshot_file if given
};

// Loads every task of a `tasks:` sequence. `config_path` is the YAML file the node came from:
// it names errors and is the base for relative data paths.
std::vector<CustomTask> load_custom_tasks(const YAML::Node& tasks, const std::string& config_path);

// Reads a YAML file whose top level has a `tasks:` list (e.g. --tasks-file) and loads it.
std::vector<CustomTask> load_custom_tasks_file(const std::string& path);

}  // namespace llmbench::data
