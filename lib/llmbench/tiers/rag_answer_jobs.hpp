#pragma once
// The job of tiers 2 and 3 for one (item, generation model[, embedding model]): answer the
// question from a context (consistency_runs times, repeat_index 0..R-1), have every judge
// score the repeat-0 answer on each metric, and embed the answers.
//
// Records (each job ends in exactly one; keys start with the group's `key_prefix`):
//   <prefix>|r<r>                          role generation: the answer of repeat r
//   <prefix>|judge=<judge>|<metric>        role judge: score (1-5), rationale, judged_model
//   <prefix>|embedding=<model>             role embedding: semantic_consistency of the answers
//                                          and, with a reference, semantic_similarity,
//                                          dot_similarity, euclidean_distance (repeat 0 vs reference)
// A judgement or embedding whose answer failed ends as an error record (error_kind
// "upstream"); an unreadable verdict as error_kind "unparsed_verdict", never a default score.
// Only records whose key is not in `done` are written; the answers are requested whenever
// any record of the group is still to be written (the judges need them).

#include <functional>
#include <memory>
#include <set>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "llmbench/config/registry.hpp"
#include "llmbench/data/rag_dataset.hpp"
#include "llmbench/tasks/prompt_template.hpp"
#include "llmbench/tiers/rag_requests.hpp"
#include "llmbench/tiers/tier.hpp"

namespace llmbench::tiers {

struct JudgeAsk {
  std::string metric;  // "faithfulness", "relevance", "correctness", "e2e"
  const tasks::PromptTemplate* prompt = nullptr;
};

enum class EmbedReference { no, yes };

struct AnswerGroup {
  std::string key_prefix;  // e.g. "tier_2|<item>|gen=<model>"
  const data::RagItem* item = nullptr;
  std::string context;                         // what the model reads (gold chunk or retrieved chunks)
  std::vector<http::ChatMessage> messages;     // the answer request
  // The models are the run's (run::ModelMatrix), which outlive every group: referred to, not
  // copied (a group's copies of their endpoints and parameters were some 10 MB of the jobs in flight).
  const config::ResolvedModel* generation = nullptr;
  int repeats = 1;
  std::span<const config::ResolvedModel> judges;
  std::vector<JudgeAsk> asks;                       // per judge
  std::span<const config::ResolvedModel> embedders;  // empty: no embedding record
  EmbedReference embed_reference = EmbedReference::no;
  nlohmann::json roles = nlohmann::json::object();      // role fields on every record (generation_model, embedding_model)
  nlohmann::json gen_extra = nlohmann::json::object();  // extra fields on generation records (e.g. retrieved_chunk_ids)
};

// Every record key the group writes.
std::vector<std::string> answer_group_keys(const AnswerGroup& group);

// Sends the group's requests through `requests` and writes its records to `sink`; then calls
// `finished` (if set) once: after its last record, or at once when every key is in `done`.
// A group whose requests were cancelled never finishes.
void run_answer_group(std::shared_ptr<const AnswerGroup> group, SharedRequests& requests,
                      const std::set<std::string>& done, RecordSink sink, std::function<void()> finished = {});

// Writes an error record for every key of the group not in `done` (used when the group
// cannot start, e.g. its retrieval failed). error_kind "upstream".
void fail_answer_group(const AnswerGroup& group, const std::set<std::string>& done, const std::string& error,
                       const RecordSink& sink);

// The judge record for `judge`'s verdict on `answer` (parses the score; 1-5).
nlohmann::json judge_record(const std::string& key, const config::ResolvedModel& judge, const std::string& metric,
                            const std::vector<http::ChatMessage>& prompt, const http::RequestRecord& record);

}  // namespace llmbench::tiers
