#pragma once
// What perf sends: synthetic prompts of a target length (deterministic text), or the prompts of
// a dataset file or of the shipped tasks, and the request parameters that ask for the output
// length (OutputControl).

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "llmbench/perf/options.hpp"

namespace llmbench::perf {

struct Prompt {
  std::string text;                  // the user message
  std::int64_t estimated_tokens = 0;  // what input_tokens reports when the server gives no usage
};

// About `tokens` tokens of plain English words (one token each in common BPE vocabularies),
// varied by `seed` so that no two requests share a prefix cache entry beyond their opening.
// Deterministic: the same arguments give the same text.
Prompt synthetic_prompt(int tokens, std::uint64_t seed);

// The token estimate of `text` used where no server count exists: its whitespace-separated
// words, and one more per 6 bytes of a word past its first.
std::int64_t estimate_tokens(const std::string& text);

// The prompts of a run: request `seq` of level `level` gets at(level, seq).
class PromptSet {
 public:
  // Loads them as `options` says: --dataset, --tasks, or synthetic (--input-tokens, default
  // kDefaultInputTokens). Throws InputError for a bad dataset or task.
  explicit PromptSet(const PerfOptions& options);
  const Prompt& at(int level, std::int64_t seq) const;
  std::string source() const { return source_; }  // "synthetic" | "dataset" | "tasks"
  static constexpr int kDefaultInputTokens = 128;

 private:
  std::string source_;
  std::vector<Prompt> prompts_;
};

// The request parameters for the output length: none without --output-tokens or --max-tokens;
// max_tokens; or with OutputControl::ignore_eos also min_tokens and ignore_eos.
nlohmann::json length_params(const PerfOptions& options);

}  // namespace llmbench::perf
