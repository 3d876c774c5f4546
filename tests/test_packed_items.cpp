// Packed items (data/packed_items.hpp): the standard tier holds its selected items' text deflated
// in blocks and rebuilds an item when its prompt is built; what it rebuilds must be the item it
// was given, field for field (its source aside), whatever order the items are read in.
#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include "llmbench/data/packed_items.hpp"
#include "llmbench/data/tasks.hpp"

namespace data = llmbench::data;

namespace {

const std::string kDataDir = LLMBENCH_SOURCE_DIR "/benchmarks/data";

void check_same(const data::Item& back, const data::Item& item) {
  CHECK(back.id == item.id);
  CHECK(back.subject == item.subject);
  CHECK(back.question == item.question);
  CHECK(back.choices == item.choices);
  CHECK(back.gold_index == item.gold_index);
  CHECK(back.reference == item.reference);
  CHECK(back.solution == item.solution);
  CHECK(back.entry_point == item.entry_point);
  CHECK(back.source.empty());
  REQUIRE(back.bias.has_value() == item.bias.has_value());
  if (item.bias) {
    CHECK(back.bias->ambiguous == item.bias->ambiguous);
    CHECK(back.bias->biased_index == item.bias->biased_index);
    CHECK(back.bias->unknown_index == item.bias->unknown_index);
  }
}

bool same(const data::Item& back, const data::Item& item) {
  const auto bias = [](const data::Item& i) {
    return i.bias ? std::tuple(true, i.bias->ambiguous, i.bias->biased_index, i.bias->unknown_index)
                  : std::tuple(false, false, -1, -1);
  };
  return back.id == item.id && back.subject == item.subject && back.question == item.question &&
         back.choices == item.choices && back.gold_index == item.gold_index && back.reference == item.reference &&
         back.solution == item.solution && back.entry_point == item.entry_point && back.source.empty() &&
         bias(back) == bias(item);
}

}  // namespace

TEST_CASE("packed items give back every field of each item they were given, its source aside",
          "[data][packed_items]") {
  data::Item mc;
  mc.id = "abstract_algebra/test/17";
  mc.subject = "abstract_algebra";
  mc.question = "Find the degree of Q(sqrt(2)) over Q, a question longer than the small-string buffer.";
  mc.choices = {"0", "", "2 — two", "6"};
  mc.gold_index = 2;
  mc.source = "mmlu/test/abstract_algebra_test.csv:18";
  data::Item empty;  // every text empty, no choices
  data::Item bias;
  bias.id = "bbq/Age/3";
  bias.question = "Who was forgetful?";
  bias.choices = {"The grandfather", "The grandson", "Can't be determined"};
  bias.gold_index = 2;
  bias.bias = data::BiasFacts{true, 0, 2};
  data::Item code;
  code.id = "HumanEval/0";
  code.question = "def f(x):\n    \"\"\"Doc\"\"\"\n";
  code.solution = "    return x\n";
  code.entry_point = "f";
  code.reference = "def check(candidate):\n    assert candidate(1) == 1\n";

  data::PackedItems packed;
  CHECK(packed.empty());
  for (const data::Item* item : {&mc, &empty, &bias, &code}) packed.push_back(*item);
  packed.shrink_to_fit();
  REQUIRE(packed.size() == 4);
  check_same(packed.at(0), mc);
  check_same(packed.at(1), empty);
  check_same(packed.at(2), bias);
  check_same(packed.at(3), code);
  CHECK(packed.id(0) == "abstract_algebra/test/17");
  CHECK(packed.id(1).empty());
  CHECK_THROWS_AS(packed.at(4), std::out_of_range);
  CHECK_THROWS_AS(packed.id(4), std::out_of_range);
}

TEST_CASE("every item of every shipped standard task comes back from packing as it was loaded",
          "[data][packed_items]") {
  for (const data::TaskSpec& spec : data::standard_tasks()) {
    INFO(spec.name);
    const data::Dataset dataset = data::load_task(spec.name, kDataDir);
    data::PackedItems packed;
    for (const data::Item& item : dataset.items) packed.push_back(item);
    REQUIRE(packed.size() == dataset.items.size());
    for (std::size_t i = 0; i < dataset.items.size(); ++i) {
      INFO(dataset.items[i].id);
      CHECK(same(packed.at(i), dataset.items[i]));
      CHECK(packed.id(i) == dataset.items[i].id);
    }
  }
}

TEST_CASE("packed items hold MMLU's text in well under half its size and give back each item read in any order",
          "[data][packed_items]") {
  const data::Dataset dataset = data::load_task("mmlu", kDataDir);
  data::PackedItems packed;
  std::size_t text = 0;
  for (const data::Item& item : dataset.items) {
    packed.push_back(item);
    text += item.id.size() + item.subject.size() + item.question.size() + item.reference.size() +
            item.solution.size() + item.entry_point.size();
    for (const auto& choice : item.choices) text += choice.size();
  }
  packed.shrink_to_fit();
  INFO("text " << text << " bytes, packed " << packed.text_bytes());
  CHECK(packed.text_bytes() < text / 2);
  const std::size_t n = dataset.items.size();
  for (std::size_t k = 0; k < n; k += 7) {  // jumping between blocks: a stride through the items, backwards
    const std::size_t i = n - 1 - (k * 7919) % n;
    INFO(dataset.items[i].id);
    REQUIRE(same(packed.at(i), dataset.items[i]));
    REQUIRE(packed.id(i) == dataset.items[i].id);
  }
  CHECK(packed.text_bytes() < text / 2);  // one block inflated at a time
}

TEST_CASE("packed items read back items appended after they were shrunk", "[data][packed_items]") {
  std::vector<data::Item> items(3000);
  for (std::size_t i = 0; i < items.size(); ++i) {
    items[i].id = "item/" + std::to_string(i);
    items[i].question = "Question " + std::to_string(i) + ": which of these numbers is the largest, counted twice?";
    items[i].choices = {std::to_string(i), std::to_string(2 * i), std::to_string(3 * i), "none of them"};
    items[i].gold_index = 2;
  }
  data::PackedItems packed;
  for (std::size_t i = 0; i + 1 < items.size(); ++i) packed.push_back(items[i]);
  packed.shrink_to_fit();
  CHECK(packed.view(1500).choices[2] == "4500");
  CHECK(same(packed.at(items.size() - 2), items[items.size() - 2]));  // another block's item, read after
  packed.push_back(items.back());
  CHECK(same(packed.at(items.size() - 1), items.back()));
  CHECK(same(packed.at(0), items[0]));
}

TEST_CASE("packed items let their text go but keep their count", "[data][packed_items]") {
  data::Item item;
  item.id = "q/1";
  item.question = "Which is larger, one or two?";
  item.choices = {"one", "two"};
  item.gold_index = 1;
  data::PackedItems packed;
  packed.push_back(item);
  packed.push_back(item);
  packed.shrink_to_fit();
  packed.release_text();
  CHECK(packed.size() == 2);
  CHECK(packed.text_bytes() == 0);
  CHECK_THROWS_AS(packed.at(0), std::logic_error);
  CHECK_THROWS_AS(packed.id(1), std::logic_error);
  CHECK_THROWS_AS(packed.push_back(item), std::logic_error);
  CHECK_THROWS_AS(packed.at(2), std::out_of_range);
}

TEST_CASE("packed items keep the blocks within their plain limit as they are, deflate the rest, and give back "
          "every item either way",
          "[data][packed_items]") {
  const data::Dataset dataset = data::load_task("mmlu", kDataDir);
  std::size_t text = 0;
  for (const data::Item& item : dataset.items) {
    text += item.id.size() + item.subject.size() + item.question.size() + item.reference.size() +
            item.solution.size() + item.entry_point.size();
    for (const auto& choice : item.choices) text += choice.size();
  }
  const std::size_t limit = 1024 * 1024;
  REQUIRE(text > 4 * limit);
  data::PackedItems deflated, part_plain(limit), all_plain(text);
  for (const data::Item& item : dataset.items) {
    deflated.push_back(item);
    part_plain.push_back(item);
    all_plain.push_back(item);
  }
  for (data::PackedItems* packed : {&deflated, &part_plain, &all_plain}) packed->shrink_to_fit();
  CHECK(deflated.plain_text_bytes() == 0);
  CHECK(part_plain.plain_text_bytes() <= limit);
  CHECK(part_plain.plain_text_bytes() > limit - 128 * 1024);  // every block that ends within it
  CHECK(all_plain.plain_text_bytes() == text);
  // Plain blocks take their text's size, the rest less than half of theirs.
  CHECK(all_plain.text_bytes() <= text);
  CHECK(all_plain.text_bytes() + 16 > text);  // a last block of under 16 bytes is held in its string
  CHECK(part_plain.text_bytes() < part_plain.plain_text_bytes() + (text - part_plain.plain_text_bytes()) / 2);
  CHECK(part_plain.text_bytes() > deflated.text_bytes());
  const std::size_t n = dataset.items.size();
  for (std::size_t k = 0; k < n; k += 5) {  // back and forth between plain and deflated blocks
    const std::size_t i = (k * 7919) % n;
    INFO(dataset.items[i].id);
    REQUIRE(same(part_plain.at(i), dataset.items[i]));
    REQUIRE(same(all_plain.at(i), dataset.items[i]));
    REQUIRE(part_plain.id(i) == dataset.items[i].id);
  }
  part_plain.release_text();
  CHECK(part_plain.plain_text_bytes() == 0);
  CHECK(part_plain.text_bytes() == 0);
}
