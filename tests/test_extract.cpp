#include <catch2/catch.hpp>

#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "llmbench/data/tasks.hpp"
#include "llmbench/tasks/extract.hpp"
#include "llmbench/tasks/score.hpp"

using llmbench::tasks::extract_choice;

namespace {

struct ChoiceCase {
  const char* answer;
  std::optional<char> expected;
};

const std::vector<std::string> kOptions{"Paris", "London", "Berlin", "Madrid"};

}  // namespace

TEST_CASE("extract: real-style multiple-choice answers give the intended letter or none", "[tasks][extract]") {
  const std::vector<ChoiceCase> cases{
      // Plain forms.
      {"B", 'B'},
      {"B\n", 'B'},
      {"(B)", 'B'},
      {"B.", 'B'},
      {"B)", 'B'},
      {"[C]", 'C'},
      {"b", 'B'},
      {"Answer: B", 'B'},
      {"answer: d", 'D'},
      {"The answer is B.", 'B'},
      {"The answer is (B).", 'B'},
      {"The correct answer is **C**.", 'C'},
      {"**B**", 'B'},
      {"**Answer:** D", 'D'},
      {"Answer: **A**", 'A'},
      {"Option B", 'B'},
      {"Option B is correct.", 'B'},
      {"B. London", 'B'},
      {"(A) Paris", 'A'},
      {"The final answer is $\\boxed{C}$", 'C'},
      {"I'd go with C.", 'C'},
      // Reasoning that mentions other letters or numbers before an explicit answer.
      {"A is wrong because Paris is in France. C is Berlin, 3 million people. So the answer is (B).", 'B'},
      {"I think A... Actually the answer is C", 'C'},
      {"Let me check whether the answer is A. Hmm, no: 2 + 2 = 4, so the answer is D.", 'D'},
      {"Options A and C can be ruled out.\nBetween B and D, D fits better.\n\nAnswer: D", 'D'},
      {"A is incorrect, D is incorrect, and C is correct.", 'C'},
      {"Step 1: compute 12 * 3 = 36.\nStep 2: compare with option B (36).\nAnswer: B", 'B'},
      {"Looking at each option:\nA. Paris - no\nB. London - yes\nC. Berlin - no\nD. Madrid - no\n\nThe answer is B.", 'B'},
      // Last line holds the letter alone.
      {"Paris is the capital of France, London of the UK.\n\nB", 'B'},
      {"Thinking about it carefully.\n**(C)**", 'C'},
      // Think blocks and reasoning are never the answer.
      {"<think>The answer is A. Definitely A.</think>\nB", 'B'},
      {"<think>Answer: A</think>The answer is C.", 'C'},
      {"<THINK>maybe D</THINK> Answer: B", 'B'},
      {"<think>I am still thinking, the answer is A", std::nullopt},
      {"the answer is A, hmm\n</think>\n\nAnswer: C", 'C'},
      // The letter first, then an explanation naming other letters.
      {"B\n\nExplanation: A is incorrect because it ignores friction.", 'B'},
      {"**Answer: C**\n\nA is wrong since Paris is in France.", 'C'},
      {"The answer is: **B) London**", 'B'},
      {"Answer: A, C", std::nullopt},
      // Russian and Cyrillic look-alike letters.
      {"Ответ: B", 'B'},
      {"Правильный ответ — B", 'B'},
      {"Ответ: В", 'B'},          // Cyrillic Ve
      {"Правильный ответ: С.", 'C'},  // Cyrillic Es
      {"А", 'A'},                  // Cyrillic A alone
      {"Ответ: вариант А", 'A'},
      {"В данном случае столица Франции — Париж. Ответ: A", 'A'},
      // Text that repeats an option's text.
      {"Paris", 'A'},
      {"Madrid.", 'D'},
      {"The answer is Berlin.", 'C'},
      // Unparseable: no guess.
      {"None of the above.", std::nullopt},
      {"A and B", std::nullopt},
      {"The answer is A or B.", std::nullopt},
      {"It could be A, or maybe C.", std::nullopt},
      {"I don't know.", std::nullopt},
      {"", std::nullopt},
      {"   \n  ", std::nullopt},
      {"Answer: E", std::nullopt},  // E is not offered
      {"The answer is not A.", std::nullopt},
      {"A triangle has three sides.", std::nullopt},  // an article, not an option
      {"Rome", std::nullopt},
      {"Ответ: Б", std::nullopt},  // Б is no look-alike of any offered letter
  };
  for (const auto& c : cases) {
    INFO("answer: " << c.answer);
    CHECK(extract_choice(c.answer, "", "ABCD", kOptions) == c.expected);
  }
  CHECK(cases.size() >= 40);
}

TEST_CASE("extract: the reasoning field is never read as the answer", "[tasks][extract]") {
  CHECK(extract_choice("B", "The answer is A.", "ABCD") == 'B');
  CHECK(extract_choice("", "The answer is A.", "ABCD") == std::nullopt);
  CHECK(extract_choice("I cannot decide.", "Answer: C", "ABCD") == std::nullopt);
}

TEST_CASE("extract: only letters offered by the prompt count", "[tasks][extract]") {
  CHECK(extract_choice("E", "", "ABCDE") == 'E');
  CHECK(extract_choice("E", "", "ABCD") == std::nullopt);
  CHECK(extract_choice("Answer: C", "", "AB") == std::nullopt);
  CHECK(extract_choice("Answer: B", "", "") == std::nullopt);
}

TEST_CASE("extract: a list of options echoed back is not an answer", "[tasks][extract]") {
  CHECK(extract_choice("A. Paris\nB. London", "", "ABCD") == std::nullopt);
  CHECK(extract_choice("B. London", "", "ABCD") == 'B');
}

TEST_CASE("extract: strip_think removes closed, unclosed and headless think blocks", "[tasks][extract]") {
  using llmbench::tasks::strip_think;
  CHECK(strip_think("<think>x</think>y") == "y");
  CHECK(strip_think("a<think>x</think>b<think>z</think>c") == "abc");
  CHECK(strip_think("<think>never closed") == "");
  CHECK(strip_think("reasoning without opening tag</think>answer") == "answer");
  CHECK(strip_think("<thinking>x</thinking>B") == "B");
  CHECK(strip_think("plain") == "plain");
}

// ---- GSM8K, as lm-evaluation-harness's gsm8k.yaml (3.x) scores it ----
//
// strict-match:     re.findall(r"#### (\-?[0-9\.\,]+)", text)[0]          else "[invalid]"
// flexible-extract: re.findall(r"(-?[$0-9.,]{2,})|(-?[0-9]+)", text)[-1] else "[invalid]"
// exact_match: re.sub each of [",", "\$", "(?s).*#### ", "\.$"] on both sides, lowercase, ==.
// nullopt below stands for "[invalid]" (unparsed).

namespace {

struct Gsm8kCase {
  const char* text;
  const char* reference;
  std::optional<std::string> strict;    // strict-match extraction
  bool strict_correct;
  std::optional<std::string> flexible;  // flexible-extract extraction
  bool flexible_correct;
};

const std::vector<Gsm8kCase>& gsm8k_cases() {
  static const std::vector<Gsm8kCase> cases{
      // Matches: strict "72"; flexible findall -> "48", "2" (a lone digit, alt 2), "24", "48",
      // "24", "72", "72": last "72". Both equal the reference.
      {"Natalia sold 48/2 = 24 clips in May.\nAltogether 48+24 = 72 clips.\n#### 72", "72", "72", true, "72",
       true},
      // strict "1,234" -> re.sub(",") -> "1234" == "1234"; flexible "1,234" alike.
      {"#### 1,234", "1234", "1,234", true, "1,234", true},
      // No "#### ": strict invalid. flexible: "$18." is one run of [$0-9.,] (4 chars) ->
      // drop "$" -> "18." -> drop final "." -> "18".
      {"The answer is $18.", "18", std::nullopt, false, "$18.", true},
      // strict group "18." (the class takes the dot) -> "18"; flexible the same.
      {"#### 18.", "18", "18.", true, "18.", true},
      // Negative: after "#### ", `\-?` takes "-", the class takes "3". flexible: at "-" the
      // run after it is "3" (1 char < 2), so alt 1 fails; alt 2 "-?[0-9]+" gives "-3".
      {"She is 3 dollars short.\n#### -3", "-3", "-3", true, "-3", true},
      // Last-number rule: flexible matches "18" then "3" (alt 2): last is "3", wrong.
      {"First 18 apples, then step 3", "18", std::nullopt, false, "3", false},
      // strict takes the FIRST "#### "; flexible the last number.
      {"#### 5\n#### 6", "6", "5", false, "6", true},
      // "..." is a run of 3 class characters, so it is flexible's last match: "..." ->
      // drop one final "." -> ".." != "42".
      {"It is 42. Hmm...", "42", std::nullopt, false, "...", false},
      // Trailing check after the answer: flexible's last match is "70".
      {"#### 72\nDouble check: 70 + 2 = 72, or was it 70", "72", "72", true, "70", false},
      // strict needs a digit, '.', ',' or '-' right after "#### "; "$" is none -> invalid.
      {"#### $1,000", "1,000", std::nullopt, false, "$1,000", true},
      // "####72" has no space: strict invalid; flexible "72".
      {"####72", "72", std::nullopt, false, "72", true},
      // Nothing numeric: both invalid ("-" alone matches neither alternative).
      {"#### -", "5", std::nullopt, false, std::nullopt, false},
      // A hyphen glued to a number is a sign to the regex: "20-12" -> "20", "-12".
      {"Answer is 20-12", "8", std::nullopt, false, "-12", false},
      // Decimals with groups: "1,234,567.89" -> "1234567.89".
      {"Total: 1,234,567.89 dollars", "1234567.89", std::nullopt, false, "1,234,567.89", true},
      // The full dataset answer as reference: "(?s).*#### " removes the worked solution.
      {"#### 72", "She sold <<48/2=24>>24 clips.\n#### 72", "72", true, "72", true},
  };
  return cases;
}

// The harness's regexes run through std::regex (ECMAScript has the same leftmost,
// first-alternative-wins backtracking semantics as Python's re for these patterns).
std::optional<std::string> regex_strict(const std::string& text) {
  static const std::regex re("#### (\\-?[0-9.,]+)");
  std::smatch m;
  if (!std::regex_search(text, m, re)) return std::nullopt;
  return m[1].str();
}

std::optional<std::string> regex_flexible(const std::string& text) {
  static const std::regex re("(-?[$0-9.,]{2,})|(-?[0-9]+)");
  std::optional<std::string> last;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), re); it != std::sregex_iterator(); ++it)
    last = (*it)[1].matched && (*it)[1].length() > 0 ? (*it)[1].str() : (*it)[2].str();
  return last;
}

}  // namespace

TEST_CASE("extract: GSM8K strict and flexible extraction reproduce lm-evaluation-harness", "[tasks][extract]") {
  using namespace llmbench::tasks;
  for (const auto& c : gsm8k_cases()) {
    INFO("text: " << c.text);
    CHECK(gsm8k_strict_extract(c.text) == c.strict);
    CHECK(gsm8k_flexible_extract(c.text) == c.flexible);
    // The hand-written scanners agree with the regexes themselves.
    CHECK(gsm8k_strict_extract(c.text) == regex_strict(c.text));
    CHECK(gsm8k_flexible_extract(c.text) == regex_flexible(c.text));
    CHECK((c.strict && gsm8k_exact_match(*c.strict, c.reference)) == c.strict_correct);
    CHECK((c.flexible && gsm8k_exact_match(*c.flexible, c.reference)) == c.flexible_correct);
  }
}

TEST_CASE("extract: GSM8K's TaskSpec declares strict and flexible as two filter pipelines that score the reference cases alike",
          "[tasks][extract]") {
  using namespace llmbench;
  const data::TaskSpec* gsm8k = data::find_task("gsm8k");
  REQUIRE(gsm8k != nullptr);
  REQUIRE(gsm8k->filters.size() == 2);
  const data::AnswerFilter& flexible = gsm8k->filters[0];
  const data::AnswerFilter& strict = gsm8k->filters[1];
  CHECK(flexible.name == "flexible_extract");
  CHECK(strict.name == "strict_match");
  CHECK(strict.record_key == "strict");
  for (const auto& c : gsm8k_cases()) {
    INFO("text: " << c.text);
    const tasks::Score s = tasks::score_filter(strict, c.text, c.reference);
    const tasks::Score f = tasks::score_filter(flexible, c.text, c.reference);
    CHECK(s.parsed == c.strict.has_value());
    CHECK(s.extracted == c.strict.value_or(""));
    CHECK(s.correct == c.strict_correct);
    CHECK(f.parsed == c.flexible.has_value());
    CHECK(f.extracted == c.flexible.value_or(""));
    CHECK(f.correct == c.flexible_correct);
  }
}

TEST_CASE("extract: GSM8K normalisation applies the harness's regexes_to_ignore in order", "[tasks][extract]") {
  using llmbench::tasks::gsm8k_normalize;
  CHECK(gsm8k_normalize("$1,234.") == "1234");
  CHECK(gsm8k_normalize("18..") == "18.");  // "\.$" removes one dot
  CHECK(gsm8k_normalize("5.\n") == "5\n");  // Python's $ also matches before a final newline
  CHECK(gsm8k_normalize("a #### b #### 7") == "7");  // greedy: through the last "#### "
  CHECK(gsm8k_normalize("ABC") == "abc");
}

TEST_CASE("extract: extract_number reads the answer number of a free-form reply", "[tasks][extract]") {
  using llmbench::tasks::extract_number;
  struct Case {
    const char* text;
    std::optional<double> value;
  };
  const std::vector<Case> cases{
      {"#### 42", 42},
      {"The answer is 42", 42},
      {"$1,234", 1234},
      {"-3.5", -3.5},
      {"I had 5 apples, ate 2, so 3 remain", 3},
      {"The answer is 42. Check: 40 + 2 = 42, with 7 left over.", 42},
      {"so the result is \\boxed{17} (not 18)", 17},
      {"\u22127 degrees", -7},
      {"x-5", 5},
      {"It costs 3.50.", 3.5},
      {"Ответ: 12 рублей, было 15", 12},
      {"<think>maybe 99</think>#### 7", 7},
      {"no numbers here", std::nullopt},
  };
  for (const auto& c : cases) {
    INFO("text: " << c.text);
    const auto n = extract_number(c.text);
    REQUIRE(n.has_value() == c.value.has_value());
    if (n) CHECK(n->value == Approx(*c.value));
  }
  CHECK(extract_number("Total: $1,234.")->text == "1,234");
}

TEST_CASE("extract: numbers_equal uses a 1e-9 relative tolerance", "[tasks][extract]") {
  using llmbench::tasks::numbers_equal;
  CHECK(numbers_equal(0.1 + 0.2, 0.3));
  CHECK(numbers_equal(1e12, 1e12 + 1));
  CHECK_FALSE(numbers_equal(1, 1.0001));
  CHECK(numbers_equal(0, 0));
  CHECK_FALSE(numbers_equal(0, 1e-12));
}
