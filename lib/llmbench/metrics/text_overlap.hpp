#pragma once
// Text-overlap metrics for RAG tier_2/3 answers against reference answers: ROUGE-1/2/L
// and sentence BLEU-4, plus the exact-match consistency of repeated answers. Pure
// functions, no I/O.
//
// Tokens: lower-cased Unicode words (see words()). Unlike Python's rouge-score, whose
// default tokenizer keeps only [a-z0-9] and so silently scores Cyrillic answers as empty,
// we keep every letter: Russian text is scored. No stemming, no stop words.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace llmbench::metrics {

// Word tokens: util::tokenize_words (lower-cased ASCII + Cyrillic; runs of Unicode
// letters and digits; each CJK character a word; an apostrophe between letters stays in
// the word; punctuation and symbols split words).
std::vector<std::string> words(std::string_view text);

struct OverlapScore {
  double precision = 0;
  double recall = 0;
  double f = 0;  // 2PR / (P + R); 0 when P + R == 0
};

struct RougeScores {
  OverlapScore rouge1;  // unigram overlap (clipped counts)
  OverlapScore rouge2;  // bigram overlap (clipped counts)
  OverlapScore rougeL;  // longest common subsequence of tokens
};

// P is over the candidate's n-grams, R over the reference's; empty sides score 0.
RougeScores rouge(std::string_view candidate, std::string_view reference);

// Sentence BLEU-4 against one reference, matching NLTK's
// sentence_bleu([ref], hyp, weights=(0.25,)*4, smoothing_function=SmoothingFunction().method1)
// on our tokens:
// - p_n = clipped n-gram matches / max(1, candidate n-grams), n = 1..4;
// - if there is no unigram match at all the score is 0 (NLTK returns 0 before smoothing);
// - method1 smoothing: a p_n with 0 matches becomes (0 + 0.1) / max(1, candidate n-grams);
// - BP = 1 if c > r else exp(1 - r / c) (0 for an empty candidate);
// - BLEU = BP * exp(sum 0.25 * ln p_n).
double sentence_bleu(std::string_view candidate, std::string_view reference);

struct TextOverlap {
  double rouge1_f = 0;
  double rouge2_f = 0;
  double rougeL_f = 0;
  double bleu = 0;
};
TextOverlap text_overlap(std::string_view candidate, std::string_view reference);
// Keys: rouge1_f, rouge2_f, rougeL_f, bleu.
nlohmann::json to_json(const TextOverlap& overlap);

struct TextOverlapSummary {
  std::size_t pairs = 0;
  std::optional<double> avg_rouge1_f;  // nullopt when pairs == 0
  std::optional<double> avg_rouge2_f;
  std::optional<double> avg_rougeL_f;
  std::optional<double> avg_bleu;
};
TextOverlapSummary summarize(const std::vector<TextOverlap>& per_item);
// Keys: avg_rouge1_f, avg_rouge2_f, avg_rougeL_f, avg_bleu (absent when no pairs).
nlohmann::json to_json(const TextOverlapSummary& summary);

// response_exact_match_rate: share of items whose N >= 2 repeated answers are all
// byte-identical after trimming leading/trailing whitespace (util::trim). Items with fewer than two
// answers are ignored; nullopt if none has two.
std::optional<double> response_exact_match_rate(const std::vector<std::vector<std::string>>& answers_per_item);

}  // namespace llmbench::metrics
