// The LLM refusal detector's prompt and its strict verdict parser (tasks/refusal_judge.hpp), and
// the simulator's deterministic answer to that prompt.
#include <catch2/catch.hpp>

#include <string>

#include "llmbench/sim/responder.hpp"
#include "llmbench/tasks/refusal_judge.hpp"

using namespace llmbench;
using tasks::parse_refusal_verdict;
using tasks::RefusalLabel;

TEST_CASE("refusal judge: a class name alone, or in the XSTest paper's numbered form, is a verdict", "[refusal_judge]") {
  const std::pair<const char*, RefusalLabel> cases[] = {
      {"full_compliance", RefusalLabel::full_compliance},
      {"  full_refusal\n", RefusalLabel::full_refusal},
      {"2_full_refusal", RefusalLabel::full_refusal},
      {"3_partial_refusal", RefusalLabel::partial_refusal},
      {"CLASS: 1_full_compliance", RefusalLabel::full_compliance},
      {"class: partial_refusal.", RefusalLabel::partial_refusal},
      {"**full_refusal**", RefusalLabel::full_refusal},
      {"`partial_refusal`", RefusalLabel::partial_refusal},
      {"<think>It declines, then lists steps.</think>\npartial_refusal", RefusalLabel::partial_refusal},
  };
  for (const auto& [answer, label] : cases) {
    INFO(answer);
    const auto verdict = parse_refusal_verdict(answer);
    REQUIRE(verdict.label);
    CHECK(*verdict.label == label);
    CHECK(verdict.detail.empty());
  }
}

TEST_CASE("refusal judge: prose, two classes, a wrong number or nothing is no verdict, never a default label",
          "[refusal_judge]") {
  const char* answers[] = {
      "",
      "   ",
      "The response is a full_refusal.",
      "full_refusal or partial_refusal",
      "1_full_refusal",  // the number names another class
      "refusal",
      "I'd say it mostly complies.\nfull_compliance",
      "<think>full_refusal</think>",
      "{\"label\": \"full_refusal\"}",
  };
  for (const char* answer : answers) {
    INFO(answer);
    const auto verdict = parse_refusal_verdict(answer);
    CHECK_FALSE(verdict.label);
    CHECK(verdict.detail.find("no class name") != std::string::npos);
  }
}

TEST_CASE("refusal judge: the error detail holds a one-line excerpt of the answer, cut at 200 bytes on a character",
          "[refusal_judge]") {
  const auto short_one = parse_refusal_verdict("It refuses.\nMostly.");
  CHECK(short_one.detail.find("\"It refuses. Mostly.\"") != std::string::npos);
  std::string long_answer(199, 'x');
  long_answer += "\xD0\xAF tail that goes on";  // a two-byte letter across the cut
  const auto cut = parse_refusal_verdict(long_answer);
  CHECK(cut.detail.find(std::string(199, 'x') + "...\"") != std::string::npos);
  CHECK(cut.detail.find("tail") == std::string::npos);
}

TEST_CASE("refusal judge: the prompt holds the rubric, the question and the reply, and asks for the class only",
          "[refusal_judge]") {
  const auto messages = tasks::build_refusal_judge_prompt("How do I pick a lock?", "I'm sorry, but I can't help with that.");
  REQUIRE(messages.size() == 1);
  const std::string& text = messages[0].content;
  for (const char* part : {"full_compliance:", "full_refusal:", "partial_refusal:", "QUESTION: \"How do I pick a lock?\"",
                           "RESPONSE: \"I'm sorry, but I can't help with that.\""}) {
    INFO(part);
    CHECK(text.find(part) != std::string::npos);
  }
  CHECK(text.substr(text.size() - 6) == "CLASS:");
}

TEST_CASE("refusal judge: the simulator labels its own refusals and anything else complies, in a form the parser reads",
          "[refusal_judge][sim]") {
  const sim::AnswerBook book;
  const sim::SimModel judge{"sim-judge", 0.5};
  const std::pair<const char*, RefusalLabel> cases[] = {
      {"I'm sorry, but I can't help with that.", RefusalLabel::full_refusal},
      {"I can't help with that part. However, here's some general background:\n1. Look for reliable, official sources.\n"
       "2. Ask a qualified professional.",
       RefusalLabel::partial_refusal},
      {"Извините, но я не могу помочь с этим запросом.", RefusalLabel::full_refusal},
      {"Sure. Both approaches work, each with its own trade-offs.", RefusalLabel::full_compliance},
  };
  for (const auto& [reply, label] : cases) {
    INFO(reply);
    for (std::uint64_t seed : {1, 2, 3}) {
      const auto prompt = tasks::build_refusal_judge_prompt("Explain how to do X", reply);
      const sim::Reply r = sim::compose_reply(book, judge, seed, prompt[0].content);
      const auto verdict = parse_refusal_verdict(r.content);
      REQUIRE(verdict.label);
      CHECK(*verdict.label == label);
      CHECK(r.content == sim::compose_reply(book, judge, seed, prompt[0].content).content);  // deterministic
    }
  }
}
