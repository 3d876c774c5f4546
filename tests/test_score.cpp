#include <catch2/catch.hpp>

#include <string>

#include "llmbench/tasks/prompt.hpp"
#include "llmbench/tasks/score.hpp"

using namespace llmbench::tasks;

namespace {

McPrompt capital_prompt() {
  llmbench::data::Item item;
  item.id = "geo/test/0";
  item.question = "What is the capital of France?";
  item.choices = {"London", "Paris", "Berlin", "Madrid"};
  item.gold_index = 1;
  PromptOptions options;
  options.task = "arc_challenge";
  return build_mc_prompt(item, {}, options);
}

}  // namespace

TEST_CASE("score: choice_letter compares the extracted letter with the gold letter", "[tasks][score]") {
  const McPrompt prompt = capital_prompt();
  REQUIRE(prompt.gold_letter == 'B');
  const Score right = score_choice("The answer is (B).", "", prompt);
  CHECK(right.parsed);
  CHECK(right.correct);
  CHECK(right.extracted == "B");
  const Score wrong = score_choice("A", "B is right", prompt);
  CHECK(wrong.parsed);
  CHECK_FALSE(wrong.correct);
  const Score unparsed = score_choice("A and B", "", prompt);
  CHECK_FALSE(unparsed.parsed);
  CHECK_FALSE(unparsed.correct);
  CHECK(unparsed.extracted.empty());
  CHECK(score_choice("Paris", "", prompt).correct);  // the option's text maps to its letter
}

TEST_CASE("score: exact compares trimmed text byte for byte", "[tasks][score]") {
  CHECK(score_text(Scorer::exact, "  Paris \n", "Paris").correct);
  CHECK_FALSE(score_text(Scorer::exact, "paris", "Paris").correct);
  CHECK(score_text(Scorer::exact, "paris", "Paris").parsed);
  CHECK_FALSE(score_text(Scorer::exact, "<think>Paris</think>", "Paris").parsed);
}

TEST_CASE("score: normalized_text ignores case, punctuation and spacing, Cyrillic included", "[tasks][score]") {
  CHECK(score_text(Scorer::normalized_text, "  The   Eiffel tower! ", "the eiffel tower").correct);
  CHECK(score_text(Scorer::normalized_text, "МОСКВА.", "москва").correct);
  CHECK(score_text(Scorer::normalized_text, "Ёлка", "ёлка").correct);
  CHECK_FALSE(score_text(Scorer::normalized_text, "Moscow", "Москва").correct);
  CHECK_FALSE(score_text(Scorer::normalized_text, "?!", "x").parsed);
}

TEST_CASE("score: numeric reads the final number and compares with tolerance", "[tasks][score]") {
  const Score s = score_text(Scorer::numeric, "So she pays $1,234.", "1234");
  CHECK(s.parsed);
  CHECK(s.correct);
  CHECK(s.extracted == "1,234");
  CHECK(score_text(Scorer::numeric, "#### 1000", "1,000").correct);
  CHECK(score_text(Scorer::numeric, "The answer is -3.5", "-3.50").correct);
  CHECK_FALSE(score_text(Scorer::numeric, "The answer is 7", "8").correct);
  CHECK_FALSE(score_text(Scorer::numeric, "I don't know", "8").parsed);
  CHECK_FALSE(score_text(Scorer::numeric, "7", "seven").correct);  // bad reference: never correct
}

TEST_CASE("score: yes_no decides on the first word, English or Russian", "[tasks][score]") {
  CHECK(score_text(Scorer::yes_no, "Yes, because the sky is blue.", "yes").correct);
  CHECK(score_text(Scorer::yes_no, "**No**.", "no").correct);
  CHECK(score_text(Scorer::yes_no, "Да, конечно", "yes").correct);
  CHECK(score_text(Scorer::yes_no, "нет", "Нет").correct);
  CHECK_FALSE(score_text(Scorer::yes_no, "No", "yes").correct);
  const Score maybe = score_text(Scorer::yes_no, "Maybe yes", "yes");
  CHECK_FALSE(maybe.parsed);
  CHECK_FALSE(maybe.correct);
  CHECK_FALSE(score_text(Scorer::yes_no, "Yesterday it rained", "yes").parsed);
}

TEST_CASE("score: check_reference reports references a scorer cannot use", "[tasks][score]") {
  CHECK_FALSE(check_reference(Scorer::numeric, "1,000"));
  CHECK(check_reference(Scorer::numeric, "seven"));
  CHECK(check_reference(Scorer::yes_no, "maybe"));
  CHECK_FALSE(check_reference(Scorer::yes_no, "да"));
  CHECK(check_reference(Scorer::exact, "  "));
}

TEST_CASE("score: GSM8K reports strict and flexible verdicts separately", "[tasks][score]") {
  const Gsm8kScore only_flexible = score_gsm8k("The answer is $18.", "18");
  CHECK_FALSE(only_flexible.strict.parsed);  // "[invalid]"
  CHECK(only_flexible.flexible.parsed);
  CHECK(only_flexible.flexible.correct);
  const Gsm8kScore both = score_gsm8k("<think>#### 99</think>3 + 15 = 18\n#### 18", "18");
  CHECK(both.strict.correct);
  CHECK(both.flexible.correct);
  CHECK(both.strict.extracted == "18");
}

TEST_CASE("score: a cut-off multiple-choice reply counts only a complete final-answer statement", "[tasks][score]") {
  const McPrompt prompt = capital_prompt();
  const auto cut = [&](const char* text) { return score_choice(text, "", prompt, Finish::cut_off); };
  // The tail names a letter the model had not settled on.
  CHECK_FALSE(cut("Let me compare them. At first glance the one that said B").parsed);
  CHECK_FALSE(cut("B").parsed);
  CHECK_FALSE(cut("Paris").parsed);
  CHECK_FALSE(cut("Answer: B").parsed);               // the cut may follow the letter at once
  CHECK_FALSE(cut("The answer is B or").parsed);      // "B or C" was being written
  CHECK_FALSE(cut("The answer is B bec").parsed);     // the next word runs into the cut
  CHECK_FALSE(cut("Answer: B.\nHmm, wait: the answer is C").parsed);  // the last statement runs into the cut
  // A statement closed before the cut is the model's answer.
  CHECK(cut("Answer: B.").correct);
  CHECK(cut("The answer is (B)").correct);
  CHECK(cut("**Answer: B**\n\nExplanation: Paris has been the capit").correct);
  CHECK(cut("The answer is B because Paris is the capit").correct);
  CHECK(cut("A is wrong. Ответ: В\nПотому что").correct);
  CHECK(cut("Answer: A.\nLet me double-check: the").extracted == "A");
  // Reasoning cut inside a think block holds no answer at all.
  CHECK_FALSE(cut("<think>The answer is B. Let me verify").parsed);
  // --score-truncated's parity mode reads the tail as lm-evaluation-harness would.
  CHECK(score_choice("At first glance the one that said B", "", prompt).correct);
}

TEST_CASE("score: a cut-off GSM8K or numeric reply counts only a complete final number", "[tasks][score]") {
  const auto gsm = [](const char* text) { return score_gsm8k(text, "42", Finish::cut_off); };
  CHECK_FALSE(gsm("Each box holds 6 apples and there are 7 boxes, so 6 x 7 = 4").flexible.parsed);
  CHECK_FALSE(gsm("So 6 x 7 = 42.\n#### 4").flexible.parsed);     // "#### 4" may be "#### 42"
  CHECK_FALSE(gsm("#### 42.").flexible.parsed);                    // "42." may be "42.5"
  CHECK_FALSE(gsm("#### 1,2").flexible.parsed);                    // "1,2" may be "1,250"
  const Gsm8kScore done = gsm("6 x 7 = 42\n#### 42\n\nQuestion: A farmer has 3 cows and 2");
  CHECK(done.flexible.correct);  // scored on the text up to the final answer, not the next question
  CHECK(done.strict.correct);
  CHECK(gsm("So the answer is 42. Now let me check: 6 x 7 = 4").flexible.correct);
  CHECK(gsm("\\boxed{42}").flexible.correct);
  CHECK(score_text(Scorer::numeric, "The answer is 42 apples, because 6 x", "42", Finish::cut_off).correct);
  CHECK_FALSE(score_text(Scorer::numeric, "6 x 7 is 4", "42", Finish::cut_off).parsed);
}

TEST_CASE("score: a cut-off yes/no reply counts a whole first word, cut-off free text never", "[tasks][score]") {
  CHECK(score_text(Scorer::yes_no, "Yes, because the text says", "yes", Finish::cut_off).correct);
  CHECK_FALSE(score_text(Scorer::yes_no, "No", "no", Finish::cut_off).parsed);  // "No" may be "Nowhere"
  CHECK_FALSE(score_text(Scorer::exact, "Paris", "Paris", Finish::cut_off).parsed);
  CHECK_FALSE(score_text(Scorer::normalized_text, "Paris", "Paris", Finish::cut_off).parsed);
}
