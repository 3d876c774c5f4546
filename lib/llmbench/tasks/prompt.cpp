#include "llmbench/tasks/prompt.hpp"

#include <algorithm>
#include <utility>

#include "llmbench/data/tasks.hpp"
#include "llmbench/error.hpp"
#include "llmbench/util/hash.hpp"

namespace llmbench::tasks {
namespace {

constexpr std::size_t kMaxOptions = 26;

std::string where(const data::Item& item) {
  return (item.source.empty() ? std::string() : item.source + ": ") + "item \"" + item.id + "\"";
}

// Whether the task's TaskSpec makes its prompts per subject (a custom task's never are).
bool per_subject(std::string_view task) {
  const data::TaskSpec* spec = data::find_task(task);
  return spec != nullptr && spec->subjects == data::Subjects::per_subject;
}

// "abstract_algebra" -> "abstract algebra".
std::string subject_words(std::string subject) {
  std::replace(subject.begin(), subject.end(), '_', ' ');
  return subject;
}

// "(A, B, C or D)".
std::string letter_list(std::string_view letters) {
  std::string out = "(";
  for (std::size_t i = 0; i < letters.size(); ++i) {
    if (i > 0) out += i + 1 == letters.size() ? " or " : ", ";
    out += letters[i];
  }
  return out + ")";
}

// A line before the question for tasks whose "question" is not one.
std::string_view task_intro(std::string_view task) {
  if (task == "hellaswag") return "Choose the most plausible continuation.";
  return "";
}

struct ShownItem {
  std::string letters;
  std::vector<int> permutation;
  std::vector<std::string> options;
  char gold_letter = 0;
};

ShownItem show(const data::Item& item, const PromptOptions& options) {
  const std::size_t n = item.choices.size();
  if (n < 2 || n > kMaxOptions)
    throw Error(where(item) + ": a multiple-choice item needs 2 to 26 choices, it has " +
                std::to_string(n) + "; fix the dataset row");
  if (item.gold_index < 0 || static_cast<std::size_t>(item.gold_index) >= n)
    throw Error(where(item) + ": gold answer index " + std::to_string(item.gold_index) +
                " is not one of its " + std::to_string(n) + " choices; fix the dataset row");
  ShownItem shown;
  if (shuffles_options(options.task, options.shuffle)) {
    shown.permutation = option_permutation(options.seed, options.task, item.id, n);
  } else {
    shown.permutation.resize(n);
    for (std::size_t i = 0; i < n; ++i) shown.permutation[i] = static_cast<int>(i);
  }
  for (std::size_t k = 0; k < n; ++k) {
    const char letter = static_cast<char>('A' + k);
    const int source = shown.permutation[k];
    shown.letters += letter;
    shown.options.push_back(item.choices[static_cast<std::size_t>(source)]);
    if (source == item.gold_index) shown.gold_letter = letter;
  }
  return shown;
}

// The question and its lettered options, no header and no instruction.
std::string question_block(const data::Item& item, const ShownItem& shown, std::string_view task) {
  std::string out;
  if (const std::string_view intro = task_intro(task); !intro.empty()) (out += intro) += "\n\n";
  out += item.question;
  for (std::size_t k = 0; k < shown.options.size(); ++k) {
    out += '\n';
    out += shown.letters[k];
    out += ". ";
    out += shown.options[k];
  }
  return out;
}

std::string mc_instruction(std::string_view letters) {
  return "Answer with the letter of the correct option " + letter_list(letters) + " only.";
}

std::string mc_header(const data::Item& item, std::string_view task, bool plural) {
  if (!per_subject(task) || item.subject.empty()) return "";
  if (plural)
    return "The following are multiple choice questions (with answers) about " +
           subject_words(item.subject) + ".";
  return "The following is a multiple choice question about " + subject_words(item.subject) + ".";
}

// The single-question user message, as asked zero-shot.
std::string mc_user_message(const data::Item& item, const ShownItem& shown, std::string_view task) {
  std::string out = mc_header(item, task, false);
  if (!out.empty()) out += "\n\n";
  out += question_block(item, shown, task);
  out += "\n\n";
  out += mc_instruction(shown.letters);
  return out;
}

void add_system(std::vector<http::ChatMessage>& messages, const PromptOptions& options) {
  if (!options.system_prompt.empty()) messages.push_back({"system", options.system_prompt});
}

std::string gsm8k_answer(const data::Item& example) {
  if (!example.solution.empty()) return example.solution;
  return "#### " + example.reference;
}

}  // namespace

bool shuffles_options(std::string_view task, Shuffle shuffle) {
  switch (shuffle) {
    case Shuffle::all: return true;
    case Shuffle::none: return false;
    case Shuffle::task_default: break;
  }
  return task == "truthfulqa_mc1";
}

std::vector<int> option_permutation(std::uint64_t seed, std::string_view task,
                                    std::string_view item_id, std::size_t n) {
  std::vector<int> perm(n);
  for (std::size_t i = 0; i < n; ++i) perm[i] = static_cast<int>(i);
  for (std::size_t i = n; i > 1; --i) {
    const std::uint64_t h = util::Hasher(seed).add("options").add(task).add(item_id).add(std::uint64_t{i}).value();
    std::swap(perm[i - 1], perm[h % i]);
  }
  return perm;
}

std::vector<const data::Item*> select_fewshot(const data::Item& item,
                                              std::span<const data::Item> pool,
                                              const PromptOptions& options) {
  const int k = options.num_fewshot;
  if (k < 0) throw Error("--num-fewshot must be 0 or more, got " + std::to_string(k));
  if (k == 0) return {};
  const bool same_subject = per_subject(options.task) && !item.subject.empty();
  std::vector<std::pair<std::uint64_t, const data::Item*>> eligible;
  for (const data::Item& example : pool) {
    if (example.id == item.id)
      throw Error(where(item) + ": the few-shot pool of task " + options.task +
                  " contains the evaluated item itself; few-shot examples must come from a "
                  "dev/train split, never the evaluated one");
    if (example.question == item.question) continue;
    if (same_subject && example.subject != item.subject) continue;
    const std::uint64_t rank =
        util::Hasher(options.seed).add("fewshot").add(options.task).add(item.id).add(example.id).value();
    eligible.emplace_back(rank, &example);
  }
  if (eligible.size() < static_cast<std::size_t>(k))
    throw Error("--num-fewshot " + std::to_string(k) + ": the few-shot pool of task " + options.task +
                (same_subject ? " (subject " + item.subject + ")" : std::string()) + " has only " +
                std::to_string(eligible.size()) + " usable example(s) for " + where(item) +
                "; lower --num-fewshot or provide a larger dev/train split");
  std::partial_sort(eligible.begin(), eligible.begin() + k, eligible.end(),
                    [](const auto& a, const auto& b) { return a.first < b.first || (a.first == b.first && a.second->id < b.second->id); });
  std::vector<const data::Item*> chosen;
  for (int i = 0; i < k; ++i) chosen.push_back(eligible[static_cast<std::size_t>(i)].second);
  return chosen;
}

McPrompt build_mc_prompt(const data::Item& item, std::span<const data::Item> fewshot_pool,
                         const PromptOptions& options) {
  ShownItem shown = show(item, options);
  const std::vector<const data::Item*> examples = select_fewshot(item, fewshot_pool, options);

  McPrompt prompt;
  add_system(prompt.messages, options);
  if (options.fewshot_style == FewshotStyle::turns || examples.empty()) {
    for (const data::Item* example : examples) {
      const ShownItem ex = show(*example, options);
      prompt.messages.push_back({"user", mc_user_message(*example, ex, options.task)});
      prompt.messages.push_back({"assistant", std::string(1, ex.gold_letter)});
    }
    prompt.messages.push_back({"user", mc_user_message(item, shown, options.task)});
  } else {
    std::string text = mc_header(item, options.task, true);
    if (text.empty()) text = "The following are multiple choice questions (with answers).";
    text += "\n\n";
    for (const data::Item* example : examples) {
      const ShownItem ex = show(*example, options);
      text += question_block(*example, ex, options.task);
      text += "\nAnswer: ";
      text += ex.gold_letter;
      text += "\n\n";
    }
    text += question_block(item, shown, options.task);
    text += "\n\n";
    text += mc_instruction(shown.letters);
    prompt.messages.push_back({"user", std::move(text)});
  }
  prompt.letters = std::move(shown.letters);
  prompt.gold_letter = shown.gold_letter;
  prompt.permutation = std::move(shown.permutation);
  prompt.options = std::move(shown.options);
  return prompt;
}

std::vector<http::ChatMessage> build_gsm8k_prompt(const data::Item& item,
                                                  std::span<const data::Item> fewshot_pool,
                                                  const PromptOptions& options) {
  const std::vector<const data::Item*> examples = select_fewshot(item, fewshot_pool, options);
  std::vector<http::ChatMessage> messages;
  add_system(messages, options);
  auto user_text = [](const data::Item& it) {
    return it.question + "\n\n" + std::string(kGsm8kInstruction);
  };
  if (options.fewshot_style == FewshotStyle::turns || examples.empty()) {
    for (const data::Item* example : examples) {
      messages.push_back({"user", user_text(*example)});
      messages.push_back({"assistant", gsm8k_answer(*example)});
    }
    messages.push_back({"user", user_text(item)});
  } else {
    std::string text;
    for (const data::Item* example : examples)
      text += "Question: " + example->question + "\nAnswer: " + gsm8k_answer(*example) + "\n\n";
    text += "Question:\n" + user_text(item);
    messages.push_back({"user", std::move(text)});
  }
  return messages;
}

std::vector<http::ChatMessage> build_rubric_judge_prompt(std::string_view question, std::string_view answer,
                                                         std::string_view reference, std::string_view rubric) {
  std::string text = "You are grading an answer to a question against a rubric.\n\n";
  text += "Question:\n" + std::string(question) + "\n\n";
  if (!reference.empty()) text += "Reference answer:\n" + std::string(reference) + "\n\n";
  text += "Answer to grade:\n" + std::string(answer) + "\n\n";
  text += "Rubric:\n" + std::string(rubric) + "\n\n";
  text += "Rate how well the answer meets the rubric with a score from 1 to 5 (1 = not at all, "
          "5 = fully). Explain briefly, then end with a JSON object: {\"score\": <1-5>}";
  return {{"user", std::move(text)}};
}

}  // namespace llmbench::tasks
