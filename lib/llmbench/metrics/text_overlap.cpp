#include "llmbench/metrics/text_overlap.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include "llmbench/util/text.hpp"

namespace llmbench::metrics {
namespace {

// ---- n-grams ----

using Tokens = std::vector<std::string>;
using NgramCounts = std::map<Tokens, std::size_t>;

NgramCounts ngram_counts(const Tokens& tokens, std::size_t n) {
  NgramCounts counts;
  if (tokens.size() < n) return counts;
  for (std::size_t i = 0; i + n <= tokens.size(); ++i) {
    ++counts[Tokens(tokens.begin() + static_cast<std::ptrdiff_t>(i),
                    tokens.begin() + static_cast<std::ptrdiff_t>(i + n))];
  }
  return counts;
}

std::size_t total(const NgramCounts& counts) {
  std::size_t sum = 0;
  for (const auto& entry : counts) sum += entry.second;
  return sum;
}

// Sum over candidate n-grams of min(candidate count, reference count).
std::size_t clipped_matches(const NgramCounts& candidate, const NgramCounts& reference) {
  std::size_t matches = 0;
  for (const auto& [gram, count] : candidate) {
    const auto it = reference.find(gram);
    if (it != reference.end()) matches += std::min(count, it->second);
  }
  return matches;
}

OverlapScore overlap_score(std::size_t matches, std::size_t candidate_total, std::size_t reference_total) {
  OverlapScore s;
  s.precision = candidate_total == 0 ? 0 : static_cast<double>(matches) / static_cast<double>(candidate_total);
  s.recall = reference_total == 0 ? 0 : static_cast<double>(matches) / static_cast<double>(reference_total);
  s.f = s.precision + s.recall > 0 ? 2 * s.precision * s.recall / (s.precision + s.recall) : 0;
  return s;
}

OverlapScore rouge_n(const Tokens& candidate, const Tokens& reference, std::size_t n) {
  const NgramCounts c = ngram_counts(candidate, n);
  const NgramCounts r = ngram_counts(reference, n);
  return overlap_score(clipped_matches(c, r), total(c), total(r));
}

std::size_t lcs_length(const Tokens& a, const Tokens& b) {
  std::vector<std::size_t> previous(b.size() + 1, 0);
  std::vector<std::size_t> current(b.size() + 1, 0);
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      current[j] = a[i - 1] == b[j - 1] ? previous[j - 1] + 1 : std::max(previous[j], current[j - 1]);
    }
    std::swap(previous, current);
  }
  return previous[b.size()];
}

}  // namespace

std::vector<std::string> words(std::string_view text) { return util::tokenize_words(text); }

RougeScores rouge(std::string_view candidate, std::string_view reference) {
  const Tokens c = words(candidate);
  const Tokens r = words(reference);
  RougeScores s;
  s.rouge1 = rouge_n(c, r, 1);
  s.rouge2 = rouge_n(c, r, 2);
  s.rougeL = overlap_score(lcs_length(c, r), c.size(), r.size());
  return s;
}

double sentence_bleu(std::string_view candidate, std::string_view reference) {
  constexpr std::size_t kMaxN = 4;
  constexpr double kEpsilon = 0.1;  // NLTK SmoothingFunction(epsilon=0.1).method1
  const Tokens c = words(candidate);
  const Tokens r = words(reference);
  double log_sum = 0;
  for (std::size_t n = 1; n <= kMaxN; ++n) {
    const NgramCounts cc = ngram_counts(c, n);
    const std::size_t matches = clipped_matches(cc, ngram_counts(r, n));
    const double denominator = static_cast<double>(std::max<std::size_t>(1, total(cc)));
    if (n == 1 && matches == 0) return 0;
    const double p = matches == 0 ? kEpsilon / denominator : static_cast<double>(matches) / denominator;
    log_sum += std::log(p) / static_cast<double>(kMaxN);
  }
  const auto hyp_len = static_cast<double>(c.size());
  const auto ref_len = static_cast<double>(r.size());
  const double brevity_penalty = hyp_len > ref_len ? 1.0 : std::exp(1.0 - ref_len / hyp_len);
  return brevity_penalty * std::exp(log_sum);
}

TextOverlap text_overlap(std::string_view candidate, std::string_view reference) {
  const RougeScores r = rouge(candidate, reference);
  return {r.rouge1.f, r.rouge2.f, r.rougeL.f, sentence_bleu(candidate, reference)};
}

nlohmann::json to_json(const TextOverlap& o) {
  return {{"rouge1_f", o.rouge1_f}, {"rouge2_f", o.rouge2_f}, {"rougeL_f", o.rougeL_f}, {"bleu", o.bleu}};
}

TextOverlapSummary summarize(const std::vector<TextOverlap>& per_item) {
  TextOverlapSummary s;
  s.pairs = per_item.size();
  if (per_item.empty()) return s;
  TextOverlap sum;
  for (const auto& o : per_item) {
    sum.rouge1_f += o.rouge1_f;
    sum.rouge2_f += o.rouge2_f;
    sum.rougeL_f += o.rougeL_f;
    sum.bleu += o.bleu;
  }
  const auto n = static_cast<double>(per_item.size());
  s.avg_rouge1_f = sum.rouge1_f / n;
  s.avg_rouge2_f = sum.rouge2_f / n;
  s.avg_rougeL_f = sum.rougeL_f / n;
  s.avg_bleu = sum.bleu / n;
  return s;
}

nlohmann::json to_json(const TextOverlapSummary& s) {
  nlohmann::json out = nlohmann::json::object();
  if (s.avg_rouge1_f) out["avg_rouge1_f"] = *s.avg_rouge1_f;
  if (s.avg_rouge2_f) out["avg_rouge2_f"] = *s.avg_rouge2_f;
  if (s.avg_rougeL_f) out["avg_rougeL_f"] = *s.avg_rougeL_f;
  if (s.avg_bleu) out["avg_bleu"] = *s.avg_bleu;
  return out;
}

std::optional<double> response_exact_match_rate(const std::vector<std::vector<std::string>>& answers_per_item) {
  std::size_t items = 0;
  std::size_t identical = 0;
  for (const auto& answers : answers_per_item) {
    if (answers.size() < 2) continue;
    ++items;
    const std::string_view first = util::trim(answers.front());
    const bool all_same = std::all_of(answers.begin() + 1, answers.end(),
                                      [&](const std::string& a) { return util::trim(a) == first; });
    if (all_same) ++identical;
  }
  if (items == 0) return std::nullopt;
  return static_cast<double>(identical) / static_cast<double>(items);
}

}  // namespace llmbench::metrics
