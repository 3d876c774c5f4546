#include "llmbench/sim/answer_book.hpp"

#include <algorithm>
#include <cstdio>

#include "llmbench/error.hpp"
#include "llmbench/util/hash.hpp"

namespace llmbench::sim {

using util::fnv1a64;
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

std::string_view first_line(std::string_view text) {
  while (!text.empty()) {
    std::size_t eol = text.find('\n');
    std::string_view line = trim(text.substr(0, eol));
    if (!line.empty()) return line;
    if (eol == std::string_view::npos) break;
    text.remove_prefix(eol + 1);
  }
  return {};
}

// "Question: text" -> "text" when the label is short and holds no digits.
std::string_view strip_label(std::string_view line) {
  std::size_t colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon > 24) return {};
  for (char c : line.substr(0, colon))
    if ((c >= '0' && c <= '9') || c == '.' || c == '?') return {};
  return trim(line.substr(colon + 1));
}

}  // namespace

std::string_view AnswerBook::keep(std::string_view text) {
  constexpr std::size_t kBlock = std::size_t{1} << 20;
  if (text.empty()) return {};
  if (text.size() > block_left_) {
    // A text longer than a block gets a block of its own; the rest of the old block is let go.
    block_left_ = std::max(kBlock, text.size());
    blocks_.push_back(std::make_unique<char[]>(block_left_));
    block_end_ = blocks_.back().get() + block_left_;
  }
  char* at = block_end_ - block_left_;
  std::copy(text.begin(), text.end(), at);
  block_left_ -= text.size();
  return {at, text.size()};
}

void AnswerBook::add(BookEntry entry, Keep keep_text) {
  std::string_view line = first_line(entry.question);
  if (line.empty()) throw Error("sim answer book: a question is blank (key \"" + std::string(entry.key) + "\")");
  char hex[17];
  if (entry.key.empty()) {
    std::snprintf(hex, sizeof hex, "%016llx",
                  static_cast<unsigned long long>(fnv1a64(entry.question)));
    entry.key = hex;
  }
  entry.key = keep(entry.key);
  if (keep_text == Keep::copy) {
    entry.question = keep(entry.question);
    for (auto& choice : entry.choices) choice = keep(choice);
    entry.reference = keep(entry.reference);
  }
  by_first_line_.emplace(fnv1a64(line), entries_.size());
  entries_.push_back(std::move(entry));
}

void AnswerBook::add_choice(std::string_view question, const std::vector<std::string>& choices,
                            int gold_index, std::string_view key, Keep keep_text) {
  add_choice_views(question, std::vector<std::string_view>(choices.begin(), choices.end()), gold_index, key, keep_text);
}

void AnswerBook::add_choice_views(std::string_view question, std::vector<std::string_view> choices, int gold_index,
                                  std::string_view key, Keep keep_text) {
  if (gold_index < 0 || gold_index >= static_cast<int>(choices.size()))
    throw Error("sim answer book: question \"" + std::string(key) + "\" has gold index " +
                std::to_string(gold_index) + " but " + std::to_string(choices.size()) + " choices");
  BookEntry e;
  e.key = key;
  e.kind = AnswerKind::choice;
  e.question = question;
  e.choices = std::move(choices);
  e.gold_index = gold_index;
  add(std::move(e), keep_text);
}

void AnswerBook::add_number(std::string_view question, std::string_view number, std::string_view key,
                            Keep keep_text) {
  BookEntry e;
  e.key = key;
  e.kind = AnswerKind::number;
  e.question = question;
  e.reference = trim(number);
  add(std::move(e), keep_text);
}

void AnswerBook::add_text(std::string_view question, std::string_view reference, std::string_view key,
                          Keep keep_text) {
  BookEntry e;
  e.key = key;
  e.kind = AnswerKind::text;
  e.question = question;
  e.reference = reference;
  add(std::move(e), keep_text);
}

void AnswerBook::add_refusal(std::string_view question, std::string_view expected, std::string_view key,
                             Keep keep_text) {
  BookEntry e;
  e.key = key;
  e.kind = AnswerKind::refusal;
  e.question = question;
  e.reference = expected;
  add(std::move(e), keep_text);
}

const BookEntry* AnswerBook::find(std::string_view prompt) const {
  if (entries_.empty()) return nullptr;
  const BookEntry* best = nullptr;
  int best_score = -1;
  auto consider = [&](std::string_view line) {
    if (line.empty()) return;
    auto [lo, hi] = by_first_line_.equal_range(fnv1a64(line));
    for (auto it = lo; it != hi; ++it) {
      const BookEntry& e = entries_[it->second];
      if (first_line(e.question) != line) continue;  // hash collision
      int score = 0;
      if (prompt.find(trim(e.question)) != std::string_view::npos) score += 2;
      for (const auto& c : e.choices)
        if (!trim(c).empty() && prompt.find(trim(c)) != std::string_view::npos) ++score;
      if (score > best_score) {
        best_score = score;
        best = &e;
      }
    }
  };
  std::string_view rest = prompt;
  while (!rest.empty()) {
    std::size_t eol = rest.find('\n');
    std::string_view line = trim(rest.substr(0, eol));
    consider(line);
    consider(strip_label(line));
    if (eol == std::string_view::npos) break;
    rest.remove_prefix(eol + 1);
  }
  return best;
}

}  // namespace llmbench::sim
