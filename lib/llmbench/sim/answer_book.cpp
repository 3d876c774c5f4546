#include "llmbench/sim/answer_book.hpp"

#include <algorithm>
#include <bit>
#include <cstdio>
#include <limits>
#include <memory>

#include "llmbench/error.hpp"
#include "llmbench/util/hash.hpp"

namespace llmbench::sim {

namespace {

// The polynomial hash: h = h * kBase + (byte + 1), modulo the Mersenne prime 2^61 - 1.
constexpr std::uint64_t kModulus = (std::uint64_t{1} << 61) - 1;
constexpr std::uint64_t kBase = 0x1b873593a5c2d9e7ULL % kModulus;
__extension__ typedef unsigned __int128 Wide;

std::uint64_t reduce(std::uint64_t x) { return x >= kModulus ? x - kModulus : x; }

std::uint64_t mul_mod(std::uint64_t a, std::uint64_t b) {
  const Wide p = static_cast<Wide>(a) * b;  // < 2^122: its low 61 bits plus the rest is < 2 * kModulus
  return reduce(static_cast<std::uint64_t>(p & kModulus) + static_cast<std::uint64_t>(p >> 61));
}

std::uint64_t step(std::uint64_t h, char c) {
  return reduce(mul_mod(h, kBase) + static_cast<unsigned char>(c) + 1);
}

std::uint64_t power(std::uint64_t exponent) {
  std::uint64_t result = 1, base = kBase;
  for (; exponent != 0; exponent >>= 1) {
    if (exponent & 1) result = mul_mod(result, base);
    base = mul_mod(base, base);
  }
  return result;
}

// The first min(size, 4) bytes of `text`, the first in the low byte.
std::uint32_t head_of(std::string_view text) {
  std::uint32_t head = 0;
  for (std::size_t i = 0; i < text.size() && i < 4; ++i)
    head |= std::uint32_t{static_cast<unsigned char>(text[i])} << (8 * i);
  return head;
}

// The bucket of a 4-byte run among `buckets` (a power of two).
std::size_t head_slot(std::uint32_t head, std::size_t buckets) {
  return static_cast<std::size_t>((std::uint64_t{head} * 0x9e3779b97f4a7c15ULL) >> 32) & (buckets - 1);
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v'; }

// The book's trim (a question's lines and text, its choices): also form feeds and vertical tabs.
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

TextDigest digest(std::string_view text) {
  if (text.size() > std::numeric_limits<std::uint32_t>::max())
    throw Error("sim answer book: a text of " + std::to_string(text.size()) + " bytes is over 4 GiB");
  TextDigest d;
  for (char c : text) d.hash = step(d.hash, c);
  d.size = static_cast<std::uint32_t>(text.size());
  d.head = head_of(text);
  return d;
}

std::string_view trim_spaces(std::string_view s) {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

DigestSearch::DigestSearch(std::string_view text) : text_(text), prefix_(text.size() + 1) {
  if (text.size() >= std::numeric_limits<std::uint32_t>::max())
    throw Error("sim answer book: a prompt of " + std::to_string(text.size()) + " bytes is over 4 GiB");
  for (std::size_t i = 0; i < text.size(); ++i) prefix_[i + 1] = step(prefix_[i], text[i]);
  if (text.size() < 4) return;
  const std::size_t runs = text.size() - 3;
  first_.assign(std::bit_ceil(runs), 0);
  next_.assign(runs, 0);
  for (std::size_t i = runs; i-- > 0;) {  // from the end, so each bucket's chain runs forward
    std::uint32_t& bucket = first_[head_slot(head_of(text.substr(i, 4)), first_.size())];
    next_[i] = bucket;
    bucket = static_cast<std::uint32_t>(i + 1);
  }
}

std::uint64_t DigestSearch::hash_at(std::size_t at, std::size_t size, std::uint64_t shift) const {
  // The hash of text_[at, at + size) is prefix_[at + size] - prefix_[at] * kBase^size.
  return reduce(prefix_[at + size] + kModulus - mul_mod(prefix_[at], shift));
}

TextDigest DigestSearch::digest_at(std::size_t at, std::size_t size) const {
  TextDigest d;
  d.hash = hash_at(at, size, power(size));
  d.size = static_cast<std::uint32_t>(size);
  d.head = head_of(text_.substr(at, size));
  return d;
}

bool DigestSearch::matches_at(std::size_t at, const TextDigest& d) const {
  return at <= text_.size() && d.size <= text_.size() - at && digest_at(at, d.size) == d;
}

std::size_t DigestSearch::find(const TextDigest& d, std::size_t from) const {
  const std::size_t n = text_.size();
  if (from > n || d.size > n - from) return std::string_view::npos;
  if (d.size == 0) return from;
  // Candidates share d.size, so kBase^size is computed once (the head compare comes first: cheaper).
  const std::uint64_t shift = power(d.size);
  auto match = [&](std::size_t at) {
    return at + d.size <= n && head_of(text_.substr(at, d.size)) == d.head && hash_at(at, d.size, shift) == d.hash;
  };
  if (d.size >= 4) {
    for (std::uint32_t at = first_[head_slot(d.head, first_.size())]; at != 0; at = next_[at - 1])
      if (at - 1 >= from && match(at - 1)) return at - 1;
    return std::string_view::npos;
  }
  for (std::size_t at = text_.find(d.first(), from); at != std::string_view::npos; at = text_.find(d.first(), at + 1))
    if (match(at)) return at;
  return std::string_view::npos;
}

void* AnswerBook::allocate(std::size_t bytes, std::size_t align) {
  constexpr std::size_t kBlock = std::size_t{1} << 20;
  std::size_t pad = reinterpret_cast<std::uintptr_t>(block_end_ - block_left_) % align;
  pad = pad == 0 ? 0 : align - pad;
  if (bytes + pad > block_left_) {
    // A request larger than a block gets a block of its own; the rest of the old block is let go.
    // new[] aligns a block for any type, so it needs no padding.
    block_left_ = std::max(kBlock, bytes);
    blocks_.push_back(std::make_unique<char[]>(block_left_));
    block_end_ = blocks_.back().get() + block_left_;
    pad = 0;
  }
  char* at = block_end_ - block_left_ + pad;
  block_left_ -= bytes + pad;
  return at;
}

std::string_view AnswerBook::keep(std::string_view text) {
  if (text.empty()) return {};
  char* at = static_cast<char*>(allocate(text.size(), 1));
  std::copy(text.begin(), text.end(), at);
  return {at, text.size()};
}

void AnswerBook::add(BookEntry entry, std::string_view question, std::span<const std::string_view> choices) {
  std::string_view line = first_line(question);
  if (line.empty()) throw Error("sim answer book: a question is blank (key \"" + std::string(entry.key) + "\")");
  char hex[17];
  if (entry.key.empty()) {
    std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(util::fnv1a64(question)));
    entry.key = hex;
  }
  const TextDigest line_digest = digest(line);
  entry.first_line_size = line_digest.size;
  entry.question = digest(trim(question));
  entry.opening = digest(trim_spaces(question.substr(0, question.find('\n'))));
  if (!choices.empty()) {
    auto* digests = static_cast<TextDigest*>(allocate(choices.size() * sizeof(TextDigest), alignof(TextDigest)));
    for (std::size_t i = 0; i < choices.size(); ++i) std::construct_at(digests + i, digest(trim(choices[i])));
    entry.choices = {digests, choices.size()};
    entry.gold = digest(trim_spaces(choices[static_cast<std::size_t>(entry.gold_index)]));
  }
  entry.key = keep(entry.key);
  entry.reference = keep(entry.reference);
  by_first_line_.emplace(line_digest.hash, entries_.size());
  entries_.push_back(entry);
}

void AnswerBook::add_choice(std::string_view question, const std::vector<std::string>& choices, int gold_index,
                            std::string_view key) {
  add_choice_views(question, std::vector<std::string_view>(choices.begin(), choices.end()), gold_index, key);
}

void AnswerBook::add_choice_views(std::string_view question, const std::vector<std::string_view>& choices,
                                  int gold_index, std::string_view key) {
  if (gold_index < 0 || gold_index >= static_cast<int>(choices.size()))
    throw Error("sim answer book: question \"" + std::string(key) + "\" has gold index " +
                std::to_string(gold_index) + " but " + std::to_string(choices.size()) + " choices");
  BookEntry e;
  e.key = key;
  e.kind = AnswerKind::choice;
  e.gold_index = gold_index;
  add(e, question, choices);
}

void AnswerBook::add_number(std::string_view question, std::string_view number, std::string_view key) {
  BookEntry e;
  e.key = key;
  e.kind = AnswerKind::number;
  e.reference = trim(number);
  add(e, question, {});
}

void AnswerBook::add_text(std::string_view question, std::string_view reference, std::string_view key) {
  BookEntry e;
  e.key = key;
  e.kind = AnswerKind::text;
  e.reference = reference;
  add(e, question, {});
}

void AnswerBook::add_refusal(std::string_view question, std::string_view expected, std::string_view key) {
  BookEntry e;
  e.key = key;
  e.kind = AnswerKind::refusal;
  e.reference = expected;
  add(e, question, {});
}

const BookEntry* AnswerBook::find(std::string_view prompt) const {
  return entries_.empty() ? nullptr : find(DigestSearch(prompt));
}

const BookEntry* AnswerBook::find(const DigestSearch& search) const {
  if (entries_.empty()) return nullptr;
  const std::string_view prompt = search.text();
  // The entry with the highest score (2 when its question is in the prompt, 1 per choice that
  // is), the first line's first entry on a tie. Entries whose question is there are scored
  // first, and an entry that cannot beat the best so far even with every choice is not scored.
  const BookEntry* best = nullptr;
  int best_score = -1;
  struct Candidate {
    const BookEntry* entry;
    std::size_t order;  // its place among the line's entries
    bool question;      // its question is in the prompt
    int bound;          // the most it can score
  };
  std::vector<Candidate> candidates;
  std::vector<std::size_t> places;
  auto consider = [&](std::string_view line) {
    if (line.empty()) return;
    const TextDigest line_digest = search.digest_at(static_cast<std::size_t>(line.data() - prompt.data()), line.size());
    auto [lo, hi] = by_first_line_.equal_range(line_digest.hash);
    if (lo == hi) return;
    // A question, trimmed, starts with its first line: it can only be where this line is.
    places.clear();
    for (std::size_t at = search.find(line_digest); at != std::string_view::npos; at = search.find(line_digest, at + 1))
      places.push_back(at);
    candidates.clear();
    std::size_t order = 0;
    for (auto it = lo; it != hi; ++it, ++order) {
      const BookEntry& e = entries_[it->second];
      // Another first line of the same hash (the question, trimmed, starts with its first line).
      if (e.first_line_size != line.size() || e.question.first() != line.front()) continue;
      const bool question =
          std::any_of(places.begin(), places.end(), [&](std::size_t at) { return search.matches_at(at, e.question); });
      candidates.push_back({&e, order, question, (question ? 2 : 0) + static_cast<int>(e.choices.size())});
    }
    const Candidate* winner = nullptr;
    int winner_score = -1;
    for (bool question : {true, false}) {
      for (const Candidate& c : candidates) {
        if (c.question != question || c.bound <= best_score) continue;
        if (winner != nullptr && (c.bound < winner_score || (c.bound == winner_score && c.order > winner->order)))
          continue;
        int score = question ? 2 : 0;
        for (const TextDigest& choice : c.entry->choices)
          if (choice.size != 0 && search.contains(choice)) ++score;
        if (score > winner_score || (score == winner_score && c.order < winner->order)) {
          winner_score = score;
          winner = &c;
        }
      }
    }
    if (winner != nullptr && winner_score > best_score) {
      best_score = winner_score;
      best = winner->entry;
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
