#pragma once
// Filling an AnswerBook from loaded datasets, so the simulator knows the gold answers of the
// questions a sweep asks. Entries are keyed "<task>/<item id>", the key the simulator reports
// back in its SimAnswer records.

#include <vector>

#include "llmbench/data/item.hpp"
#include "llmbench/data/tasks.hpp"
#include "llmbench/sim/answer_book.hpp"

namespace llmbench::sim {

// Adds the items of `set`, with its scorer deciding the entry kind: choice_letter -> choice,
// numeric -> number, refusal -> refusal, code -> text whose reference is the canonical solution
// in a ```python block, anything else -> text (an item without a reference is left out).
// The book keeps no view of the items' text: they may go once added.
void add_items(AnswerBook& book, const data::ItemSet& set);

}  // namespace llmbench::sim
