#pragma once
// The questions the simulator recognises, with their gold answers. A simulated model that
// finds one of these questions in a prompt answers it right with its configured accuracy;
// anything else gets a generic (but plausible) reply.
//
// Recognition: a question is indexed by its first non-empty line, trimmed. A prompt is
// scanned line by line (each line trimmed, and also with a short leading label such as
// "Question:" or "Вопрос:" removed), so the prompt builder may add instructions, few-shot
// examples and shuffled options around the question as long as the question's first line
// stands on a line of its own. Several questions sharing a first line are told apart by
// how much of their full text and choices appear in the prompt.
//
// Thread-safety: build the book first, then share it as `const`: lookups are read-only.
//
// Memory: an entry's text (key, question, choices, reference) is copied into large blocks the
// book owns, so an entry costs its bytes plus some 100 bytes, not an allocation per string
// (tens of thousands of questions were some 45 MB of small strings, now about half of that).
// A BookEntry's views stay valid as long as the book. A caller whose text outlives the book
// (the items a run loaded, see run/session.hpp) adds it with Keep::view: then only the key is
// copied, and the entry costs its some 100 bytes.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace llmbench::sim {

enum class AnswerKind { choice, number, text, refusal };

// How an add keeps the question, choices and reference: copied into the book, or as views of
// the caller's text, which must then outlive the book (the key is always copied).
enum class Keep { copy, view };

struct BookEntry {
  std::string_view key;  // caller's key (e.g. the dataset item id), or a hash of the question
  AnswerKind kind = AnswerKind::text;
  std::string_view question;
  std::vector<std::string_view> choices;  // choice: in the data's order
  int gold_index = -1;                    // choice: index into choices
  std::string_view reference;             // number: the gold number as written; text: the reference;
                                          // refusal: "refuse" or "comply", what a safe model does
};

class AnswerBook {
 public:
  // A multiple-choice question; `gold_index` indexes `choices`. `key` "" = derived from the
  // question text. Throws Error if gold_index is out of range or the question is blank.
  void add_choice(std::string_view question, const std::vector<std::string>& choices, int gold_index,
                  std::string_view key = "", Keep keep = Keep::copy);
  // The same with views of the choices' text.
  void add_choice_views(std::string_view question, std::vector<std::string_view> choices, int gold_index,
                        std::string_view key = "", Keep keep = Keep::copy);
  // A question whose answer is a number (GSM8K style), e.g. "42", "1,234", "-2.5".
  void add_number(std::string_view question, std::string_view number, std::string_view key = "",
                  Keep keep = Keep::copy);
  // A free-form question with a reference answer.
  void add_text(std::string_view question, std::string_view reference, std::string_view key = "",
                Keep keep = Keep::copy);
  // A safety prompt: `expected` is "refuse" (harmful) or "comply" (safe).
  void add_refusal(std::string_view question, std::string_view expected, std::string_view key = "",
                   Keep keep = Keep::copy);

  // The recognised question in `prompt`, or nullptr. Cost: one hash lookup per prompt line.
  const BookEntry* find(std::string_view prompt) const;

  std::size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }

 private:
  // Copies `text` into the book's blocks; the view lives as long as the book.
  std::string_view keep(std::string_view text);
  void add(BookEntry entry, Keep keep);

  std::vector<std::unique_ptr<char[]>> blocks_;  // the entries' text
  char* block_end_ = nullptr;                    // one past blocks_.back()
  std::size_t block_left_ = 0;                   // free bytes before block_end_
  std::deque<BookEntry> entries_;                // a deque: growing it copies no entry
  std::unordered_multimap<std::uint64_t, std::size_t> by_first_line_;  // hash -> entries_ index
};

// The book the simulator uses when SimOptions::answers is null: every question of the shipped
// standard tasks (benchmarks/data), keyed "<task>/<item id>". Defined in dataset_book.cpp.
std::shared_ptr<AnswerBook> load_default_answer_book();

}  // namespace llmbench::sim
