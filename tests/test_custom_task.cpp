// Custom tasks from a YAML tasks: list: loading, and errors naming file, line and field.
#include <catch2/catch.hpp>

#include <fstream>

#include "llmbench/data/custom_task.hpp"
#include "llmbench/error.hpp"
#include "support/cli.hpp"

namespace data = llmbench::data;

namespace {

struct TaskDir {
  std::string dir = llmbench::test::temp_dir("llmbench-custom");
  std::string write(const std::string& name, const std::string& content) const {
    const std::string path = dir + "/" + name;
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }
};

const std::string kMcJsonl =
    R"({"id": "a", "q": "Capital of France?", "opts": ["Rome", "Paris"], "ans": "B", "cat": "geo"})" "\n"
    R"({"id": "b", "q": "2+2?", "opts": ["3", "4", "5"], "ans": "b", "cat": "math"})" "\n";

}  // namespace

TEST_CASE("custom_task: the shipped example loads three tasks with their scorers",
          "[data][custom]") {
  const auto tasks = data::load_custom_tasks_file(
      LLMBENCH_SOURCE_DIR "/benchmarks/data/custom_example/tasks.yaml");
  REQUIRE(tasks.size() == 3);
  const auto& capitals = tasks[0].dataset;
  CHECK(capitals.task == "example_capitals");
  CHECK(capitals.scorer == data::Scorer::choice_letter);
  REQUIRE(capitals.items.size() == 5);
  CHECK(capitals.items[0].id == "cap-1");
  CHECK(capitals.items[0].gold_index == 2);
  CHECK(capitals.items[0].reference == "Paris");
  CHECK(capitals.items[0].subject == "europe");
  CHECK(capitals.items[3].choices.size() == 5);

  const auto& arithmetic = tasks[1].dataset;
  CHECK(arithmetic.scorer == data::Scorer::numeric);
  REQUIRE(arithmetic.items.size() == 4);
  CHECK(arithmetic.items[0].id == "2");  // CSV line number (line 1 is the header)
  CHECK(arithmetic.items[0].reference == "42");

  const auto& yes_no = tasks[2].dataset;
  CHECK(yes_no.scorer == data::Scorer::yes_no);
  REQUIRE(yes_no.items.size() == 4);
  CHECK(yes_no.items[0].id == "0");  // JSON array index
  CHECK(yes_no.items[2].reference == "yes");  // "да"
  CHECK(yes_no.items[3].reference == "no");   // "нет"
}

TEST_CASE("custom_task: JSONL with a list field and letter answers, CSV with choice columns",
          "[data][custom]") {
  TaskDir t;
  t.write("mc.jsonl", kMcJsonl);
  t.write("mc.csv", "question,A,B,C,D,answer,topic\n"
                    "\"Pick, the second\",w,x,y,z,1,t1\n");
  const auto config = t.write("tasks.yaml", R"(
tasks:
  - name: mc_json
    file: mc.jsonl
    id_field: id
    question_field: q
    choices_field: opts
    answer_field: ans
    subject_field: cat
    scorer: choice_letter
  - name: mc_csv
    file: mc.csv
    question_field: question
    choice_fields: [A, B, C, D]
    answer_field: answer
    answer_format: index
    subject_field: topic
    scorer: choice_letter
)");
  const auto tasks = data::load_custom_tasks_file(config);
  REQUIRE(tasks.size() == 2);
  const auto& json_items = tasks[0].dataset.items;
  REQUIRE(json_items.size() == 2);
  CHECK(json_items[0].gold_index == 1);
  CHECK(json_items[1].gold_index == 1);  // lower-case letter accepted
  CHECK(json_items[1].subject == "math");
  const auto& csv_items = tasks[1].dataset.items;
  REQUIRE(csv_items.size() == 1);
  CHECK(csv_items[0].question == "Pick, the second");
  CHECK(csv_items[0].choices == std::vector<std::string>{"w", "x", "y", "z"});
  CHECK(csv_items[0].gold_index == 1);
  CHECK(tasks[1].info.item_count_expected == 1);
}

TEST_CASE("custom_task: a field missing from one record names the data file, line and field",
          "[data][custom]") {
  TaskDir t;
  const auto data_path = t.write("d.jsonl", R"({"question": "a", "answer": "x"})" "\n"
                                            R"({"question": "b", "answer": "y"})" "\n"
                                            R"({"question": "c"})" "\n");
  const auto config = t.write("tasks.yaml", "tasks:\n"
                                            "  - name: t\n"
                                            "    file: d.jsonl\n"
                                            "    question_field: question\n"
                                            "    answer_field: answer\n"
                                            "    scorer: exact\n");
  CHECK_THROWS_WITH(data::load_custom_tasks_file(config),
                    Catch::StartsWith(data_path + ":3: field \"answer\" is missing"));
}

TEST_CASE("custom_task: answers are validated against the scorer", "[data][custom]") {
  TaskDir t;
  const auto numeric_path = t.write("n.jsonl", R"({"q": "a", "a": "1,234"})" "\n"
                                               R"({"q": "b", "a": "many"})" "\n");
  const auto yn_path = t.write("y.jsonl", R"({"q": "a", "a": "maybe"})" "\n");
  const auto mc_path = t.write("m.jsonl", R"({"q": "a", "c": ["x", "y"], "a": "C"})" "\n");
  const auto numeric = t.write("n.yaml", "tasks:\n  - {name: n, file: n.jsonl, question_field: q, "
                                         "answer_field: a, scorer: numeric}\n");
  const auto yn = t.write("y.yaml", "tasks:\n  - {name: y, file: y.jsonl, question_field: q, "
                                    "answer_field: a, scorer: yes_no}\n");
  const auto mc = t.write("m.yaml", "tasks:\n  - {name: m, file: m.jsonl, question_field: q, "
                                    "choices_field: c, answer_field: a, scorer: choice_letter}\n");
  CHECK_THROWS_WITH(data::load_custom_tasks_file(numeric),
                    Catch::StartsWith(numeric_path + ":2: field \"a\" is \"many\", not a number"));
  CHECK_THROWS_WITH(data::load_custom_tasks_file(yn),
                    Catch::StartsWith(yn_path + ":1: field \"a\" is \"maybe\", expected yes/no"));
  CHECK_THROWS_WITH(data::load_custom_tasks_file(mc),
                    Catch::StartsWith(mc_path + ":1: field \"a\" is \"C\", expected a letter"));
}

TEST_CASE("custom_task: config mistakes name the YAML file and line", "[data][custom]") {
  TaskDir t;
  t.write("d.jsonl", R"({"q": "a", "a": "x"})" "\n");
  const auto unknown_key = t.write("k.yaml", "tasks:\n"
                                             "  - name: t\n"
                                             "    file: d.jsonl\n"
                                             "    question_feild: q\n"
                                             "    answer_field: a\n"
                                             "    scorer: exact\n");
  CHECK_THROWS_WITH(data::load_custom_tasks_file(unknown_key),
                    Catch::StartsWith(unknown_key + ":4: ") &&
                        Catch::Contains("unknown key \"question_feild\""));
  const auto bad_scorer = t.write("s.yaml", "tasks:\n  - name: t\n    file: d.jsonl\n"
                                            "    question_field: q\n    answer_field: a\n"
                                            "    scorer: fuzzy\n");
  CHECK_THROWS_WITH(data::load_custom_tasks_file(bad_scorer),
                    Catch::StartsWith(bad_scorer + ":6: ") &&
                        Catch::Contains("scorer \"fuzzy\" is not one of choice_letter"));
  const auto standard_name = t.write("n.yaml", "tasks:\n  - {name: mmlu, file: d.jsonl, "
                                               "question_field: q, answer_field: a, scorer: exact}\n");
  CHECK_THROWS_WITH(data::load_custom_tasks_file(standard_name),
                    Catch::Contains("is a standard task"));
  const auto missing_file = t.write("f.yaml", "tasks:\n  - {name: t, file: nope.jsonl, "
                                              "question_field: q, answer_field: a, scorer: exact}\n");
  CHECK_THROWS_WITH(data::load_custom_tasks_file(missing_file), Catch::Contains("nope.jsonl: file not found"));
  const auto no_tasks = t.write("e.yaml", "models: []\n");
  CHECK_THROWS_WITH(data::load_custom_tasks_file(no_tasks),
                    Catch::Contains("expected a top-level \"tasks:\" list"));
}

TEST_CASE("custom_task: duplicate ids in the data are rejected", "[data][custom]") {
  TaskDir t;
  const auto data_path = t.write("d.jsonl", R"({"id": 1, "q": "a", "a": "x"})" "\n"
                                            R"({"id": 1, "q": "b", "a": "y"})" "\n");
  const auto config = t.write("t.yaml", "tasks:\n  - {name: t, file: d.jsonl, id_field: id, "
                                        "question_field: q, answer_field: a, scorer: exact}\n");
  CHECK_THROWS_WITH(data::load_custom_tasks_file(config),
                    Catch::StartsWith(data_path + ":2: duplicate id \"1\"") && Catch::Contains("first on line 1"));
}

TEST_CASE("custom_task: --tasks-file without --tasks runs the file's tasks, not the seven standard ones",
          "[data][custom][cli]") {
  const auto r = llmbench::test::run_cli({"run", "--dry-run", "--tasks-file",
                                          "benchmarks/data/custom_example/tasks.yaml", "--generation-models",
                                          "sim-small", "--output-dir", llmbench::test::temp_dir() + "/out"});
  REQUIRE(r.exit_code == 0);
  for (const char* task : {"example_capitals", "example_arithmetic", "example_yes_no"}) {
    CHECK(r.out.find(task) != std::string::npos);
  }
  for (const char* task : {"mmlu", "gsm8k", "hellaswag", "medqa"}) {
    INFO(task);
    CHECK(r.out.find(task) == std::string::npos);
  }
}

TEST_CASE("custom_task: a prompt template renders several fields of each record into the question",
          "[data][custom]") {
  TaskDir t;
  t.write("d.jsonl", R"({"context": "Oslo is in Norway.", "question": "Where is Oslo?", "a": "Norway"})" "\n"
                     R"({"context": "Use {question} literally.", "question": "Is {x} kept?", "a": "yes"})" "\n");
  const auto config = t.write("t.yaml", "tasks:\n  - name: t\n    file: d.jsonl\n"
                                        "    prompt: \"{context}\\n\\nQuestion: {question} {{braces}}\"\n"
                                        "    answer_field: a\n    scorer: normalized_text\n");
  const auto tasks = data::load_custom_tasks_file(config);
  REQUIRE(tasks.size() == 1);
  const auto& items = tasks[0].dataset.items;
  REQUIRE(items.size() == 2);
  CHECK(items[0].question == "Oslo is in Norway.\n\nQuestion: Where is Oslo? {braces}");
  CHECK(items[1].question == "Use {question} literally.\n\nQuestion: Is {x} kept? {braces}");
  CHECK(tasks[0].dataset.prompt == data::PromptStyle::question);
}

TEST_CASE("custom_task: a record without a field the prompt template uses names the file, line and field",
          "[data][custom]") {
  TaskDir t;
  const auto data_path = t.write("d.jsonl", R"({"context": "c", "question": "q", "a": "x"})" "\n"
                                            R"({"question": "q2", "a": "y"})" "\n");
  const auto config = t.write("t.yaml", "tasks:\n  - name: t\n    file: d.jsonl\n"
                                        "    prompt: \"{context} {question}\"\n"
                                        "    answer_field: a\n    scorer: exact\n");
  CHECK_THROWS_WITH(data::load_custom_tasks_file(config),
                    Catch::StartsWith(data_path + ":2: field \"context\" is missing"));
  const auto broken = t.write("b.yaml", "tasks:\n  - name: t\n    file: d.jsonl\n"
                                        "    answer_field: a\n    scorer: exact\n"
                                        "    prompt: \"{context\"\n");
  CHECK_THROWS_WITH(data::load_custom_tasks_file(broken), Catch::StartsWith(broken + ":6: "));
  const auto both = t.write("q.yaml", "tasks:\n  - {name: t, file: d.jsonl, question_field: question, "
                                      "prompt: \"{question}\", answer_field: a, scorer: exact}\n");
  CHECK_THROWS_WITH(data::load_custom_tasks_file(both), Catch::Contains("either question_field or a prompt"));
}

TEST_CASE("custom_task: scorer judge needs a rubric, and only it may go without a reference", "[data][custom]") {
  TaskDir t;
  t.write("d.jsonl", R"({"q": "Explain tides.", "ref": "The moon's pull."})" "\n"
                     R"({"q": "Explain rust."})" "\n");
  const auto judged = t.write("j.yaml", "tasks:\n  - {name: t, file: d.jsonl, question_field: q, answer_field: ref, "
                                        "scorer: judge, rubric: \"Names the cause.\"}\n");
  const auto tasks = data::load_custom_tasks_file(judged);
  REQUIRE(tasks.size() == 1);
  CHECK(tasks[0].dataset.scorer == data::Scorer::judge);
  CHECK(tasks[0].dataset.rubric == "Names the cause.");
  CHECK(tasks[0].dataset.items.at(0).reference == "The moon's pull.");
  CHECK(tasks[0].dataset.items.at(1).reference.empty());  // a record may go without a reference
  const auto no_rubric = t.write("n.yaml", "tasks:\n  - {name: t, file: d.jsonl, question_field: q, scorer: judge}\n");
  CHECK_THROWS_WITH(data::load_custom_tasks_file(no_rubric),
                    Catch::StartsWith(no_rubric + ":2: ") && Catch::Contains("scorer judge needs a rubric"));
  const auto no_answer = t.write("a.yaml", "tasks:\n  - {name: t, file: d.jsonl, question_field: q, scorer: exact}\n");
  CHECK_THROWS_WITH(data::load_custom_tasks_file(no_answer), Catch::Contains("missing \"answer_field\""));
  const auto stray = t.write("s.yaml", "tasks:\n  - {name: t, file: d.jsonl, question_field: q, answer_field: q, "
                                       "scorer: exact, rubric: x}\n");
  CHECK_THROWS_WITH(data::load_custom_tasks_file(stray), Catch::Contains("rubric: is only used by scorer judge"));
}
