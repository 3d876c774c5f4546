// The simulator's answer book: digests of its questions' text, found in prompts as the text would be.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
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

TEST_CASE("sim: a digest search finds every text where string find does, from any place", "[sim][answer_book]") {
  // A text of few distinct bytes, so that runs repeat and share their first bytes.
  std::uint64_t state = 12345;
  auto next = [&state](std::uint64_t bound) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (state >> 33) % bound;
  };
  const std::string_view alphabet = "ab \n";
  std::string text;
  for (int i = 0; i < 400; ++i) text += alphabet[next(alphabet.size())];
  const DigestSearch search(text);
  for (int trial = 0; trial < 4000; ++trial) {
    std::string needle;
    if (trial % 2 == 0) {
      const std::size_t at = next(text.size());
      needle = text.substr(at, next(12));
    } else {
      for (std::size_t n = next(9); n > 0; --n) needle += alphabet[next(alphabet.size())];
    }
    const std::size_t from = next(text.size() + 2);
    INFO(trial << ": \"" << needle << "\" from " << from);
    CHECK(search.find(digest(needle), from) == std::string_view(text).find(needle, from));
  }
  for (std::size_t at = 0; at < text.size(); at += 7)
    CHECK(search.digest_at(at, std::min<std::size_t>(20, text.size() - at)) == digest(text.substr(at, 20)));
}

TEST_CASE("sim: among hundreds of questions sharing a first line, the one whose text and choices a prompt holds is found",
          "[sim][answer_book]") {
  // As MMLU's history questions all begin "This question refers to the following information."
  AnswerBook book;
  const std::string opening = "This question refers to the following information.";
  auto question = [&](int i) { return opening + "\nPassage number " + std::to_string(i) + " says so.\nWhy?"; };
  auto choices = [](int i) {
    // Neighbouring questions share some choices, so scores differ by a choice or two.
    return std::vector<std::string>{"The reason " + std::to_string(i / 2), "The reason " + std::to_string(i / 3),
                                    "Because of " + std::to_string(i), "None of " + std::to_string(i)};
  };
  for (int i = 0; i < 600; ++i) book.add_choice(question(i), choices(i), 2, "history/" + std::to_string(i));
  auto prompt = [&](const std::string& q, const std::vector<std::string>& options) {
    std::string p = "Answer with the letter.\n\nQuestion: " + q + "\n";
    for (std::size_t k = 0; k < options.size(); ++k) p += std::string(1, static_cast<char>('A' + k)) + ". " + options[k] + "\n";
    return p + "Answer:";
  };
  for (int i : {0, 1, 299, 598, 599}) {
    INFO(i);
    std::vector<std::string> options = choices(i);
    std::reverse(options.begin(), options.end());
    const BookEntry* entry = book.find(prompt(question(i), options));
    REQUIRE(entry != nullptr);
    CHECK(entry->key == "history/" + std::to_string(i));
    // Its passage reworded: no question is in the prompt, and its four choices tell it apart.
    entry = book.find(prompt(opening + "\nA passage reworded.\nWhy?", options));
    REQUIRE(entry != nullptr);
    CHECK(entry->key == "history/" + std::to_string(i));
  }
  CHECK(book.find(prompt("Another question entirely.", choices(7))) == nullptr);
}
