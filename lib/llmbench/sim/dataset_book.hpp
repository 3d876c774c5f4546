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
// Keep::view: the book keeps views of the items' text, so the items must outlive it (packed
// items are inflated for good first: data::PackedItems::keep_plain).
void add_items(AnswerBook& book, const data::ItemSet& set, Keep keep = Keep::copy);

}  // namespace llmbench::sim
