// Judge verdict parsers: tables of real-looking judge answers, including the ones that
// must NOT parse.

#include <catch2/catch.hpp>

#include <optional>
#include <string>

#include "llmbench/tasks/verdict.hpp"

using namespace llmbench::tasks;
using llmbench::metrics::Show;

namespace {

struct ScoreCase {
  std::string text;
  VerdictError error;
  double score;            // when error == none
  std::string rationale;   // when error == none
};

}  // namespace

TEST_CASE("verdict: judge scores are read from JSON, fences and labelled text", "[metrics][verdict]") {
  const ScoreCase cases[] = {
      {R"({"score": 4})", VerdictError::none, 4, ""},
      {R"({"rating": 3})", VerdictError::none, 3, ""},
      {R"({"Score": "4"})", VerdictError::none, 4, ""},
      {"```json\n{\"score\": 5, \"reasoning\": \"complete and correct\"}\n```", VerdictError::none, 5,
       "complete and correct"},
      {"The answer covers every point.\n```\n{\"score\": 4}\n```", VerdictError::none, 4,
       "The answer covers every point."},
      {"Draft {\"score\": 2} was too harsh. Final: {\"score\": 4}", VerdictError::none, 4,
       "Draft {\"score\": 2} was too harsh. Final:"},
      {"Score: 4", VerdictError::none, 4, ""},
      {"score = 4.5", VerdictError::none, 4.5, ""},
      {"Mostly right but vague. [[4]]", VerdictError::none, 4, "Mostly right but vague."},
      {"**Score:** 3\nMisses the second step.", VerdictError::none, 3, "Misses the second step."},
      {"Ответ верный.\nОценка: 4", VerdictError::none, 4, "Ответ верный."},
      {"ОЦЕНКА: 5", VerdictError::none, 5, ""},
      {"Rating: 4,5", VerdictError::none, 4.5, ""},
      {"Score (1-5): 2", VerdictError::none, 2, ""},
      {"Good.\nScore: 4\nFinal verdict: [[4]]", VerdictError::none, 4, "Good."},
      {"Score: **4**\nClear and complete.", VerdictError::none, 4, "Clear and complete."},
      {"Score: 3\nOn reflection...\nScore: 4", VerdictError::ambiguous, 0, ""},
      {"Score: 2 [[5]]", VerdictError::ambiguous, 0, ""},
      {"Score: 7", VerdictError::out_of_range, 0, ""},
      {R"({"score": 0})", VerdictError::out_of_range, 0, ""},
      {"I think this is a good answer.", VerdictError::no_verdict, 0, ""},
      {"", VerdictError::no_verdict, 0, ""},
      {"subscore: 2", VerdictError::no_verdict, 0, ""},
      {R"({"score": null})", VerdictError::no_verdict, 0, ""},
      {"The rating scale is 1 to 5.", VerdictError::no_verdict, 0, ""},
  };
  for (const auto& c : cases) {
    INFO("text: " << c.text);
    const ScoreVerdict v = parse_judge_score(c.text);
    CHECK(to_string(v.error) == to_string(c.error));
    if (c.error == VerdictError::none) {
      CHECK(v.score == Approx(c.score));
      CHECK(v.rationale == c.rationale);
    } else {
      CHECK_FALSE(v.detail.empty());
    }
  }
}

TEST_CASE("verdict: the score range is the caller's", "[metrics][verdict]") {
  CHECK(parse_judge_score(R"({"score": 0})", 0, 10).score == 0.0);
  CHECK(parse_judge_score(R"({"score": 0})", 0, 10).ok());
  CHECK(parse_judge_score("Score: 11", 0, 10).error == VerdictError::out_of_range);
  CHECK(parse_judge_score("Score: 8/10", 1, 10).score == 8.0);
}

TEST_CASE("verdict: the production judge's answer must start with yes or no", "[metrics][verdict]") {
  struct Case {
    std::string text;
    std::optional<Show> show;  // nullopt: not a verdict
    std::string reason;
  };
  const Case cases[] = {
      {"Yes", Show::yes, ""},
      {"no", Show::no, ""},
      {"No: the answer is off-topic", Show::no, "the answer is off-topic"},
      {"No - contains a wrong date", Show::no, "contains a wrong date"},
      {"**Yes**, it answers the question.", Show::yes, "it answers the question."},
      {"  \"Yes.\"", Show::yes, ""},
      {"\n# NO \xE2\x80\x94 hallucinated source", Show::no, "hallucinated source"},
      {"\xD0\x94\xD0\xB0", Show::yes, ""},                                              // Да
      {"\xD0\x9D\xD0\xB5\xD1\x82: \xD0\xBD\xD0\xB5\xD0\xB2\xD0\xB5\xD1\x80\xD0\xBD\xD0\xBE", Show::no,
       "\xD0\xBD\xD0\xB5\xD0\xB2\xD0\xB5\xD1\x80\xD0\xBD\xD0\xBE"},                   // Нет: неверно
      {"\xC2\xAB\xD0\x94\xD0\x90\xC2\xBB", Show::yes, ""},                      // «ДА»
      {"I cannot say yes or no", std::nullopt, ""},
      {"The answer is yes", std::nullopt, ""},
      {"Not sure", std::nullopt, ""},
      {"Yesterday's data is stale", std::nullopt, ""},
      {"", std::nullopt, ""},
      {"\xD0\x94\xD0\xB0\xD0\xBD\xD0\xBD\xD1\x8B\xD0\xB5 \xD0\xBD\xD0\xB5\xD0\xBF\xD0\xBE\xD0\xBB\xD0\xBD\xD1\x8B\xD0\xB5",
       std::nullopt, ""},  // "Данные неполные" starts with "Да" but is not "Да"
  };
  for (const auto& c : cases) {
    INFO("text: " << c.text);
    const ShowVerdict v = parse_show_verdict(c.text);
    CHECK(v.ok() == c.show.has_value());
    if (c.show) {
      CHECK(v.show == *c.show);
      CHECK(v.reason == c.reason);
    } else {
      CHECK(v.error == VerdictError::no_verdict);
    }
  }
}

TEST_CASE("verdict: pairwise labels, the last one in the text wins", "[metrics][verdict]") {
  struct Case {
    std::string text;
    std::optional<PairwiseVerdict> verdict;
  };
  const Case cases[] = {
      {"[[A]]", PairwiseVerdict::a_better},
      {"[[B]]", PairwiseVerdict::b_better},
      {"Both are equally good. [[C]]", PairwiseVerdict::tie},
      {"[[A>>B]]", PairwiseVerdict::a_much_better},
      {"[[A>B]]", PairwiseVerdict::a_better},
      {"[[A=B]]", PairwiseVerdict::tie},
      {"[[B>A]]", PairwiseVerdict::b_better},
      {"My final verdict is [[B>>A]].", PairwiseVerdict::b_much_better},
      {"[[ a > b ]]", PairwiseVerdict::a_better},
      {"Format: [[A>B]] or [[B>A]]. Verdict: [[B>>A]]", PairwiseVerdict::b_much_better},
      {"Assistant A is better.", std::nullopt},
      {"[[D]]", std::nullopt},
      {"", std::nullopt},
  };
  for (const auto& c : cases) {
    INFO("text: " << c.text);
    const PairwiseResult r = parse_pairwise_verdict(c.text);
    CHECK(r.ok() == c.verdict.has_value());
    if (c.verdict) CHECK(to_string(r.verdict) == to_string(*c.verdict));
  }
  CHECK(winner(PairwiseVerdict::a_much_better) == Winner::a);
  CHECK(winner(PairwiseVerdict::tie) == Winner::tie);
  CHECK(winner(PairwiseVerdict::b_better) == Winner::b);
}
