#include "llmbench/arena/arena_prompts.hpp"

#include <map>
#include <set>

#include <fmt/format.h>

#include "llmbench/data/json_records.hpp"
#include "llmbench/data/sampling.hpp"
#include "llmbench/data/tasks.hpp"
#include "llmbench/error.hpp"
#include "llmbench/util/text.hpp"
#include "llmbench/util/text_file.hpp"

namespace llmbench::arena {

std::vector<ArenaPrompt> load_prompt_file(const std::string& path) {
  const std::string text = util::read_text_file(path);
  const auto records = data::parse_jsonl(text, path);
  constexpr std::string_view kFix = "each line needs {\"prompt\": \"...\"} and may add \"id\" and \"category\"";
  std::vector<ArenaPrompt> prompts;
  std::map<std::string, int> ids;  // id -> the line it was first on
  for (const auto& record : records) {
    ArenaPrompt p;
    p.text = data::require_string(record, "prompt", path, kFix);
    if (util::trim(p.text).empty()) throw InputError(path, record.line, "\"prompt\" is empty; " + std::string(kFix));
    auto id = record.value.find("id");
    if (id == record.value.end() || id->is_null()) {
      p.id = std::to_string(record.line);
    } else if (id->is_string()) {
      p.id = id->get<std::string>();
    } else if (id->is_number_integer()) {
      p.id = std::to_string(id->get<long long>());
    } else {
      throw InputError(path, record.line,
                       fmt::format("\"id\" is {}; use a string or an integer", data::json_type_name(*id)));
    }
    const auto [first, inserted] = ids.emplace(p.id, record.line);
    if (!inserted) {
      throw InputError(path, record.line,
                       fmt::format("duplicate id \"{}\", first on line {}; ids must be unique", p.id, first->second));
    }
    auto category = record.value.find("category");
    if (category != record.value.end() && !category->is_null()) {
      if (!category->is_string()) {
        throw InputError(path, record.line,
                         fmt::format("\"category\" is {}; use a string", data::json_type_name(*category)));
      }
      p.category = category->get<std::string>();
    }
    prompts.push_back(std::move(p));
  }
  return prompts;
}

std::vector<ArenaPrompt> sample_prompts(std::vector<ArenaPrompt> prompts, const std::string& limit,
                                        std::uint64_t seed) {
  const data::SampleLimit parsed = data::parse_limit(limit);
  if (parsed.kind == data::SampleLimit::Kind::all) return prompts;
  std::vector<data::Item> items(prompts.size());
  for (std::size_t i = 0; i < prompts.size(); ++i) items[i].id = prompts[i].id;
  std::vector<ArenaPrompt> chosen;
  for (std::size_t i : data::sample_indices(items, parsed, seed, "arena")) chosen.push_back(std::move(prompts[i]));
  return chosen;
}

std::vector<ArenaPrompt> load_task_prompts(const std::vector<std::string>& tasks, const std::string& limit,
                                           std::uint64_t seed, std::vector<data::Dataset>* chosen) {
  const std::string dir = data::resolve_data_dir("");
  const data::SampleLimit parsed = data::parse_limit(limit);
  std::vector<ArenaPrompt> prompts;
  for (const auto& task : tasks) {
    data::Dataset ds = data::load_task(task, dir);
    ds.items = data::sample_items(ds.items, parsed, seed, ds.task);
    ds.fewshot_pool.clear();
    for (const data::Item& item : ds.items) {
      ArenaPrompt p;
      p.id = ds.task + "/" + item.id;
      p.category = ds.task;
      p.text = item.question + "\n";
      for (std::size_t k = 0; k < item.choices.size() && k < 26; ++k) {
        p.text += fmt::format("{}. {}\n", static_cast<char>('A' + k), item.choices[k]);
      }
      p.text += "\nAnswer the question and briefly explain your reasoning.";
      prompts.push_back(std::move(p));
    }
    if (chosen != nullptr) chosen->push_back(std::move(ds));
  }
  return prompts;
}

std::vector<http::ChatMessage> pairwise_judge_messages(std::string_view question, std::string_view answer_a,
                                                       std::string_view answer_b, bool strong) {
  std::string system =
      "Please act as an impartial judge and evaluate the quality of the responses provided by two AI "
      "assistants to the user question displayed below. You should choose the assistant that follows the "
      "user's instructions and answers the user's question better. Your evaluation should consider factors "
      "such as the helpfulness, relevance, accuracy, depth, creativity, and level of detail of their "
      "responses. Begin your evaluation by comparing the two responses and provide a short explanation. "
      "Avoid any position biases and ensure that the order in which the responses were presented does not "
      "influence your decision. Do not allow the length of the responses to influence your evaluation. Do "
      "not favor certain names of the assistants. Be as objective as possible. After providing your "
      "explanation, output your final verdict by strictly following this format: ";
  if (strong) {
    system += "\"[[A>>B]]\" if assistant A is significantly better, \"[[A]]\" if assistant A is better, "
              "\"[[C]]\" for a tie, \"[[B]]\" if assistant B is better, and \"[[B>>A]]\" if assistant B is "
              "significantly better.";
  } else {
    system += "\"[[A]]\" if assistant A is better, \"[[B]]\" if assistant B is better, and \"[[C]]\" for a tie.";
  }
  std::string user = fmt::format(
      "[User Question]\n{}\n\n[The Start of Assistant A's Answer]\n{}\n[The End of Assistant A's Answer]\n\n"
      "[The Start of Assistant B's Answer]\n{}\n[The End of Assistant B's Answer]",
      question, answer_a, answer_b);
  return {{"system", std::move(system)}, {"user", std::move(user)}};
}

}  // namespace llmbench::arena
