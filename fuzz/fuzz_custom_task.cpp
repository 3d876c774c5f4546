// Custom tasks: a fixed tasks YAML over a fuzzed data file, in each file format and scorer
// (first byte % 5 = 0..3), or a fuzzed tasks YAML over a fixed JSONL data file (first byte
// % 5 = 4: aliases, recursion, duplicate keys in the tasks file itself).
#include <string>

#include "fuzz_support.hpp"
#include "llmbench/data/custom_task.hpp"
#include "llmbench/error.hpp"

namespace {

const char* const kTasks[] = {
    // JSONL, multiple choice with a list field and letter answers
    "tasks:\n  - name: fuzz_mc\n    file: data.jsonl\n    id_field: id\n    question_field: question\n"
    "    choices_field: options\n    answer_field: answer\n    answer_format: letter\n"
    "    subject_field: category\n    scorer: choice_letter\n",
    // CSV, numeric
    "tasks:\n  - name: fuzz_num\n    file: data.csv\n    question_field: question\n"
    "    answer_field: answer\n    scorer: numeric\n",
    // JSON array, yes/no
    "tasks:\n  - name: fuzz_yn\n    file: data.json\n    question_field: question\n"
    "    answer_field: label\n    scorer: yes_no\n",
    // TSV, choice fields with index answers
    "tasks:\n  - name: fuzz_idx\n    file: data.tsv\n    question_field: q\n"
    "    choice_fields: [a, b, c, d]\n    answer_field: gold\n    answer_format: index\n"
    "    scorer: choice_letter\n",
};
const char* const kFiles[] = {"data.jsonl", "data.csv", "data.json", "data.tsv"};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const int which = data[0] % 5;
  const std::string_view rest = llmbench::fuzz::as_text(data + 1, size - 1);
  std::string yaml;
  if (which == 4) {
    llmbench::fuzz::write_scratch("data.jsonl", R"({"id": "q1", "question": "2+2?", "answer": "4"})" "\n");
    yaml = llmbench::fuzz::write_scratch("tasks.yaml", rest);
  } else {
    llmbench::fuzz::write_scratch(kFiles[which], rest);
    yaml = llmbench::fuzz::write_scratch("tasks.yaml", kTasks[which]);
  }
  try {
    for (const auto& task : llmbench::data::load_custom_tasks_file(yaml)) {
      llmbench::fuzz::require(!task.dataset.items.empty(), "a loaded custom task has items");
    }
  } catch (const llmbench::Error&) {
  }
  return 0;
}
