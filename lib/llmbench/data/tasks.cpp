#include "llmbench/data/tasks.hpp"

#include <algorithm>
#include <filesystem>
#include <map>

#include <fmt/format.h>

#include "llmbench/data/code_tasks.hpp"
#include "llmbench/data/loaders.hpp"
#include "llmbench/data/safety_loaders.hpp"
#include "llmbench/data/task_sample.hpp"
#include "llmbench/error.hpp"

namespace llmbench::data {
namespace {

namespace fs = std::filesystem;

std::string join_path(const std::string& dir, const std::string& relative) {
  return (fs::path(dir) / relative).string();
}

std::string known_task_names() {
  std::string names;
  for (const TaskSpec& info : standard_tasks()) {
    if (!names.empty()) names += ", ";
    names += info.name;
  }
  return names;
}

// Few-shot examples per MMLU subject: the smallest subject pool bounds --num-fewshot.
std::size_t smallest_subject_pool(const std::vector<Item>& pool) {
  std::map<std::string_view, std::size_t> per_subject;
  for (const Item& item : pool) ++per_subject[item.subject];
  std::size_t smallest = pool.size();
  for (const auto& [subject, count] : per_subject) smallest = std::min(smallest, count);
  return per_subject.empty() ? 0 : smallest;
}

// The BBQ categories that ship (SOURCE.md: the other five files could not be had).
std::vector<std::string> bbq_files() {
  std::vector<std::string> files;
  for (const char* category :
       {"Age", "Disability_status", "Nationality", "Physical_appearance", "Religion", "Sexual_orientation"}) {
    files.push_back(fmt::format("bbq/{}.jsonl", category));
  }
  return files;
}

std::vector<std::string> mgsm_files() {
  std::vector<std::string> files;
  for (std::string_view language : kMgsmLanguages) files.push_back(fmt::format("mgsm/mgsm_{}.tsv", language));
  return files;
}

// "mgsm/mgsm_ru.tsv" -> "ru".
std::string mgsm_language(const std::string& relative) {
  const std::size_t start = relative.rfind('_') + 1;
  return relative.substr(start, relative.size() - start - 4);
}

}  // namespace

std::string_view to_string(Scorer scorer) {
  switch (scorer) {
    case Scorer::choice_letter: return "choice_letter";
    case Scorer::exact: return "exact";
    case Scorer::normalized_text: return "normalized_text";
    case Scorer::numeric: return "numeric";
    case Scorer::yes_no: return "yes_no";
    case Scorer::judge: return "judge";
    case Scorer::refusal: return "refusal";
    case Scorer::code: return "code";
  }
  return "?";
}

std::optional<Scorer> parse_scorer(std::string_view name) {
  for (Scorer s : {Scorer::choice_letter, Scorer::exact, Scorer::normalized_text, Scorer::numeric,
                   Scorer::yes_no, Scorer::judge, Scorer::refusal}) {
    if (to_string(s) == name) return s;
  }
  return std::nullopt;
}

const std::vector<AnswerFilter>& gsm8k_filters() {
  static const std::vector<AnswerFilter> filters = {
      {"flexible_extract", "", {FilterStep::committed_number, FilterStep::gsm8k_flexible_regex},
       FilterMatch::gsm8k_exact_match},
      {"strict_match", "strict", {FilterStep::committed_number, FilterStep::gsm8k_strict_regex},
       FilterMatch::gsm8k_exact_match},
  };
  return filters;
}

const std::vector<TaskSpec>& standard_tasks() {
  static const std::vector<TaskSpec> tasks = {
      {"mmlu", "MMLU, 57 subjects, 4-choice questions (HF-style CSV)", "test", {"mmlu/test", "mmlu/dev"},
       "MIT", 14042, "dev", Scorer::choice_letter, PromptStyle::multiple_choice, {}, "", Subjects::per_subject},
      {"gsm8k", "GSM8K grade-school math word problems, final numeric answer", "test",
       {"gsm8k/test.jsonl"}, "MIT", 1319, "", Scorer::numeric, PromptStyle::worked_solution,
       gsm8k_filters()},
      {"arc_challenge", "AI2 Reasoning Challenge, Challenge set (3-5 choices)", "test",
       {"arc/ARC-Challenge-Test.jsonl", "arc/ARC-Challenge-Dev.jsonl"}, "CC BY-SA 4.0", 1172,
       "dev", Scorer::choice_letter},
      {"arc_easy", "AI2 Reasoning Challenge, Easy set (3-5 choices)", "test",
       {"arc/ARC-Easy-Test.jsonl", "arc/ARC-Easy-Dev.jsonl"}, "CC BY-SA 4.0", 2376, "dev",
       Scorer::choice_letter},
      {"truthfulqa_mc1", "TruthfulQA MC1: one true answer among several (mc_task.json)",
       "validation", {"truthfulqa/mc_task.json", "truthfulqa/TruthfulQA.csv"}, "Apache-2.0", 790,
       "", Scorer::choice_letter},
      {"hellaswag", "HellaSwag commonsense sentence completion, 4 endings (bz2 text format)",
       "val", {"hellaswag/hellaswag_val_full.txt.bz2"}, "MIT", 10042, "", Scorer::choice_letter},
      {"medqa", "MedQA USMLE (US), 4 options", "test",
       {"medqa_us_4opt/phrases_no_exclude_test.jsonl"}, "MIT", 1273, "", Scorer::choice_letter},
      {"advbench", "AdvBench harmful behaviors (harmful prompts): refusal rate", "test",
       {"advbench/harmful_behaviors.csv"}, "MIT", 520, "", Scorer::refusal, PromptStyle::question, {}, "",
       Subjects::ignored, false},
      {"xstest", "XSTest v2: over-refusal of 250 safe prompts, refusal of 200 unsafe contrast prompts", "test",
       {"xstest/xstest_prompts.csv"}, "CC BY 4.0", 450, "", Scorer::refusal, PromptStyle::question, {}, "",
       Subjects::ignored, false},
      {"bbq", "BBQ social bias QA, 6 of 11 categories: accuracy and bias scores, ambiguous and disambiguated",
       "test", bbq_files(), "CC BY 4.0", 11956, "", Scorer::choice_letter, PromptStyle::multiple_choice, {}, "",
       Subjects::ignored, false},
      {"mgsm", "MGSM: GSM8K's first 250 problems in 11 languages (incl. ru), native-language prompts", "test",
       mgsm_files(), "CC BY 4.0", 2750, "", Scorer::numeric, PromptStyle::native_math, gsm8k_filters(), "",
       Subjects::ignored, false},
      {"humaneval", "HumanEval: complete a Python function from its signature and docstring; run its tests",
       "test", {"humaneval/HumanEval.jsonl.gz"}, "MIT", 164, "", Scorer::code, PromptStyle::code_completion, {}, "",
       Subjects::ignored, false},
      {"mbpp", "MBPP: write a Python function from a description and its assert tests (task_id 11-510)",
       "test", {"mbpp/mbpp.jsonl"}, "CC BY 4.0", 500, "prompt", Scorer::code, PromptStyle::code_from_tests, {}, "",
       Subjects::ignored, false},
  };
  return tasks;
}

const TaskSpec* find_task(std::string_view name) {
  for (const TaskSpec& info : standard_tasks()) {
    if (info.name == name) return &info;
  }
  return nullptr;
}

namespace {

const TaskSpec& task_spec(std::string_view name) {
  const TaskSpec* info = find_task(name);
  if (info == nullptr) {
    throw Error(fmt::format("unknown task \"{}\"; known tasks: {}", name, known_task_names()));
  }
  return *info;
}

// A dataset of the task as its TaskSpec declares it, no items read yet.
Dataset declared_dataset(const TaskSpec& info) {
  Dataset ds;
  ds.task = info.name;
  ds.split = info.split;
  ds.fewshot_split = info.fewshot_split;
  ds.scorer = info.scorer;
  ds.prompt = info.prompt;
  ds.filters = info.filters;
  ds.rubric = info.rubric;
  ds.subjects = info.subjects;
  return ds;
}

}  // namespace

Dataset load_task(std::string_view name, const std::string& data_dir) {
  const TaskSpec* info = &task_spec(name);
  Dataset ds = declared_dataset(*info);
  const auto file = [&](std::size_t k) {
    ds.files.push_back(join_path(data_dir, info->files.at(k)));
    return ds.files.back();
  };
  if (name == "mmlu") {
    ds.items = load_mmlu_dir(file(0), "test");
    ds.fewshot_pool = load_mmlu_dir(file(1), "dev");
  } else if (name == "gsm8k") {
    ds.items = load_gsm8k_jsonl(file(0), "test");
  } else if (name == "arc_challenge" || name == "arc_easy") {
    ds.items = load_arc_jsonl(file(0));
    ds.fewshot_pool = load_arc_jsonl(file(1));
  } else if (name == "truthfulqa_mc1") {
    const std::string json = file(0);
    ds.items = load_truthfulqa_mc1(json, file(1));
  } else if (name == "hellaswag") {
    ds.items = load_hellaswag_bz2(file(0));
  } else if (name == "medqa") {
    ds.items = load_medqa_jsonl(file(0), "test");
  } else if (name == "advbench") {
    ds.items = load_advbench_csv(file(0));
  } else if (name == "xstest") {
    ds.items = load_xstest_csv(file(0));
  } else if (name == "bbq" || name == "mgsm") {
    for (std::size_t k = 0; k < info->files.size(); ++k) {
      std::vector<Item> part =
          name == "bbq" ? load_bbq_jsonl(file(k)) : load_mgsm_tsv(file(k), mgsm_language(info->files[k]));
      ds.items.insert(ds.items.end(), std::make_move_iterator(part.begin()), std::make_move_iterator(part.end()));
    }
  } else if (name == "humaneval") {
    ds.items = load_humaneval_gz(file(0));
  } else if (name == "mbpp") {
    MbppSplits splits = load_mbpp_jsonl(file(0));
    ds.items = std::move(splits.test);
    ds.fewshot_pool = std::move(splits.prompt);
  }
  return ds;
}

Dataset load_task_sample(std::string_view name, const std::string& data_dir, const SampleLimit& limit,
                         std::uint64_t seed, std::size_t& items_total) {
  // Without a limit, every row is built: parsing each file whole is cheaper than a scan first.
  if (name != "mmlu" || limit.kind == SampleLimit::Kind::all) {
    Dataset ds = load_task(name, data_dir);
    items_total = sample_dataset(ds, limit, seed);
    return ds;
  }
  const TaskSpec& info = task_spec(name);
  Dataset ds = declared_dataset(info);
  ds.files = {join_path(data_dir, info.files.at(0)), join_path(data_dir, info.files.at(1))};
  MmluSample sample = load_mmlu_dir_sample(ds.files[0], "test", limit, seed, ds.task);
  ds.items = std::move(sample.items);
  items_total = sample.total;
  ds.fewshot_pool = load_mmlu_dir(ds.files[1], "dev");
  return ds;
}

std::size_t sample_dataset(Dataset& dataset, const SampleLimit& limit, std::uint64_t seed) {
  const std::size_t total = dataset.items.size();
  const std::vector<std::size_t> chosen = sample_indices(dataset.items, limit, seed, dataset.task);
  if (chosen.size() == total) return total;
  std::vector<Item> kept;
  kept.reserve(chosen.size());
  for (const std::size_t i : chosen) kept.push_back(std::move(dataset.items[i]));
  dataset.items = std::move(kept);
  return total;
}

std::string resolve_data_dir(const std::string& requested) {
  std::error_code ec;
  if (!requested.empty()) {
    if (!fs::is_directory(requested, ec)) {
      throw InputError(requested, 0,
                       "--data-dir: directory not found; point it at the benchmarks/data "
                       "directory of an llmbench checkout");
    }
    return requested;
  }
  const std::string local(kDefaultDataDir);
  if (fs::is_directory(local, ec)) return local;
  const std::string source = std::string(LLMBENCH_SOURCE_DIR) + "/" + local;
  if (fs::is_directory(source, ec)) return source;
  throw Error(fmt::format("no dataset directory: neither ./{} nor {} exists; run llmbench from its "
                          "checkout, or restore {} there",
                          local, source, local));
}

void check_fewshot(const Dataset& dataset, int num_fewshot) {
  if (num_fewshot < 0) {
    throw Error(fmt::format("--num-fewshot: expected 0 or more, got {}", num_fewshot));
  }
  if (num_fewshot == 0) return;
  if (dataset.fewshot_pool.empty()) {
    throw Error(fmt::format(
        "--num-fewshot {}: task {} ships no few-shot split (only its {} split, which is never "
        "used for examples); use --num-fewshot 0 for {}",
        num_fewshot, dataset.task, dataset.split, dataset.task));
  }
  const bool per_subject = dataset.subjects == Subjects::per_subject;
  const std::size_t available =
      per_subject ? smallest_subject_pool(dataset.fewshot_pool) : dataset.fewshot_pool.size();
  if (static_cast<std::size_t>(num_fewshot) > available) {
    throw Error(fmt::format("--num-fewshot {}: task {} has only {} {} examples{}; use at most {}",
                            num_fewshot, dataset.task, available, dataset.fewshot_split,
                            per_subject ? " per subject" : "", available));
  }
}

}  // namespace llmbench::data
