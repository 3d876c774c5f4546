#pragma once
// The RAG datasets the model-lab tiers read:
//   - a RAG dataset (synthetic or manual): questions with their gold chunk and answer;
//   - a chunk corpus (JSONL: chunk_id, text, url) that retrieval searches;
//   - a production-judge set: question/answer/context with the decision a judge should make.
// The shipped defaults are built from XQuAD (see benchmarks/data/rag/SOURCE.md and
// `llmbench datasets build-rag`).
//
// All loaders accept a JSON array of objects or JSONL (one object per line; blank lines
// skipped), with or without a UTF-8 BOM, and throw InputError naming the file, the line
// (JSONL) or item index (array), and the field that is missing or of the wrong type.
// A file whose first non-blank character is '[' is read as a JSON array, anything else as
// JSONL. Ids ("id", "chunk_id") may be strings or integers; a repeated id is an error naming
// both places. A null field counts as absent. An empty file or empty array is an error.

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace llmbench::data {

struct RagItem {
  std::string id;                   // required, unique within the file
  std::string question;             // required, non-empty
  std::string ground_truth_answer;  // "" = no reference (left out of correctness metrics)
  std::string chunk_id;             // the gold chunk ("" = none)
  std::string chunk_text;           // the gold context given to tier 2
  std::vector<std::string> relevant_chunk_ids;  // for retrieval; defaults to {chunk_id}
  std::vector<std::string> relevant_urls;
  std::string confluence_url;
  nlohmann::json annotations = nlohmann::json::object();  // any other fields, kept as-is
  std::string source;                                     // "<file>:<line>" or "<file>[<index>]"
};

struct Chunk {
  std::string chunk_id;  // required, unique
  std::string text;      // required, non-empty
  std::string url;
};

struct JudgePipelineItem {
  std::string id;  // from the file, or "<index>" when it has none
  std::string question;
  std::string answer;
  std::string context;
  bool ground_truth_show = false;  // true: the answer should be shown (the positive class)
  std::string rationale;
  std::string source;
  // Optional: how the shipped set built the item ("gold", "answer_from_other_question",
  // "empty_context"); "" when the file has no "kind" field. For per-kind breakdowns only.
  std::string kind;
};

// RAG items in file order. "id" and a non-blank "question" are required; the other known
// fields are optional (absent: "" or {}); "relevant_chunk_ids", when absent, is {chunk_id}
// (or {} without a chunk_id) but an explicit [] stays empty. Any other field is copied into
// `annotations`. Ids must be unique.
std::vector<RagItem> load_rag_dataset(const std::string& path);
// Chunks in file order: "chunk_id" and a non-blank "text" are required, "url" is optional,
// other fields are ignored. chunk_ids must be unique.
std::vector<Chunk> load_chunks(const std::string& path);
// Judge-pipeline items in file order: "question" (non-blank), "answer" and "context" (strings,
// may be empty) and "ground_truth_show" (a JSON boolean: "true" in quotes is an error) are
// required; "id", "rationale" and "kind" are optional. Ids (given or "<index>") must be unique.
std::vector<JudgePipelineItem> load_judge_pipeline(const std::string& path);

// The shipped files under `data_dir` (benchmarks/data) for a prompt language ("en" | "ru").
// Only builds the paths (the files are not opened); any other language throws Error.
struct RagFiles {
  std::string synthetic;       // rag/xquad_<lang>_synthetic.jsonl
  std::string manual;          // rag/xquad_<lang>_manual.jsonl
  std::string chunks;          // rag/xquad_<lang>_chunks.jsonl
  std::string judge_pipeline;  // dataset_judge_pipeline_<lang>.json
};
RagFiles default_rag_files(const std::string& data_dir, std::string_view lang);

}  // namespace llmbench::data
