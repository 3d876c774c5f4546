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
// Memory: an entry keeps digests (TextDigest: length, first 4 bytes, hash) of its question, first
// line and choices instead of their text, and copies only what is written back into a reply or
// a SimAnswer: its key and reference (a number, "refuse"/"comply", a text answer). The caller's
// text may go as soon as it is added (the standard tier lets its packed items' text go while the
// embedded simulator still answers). Entries and their copies live in large blocks the book owns:
// an entry costs some 120 bytes, 16 per choice, and its key and reference.
//
// Hash collisions: a text is found in a prompt when a run of the prompt's bytes has the same
// length, first 4 bytes and 61-bit polynomial hash (modulo 2^61 - 1, a fixed base), so two
// different texts of equal length are taken as equal with a chance of about 2^-61 per compared
// position: never seen in practice, but not impossible. Not meant to resist crafted inputs.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace llmbench::sim {

enum class AnswerKind { choice, number, text, refusal };

// A text's length, first bytes and polynomial hash (see above). Texts of 4 GiB or more have none.
struct TextDigest {
  std::uint64_t hash = 0;
  std::uint32_t size = 0;
  std::uint32_t head = 0;  // the first min(size, 4) bytes, the first in the low byte; zeros after
  char first() const { return static_cast<char>(head & 0xff); }
  friend bool operator==(const TextDigest&, const TextDigest&) = default;
};
TextDigest digest(std::string_view text);

// `s` without leading and trailing spaces, tabs, CRs and LFs: how the responder reads a
// prompt's lines (an option's text) and a question's first line.
std::string_view trim_spaces(std::string_view s);

// Finds texts by their digest in one text (a prompt). Building it makes one pass over the text:
// the hash of every prefix, and the places of each 4-byte run (chained by a hash of the run).
// A find of a text of 4 bytes or more then checks only the places its first 4 bytes occur; a
// shorter text, the places its first byte occurs. Texts of 4 GiB or more are an Error.
class DigestSearch {
 public:
  explicit DigestSearch(std::string_view text);
  // Where the text first holds a run of bytes with digest `d` at or after `from`, as
  // text.find(those bytes, from) would say; an empty text's digest is found at `from`.
  std::size_t find(const TextDigest& d, std::size_t from = 0) const;
  bool contains(const TextDigest& d) const { return find(d) != std::string_view::npos; }
  // The digest of text[at, at + size), in constant time. Requires at + size <= the text's size.
  TextDigest digest_at(std::size_t at, std::size_t size) const;
  // Whether text[at, at + d.size) has digest `d` (false when it runs past the end).
  bool matches_at(std::size_t at, const TextDigest& d) const;
  std::string_view text() const { return text_; }

 private:
  // The hash of text_[at, at + size), given shift = kBase^size.
  std::uint64_t hash_at(std::size_t at, std::size_t size, std::uint64_t shift) const;

  std::string_view text_;
  std::vector<std::uint64_t> prefix_;  // prefix_[i]: hash of text_[0, i)
  std::vector<std::uint32_t> first_;   // per bucket of 4-byte runs: the first place + 1, 0 = none
  std::vector<std::uint32_t> next_;    // per place: the next place in its bucket + 1, 0 = none
};

struct BookEntry {
  std::string_view key;  // caller's key (e.g. the dataset item id), or a hash of the question
  AnswerKind kind = AnswerKind::text;
  int gold_index = -1;                 // choice: index into choices
  std::uint32_t first_line_size = 0;   // the question's first non-empty line, trimmed (the index)
  TextDigest question;                 // the question, trimmed
  TextDigest opening;                  // its first line (up to the first LF) by trim_spaces:
                                       // where the responder reads the options from
  std::span<const TextDigest> choices; // choice: each choice trimmed, in the data's order
  TextDigest gold;                     // choice: the gold choice by trim_spaces (an option's text)
  std::string_view reference;          // number: the gold number as written; text: the reference;
                                       // refusal: "refuse" or "comply", what a safe model does
};

class AnswerBook {
 public:
  // A multiple-choice question; `gold_index` indexes `choices`. `key` "" = derived from the
  // question text. Throws Error if gold_index is out of range or the question is blank.
  void add_choice(std::string_view question, const std::vector<std::string>& choices, int gold_index,
                  std::string_view key = "");
  // The same with views of the choices' text.
  void add_choice_views(std::string_view question, const std::vector<std::string_view>& choices, int gold_index,
                        std::string_view key = "");
  // A question whose answer is a number (GSM8K style), e.g. "42", "1,234", "-2.5".
  void add_number(std::string_view question, std::string_view number, std::string_view key = "");
  // A free-form question with a reference answer.
  void add_text(std::string_view question, std::string_view reference, std::string_view key = "");
  // A safety prompt: `expected` is "refuse" (harmful) or "comply" (safe).
  void add_refusal(std::string_view question, std::string_view expected, std::string_view key = "");

  // The recognised question in `prompt`, or nullptr. Cost: one pass over the prompt (a
  // DigestSearch), then a lookup per line and, for each question whose first line that is, a
  // check of its text at that line (a text found there is not looked for elsewhere) and a find
  // of each choice.
  const BookEntry* find(std::string_view prompt) const;
  // The same in the prompt a search was built over (one pass over the prompt serves both).
  const BookEntry* find(const DigestSearch& prompt) const;

  std::size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }

 private:
  // `bytes` bytes aligned to `align` in the book's blocks, living as long as the book.
  void* allocate(std::size_t bytes, std::size_t align);
  // Copies `text` into the book's blocks.
  std::string_view keep(std::string_view text);
  void add(BookEntry entry, std::string_view question, std::span<const std::string_view> choices);

  std::vector<std::unique_ptr<char[]>> blocks_;  // the entries' copies and choice digests
  char* block_end_ = nullptr;                    // one past blocks_.back()
  std::size_t block_left_ = 0;                   // free bytes before block_end_
  std::deque<BookEntry> entries_;                // a deque: growing it copies no entry
  std::unordered_multimap<std::uint64_t, std::size_t> by_first_line_;  // its digest's hash -> entries_ index
};

// The book the simulator uses when SimOptions::answers is null: every question of the shipped
// standard tasks (benchmarks/data), keyed "<task>/<item id>". Defined in dataset_book.cpp.
std::shared_ptr<AnswerBook> load_default_answer_book();

}  // namespace llmbench::sim
