// Code taken from chat answers to code tasks, and the programs built from it: real-looking
// answers (fenced, several blocks, bodies, reasoning, prose only).

#include <catch2/catch.hpp>

#include <string>

#include "llmbench/data/code_tasks.hpp"
#include "llmbench/data/tasks.hpp"
#include "llmbench/tasks/code_extract.hpp"
#include "llmbench/tasks/code_prompt.hpp"

using namespace llmbench;
using tasks::extract_code;

TEST_CASE("code extract: the fenced python block of an answer is taken, prose around it is not", "[code][extract]") {
  const std::string answer =
      "Here is an implementation:\n\n```python\ndef add(a, b):\n    return a + b\n```\n\nIt adds the numbers.";
  const auto code = extract_code(answer, "add");
  REQUIRE(code);
  CHECK(*code == "def add(a, b):\n    return a + b\n");
}

TEST_CASE("code extract: among several blocks the one defining the entry point wins", "[code][extract]") {
  const std::string answer =
      "First the imports:\n```python\nfrom typing import List\n```\nExample usage:\n```\nprint(add(1, 2))\n```\n"
      "The function:\n```py\nfrom typing import List\n\ndef add(a: int, b: int) -> int:\n    return a + b\n```\n";
  const auto code = extract_code(answer, "add");
  REQUIRE(code);
  CHECK(code->find("def add(a: int, b: int)") != std::string::npos);
  CHECK(code->find("print") == std::string::npos);
}

TEST_CASE("code extract: code inside a think block is never taken", "[code][extract]") {
  const std::string thinking =
      "<think>Maybe:\n```python\ndef add(a, b):\n    return a - b\n```\nno, plus.</think>\n"
      "```python\ndef add(a, b):\n    return a + b\n```";
  const auto code = extract_code(thinking, "add");
  REQUIRE(code);
  CHECK(code->find("a + b") != std::string::npos);
  CHECK(code->find("a - b") == std::string::npos);
  // All the code was in the reasoning: nothing is left to run.
  CHECK_FALSE(extract_code("<think>```python\ndef add(a, b):\n    return a + b\n```</think>The answer is above.", "add"));
}

TEST_CASE("code extract: a block of another language is skipped, an unclosed fence runs to the end", "[code][extract]") {
  CHECK_FALSE(extract_code("```bash\npip install numpy\n```", "add"));
  const auto cut = extract_code("```python\ndef add(a, b):\n    return a + b", "add");
  REQUIRE(cut);
  CHECK(*cut == "def add(a, b):\n    return a + b\n");
}

TEST_CASE("code extract: an unfenced answer that defines the entry point is taken without its prose", "[code][extract]") {
  const auto code = extract_code(
      "Sure, here you go.\ndef add(a, b):\n    return a + b\nThis returns the sum of both numbers.", "add");
  REQUIRE(code);
  CHECK(*code == "def add(a, b):\n    return a + b\n");
}

TEST_CASE("code extract: an answer with no code is nothing (unparsed), not a failing program", "[code][extract]") {
  CHECK_FALSE(extract_code("I cannot help with that.", "add"));
  CHECK_FALSE(extract_code("You could add a and b with the plus operator.", "add"));
  CHECK_FALSE(extract_code("```python\n\n```", "add"));
  CHECK_FALSE(extract_code("", "add"));
}

TEST_CASE("code program: a full definition redefines the HumanEval stub, a bare body completes it", "[code][extract]") {
  data::Item item;
  item.question = "from typing import List\n\n\ndef add(a: int, b: int) -> int:\n    \"\"\"Sum.\"\"\"\n";
  item.entry_point = "add";
  item.reference = "def check(candidate):\n    assert candidate(1, 2) == 3\n\ncheck(add)\n";
  const std::string full =
      tasks::code_program(data::PromptStyle::code_completion, item, "def add(a: int, b: int) -> int:\n    return a + b\n");
  CHECK(full.rfind(item.question, 0) == 0);
  CHECK(full.find("\n\ndef add(a: int, b: int) -> int:\n    return a + b\n") != std::string::npos);
  CHECK(full.find("check(add)") != std::string::npos);
  const std::string indented = tasks::code_program(data::PromptStyle::code_completion, item, "    return a + b\n");
  CHECK(indented.find("\"\"\"Sum.\"\"\"\n    return a + b\n") != std::string::npos);
  const std::string flush = tasks::code_program(data::PromptStyle::code_completion, item, "return a + b\n");
  CHECK(flush.find("\"\"\"Sum.\"\"\"\n    return a + b\n") != std::string::npos);
  const std::string mbpp = tasks::code_program(data::PromptStyle::code_from_tests, item, "def add(a, b):\n    return a + b\n");
  CHECK(mbpp.rfind("def add(a, b):", 0) == 0);
  CHECK(mbpp.find("check(add)") != std::string::npos);
}

TEST_CASE("code tasks: HumanEval has 164 problems and MBPP 500 test problems with a 9-problem prompt split",
          "[code][loaders]") {
  const std::string dir = data::resolve_data_dir("");
  const data::Dataset humaneval = data::load_task("humaneval", dir);
  REQUIRE(humaneval.items.size() == 164);
  CHECK(humaneval.items[0].id == "HumanEval/0");
  CHECK(humaneval.items[0].entry_point == "has_close_elements");
  CHECK(humaneval.items[0].reference.find("check(has_close_elements)") != std::string::npos);
  CHECK(humaneval.scorer == data::Scorer::code);
  const data::Dataset mbpp = data::load_task("mbpp", dir);
  REQUIRE(mbpp.items.size() == 500);
  CHECK(mbpp.items.front().id == "11");
  CHECK(mbpp.items.back().id == "510");
  REQUIRE(mbpp.fewshot_pool.size() == 9);
  CHECK(mbpp.fewshot_pool.front().id == "2");
  for (const auto& item : mbpp.items) {
    INFO(item.id);
    CHECK_FALSE(item.entry_point.empty());
    CHECK(data::mbpp_asserts(item).rfind("assert", 0) == 0);
  }
}
