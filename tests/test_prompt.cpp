#include <catch2/catch.hpp>

#include <set>
#include <string>
#include <vector>

#include "llmbench/error.hpp"
#include "llmbench/tasks/prompt.hpp"

using namespace llmbench::tasks;
using llmbench::data::Item;

namespace {

Item mc_item(const std::string& id, const std::string& subject = "abstract_algebra") {
  Item item;
  item.id = id;
  item.subject = subject;
  item.question = "Question " + id + "?";
  item.choices = {"right " + id, "wrong one", "wrong two", "wrong three"};
  item.gold_index = 0;
  item.source = "test.csv:1";
  return item;
}

std::vector<Item> dev_pool(int n, const std::string& subject = "abstract_algebra") {
  std::vector<Item> pool;
  for (int i = 0; i < n; ++i) pool.push_back(mc_item(subject + "/dev/" + std::to_string(i), subject));
  return pool;
}

}  // namespace

TEST_CASE("prompt: an MMLU prompt has the subject header, lettered options and the instruction", "[tasks][prompt]") {
  Item item = mc_item("abstract_algebra/test/0");
  item.question = "Find the degree of Q(sqrt(2)) over Q.";
  item.choices = {"0", "4", "2", "6"};
  item.gold_index = 2;
  PromptOptions options;
  options.task = "mmlu";
  options.system_prompt = "You are a careful expert.";
  const McPrompt p = build_mc_prompt(item, {}, options);
  REQUIRE(p.messages.size() == 2);
  CHECK(p.messages[0].role == "system");
  CHECK(p.messages[0].content == "You are a careful expert.");
  CHECK(p.messages[1].role == "user");
  CHECK(p.messages[1].content ==
        "The following is a multiple choice question about abstract algebra.\n\n"
        "Find the degree of Q(sqrt(2)) over Q.\nA. 0\nB. 4\nC. 2\nD. 6\n\n"
        "Answer with the letter of the correct option (A, B, C or D) only.");
  CHECK(p.letters == "ABCD");
  CHECK(p.gold_letter == 'C');
  CHECK(p.permutation == std::vector<int>{0, 1, 2, 3});
  options.system_prompt.clear();
  CHECK(build_mc_prompt(item, {}, options).messages.size() == 1);
}

TEST_CASE("prompt: TruthfulQA options are shuffled deterministically and the gold letter follows", "[tasks][prompt]") {
  PromptOptions options;
  options.task = "truthfulqa_mc1";
  std::set<char> gold_letters;
  for (int i = 0; i < 40; ++i) {
    const Item item = mc_item("mc1/" + std::to_string(i), "");
    const McPrompt p = build_mc_prompt(item, {}, options);
    const McPrompt again = build_mc_prompt(item, {}, options);
    CHECK(p.permutation == again.permutation);
    CHECK(p.messages[0].content == again.messages[0].content);
    const std::size_t gold_pos = p.letters.find(p.gold_letter);
    REQUIRE(gold_pos != std::string::npos);
    CHECK(p.permutation[gold_pos] == item.gold_index);
    CHECK(p.options[gold_pos] == "right mc1/" + std::to_string(i));
    CHECK(p.messages[0].content.find(std::string(1, p.gold_letter) + ". right ") != std::string::npos);
    gold_letters.insert(p.gold_letter);
  }
  CHECK(gold_letters.size() == 4);  // the right answer no longer always sits at A

  // Another seed gives another order; other tasks keep data order unless asked.
  const Item item = mc_item("mc1/7", "");
  PromptOptions other = options;
  other.seed = 99;
  bool differs = false;
  for (int i = 0; i < 10 && !differs; ++i) {
    const Item it = mc_item("mc1/" + std::to_string(i), "");
    differs = build_mc_prompt(it, {}, options).permutation != build_mc_prompt(it, {}, other).permutation;
  }
  CHECK(differs);
  PromptOptions arc;
  arc.task = "arc_challenge";
  CHECK(build_mc_prompt(item, {}, arc).gold_letter == 'A');
  arc.shuffle = Shuffle::all;
  CHECK(build_mc_prompt(item, {}, arc).permutation == option_permutation(arc.seed, "arc_challenge", "mc1/7", 4));
  options.shuffle = Shuffle::none;
  CHECK(build_mc_prompt(item, {}, options).gold_letter == 'A');
}

TEST_CASE("prompt: few-shot examples are prior turns answered with their gold letter", "[tasks][prompt]") {
  const Item item = mc_item("abstract_algebra/test/3");
  const std::vector<Item> pool = dev_pool(5);
  PromptOptions options;
  options.task = "mmlu";
  options.num_fewshot = 3;
  const McPrompt p = build_mc_prompt(item, pool, options);
  REQUIRE(p.messages.size() == 7);
  for (int i = 0; i < 3; ++i) {
    CHECK(p.messages[2 * i].role == "user");
    CHECK(p.messages[2 * i + 1].role == "assistant");
    CHECK(p.messages[2 * i + 1].content == "A");
    CHECK(p.messages[2 * i].content.find("abstract_algebra/dev/") != std::string::npos);
  }
  CHECK(p.messages.back().content.find("Question abstract_algebra/test/3?") != std::string::npos);
  // Deterministic, whatever the pool's order.
  std::vector<Item> reversed(pool.rbegin(), pool.rend());
  const McPrompt again = build_mc_prompt(item, reversed, options);
  for (std::size_t i = 0; i < p.messages.size(); ++i) CHECK(p.messages[i].content == again.messages[i].content);

  options.fewshot_style = FewshotStyle::inline_text;
  const McPrompt inl = build_mc_prompt(item, pool, options);
  REQUIRE(inl.messages.size() == 1);
  CHECK(inl.messages[0].content.rfind("The following are multiple choice questions (with answers) about abstract algebra.", 0) == 0);
  CHECK(inl.messages[0].content.find("\nAnswer: A\n") != std::string::npos);
}

TEST_CASE("prompt: few-shot never uses the item itself and errors when the pool is too small", "[tasks][prompt]") {
  const Item item = mc_item("abstract_algebra/test/0");
  PromptOptions options;
  options.task = "mmlu";
  options.num_fewshot = 5;
  // The pool must not be the evaluated split.
  std::vector<Item> pool = dev_pool(5);
  pool.push_back(item);
  CHECK_THROWS_WITH(build_mc_prompt(item, pool, options), Catch::Contains("contains the evaluated item itself"));
  // A pool example with the same question text is skipped, which leaves too few.
  pool = dev_pool(5);
  pool[2].question = item.question;
  CHECK_THROWS_AS(build_mc_prompt(item, pool, options), llmbench::Error);
  options.num_fewshot = 4;
  const McPrompt p = build_mc_prompt(item, pool, options);
  for (const auto& m : p.messages)
    if (m.role == "user" && &m != &p.messages.back()) CHECK(m.content.find(item.question) == std::string::npos);
  // MMLU examples come from the item's own subject.
  options.num_fewshot = 2;
  CHECK_THROWS_WITH(build_mc_prompt(item, dev_pool(5, "anatomy"), options),
                    Catch::Contains("--num-fewshot 2") && Catch::Contains("only 0"));
  CHECK_THROWS_AS(build_mc_prompt(item, {}, options), llmbench::Error);
}

TEST_CASE("prompt: only a per_subject task names the subject and keeps few-shot to it, whatever its name",
          "[tasks][prompt]") {
  const Item item = mc_item("abstract_algebra/test/0");
  PromptOptions options;
  options.task = "mmlu_custom";  // a custom task's name: its TaskSpec is not MMLU's
  options.num_fewshot = 2;
  const McPrompt p = build_mc_prompt(item, dev_pool(2, "anatomy"), options);
  REQUIRE(p.messages.size() == 5);
  for (const auto& m : p.messages) CHECK(m.content.find("The following") == std::string::npos);
  CHECK(p.messages[0].content.find("anatomy/dev/") != std::string::npos);
}

TEST_CASE("prompt: a malformed multiple-choice item is a clear error", "[tasks][prompt]") {
  Item item = mc_item("x/test/1");
  item.gold_index = 4;
  PromptOptions options;
  options.task = "mmlu";
  CHECK_THROWS_WITH(build_mc_prompt(item, {}, options), Catch::Contains("test.csv:1") && Catch::Contains("gold"));
  item.gold_index = 0;
  item.choices = {"only"};
  CHECK_THROWS_AS(build_mc_prompt(item, {}, options), llmbench::Error);
}

TEST_CASE("prompt: a GSM8K prompt asks for #### and few-shot uses worked solutions", "[tasks][prompt]") {
  Item item;
  item.id = "test/1";
  item.question = "Tom has 3 apples and buys 4 more. How many?";
  item.reference = "7";
  PromptOptions options;
  options.task = "gsm8k";
  const auto zero = build_gsm8k_prompt(item, {}, options);
  REQUIRE(zero.size() == 1);
  CHECK(zero[0].content == item.question + "\n\nSolve step by step and end with `#### <number>`.");

  std::vector<Item> train(3);
  for (int i = 0; i < 3; ++i) {
    train[i].id = "train/" + std::to_string(i);
    train[i].question = "Train question " + std::to_string(i);
    train[i].reference = std::to_string(i);
    if (i != 2) train[i].solution = "Worked " + std::to_string(i) + ".\n#### " + std::to_string(i);
  }
  options.num_fewshot = 3;
  options.system_prompt = "Be precise.";
  const auto few = build_gsm8k_prompt(item, train, options);
  REQUIRE(few.size() == 8);
  CHECK(few[0].role == "system");
  std::set<std::string> answers;
  for (int i = 0; i < 3; ++i) answers.insert(few[static_cast<std::size_t>(2 + 2 * i)].content);
  CHECK(answers == std::set<std::string>{"Worked 0.\n#### 0", "Worked 1.\n#### 1", "#### 2"});
  options.num_fewshot = 4;
  CHECK_THROWS_AS(build_gsm8k_prompt(item, train, options), llmbench::Error);
}
