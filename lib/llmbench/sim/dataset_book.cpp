#include "llmbench/sim/dataset_book.hpp"

#include <type_traits>

#include <spdlog/spdlog.h>

#include "llmbench/data/code_tasks.hpp"
#include "llmbench/error.hpp"

namespace llmbench::sim {

namespace {

// `item`: a data::Item, or a data::PackedItemView of a code task's item (whose right answer is
// a new text, built from a data::Item).
template <typename ItemText>
void add_item(AnswerBook& book, const data::ItemSet& set, const ItemText& item) {
  std::string key = set.task + "/" + std::string(item.id);
  switch (set.scorer) {
    case data::Scorer::choice_letter:
      if constexpr (std::is_same_v<ItemText, data::Item>) {
        book.add_choice(item.question, item.choices, item.gold_index, key);
      } else {
        book.add_choice_views(item.question, item.choices, item.gold_index, key);
      }
      break;
    case data::Scorer::numeric:
      book.add_number(item.question, item.reference, key);
      break;
    case data::Scorer::code:  // a right answer is the canonical solution, fenced (a new text: copied)
      if constexpr (std::is_same_v<ItemText, data::Item>) {  // add_items passes a code task's items as Items
        if (!item.solution.empty()) book.add_text(item.question, data::fenced_solution(item), key);
      }
      break;
    case data::Scorer::judge:
      if (!item.reference.empty()) book.add_text(item.question, item.reference, key);
      break;
    case data::Scorer::refusal:
      book.add_refusal(item.question, item.reference, key);
      break;
    default:
      if (item.reference.empty()) break;
      book.add_text(item.question, item.reference, key);
      break;
  }
}

}  // namespace

void add_items(AnswerBook& book, const data::ItemSet& set) {
  if (set.items != nullptr) {
    for (const data::Item& item : *set.items) add_item(book, set, item);
  }
  if (set.packed == nullptr) return;
  for (std::size_t i = 0; i < set.packed->size(); ++i) {  // a view lives until the next item's
    if (set.scorer == data::Scorer::code) add_item(book, set, set.packed->at(i));
    else add_item(book, set, set.packed->view(i));
  }
}

std::shared_ptr<AnswerBook> load_default_answer_book() {
  auto book = std::make_shared<AnswerBook>();
  std::string dir;
  try {
    dir = data::resolve_data_dir("");
  } catch (const Error& e) {
    spdlog::warn("simulator: no shipped datasets found ({}); it will answer generically", e.what());
    return book;
  }
  for (const data::TaskSpec& task : data::standard_tasks()) {
    try {
      data::Dataset dataset = data::load_task(task.name, dir);
      add_items(*book, {dataset.task, dataset.scorer, &dataset.items});
      add_items(*book, {dataset.task, dataset.scorer, &dataset.fewshot_pool});
    } catch (const Error& e) {
      spdlog::warn("simulator: task {} not loaded into the answer book: {}", task.name, e.what());
    }
  }
  return book;
}

}  // namespace llmbench::sim
