#pragma once
// metrics.tier_2 / metrics.tier_3 of one model run, from that run's item records (pure; no
// I/O). The records are those record_applies() gives the model run:
//   role "generation": a generated answer (response, repeat, reference);
//   role "judge":      a judge score of the repeat-0 answer (metric, score);
//   role "embedding":  answer embeddings compared (semantic_consistency, and in tier 3
//                      semantic_similarity / dot_similarity / euclidean_distance to the reference).
//
// Keys (each absent when nothing defines it, never a made-up 0):
//   avg_faithfulness, avg_answer_relevance, avg_answer_correctness, avg_e2e_score: mean judge
//     score (1-5) of that metric over valid verdicts;
//   avg_rouge1_f, avg_rouge2_f, avg_rougeL_f, avg_bleu: repeat-0 answers against references
//     (items without a reference left out);
//   response_exact_match_rate, response_semantic_consistency: over items with >= 2 answers;
//   avg_semantic_similarity, avg_dot_similarity, avg_euclidean_distance: answer vs reference;
//   total_queries: items answered (distinct item ids of generation records);
//   successful_evaluations: judge verdicts with a valid score;
//   errors: records that ended in an error (failed request, unreadable verdict, or a
//     judgement whose answer failed).

#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace llmbench::tiers {

// The metrics key of a judge metric: "faithfulness" -> "avg_faithfulness", "relevance" ->
// "avg_answer_relevance", "correctness" -> "avg_answer_correctness", "e2e" -> "avg_e2e_score".
std::string_view judge_metric_key(std::string_view metric);

// (Its form over the records' entries, which a sweep keeps: rag_entries.hpp.)
nlohmann::json answer_metrics(const std::vector<const nlohmann::json*>& records);

}  // namespace llmbench::tiers
