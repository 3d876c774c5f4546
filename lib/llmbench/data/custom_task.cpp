#include "llmbench/data/custom_task.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <filesystem>
#include <map>
#include <optional>
#include <set>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "llmbench/data/csv.hpp"
#include "llmbench/data/json_records.hpp"
#include "llmbench/error.hpp"
#include "llmbench/util/field_template.hpp"
#include "llmbench/util/text_file.hpp"
#include "llmbench/util/yaml.hpp"

namespace llmbench::data {
namespace {

namespace fs = std::filesystem;

enum class FileFormat { jsonl, json, csv, tsv };
enum class AnswerFormat { letter, index, text };

constexpr std::string_view kKnownKeys =
    "name, description, file, fewshot_file, format, id_field, question_field, choices_field, "
    "choice_fields, answer_field, answer_format, subject_field, prompt, scorer, rubric";

struct Spec {
  std::string config_path;
  int line = 0;  // of the task entry in the YAML file
  std::string name, description, file, fewshot_file;
  FileFormat format = FileFormat::jsonl;
  std::string id_field, question_field, choices_field, answer_field, subject_field;
  std::vector<std::string> choice_fields;
  std::optional<util::FieldTemplate> prompt;  // renders Item::question instead of question_field
  AnswerFormat answer_format = AnswerFormat::letter;
  Scorer scorer = Scorer::exact;
  std::string rubric;  // scorer judge only

  bool has_choices() const { return !choices_field.empty() || !choice_fields.empty(); }
};

[[noreturn]] void config_error(const Spec& spec, const YAML::Node& node, const std::string& what) {
  const int line = node.IsDefined() ? util::yaml_line(node) : spec.line;
  throw InputError(spec.config_path, line,
                   spec.name.empty() ? what : fmt::format("task \"{}\": {}", spec.name, what));
}

std::string scalar(const Spec& spec, const YAML::Node& node, std::string_view key) {
  if (!node.IsScalar()) config_error(spec, node, fmt::format("\"{}\" must be a string", key));
  return node.as<std::string>();
}

FileFormat format_from(const Spec& spec, const YAML::Node& node, const std::string& text) {
  if (text == "jsonl") return FileFormat::jsonl;
  if (text == "json") return FileFormat::json;
  if (text == "csv") return FileFormat::csv;
  if (text == "tsv") return FileFormat::tsv;
  config_error(spec, node,
               fmt::format("format \"{}\" is not one of jsonl, json, csv, tsv", text));
}

FileFormat format_of_file(const Spec& spec, const YAML::Node& node) {
  std::string ext = fs::path(spec.file).extension().string();
  if (!ext.empty()) ext.erase(0, 1);
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  if (ext == "jsonl" || ext == "json" || ext == "csv" || ext == "tsv") {
    return format_from(spec, node, ext);
  }
  config_error(spec, node,
               fmt::format("cannot tell the format of \"{}\" from its extension; add "
                           "format: jsonl|json|csv|tsv",
                           spec.file));
}

void refuse_unknown_keys(const Spec& spec, const YAML::Node& node) {
  for (const auto& kv : node) {
    const std::string key = util::yaml_key(kv.first, spec.config_path);
    static const std::set<std::string, std::less<>> kKeys = {
        "name",          "description",  "file",          "fewshot_file", "format",
        "id_field",      "question_field", "choices_field", "choice_fields", "answer_field",
        "answer_format", "subject_field", "prompt",        "scorer",        "rubric"};
    if (kKeys.count(key) == 0) {
      config_error(spec, kv.first,
                   fmt::format("unknown key \"{}\"; known keys: {}", key, kKnownKeys));
    }
  }
}

// The checks across keys of a read spec (the scorer decides which other keys it needs).
void check_consistency(const Spec& spec, const YAML::Node& node) {
  if (spec.scorer == Scorer::judge && spec.rubric.find_first_not_of(" \t\r\n") == std::string::npos) {
    config_error(spec, node, "scorer judge needs a rubric: the text the judges score each answer against");
  }
  if (spec.scorer != Scorer::judge && node["rubric"].IsDefined()) {
    config_error(spec, node["rubric"], "rubric: is only used by scorer judge; remove it or change the scorer");
  }
  if (spec.answer_field.empty() && spec.scorer != Scorer::judge) {
    config_error(spec, node, "missing \"answer_field\" (only scorer judge may go without a reference)");
  }
  if (!spec.choices_field.empty() && !spec.choice_fields.empty()) {
    config_error(spec, node, "give either choices_field (a list field) or choice_fields, not both");
  }
  if (spec.scorer == Scorer::choice_letter && !spec.has_choices()) {
    config_error(spec, node, "scorer choice_letter needs choices_field or choice_fields");
  }
  if (spec.scorer != Scorer::choice_letter && spec.has_choices()) {
    config_error(spec, node, "choices are only used by scorer choice_letter; remove them or "
                             "change the scorer");
  }
  if (spec.format != FileFormat::jsonl && spec.format != FileFormat::json &&
      !spec.choices_field.empty()) {
    config_error(spec, node, "a CSV/TSV file has no list fields; use choice_fields: [A, B, ...]");
  }
}

AnswerFormat answer_format_from(const Spec& spec, const YAML::Node& node) {
  const std::string text = scalar(spec, node, "answer_format");
  if (text == "letter") return AnswerFormat::letter;
  if (text == "index") return AnswerFormat::index;
  if (text == "text") return AnswerFormat::text;
  config_error(spec, node, fmt::format("answer_format \"{}\" is not letter, index or text", text));
}

Spec parse_spec(const YAML::Node& node, const std::string& config_path) {
  Spec spec;
  spec.config_path = config_path;
  spec.line = util::yaml_line(node);
  if (!node.IsMap()) config_error(spec, node, "each entry of tasks: must be a mapping");
  refuse_unknown_keys(spec, node);
  const auto get = [&](const char* key) { return node[key]; };
  const auto required = [&](const char* key) {
    const YAML::Node value = get(key);
    if (!value.IsDefined()) config_error(spec, node, fmt::format("missing \"{}\"", key));
    return scalar(spec, value, key);
  };
  const auto optional = [&](const char* key) {
    const YAML::Node value = get(key);
    return value.IsDefined() ? scalar(spec, value, key) : std::string();
  };
  spec.name = required("name");
  const bool valid_name =
      !spec.name.empty() && spec.name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_-") ==
                                std::string::npos;
  if (!valid_name) {
    config_error(spec, get("name"), "name must use only a-z, 0-9, '_' and '-'");
  }
  if (find_task(spec.name) != nullptr) {
    config_error(spec, get("name"), "this name is a standard task; pick another name");
  }
  spec.description = optional("description");
  spec.file = required("file");
  spec.fewshot_file = optional("fewshot_file");
  spec.format = get("format").IsDefined() ? format_from(spec, get("format"), optional("format"))
                                          : format_of_file(spec, get("file"));
  spec.id_field = optional("id_field");
  spec.question_field = optional("question_field");
  if (const YAML::Node prompt = get("prompt"); prompt.IsDefined()) {
    if (!spec.question_field.empty()) {
      config_error(spec, prompt, "give either question_field or a prompt: template, not both");
    }
    spec.prompt = util::FieldTemplate::parse(scalar(spec, prompt, "prompt"), config_path, util::yaml_line(prompt));
    if (spec.prompt->fields().empty()) {
      config_error(spec, prompt, "the prompt: template uses no field; write fields as {name}");
    }
  } else if (spec.question_field.empty()) {
    config_error(spec, node, "missing \"question_field\" (or a prompt: template over the record's fields)");
  }
  spec.choices_field = optional("choices_field");
  spec.answer_field = optional("answer_field");
  spec.subject_field = optional("subject_field");
  if (const YAML::Node fields = get("choice_fields"); fields.IsDefined()) {
    if (!fields.IsSequence() || fields.size() < 2) {
      config_error(spec, fields, "choice_fields must be a list of at least two field names");
    }
    for (const auto& f : fields) spec.choice_fields.push_back(scalar(spec, f, "choice_fields"));
  }
  const std::string scorer = required("scorer");
  const auto parsed = parse_scorer(scorer);
  if (!parsed) {
    config_error(spec, get("scorer"),
                 fmt::format("scorer \"{}\" is not one of {}", scorer, kScorerNames));
  }
  spec.scorer = *parsed;
  spec.rubric = optional("rubric");
  check_consistency(spec, node);
  if (const YAML::Node af = get("answer_format"); af.IsDefined()) spec.answer_format = answer_format_from(spec, af);
  return spec;
}

// Records of any supported file as JSON objects (CSV cells become strings).
std::vector<JsonRecord> read_records(const std::string& path, FileFormat format) {
  if (format == FileFormat::jsonl) return parse_jsonl(util::read_text_file(path), path);
  if (format == FileFormat::json) {
    return parse_json_array(util::read_text_file(path, util::LineLimit::none), path);
  }
  const CsvTable table =
      parse_csv_table(util::read_text_file(path), path, format == FileFormat::tsv ? '\t' : ',');
  std::vector<JsonRecord> records;
  for (const CsvRow& row : table.rows) {
    JsonRecord record{row.line, Json::object()};
    for (std::size_t k = 0; k < table.header.size(); ++k) {
      record.value[table.header[k]] = row.fields[k];
    }
    records.push_back(std::move(record));
  }
  if (records.empty()) throw InputError(path, 0, "no records after the header");
  return records;
}

class ItemBuilder {
 public:
  ItemBuilder(const Spec& spec, std::string path) : spec_(spec), path_(std::move(path)) {}

  Item build(const JsonRecord& record, std::size_t index) const {
    Item item;
    item.source = fmt::format("{}:{}", path_, record.line);
    if (!spec_.id_field.empty()) {
      item.id = text(record, spec_.id_field);
    } else {
      // Default id: the line number, or the array index for a JSON file (one line may hold
      // several records there).
      item.id = std::to_string(spec_.format == FileFormat::json ? index : std::size_t(record.line));
    }
    if (spec_.prompt) {
      item.question = spec_.prompt->render([&](const std::string& name) { return text(record, name); });
    } else {
      item.question = text(record, spec_.question_field);
      if (item.question.empty()) fail(record, spec_.question_field, "is empty");
    }
    if (!spec_.subject_field.empty()) item.subject = text(record, spec_.subject_field);
    if (!spec_.choices_field.empty()) {
      const Json& list = field(record, spec_.choices_field);
      if (!list.is_array() || list.size() < 2) {
        fail(record, spec_.choices_field, "must be a list of at least two choices");
      }
      for (const Json& choice : list) item.choices.push_back(scalar_text(record, spec_.choices_field, choice));
    }
    for (const std::string& name : spec_.choice_fields) item.choices.push_back(text(record, name));
    if (spec_.scorer == Scorer::choice_letter) {
      item.gold_index = gold(record, item.choices);
      item.reference = item.choices[static_cast<std::size_t>(item.gold_index)];
    } else if (!spec_.answer_field.empty()) {
      item.reference = reference(record);
    }
    return item;
  }

 private:
  [[noreturn]] void fail(const JsonRecord& record, const std::string& name,
                         const std::string& what) const {
    throw InputError(path_, record.line,
                     fmt::format("field \"{}\" {} (task \"{}\", {}:{})", name, what, spec_.name,
                                 spec_.config_path, spec_.line));
  }

  const Json& field(const JsonRecord& record, const std::string& name) const {
    const auto it = record.value.find(name);
    if (it == record.value.end()) {
      fail(record, name, "is missing; add it to every record or fix the field name in the config");
    }
    return *it;
  }

  std::string scalar_text(const JsonRecord& record, const std::string& name, const Json& v) const {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_number() || v.is_boolean()) return v.dump();
    fail(record, name, fmt::format("is {}, expected text, a number or a boolean", json_type_name(v)));
  }

  std::string text(const JsonRecord& record, const std::string& name) const {
    return scalar_text(record, name, field(record, name));
  }

  int gold(const JsonRecord& record, const std::vector<std::string>& choices) const {
    const Json& v = field(record, spec_.answer_field);
    const std::string answer = scalar_text(record, spec_.answer_field, v);
    int index = -1;
    switch (spec_.answer_format) {
      case AnswerFormat::letter:
        if (answer.size() == 1 && std::isalpha(static_cast<unsigned char>(answer[0]))) {
          index = std::toupper(static_cast<unsigned char>(answer[0])) - 'A';
        }
        break;
      case AnswerFormat::index: {
        const auto [ptr, ec] = std::from_chars(answer.data(), answer.data() + answer.size(), index);
        if (ec != std::errc() || ptr != answer.data() + answer.size()) index = -1;
        break;
      }
      case AnswerFormat::text: {
        const auto it = std::find(choices.begin(), choices.end(), answer);
        if (it != choices.end()) index = static_cast<int>(it - choices.begin());
        break;
      }
    }
    if (index < 0 || static_cast<std::size_t>(index) >= choices.size()) {
      const char* expected = spec_.answer_format == AnswerFormat::letter  ? "a letter A.."
                             : spec_.answer_format == AnswerFormat::index ? "a 0-based index <"
                                                                          : "one of the";
      fail(record, spec_.answer_field,
           fmt::format("is \"{}\", expected {} {} choices (answer_format)", answer, expected,
                       choices.size()));
    }
    return index;
  }

  std::string reference(const JsonRecord& record) const {
    if (spec_.scorer == Scorer::judge) {  // a record may go without: the judges see it when there is one
      const auto it = record.value.find(spec_.answer_field);
      return it == record.value.end() || it->is_null() ? std::string() : scalar_text(record, spec_.answer_field, *it);
    }
    const Json& v = field(record, spec_.answer_field);
    std::string ref = scalar_text(record, spec_.answer_field, v);
    if (spec_.scorer == Scorer::numeric) {
      std::string digits;
      for (char c : ref) {
        if (c != ',' && c != ' ' && c != '$') digits.push_back(c);
      }
      double value = 0;
      const auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
      if (digits.empty() || ec != std::errc() || ptr != digits.data() + digits.size()) {
        fail(record, spec_.answer_field, fmt::format("is \"{}\", not a number (scorer numeric)", ref));
      }
    } else if (spec_.scorer == Scorer::yes_no) {
      // Normalised to "yes"/"no"; English and Russian spellings and JSON booleans accepted.
      static const std::vector<std::pair<std::string, std::string>> kWords = {
          {"yes", "yes"}, {"Yes", "yes"}, {"YES", "yes"}, {"true", "yes"}, {"да", "yes"},
          {"Да", "yes"},  {"ДА", "yes"},  {"no", "no"},   {"No", "no"},    {"NO", "no"},
          {"false", "no"}, {"нет", "no"}, {"Нет", "no"},  {"НЕТ", "no"}};
      const auto it = std::find_if(kWords.begin(), kWords.end(),
                                   [&](const auto& w) { return w.first == ref; });
      if (it == kWords.end()) {
        fail(record, spec_.answer_field,
             fmt::format("is \"{}\", expected yes/no or да/нет (scorer yes_no)", ref));
      }
      ref = it->second;
    } else if (ref.empty()) {
      fail(record, spec_.answer_field, "is empty; every record needs a reference answer");
    }
    return ref;
  }

  const Spec& spec_;
  std::string path_;
};

std::vector<Item> load_items(const Spec& spec, const std::string& path) {
  const ItemBuilder builder(spec, path);
  const std::vector<JsonRecord> records = read_records(path, spec.format);
  std::vector<Item> items;
  items.reserve(records.size());
  std::map<std::string, int> ids;  // id -> the line it was first on
  for (std::size_t k = 0; k < records.size(); ++k) {
    items.push_back(builder.build(records[k], k));
    const auto [first, inserted] = ids.emplace(items.back().id, records[k].line);
    if (!inserted) {
      throw InputError(path, records[k].line,
                       fmt::format("duplicate id \"{}\" (id_field \"{}\"), first on line {}; ids must be unique",
                                   items.back().id, spec.id_field, first->second));
    }
  }
  return items;
}

std::string resolve(const std::string& config_path, const std::string& file) {
  const fs::path p(file);
  return p.is_absolute() ? file : (fs::path(config_path).parent_path() / p).string();
}

}  // namespace

std::vector<CustomTask> load_custom_tasks(const YAML::Node& tasks, const std::string& config_path) {
  if (!tasks.IsDefined() || tasks.IsNull()) return {};
  if (!tasks.IsSequence()) {
    throw InputError(config_path, util::yaml_line(tasks), "tasks: must be a list of task entries");
  }
  std::vector<CustomTask> result;
  std::set<std::string> names;
  for (const auto& node : tasks) {
    const Spec spec = parse_spec(node, config_path);
    if (!names.insert(spec.name).second) {
      throw InputError(config_path, spec.line,
                       fmt::format("task \"{}\" is defined twice; names must be unique", spec.name));
    }
    CustomTask task;
    const PromptStyle prompt =
        spec.scorer == Scorer::choice_letter ? PromptStyle::multiple_choice : PromptStyle::question;
    task.info = TaskSpec{spec.name, spec.description, "custom", {spec.file}, "", 0, "", spec.scorer, prompt, {},
                         spec.rubric};
    task.dataset.task = spec.name;
    task.dataset.split = "custom";
    task.dataset.scorer = spec.scorer;
    task.dataset.prompt = prompt;
    task.dataset.rubric = spec.rubric;
    task.dataset.files.push_back(resolve(config_path, spec.file));
    task.dataset.items = load_items(spec, task.dataset.files.back());
    if (!spec.fewshot_file.empty()) {
      task.info.files.push_back(spec.fewshot_file);
      task.info.fewshot_split = "fewshot";
      task.dataset.fewshot_split = "fewshot";
      task.dataset.files.push_back(resolve(config_path, spec.fewshot_file));
      task.dataset.fewshot_pool = load_items(spec, task.dataset.files.back());
    }
    task.info.item_count_expected = task.dataset.items.size();
    result.push_back(std::move(task));
  }
  return result;
}

std::vector<CustomTask> load_custom_tasks_file(const std::string& path) {
  const std::string text = util::read_text_file(path, util::LineLimit::none);
  const YAML::Node root = util::load_yaml(text, path);
  if (!root.IsMap() || !root["tasks"].IsDefined()) {
    throw InputError(path, 1, "expected a top-level \"tasks:\" list of custom tasks");
  }
  return load_custom_tasks(root["tasks"], path);
}

}  // namespace llmbench::data
