#pragma once
// Builds the shipped RAG datasets (see rag_dataset.hpp) from XQuAD's SQuAD-format files:
// `llmbench datasets build-rag`. The output depends only on the input bytes and the seed, so
// the files in benchmarks/data can be rebuilt byte for byte (benchmarks/data/rag/SOURCE.md).
//
// For each language L (xquad.L.json in the input directory):
//   rag/xquad_L_chunks.jsonl     one chunk per paragraph, in file order:
//                                {chunk_id "xquad-<article>-<paragraph>" (0-based), text, url}
//   rag/xquad_L_synthetic.jsonl  every question, in file order: {id, question,
//                                ground_truth_answer, chunk_id, chunk_text, relevant_chunk_ids,
//                                relevant_urls, confluence_url}
//   rag/xquad_L_manual.jsonl     the manual_count questions with the smallest
//                                sample_key(seed, "xquad_manual", id), in file order, with the
//                                synthetic fields plus annotation_source, article_title,
//                                answer_start
//   dataset_judge_pipeline_L.json  a JSON array of judge_count items, in file order (see
//                                build_judge_pipeline)
// Question ids are shared across XQuAD's languages and all choices depend only on ids and the
// paragraph structure, so the en and ru subsets hold the same questions.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "llmbench/data/json_records.hpp"

namespace llmbench::data {

inline constexpr std::uint64_t kDefaultXquadSeed = 1;
inline constexpr std::size_t kDefaultManualCount = 100;
inline constexpr std::size_t kDefaultJudgeCount = 200;

struct SquadQuestion {
  std::string id;
  std::string question;
  std::string answer;     // the first answer's text
  long answer_start = 0;  // as in the file (a code-point offset into the paragraph)
};

struct SquadParagraph {
  std::size_t article_index = 0;
  std::size_t paragraph_index = 0;  // within its article
  std::string context;
  std::vector<SquadQuestion> questions;
};

struct SquadArticle {
  std::string title;
  std::vector<SquadParagraph> paragraphs;
};

// Parses SQuAD v1.1 JSON ({"data": [{"title", "paragraphs": [{"context", "qas": [{"id",
// "question", "answers": [{"text", "answer_start"}]}]}]}]}). Throws InputError naming `path`
// and the JSON location (e.g. data[3].paragraphs[1].qas[0]) of a missing or mistyped field, a
// question without answers, or a repeated question id. A context's leading U+FEFF (seven of
// XQuAD's Russian paragraphs have one) is removed and its answers' answer_start shifted by one.
std::vector<SquadArticle> parse_squad(std::string_view text, const std::string& path);

struct RagBuildFile {
  std::string relative_path;  // under the output directory, e.g. "rag/xquad_en_chunks.jsonl"
  std::string content;        // UTF-8, "\n" line ends, ending in "\n"
  std::size_t records = 0;
};

struct RagBuildOptions {
  std::uint64_t seed = kDefaultXquadSeed;
  std::size_t manual_count = kDefaultManualCount;  // capped at the number of questions
  std::size_t judge_count = kDefaultJudgeCount;    // capped at the number of questions
};

// The four files of one language. Pure: no I/O. Throws InputError (naming `path`) when the
// judge set cannot be built: fewer than two paragraphs, or no other-paragraph answer that
// is absent from a question's context.
std::vector<RagBuildFile> build_rag_files(const std::vector<SquadArticle>& articles,
                                          const std::string& lang, const RagBuildOptions& options,
                                          const std::string& path);

// The judge-pipeline items (as written to dataset_judge_pipeline_L.json). Of the n =
// min(judge_count, questions) questions with the smallest sample_key(seed, "xquad_judge", id):
// the first n - n/2 by key are positives (gold answer, gold paragraph as context, show), the
// next (n/2 - n/4) get an answer from a question about another paragraph whose text does not
// occur in the gold context (do not show), the last n/4 get the gold answer with an empty
// context (do not show). Each item has id (the question id), question, answer, context,
// ground_truth_show, rationale, kind ("gold" | "answer_from_other_question" |
// "empty_context").
Json build_judge_pipeline(const std::vector<SquadArticle>& articles, std::uint64_t seed,
                          std::size_t judge_count, const std::string& path);

// The synthetic page URL of an article: https://xquad.example/<lang>/<title>, the title
// percent-encoded except for unreserved characters and ",()'". Not a real page.
std::string xquad_article_url(const std::string& lang, const std::string& title);

struct XquadBuildSummary {
  std::vector<std::string> inputs;  // the input files read
  std::vector<RagBuildFile> files;  // relative_path and records of each file written
};

// Reads <xquad_dir>/xquad.<lang>.json for each lang, writes every file under `out_dir`
// (directories created; each file replaced atomically). Throws InputError for a missing or
// malformed input before anything is written.
XquadBuildSummary build_xquad_rag(const std::string& xquad_dir, const std::string& out_dir,
                                  const std::vector<std::string>& langs,
                                  const RagBuildOptions& options);

// The default --xquad-dir: "../shared/datasets/xquad_ru" relative to the repository root
// (the current directory if it has benchmarks/data, else the source tree).
std::string default_xquad_dir();

}  // namespace llmbench::data
