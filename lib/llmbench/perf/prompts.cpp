#include "llmbench/perf/prompts.hpp"

#include <array>

#include <fmt/format.h>

#include "llmbench/data/json_records.hpp"
#include "llmbench/data/tasks.hpp"
#include "llmbench/error.hpp"
#include "llmbench/metrics/bootstrap.hpp"
#include "llmbench/util/text_file.hpp"

namespace llmbench::perf {

using nlohmann::json;

namespace {

// Common short words, each one token in GPT-style and Llama-style vocabularies.
constexpr std::array<const char*, 64> kWords = {
    "the",   "of",   "and",  "to",    "in",    "is",    "it",    "that",  "for",   "was",   "on",    "are",  "as",
    "with",  "his",  "they", "at",    "be",    "this",  "from",  "have",  "or",    "by",    "one",   "had",  "not",
    "but",   "what", "all",  "were",  "when",  "we",    "there", "can",   "an",    "your",  "which", "their", "said",
    "if",    "do",   "will", "each",  "about", "how",   "up",    "out",   "them",  "then",  "she",   "many", "some",
    "so",    "these", "would", "other", "into", "has",  "more",  "her",   "two",   "like",  "him",   "see"};

}  // namespace

std::int64_t estimate_tokens(const std::string& text) {
  std::int64_t tokens = 0;
  std::size_t word = 0;
  auto end_word = [&] {
    if (word > 0) tokens += 1 + static_cast<std::int64_t>((word - 1) / 6);
    word = 0;
  };
  for (const char c : text) {
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r') end_word();
    else ++word;
  }
  end_word();
  return tokens;
}

Prompt synthetic_prompt(int tokens, std::uint64_t seed) {
  Prompt prompt;
  metrics::SplitMix64 rng(seed);
  const std::string opening = "Continue this text: ";  // 4 tokens
  prompt.text = opening;
  for (int i = 4; i < tokens; ++i) {
    if (i > 4) prompt.text += ' ';
    prompt.text += kWords[rng.below(kWords.size())];
  }
  prompt.estimated_tokens = estimate_tokens(prompt.text);
  return prompt;
}

namespace {

// A JSONL file with a non-empty string "prompt" per line.
std::vector<Prompt> dataset_prompts(const std::string& path) {
  std::vector<Prompt> prompts;
  for (const data::JsonRecord& record : data::parse_jsonl(util::read_text_file(path), path)) {
    std::string text = data::require_string(record, "prompt", path, "each line needs a \"prompt\" string");
    if (text.empty()) throw InputError(path, record.line, "\"prompt\" is empty");
    prompts.push_back({text, estimate_tokens(text)});
  }
  return prompts;
}

// Every question of the shipped tasks, its options lettered as `run` shows them.
std::vector<Prompt> task_prompts(const std::vector<std::string>& tasks) {
  const std::string dir = data::resolve_data_dir("");
  std::vector<Prompt> prompts;
  for (const std::string& task : tasks) {
    for (const data::Item& item : data::load_task(task, dir).items) {
      std::string text = item.question + "\n";
      for (std::size_t k = 0; k < item.choices.size() && k < 26; ++k) {
        text += fmt::format("{}. {}\n", static_cast<char>('A' + k), item.choices[k]);
      }
      prompts.push_back({text, estimate_tokens(text)});
    }
  }
  return prompts;
}

}  // namespace

PromptSet::PromptSet(const PerfOptions& options) {
  if (!options.dataset.empty()) {
    source_ = "dataset";
    prompts_ = dataset_prompts(options.dataset);
    return;
  }
  if (!options.tasks.empty()) {
    source_ = "tasks";
    prompts_ = task_prompts(options.tasks);
    if (prompts_.empty()) throw InputError("--tasks", 0, "the tasks hold no questions");
    return;
  }
  source_ = "synthetic";
  const int tokens = options.input_tokens.value_or(kDefaultInputTokens);
  // A pool of distinct prompts, reused in turn: distinct enough for prefix caches, cheap to hold.
  constexpr int kPool = 64;
  for (int i = 0; i < kPool; ++i) prompts_.push_back(synthetic_prompt(tokens, options.seed * 1000003 + i));
}

const Prompt& PromptSet::at(int level, std::int64_t seq) const {
  const auto n = static_cast<std::int64_t>(prompts_.size());
  return prompts_[static_cast<std::size_t>((seq + level * 7919) % n)];
}

json length_params(const PerfOptions& options) {
  json params = json::object();
  if (options.output_tokens) {
    params["max_tokens"] = *options.output_tokens;
    if (options.output_control == OutputControl::ignore_eos) {
      params["min_tokens"] = *options.output_tokens;
      params["ignore_eos"] = true;
    }
  } else if (options.max_tokens) {
    params["max_tokens"] = *options.max_tokens;
  }
  return params;
}

}  // namespace llmbench::perf
