#include "llmbench/data/rag_dataset.hpp"

#include <map>
#include <utility>

#include <fmt/format.h>

#include "llmbench/data/json_records.hpp"
#include "llmbench/error.hpp"
#include "llmbench/util/text_file.hpp"

namespace llmbench::data {
namespace {

enum class FileFormat { json_array, jsonl };

// One record being read, for error messages: JSONL records are named by their line, array
// elements by their index (and the line they start on).
struct RecordRef {
  const std::string& path;
  FileFormat format;
  std::size_t index;  // 0-based position among the records
  const JsonRecord& record;

  std::string source() const {
    return format == FileFormat::jsonl ? fmt::format("{}:{}", path, record.line)
                                       : fmt::format("{}[{}]", path, index);
  }
  [[noreturn]] void fail(const std::string& message) const {
    if (format == FileFormat::jsonl) throw InputError(path, record.line, message);
    throw InputError(path, record.line, fmt::format("item {}: {}", index, message));
  }
};

struct RecordFile {
  FileFormat format;
  std::vector<JsonRecord> records;
};

// A file whose first non-blank character is '[' is a JSON array; anything else is JSONL.
RecordFile read_records(const std::string& path) {
  const std::string text = util::read_text_file(path, util::LineLimit::none);
  const std::size_t first = text.find_first_not_of(" \t\r\n");
  if (first != std::string::npos && text[first] == '[') {
    return {FileFormat::json_array, parse_json_array(text, path)};
  }
  util::check_line_lengths(text, path);
  return {FileFormat::jsonl, parse_jsonl(text, path)};
}

const Json* find_field(const RecordRef& ref, std::string_view field) {
  const auto it = ref.record.value.find(field);
  if (it == ref.record.value.end() || it->is_null()) return nullptr;
  return &*it;
}

[[noreturn]] void wrong_type(const RecordRef& ref, std::string_view field, const Json& value,
                             std::string_view expected, std::string_view fix) {
  ref.fail(fmt::format("field \"{}\" is {}, expected {}; {}", field, json_type_name(value),
                       expected, fix));
}

// A string field; absent or null gives `fallback`.
std::string optional_string(const RecordRef& ref, std::string_view field, std::string_view fix,
                            std::string fallback = {}) {
  const Json* value = find_field(ref, field);
  if (value == nullptr) return fallback;
  if (!value->is_string()) wrong_type(ref, field, *value, "a string", fix);
  return value->get<std::string>();
}

std::string required_string(const RecordRef& ref, std::string_view field, std::string_view fix,
                            bool allow_empty = false) {
  const Json* value = find_field(ref, field);
  if (value == nullptr) ref.fail(fmt::format("missing field \"{}\"; {}", field, fix));
  if (!value->is_string()) wrong_type(ref, field, *value, "a string", fix);
  std::string text = value->get<std::string>();
  if (!allow_empty && text.find_first_not_of(" \t\r\n") == std::string::npos) {
    ref.fail(fmt::format("field \"{}\" is empty; {}", field, fix));
  }
  return text;
}

// An id may be written as a string or an integer; either way it becomes a non-empty string.
std::string optional_id(const RecordRef& ref, std::string_view field, std::string_view fix) {
  const Json* value = find_field(ref, field);
  if (value == nullptr) return {};
  if (value->is_number_integer()) return value->dump();
  if (!value->is_string()) wrong_type(ref, field, *value, "a string", fix);
  std::string id = value->get<std::string>();
  if (id.empty()) ref.fail(fmt::format("field \"{}\" is empty; {}", field, fix));
  return id;
}

std::vector<std::string> optional_string_list(const RecordRef& ref, std::string_view field,
                                              std::string_view fix) {
  const Json* value = find_field(ref, field);
  if (value == nullptr) return {};
  if (!value->is_array()) wrong_type(ref, field, *value, "an array of strings", fix);
  std::vector<std::string> out;
  for (std::size_t k = 0; k < value->size(); ++k) {
    const Json& element = (*value)[k];
    if (!element.is_string()) {
      ref.fail(fmt::format("field \"{}\"[{}] is {}, expected a string; {}", field, k,
                           json_type_name(element), fix));
    }
    out.push_back(element.get<std::string>());
  }
  return out;
}

// Remembers where each id was first seen and throws on a repeat.
class UniqueIds {
 public:
  explicit UniqueIds(std::string_view field) : field_(field) {}
  void add(const std::string& id, const RecordRef& ref) {
    const auto [it, inserted] = seen_.emplace(id, ref.source());
    if (!inserted) {
      ref.fail(fmt::format("duplicate {} \"{}\" (first at {}); every {} must be unique", field_, id,
                           it->second, field_));
    }
  }

 private:
  std::string field_;
  std::map<std::string, std::string> seen_;
};

constexpr std::string_view kRagFix =
    "a RAG item needs \"id\" and \"question\" (strings) and may have \"ground_truth_answer\", "
    "\"chunk_id\", \"chunk_text\", \"confluence_url\" (strings), \"relevant_chunk_ids\" and "
    "\"relevant_urls\" (arrays of strings)";
constexpr std::string_view kChunkFix =
    "a chunk needs \"chunk_id\" and \"text\" (non-empty strings) and may have \"url\" (a string)";
constexpr std::string_view kJudgeFix =
    "a judge-pipeline item needs \"question\", \"answer\", \"context\" (strings) and "
    "\"ground_truth_show\" (true or false), and may have \"id\" and \"rationale\"";

// Fields of a RAG item that have a member; everything else goes to annotations.
bool is_rag_field(std::string_view key) {
  for (const std::string_view known :
       {"id", "question", "ground_truth_answer", "chunk_id", "chunk_text", "relevant_chunk_ids",
        "relevant_urls", "confluence_url"}) {
    if (key == known) return true;
  }
  return false;
}

}  // namespace

std::vector<RagItem> load_rag_dataset(const std::string& path) {
  const RecordFile file = read_records(path);
  std::vector<RagItem> items;
  items.reserve(file.records.size());
  UniqueIds ids("id");
  for (std::size_t k = 0; k < file.records.size(); ++k) {
    const RecordRef ref{path, file.format, k, file.records[k]};
    RagItem item;
    item.id = optional_id(ref, "id", kRagFix);
    if (item.id.empty()) ref.fail(fmt::format("missing field \"id\"; {}", kRagFix));
    item.question = required_string(ref, "question", kRagFix);
    item.ground_truth_answer = optional_string(ref, "ground_truth_answer", kRagFix);
    item.chunk_id = optional_string(ref, "chunk_id", kRagFix);
    item.chunk_text = optional_string(ref, "chunk_text", kRagFix);
    item.confluence_url = optional_string(ref, "confluence_url", kRagFix);
    item.relevant_urls = optional_string_list(ref, "relevant_urls", kRagFix);
    if (find_field(ref, "relevant_chunk_ids") != nullptr) {
      item.relevant_chunk_ids = optional_string_list(ref, "relevant_chunk_ids", kRagFix);
    } else if (!item.chunk_id.empty()) {
      item.relevant_chunk_ids = {item.chunk_id};
    }
    for (const auto& [key, value] : file.records[k].value.items()) {
      if (!is_rag_field(key)) item.annotations[key] = nlohmann::json::parse(value.dump());
    }
    item.source = ref.source();
    ids.add(item.id, ref);
    items.push_back(std::move(item));
  }
  return items;
}

std::vector<Chunk> load_chunks(const std::string& path) {
  const RecordFile file = read_records(path);
  std::vector<Chunk> chunks;
  chunks.reserve(file.records.size());
  UniqueIds ids("chunk_id");
  for (std::size_t k = 0; k < file.records.size(); ++k) {
    const RecordRef ref{path, file.format, k, file.records[k]};
    Chunk chunk;
    chunk.chunk_id = optional_id(ref, "chunk_id", kChunkFix);
    if (chunk.chunk_id.empty()) ref.fail(fmt::format("missing field \"chunk_id\"; {}", kChunkFix));
    chunk.text = required_string(ref, "text", kChunkFix);
    chunk.url = optional_string(ref, "url", kChunkFix);
    ids.add(chunk.chunk_id, ref);
    chunks.push_back(std::move(chunk));
  }
  return chunks;
}

std::vector<JudgePipelineItem> load_judge_pipeline(const std::string& path) {
  const RecordFile file = read_records(path);
  std::vector<JudgePipelineItem> items;
  items.reserve(file.records.size());
  UniqueIds ids("id");
  for (std::size_t k = 0; k < file.records.size(); ++k) {
    const RecordRef ref{path, file.format, k, file.records[k]};
    JudgePipelineItem item;
    item.id = optional_id(ref, "id", kJudgeFix);
    if (item.id.empty()) item.id = std::to_string(k);
    item.question = required_string(ref, "question", kJudgeFix);
    item.answer = required_string(ref, "answer", kJudgeFix, /*allow_empty=*/true);
    item.context = required_string(ref, "context", kJudgeFix, /*allow_empty=*/true);
    const Json* show = find_field(ref, "ground_truth_show");
    if (show == nullptr) {
      ref.fail(fmt::format("missing field \"ground_truth_show\"; {}", kJudgeFix));
    }
    if (!show->is_boolean()) {
      wrong_type(ref, "ground_truth_show", *show, "true or false (a JSON boolean, unquoted)",
                 kJudgeFix);
    }
    item.ground_truth_show = show->get<bool>();
    item.rationale = optional_string(ref, "rationale", kJudgeFix);
    item.kind = optional_string(ref, "kind", kJudgeFix);
    item.source = ref.source();
    ids.add(item.id, ref);
    items.push_back(std::move(item));
  }
  return items;
}

RagFiles default_rag_files(const std::string& data_dir, std::string_view lang) {
  if (lang != "en" && lang != "ru") {
    throw Error(
        fmt::format("no shipped RAG datasets for language \"{}\"; the shipped XQuAD "
                    "files are \"en\" and \"ru\"",
                    lang));
  }
  const std::string rag = data_dir + "/rag/xquad_" + std::string(lang);
  return {rag + "_synthetic.jsonl", rag + "_manual.jsonl", rag + "_chunks.jsonl",
          data_dir + "/dataset_judge_pipeline_" + std::string(lang) + ".json"};
}

}  // namespace llmbench::data
