#include "llmbench/data/safety_loaders.hpp"

#include <algorithm>
#include <array>
#include <set>

#include <fmt/format.h>

#include "llmbench/data/csv.hpp"
#include "llmbench/data/json_records.hpp"
#include "llmbench/error.hpp"
#include "llmbench/util/text_file.hpp"

namespace llmbench::data {
namespace {

std::string lower(std::string text) {
  for (char& c : text) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return text;
}

// The table of a CSV file whose header must hold `columns` (in any order).
CsvTable csv_with_columns(const std::string& path, std::initializer_list<std::string_view> columns,
                          std::string_view what) {
  CsvTable table = parse_csv_table(util::read_text_file(path), path);
  for (std::string_view column : columns) {
    if (table.column(column) < 0) {
      throw InputError(path, 1, fmt::format("no \"{}\" column; is this {}?", column, what));
    }
  }
  if (table.rows.empty()) throw InputError(path, 0, fmt::format("no rows after the header; is this {}?", what));
  return table;
}

const std::string& field(const CsvTable& table, const CsvRow& row, std::string_view column) {
  return row.fields.at(static_cast<std::size_t>(table.column(column)));
}

// BBQ's ans0..ans2 with their answer_info [text, group] pairs.
struct BbqChoice {
  std::string text, info_text, group;
};

std::array<BbqChoice, 3> bbq_choices(const JsonRecord& record, const std::string& path, std::string_view fix) {
  const Json& info = require_field(record, "answer_info", path, fix);
  std::array<BbqChoice, 3> out;
  for (std::size_t k = 0; k < out.size(); ++k) {
    const std::string name = fmt::format("ans{}", k);
    out[k].text = require_string(record, name, path, fix);
    const auto pair = info.find(name);
    if (pair == info.end() || !pair->is_array() || pair->size() != 2 || !(*pair)[0].is_string() ||
        !(*pair)[1].is_string()) {
      throw InputError(path, record.line, fmt::format("answer_info.{} must be [text, group]; {}", name, fix));
    }
    out[k].info_text = (*pair)[0].get<std::string>();
    out[k].group = (*pair)[1].get<std::string>();
  }
  return out;
}

// Item::bias of one BBQ record (see load_bbq_jsonl).
BiasFacts bbq_bias(const JsonRecord& record, const std::array<BbqChoice, 3>& choices, const std::string& path,
                   std::string_view fix) {
  BiasFacts facts;
  const std::string condition = require_string(record, "context_condition", path, fix);
  if (condition != "ambig" && condition != "disambig") {
    throw InputError(path, record.line,
                     fmt::format("context_condition is \"{}\", expected ambig or disambig; {}", condition, fix));
  }
  facts.ambiguous = condition == "ambig";
  const std::string polarity = require_string(record, "question_polarity", path, fix);
  if (polarity != "neg" && polarity != "nonneg") {
    throw InputError(path, record.line,
                     fmt::format("question_polarity is \"{}\", expected neg or nonneg; {}", polarity, fix));
  }
  const Json& meta = require_field(record, "additional_metadata", path, fix);
  const auto groups = meta.find("stereotyped_groups");
  if (groups == meta.end() || !groups->is_array()) {
    throw InputError(path, record.line, fmt::format("additional_metadata.stereotyped_groups must be a list; {}", fix));
  }
  std::set<std::string> stereotyped;
  for (const Json& g : *groups) {
    if (g.is_string()) stereotyped.insert(lower(g.get<std::string>()));
  }
  std::vector<int> unknown, by_group, by_text;
  for (int k = 0; k < 3; ++k) {
    const BbqChoice& c = choices[static_cast<std::size_t>(k)];
    if (c.group == "unknown") {
      unknown.push_back(k);
      continue;
    }
    if (stereotyped.count(lower(c.group))) by_group.push_back(k);
    if (stereotyped.count(lower(c.info_text))) by_text.push_back(k);
  }
  const std::vector<int>& target = by_group.empty() ? by_text : by_group;
  if (unknown.size() != 1 || target.size() != 1) {
    throw InputError(path, record.line,
                     fmt::format("cannot tell the stereotyped answer: {} choices tagged unknown and {} naming one of "
                                 "stereotyped_groups, expected one of each; the bias score needs them",
                                 unknown.size(), target.size()));
  }
  facts.unknown_index = unknown[0];
  if (polarity == "neg") {
    facts.biased_index = target[0];
  } else {
    facts.biased_index = 3 - target[0] - unknown[0];  // the one choice left
  }
  return facts;
}

}  // namespace

std::vector<Item> load_advbench_csv(const std::string& path) {
  const CsvTable table = csv_with_columns(path, {"goal", "target"}, "AdvBench harmful_behaviors.csv (goal,target)");
  std::vector<Item> items;
  items.reserve(table.rows.size());
  for (std::size_t row = 0; row < table.rows.size(); ++row) {
    const CsvRow& r = table.rows[row];
    Item item;
    item.id = fmt::format("behaviors/{}", row + 1);
    item.question = field(table, r, "goal");
    if (util::is_blank(item.question)) throw InputError(path, r.line, "empty goal; every AdvBench row is a request");
    item.reference = std::string(kShouldRefuse);
    item.source = fmt::format("{}:{}", path, r.line);
    items.push_back(std::move(item));
  }
  return items;
}

std::vector<Item> load_xstest_csv(const std::string& path) {
  const CsvTable table =
      csv_with_columns(path, {"id", "prompt", "type", "label"}, "XSTest v2 xstest_prompts.csv (id,prompt,type,label,...)");
  std::vector<Item> items;
  std::set<std::string> ids;
  for (const CsvRow& r : table.rows) {
    Item item;
    item.id = field(table, r, "id");
    item.question = field(table, r, "prompt");
    item.subject = field(table, r, "type");
    const std::string& label = field(table, r, "label");
    if (label != "safe" && label != "unsafe") {
      throw InputError(path, r.line, fmt::format("label is \"{}\", expected safe or unsafe", label));
    }
    if (item.id.empty() || !ids.insert(item.id).second) {
      throw InputError(path, r.line, fmt::format("id \"{}\" is empty or repeated; XSTest ids are unique", item.id));
    }
    if (util::is_blank(item.question)) throw InputError(path, r.line, "empty prompt");
    item.reference = std::string(label == "unsafe" ? kShouldRefuse : kShouldComply);
    item.source = fmt::format("{}:{}", path, r.line);
    items.push_back(std::move(item));
  }
  return items;
}

std::vector<Item> load_bbq_jsonl(const std::string& path) {
  constexpr std::string_view kFix =
      "expected BBQ JSONL {example_id, question_polarity, context_condition, category, answer_info, "
      "additional_metadata, context, question, ans0..ans2, label}";
  std::vector<Item> items;
  std::set<std::string> ids;
  for (const JsonRecord& record : parse_jsonl(util::read_text_file(path), path)) {
    const Json& example = require_field(record, "example_id", path, kFix);
    const Json& label = require_field(record, "label", path, kFix);
    if (!example.is_number_integer() || !label.is_number_integer() || label.get<int>() < 0 || label.get<int>() > 2) {
      throw InputError(path, record.line, fmt::format("example_id must be an integer and label 0-2; {}", kFix));
    }
    const auto choices = bbq_choices(record, path, kFix);
    Item item;
    item.subject = require_string(record, "category", path, kFix);
    item.id = fmt::format("{}/{}", item.subject, example.get<long long>());
    if (!ids.insert(item.id).second) {
      throw InputError(path, record.line, fmt::format("example_id {} repeats; ids must be unique", example.dump()));
    }
    item.question = require_string(record, "context", path, kFix) + "\n" + require_string(record, "question", path, kFix);
    for (const BbqChoice& c : choices) item.choices.push_back(c.text);
    item.gold_index = label.get<int>();
    item.bias = bbq_bias(record, choices, path, kFix);
    item.source = fmt::format("{}:{}", path, record.line);
    items.push_back(std::move(item));
  }
  return items;
}

std::vector<Item> load_mgsm_tsv(const std::string& path, const std::string& language) {
  const std::string text = util::read_text_file(path);
  std::vector<Item> items;
  util::for_each_line(text, [&](int line, std::string_view content) {
    if (util::is_blank(content)) return;
    const std::size_t tab = content.find('\t');
    if (tab == std::string_view::npos || content.find('\t', tab + 1) != std::string_view::npos) {
      throw InputError(path, line, "expected `question<TAB>answer` (exactly one tab); is this an MGSM tsv file?");
    }
    Item item;
    item.id = fmt::format("{}/{}", language, line);
    item.subject = language;
    item.question = std::string(content.substr(0, tab));
    item.reference = std::string(content.substr(tab + 1));
    const bool number = !item.reference.empty() && std::all_of(item.reference.begin(), item.reference.end(), [](char c) {
      return (c >= '0' && c <= '9') || c == ',' || c == '.' || c == '-';
    });
    if (!number || util::is_blank(item.question)) {
      throw InputError(path, line, fmt::format("answer \"{}\" is not a number, or the question is empty", item.reference));
    }
    item.source = fmt::format("{}:{}", path, line);
    items.push_back(std::move(item));
  });
  if (items.empty()) throw InputError(path, 0, "no problems; is this an MGSM tsv file?");
  return items;
}

}  // namespace llmbench::data
