#include "llmbench/data/loaders.hpp"

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <string>

#include <fmt/format.h>

#include "llmbench/data/csv.hpp"
#include "llmbench/data/json_records.hpp"
#include "llmbench/error.hpp"
#include "llmbench/util/text_file.hpp"

namespace llmbench::data {
namespace {

namespace fs = std::filesystem;

// "<path>:<line>". Spelt out rather than through fmt::format, which costs more than the rest of
// an item's load and runs for every row of every file (28,000 times for MMLU's test split).
std::string source_of(const std::string& path, int line) {
  std::string source;
  source.reserve(path.size() + 12);
  source += path;
  source += ':';
  source += std::to_string(line);
  return source;
}

// Label "A".."E" or "1".."5" -> 0-based position among `labels`, or -1.
int index_of(const std::vector<std::string>& labels, const std::string& label) {
  const auto it = std::find(labels.begin(), labels.end(), label);
  return it == labels.end() ? -1 : static_cast<int>(it - labels.begin());
}

void check_unique_ids(const std::vector<Item>& items, const std::string& path) {
  std::map<std::string_view, const Item*> seen;
  for (const Item& item : items) {
    const auto [first, inserted] = seen.emplace(item.id, &item);
    if (!inserted) {
      throw InputError(item.source.empty() ? path : item.source, 0,
                       fmt::format("duplicate item id \"{}\" (first at {}); ids must be unique in a task",
                                   item.id, first->second->source.empty() ? path : first->second->source));
    }
  }
}

}  // namespace

namespace {

constexpr std::string_view kMmluFix = "expected the HF-style MMLU header "
                                      "question,choice0,choice1,choice2,choice3,answer";
constexpr std::size_t kMmluAnswer = 5;  // the answer's column

void check_mmlu_header(const std::vector<std::string>& header, const std::string& path) {
  const std::vector<std::string> expected = {"question", "choice0", "choice1", "choice2", "choice3", "answer"};
  if (header != expected) throw InputError(path, 1, fmt::format("unexpected header; {}", kMmluFix));
}

void check_mmlu_answer(std::string_view answer, const std::string& path, int line) {
  if (answer.size() != 1 || answer[0] < '0' || answer[0] > '3') {
    throw InputError(path, line, fmt::format("answer is \"{}\", expected an index 0-3; {}", answer, kMmluFix));
  }
}

// Row `row` (0 = the first data row) of a checked MMLU file; its fields move into the item.
Item mmlu_item(CsvRow& r, const std::string& subject, const std::string& split, std::size_t row,
               const std::string& path) {
  Item item;
  item.id.reserve(subject.size() + split.size() + 22);  // "<subject>/<split>/<row>", as source_of
  item.id += subject;
  item.id += '/';
  item.id += split;
  item.id += '/';
  item.id += std::to_string(row);
  item.subject = subject;
  item.question = std::move(r.fields[0]);
  item.choices.assign(std::make_move_iterator(r.fields.begin() + 1), std::make_move_iterator(r.fields.begin() + 5));
  item.gold_index = r.fields[kMmluAnswer][0] - '0';
  item.source = source_of(path, r.line);
  return item;
}

// Every "<subject>_<split>.csv" in `dir` as (subject, path), subjects in alphabetical order.
std::vector<std::pair<std::string, std::string>> mmlu_files(const std::string& dir, const std::string& split) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    throw InputError(dir, 0,
                     "MMLU directory not found: this benchmarks/data holds no MMLU files; restore them from "
                     "the llmbench checkout");
  }
  const std::string suffix = "_" + split + ".csv";
  std::vector<std::pair<std::string, std::string>> files;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (name.size() > suffix.size() && name.ends_with(suffix)) {
      files.emplace_back(name.substr(0, name.size() - suffix.size()), entry.path().string());
    }
  }
  if (files.empty()) {
    throw InputError(dir, 0, fmt::format("no *{} files; is this the MMLU {} directory?", suffix, split));
  }
  std::sort(files.begin(), files.end());
  return files;
}

// One MMLU file's text and where its data rows lie, every row checked as load_mmlu_csv checks it.
struct MmluFile {
  std::string subject;
  std::string path;
  util::TextFile text;  // mapped, not copied: every file of the split is read, few rows are kept
  std::vector<CsvRecordSpan> rows;
};

MmluFile scan_mmlu_csv(const std::string& subject, const std::string& path) {
  MmluFile file{subject, path, util::TextFile(path), {}};
  CsvTableSpans table = scan_csv_table(file.text.text(), path, ',', kMmluAnswer);
  check_mmlu_header(table.header, path);
  for (const CsvRecordSpan& row : table.rows) check_mmlu_answer(row.kept, path, row.line);
  if (table.rows.empty()) throw InputError(path, 0, "no questions after the header");
  file.rows = std::move(table.rows);
  return file;
}

}  // namespace

std::vector<Item> load_mmlu_csv(const std::string& path, const std::string& subject,
                                const std::string& split) {
  CsvTable table = parse_csv_table(util::read_text_file(path), path);  // its fields move into the items
  check_mmlu_header(table.header, path);
  std::vector<Item> items;
  items.reserve(table.rows.size());
  for (std::size_t row = 0; row < table.rows.size(); ++row) {
    check_mmlu_answer(table.rows[row].fields[kMmluAnswer], path, table.rows[row].line);
    items.push_back(mmlu_item(table.rows[row], subject, split, row, path));
  }
  if (items.empty()) throw InputError(path, 0, "no questions after the header");
  return items;
}

std::vector<Item> load_mmlu_dir(const std::string& dir, const std::string& split) {
  // Each item is moved once, into a vector sized for all of them.
  std::vector<std::vector<Item>> parts;
  std::size_t total = 0;
  for (const auto& [subject, path] : mmlu_files(dir, split)) {
    parts.push_back(load_mmlu_csv(path, subject, split));
    total += parts.back().size();
  }
  std::vector<Item> items;
  items.reserve(total);
  for (auto& part : parts) {
    items.insert(items.end(), std::make_move_iterator(part.begin()), std::make_move_iterator(part.end()));
    part = {};
  }
  return items;
}

MmluSample load_mmlu_dir_sample(const std::string& dir, const std::string& split, const SampleLimit& limit,
                                std::uint64_t seed, std::string_view task) {
  // Every file is read and checked, and each row's id keyed ("<subject>/<split>/<row>",
  // hashed in two parts), before any is chosen: the choice is over the whole split.
  const SampleKeys keys_of(seed, task);
  std::vector<MmluFile> files;
  std::vector<std::uint64_t> keys;
  for (const auto& [subject, path] : mmlu_files(dir, split)) {
    files.push_back(scan_mmlu_csv(subject, path));
    const std::string prefix = subject + '/' + split + '/';
    for (std::size_t row = 0; row < files.back().rows.size(); ++row) {
      keys.push_back(keys_of.key(prefix, std::to_string(row)));
    }
  }
  MmluSample sample;
  sample.total = keys.size();
  const std::vector<std::size_t> chosen = smallest_keys(keys, limit);
  sample.items.reserve(chosen.size());
  std::size_t f = 0;
  std::size_t first = 0;  // the index of files[f]'s first row in the split
  for (const std::size_t index : chosen) {  // ascending
    while (index >= first + files[f].rows.size()) {
      first += files[f].rows.size();
      files[f++].text = util::TextFile();  // no further row of it is chosen
    }
    const MmluFile& file = files[f];
    const CsvRecordSpan& span = file.rows[index - first];
    std::vector<CsvRow> parsed =
        parse_csv(file.text.text().substr(span.begin, span.end - span.begin), file.path, ',', span.line);
    sample.items.push_back(mmlu_item(parsed.front(), file.subject, split, index - first, file.path));
  }
  return sample;
}

std::vector<Item> load_gsm8k_jsonl(const std::string& path, const std::string& split) {
  constexpr std::string_view kFix = "each GSM8K line needs \"question\" and \"answer\" strings";
  std::vector<Item> items;
  for (const JsonRecord& record : parse_jsonl(util::read_text_file(path), path)) {
    Item item;
    item.id = fmt::format("{}/{}", split, record.line);
    item.question = require_string(record, "question", path, kFix);
    const std::string answer = require_string(record, "answer", path, kFix);
    const std::size_t mark = answer.rfind("#### ");
    if (mark == std::string::npos) {
      throw InputError(path, record.line,
                       "\"answer\" has no \"#### <number>\" final line; GSM8K answers end with "
                       "the final answer after \"#### \"");
    }
    // Exactly the text after "#### " (trimmed of surrounding whitespace), commas kept.
    std::string reference = answer.substr(mark + 5);
    const std::size_t first = reference.find_first_not_of(" \t\r\n");
    const std::size_t last = reference.find_last_not_of(" \t\r\n");
    reference = first == std::string::npos ? "" : reference.substr(first, last - first + 1);
    if (reference.empty()) {
      throw InputError(path, record.line, "nothing after \"#### \"; the final answer is missing");
    }
    item.reference = std::move(reference);
    item.solution = answer;  // the worked answer with its "#### n" line, for few-shot prompts
    item.source = source_of(path, record.line);
    items.push_back(std::move(item));
  }
  return items;
}

std::vector<Item> load_arc_jsonl(const std::string& path) {
  constexpr std::string_view kFix =
      "expected ARC JSONL {\"id\", \"question\": {\"stem\", \"choices\": [{\"text\", \"label\"}]}, "
      "\"answerKey\"}";
  std::vector<Item> items;
  for (const JsonRecord& record : parse_jsonl(util::read_text_file(path), path)) {
    Item item;
    item.id = require_string(record, "id", path, kFix);
    const Json& question = require_field(record, "question", path, kFix);
    const Json& stem = require_nested(question, "stem", record, "question", path, kFix);
    const Json& choices = require_nested(question, "choices", record, "question", path, kFix);
    if (!stem.is_string() || !choices.is_array()) {
      throw InputError(path, record.line,
                       fmt::format("question.stem must be a string and question.choices an "
                                   "array; {}",
                                   kFix));
    }
    item.question = stem.get<std::string>();
    std::vector<std::string> labels;
    for (const Json& choice : choices) {
      if (!choice.is_object() || !choice.contains("text") || !choice.contains("label") ||
          !choice["text"].is_string() || !choice["label"].is_string()) {
        throw InputError(path, record.line,
                         fmt::format("each choice needs string \"text\" and \"label\"; {}", kFix));
      }
      item.choices.push_back(choice["text"].get<std::string>());
      labels.push_back(choice["label"].get<std::string>());
    }
    if (item.choices.size() < 2 || item.choices.size() > 5) {
      throw InputError(path, record.line,
                       fmt::format("{} choices; ARC items have 3 to 5", item.choices.size()));
    }
    const std::string key = require_string(record, "answerKey", path, kFix);
    item.gold_index = index_of(labels, key);
    if (item.gold_index < 0) {
      throw InputError(path, record.line,
                       fmt::format("answerKey \"{}\" is not one of the choice labels", key));
    }
    item.source = source_of(path, record.line);
    items.push_back(std::move(item));
  }
  check_unique_ids(items, path);
  return items;
}

std::vector<Item> load_truthfulqa_mc1(const std::string& json_path, const std::string& csv_path) {
  constexpr std::string_view kFix =
      "expected TruthfulQA mc_task.json records {\"question\", \"mc1_targets\": {answer: 0|1}}";
  const std::string text = util::read_text_file(json_path, util::LineLimit::none);
  std::vector<Item> items;
  int index = 0;
  for (const JsonRecord& record : parse_json_array(text, json_path)) {
    Item item;
    item.id = fmt::format("mc1/{}", index++);
    item.question = require_string(record, "question", json_path, kFix);
    const Json& targets = require_field(record, "mc1_targets", json_path, kFix);
    if (!targets.is_object() || targets.size() < 2) {
      throw InputError(json_path, record.line,
                       fmt::format("mc1_targets must be an object with at least two answers; {}",
                                   kFix));
    }
    int correct = 0;
    for (const auto& [answer, label] : targets.items()) {
      if (!label.is_number_integer() || (label.get<int>() != 0 && label.get<int>() != 1)) {
        throw InputError(json_path, record.line,
                         fmt::format("mc1_targets[\"{}\"] must be 0 or 1", answer));
      }
      if (label.get<int>() == 1) {
        item.gold_index = static_cast<int>(item.choices.size());
        ++correct;
      }
      item.choices.push_back(answer);
    }
    if (correct != 1) {
      throw InputError(json_path, record.line,
                       fmt::format("mc1_targets has {} correct answers, expected exactly one",
                                   correct));
    }
    item.source = source_of(json_path, record.line);
    items.push_back(std::move(item));
  }
  if (!csv_path.empty()) {
    const CsvTable table = parse_csv_table(util::read_text_file(csv_path), csv_path);
    const int question = table.column("Question"), category = table.column("Category");
    if (question < 0 || category < 0) {
      throw InputError(csv_path, 1, "no Question/Category columns; is this TruthfulQA.csv?");
    }
    for (std::size_t k = 0; k < items.size() && k < table.rows.size(); ++k) {
      const auto& fields = table.rows[k].fields;
      if (fields[static_cast<std::size_t>(question)] == items[k].question) {
        items[k].subject = fields[static_cast<std::size_t>(category)];
      }
    }
  }
  return items;
}

std::vector<Item> load_hellaswag_bz2(const std::string& path) {
  const std::string text = util::read_bz2_text_file(path);
  std::vector<std::string_view> lines;
  int last_line = 0;
  util::for_each_line(text, [&](int line, std::string_view content) {
    lines.push_back(content);
    last_line = line;
  });
  while (!lines.empty() && util::is_blank(lines.back())) lines.pop_back();  // trailing newlines
  if (lines.size() % 6 != 0) {
    throw InputError(path, last_line,
                     fmt::format("{} lines, not a multiple of 6; each item is a context line, a "
                                 "gold label and 4 endings",
                                 lines.size()));
  }
  std::vector<Item> items;
  items.reserve(lines.size() / 6);
  for (std::size_t k = 0; k < lines.size(); k += 6) {
    const int line = static_cast<int>(k) + 1;
    const std::string_view label = lines[k + 1];
    if (label.size() != 1 || label[0] < '0' || label[0] > '3') {
      throw InputError(path, line + 1,
                       fmt::format("gold label is \"{}\", expected 0-3; the file must be 6 lines "
                                   "per item",
                                   label));
    }
    Item item;
    item.id = fmt::format("val/{}", k / 6);
    item.question = std::string(lines[k]);
    const std::size_t colon = item.question.find(": ");
    if (colon != std::string::npos) item.subject = item.question.substr(0, colon);
    for (std::size_t e = 2; e < 6; ++e) item.choices.emplace_back(lines[k + e]);
    item.gold_index = label[0] - '0';
    item.source = source_of(path, line);
    items.push_back(std::move(item));
  }
  if (items.empty()) throw InputError(path, 0, "no items in the decompressed text");
  return items;
}

std::vector<Item> load_medqa_jsonl(const std::string& path, const std::string& split) {
  constexpr std::string_view kFix =
      "expected MedQA JSONL {\"question\", \"options\": {\"A\"..\"D\"}, \"answer_idx\"}";
  std::vector<Item> items;
  for (const JsonRecord& record : parse_jsonl(util::read_text_file(path), path)) {
    Item item;
    item.id = fmt::format("{}/{}", split, record.line);
    item.question = require_string(record, "question", path, kFix);
    const Json& options = require_field(record, "options", path, kFix);
    std::vector<std::string> labels;
    if (!options.is_object()) {
      throw InputError(path, record.line, fmt::format("\"options\" must be an object; {}", kFix));
    }
    std::vector<std::pair<std::string, std::string>> lettered;  // label, text
    for (const auto& [label, text] : options.items()) {
      if (!text.is_string()) {
        throw InputError(path, record.line,
                         fmt::format("options[\"{}\"] must be a string; {}", label, kFix));
      }
      lettered.emplace_back(label, text.get<std::string>());
    }
    std::sort(lettered.begin(), lettered.end());  // choices in letter order A, B, C, D
    for (auto& [label, text] : lettered) {
      labels.push_back(label);
      item.choices.push_back(std::move(text));
    }
    const std::string key = require_string(record, "answer_idx", path, kFix);
    item.gold_index = index_of(labels, key);
    if (item.gold_index < 0) {
      throw InputError(path, record.line,
                       fmt::format("answer_idx \"{}\" is not one of the option letters", key));
    }
    if (const auto meta = record.value.find("meta_info");
        meta != record.value.end() && meta->is_string()) {
      item.subject = meta->get<std::string>();
    }
    item.reference = item.choices[static_cast<std::size_t>(item.gold_index)];
    item.source = source_of(path, record.line);
    items.push_back(std::move(item));
  }
  return items;
}

}  // namespace llmbench::data
