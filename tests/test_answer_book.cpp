// The simulator's answer book: digests of its questions' text, found in prompts as the text would be.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "llmbench/sim/answer_book.hpp"
#include "llmbench/sim/responder.hpp"

using namespace llmbench::sim;

TEST_CASE("sim: an answer book keeps no view of the text it was built from, and answers the same once that text is gone",
          "[sim][answer_book]") {
  std::string question = "Which planet is largest?\nPick one.";
  std::vector<std::string> choices = {"Mars", "Jupiter", "Venus"};
  std::string number = " 1,234 ";
  std::string key = "task/1";
  const std::string prompt = "Answer with the letter.\n\nQuestion: Which planet is largest?\nPick one.\n"
                             "A. Venus\nB. Jupiter\nC. Mars\nAnswer:";
  const SimModel right{"sim-right", 1.0};
  AnswerBook book;
  book.add_choice(question, choices, 1, key);
  book.add_number("How many?", number, "task/2");
  const std::string before = compose_reply(book, right, 7, prompt).content;
  for (std::string* text : {&question, &number, &key, &choices[0], &choices[1], &choices[2]}) {
    std::fill(text->begin(), text->end(), '#');  // the caller's text, overwritten...
    text->shrink_to_fit();
  }
  choices.clear();  // ... and freed
  question = std::string();
  const BookEntry* choice = book.find(prompt);
  REQUIRE(choice != nullptr);
  CHECK(choice->key == "task/1");
  CHECK(choice->choices.size() == 3);
  const Reply reply = compose_reply(book, right, 7, prompt);
  CHECK(reply.content == before);
  REQUIRE(reply.answer.has_value());
  CHECK(reply.answer->gold == "B");  // the gold "Jupiter" is option B in this prompt
  CHECK(reply.answer->correct);
  const BookEntry* entry = book.find("Question: How many?");
  REQUIRE(entry != nullptr);
  CHECK(entry->reference == "1,234");
  CHECK(book.find("Question: Which planet is smallest?\nA. Mars") == nullptr);
}

TEST_CASE("sim: texts are found in a prompt by digest exactly where string find finds them", "[sim][answer_book]") {
  const std::string prompt = "abcabd\nthe cat sat\n\tcat\n";
  const DigestSearch search(prompt);
  for (std::string_view needle : {"abd", "cat", "abc", "ab", "\tcat\n", "the cat sat\n\tcat\n", "dog", "cab",
                                  "abcabd\nthe cat sat\n\tcat\n!", ""}) {
    INFO(needle);
    CHECK(search.find(digest(needle)) == std::string_view(prompt).find(needle));
  }
  CHECK(digest("cat") == digest(std::string("cat")));
  CHECK_FALSE(digest("cat") == digest("cau"));
  CHECK_FALSE(digest("cat") == digest("cat "));
}
