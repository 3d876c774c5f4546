#include "llmbench/data/code_tasks.hpp"

#include <zlib.h>

#include <memory>
#include <regex>

#include <fmt/format.h>

#include "llmbench/data/json_records.hpp"
#include "llmbench/error.hpp"
#include "llmbench/util/text_file.hpp"

namespace llmbench::data {
namespace {

constexpr std::size_t kMaxInflatedBytes = 64u << 20;  // a dataset file, inflated

// The whole inflated text of a gzip file, checked like read_text_file.
std::string read_gz_text_file(const std::string& path) {
  const std::unique_ptr<gzFile_s, int (*)(gzFile)> file(gzopen(path.c_str(), "rb"), gzclose);
  if (!file) throw InputError(path, 0, "cannot open (is the dataset directory complete?)");
  std::string text;
  char buffer[1 << 16];
  for (;;) {
    const int n = gzread(file.get(), buffer, sizeof buffer);
    if (n < 0) throw InputError(path, 0, "corrupt gzip stream; restore the file from its source");
    if (n == 0) break;
    text.append(buffer, static_cast<std::size_t>(n));
    if (text.size() > kMaxInflatedBytes) throw InputError(path, 0, "inflates past 64 MiB; not a dataset file");
  }
  if (text.empty()) throw InputError(path, 0, "empty file");
  util::validate_utf8(text, path);
  util::check_line_lengths(text, path);
  return text;
}

std::string source_of(const std::string& path, int line) { return fmt::format("{}:{}", path, line); }

// The first function `code` defines at top level whose name the tests call.
std::string called_function(const std::string& code, const std::string& tests) {
  static const std::regex def(R"(^def\s+([A-Za-z_][A-Za-z_0-9]*)\s*\()", std::regex::multiline);
  for (std::sregex_iterator it(code.begin(), code.end(), def), end; it != end; ++it) {
    const std::string name = (*it)[1];
    if (tests.find(name + "(") != std::string::npos) return name;
  }
  return "";
}

}  // namespace

std::vector<Item> load_humaneval_gz(const std::string& path) {
  constexpr std::string_view kFix = "HumanEval lines need task_id, prompt, canonical_solution, test, entry_point";
  std::vector<Item> items;
  for (const JsonRecord& r : parse_jsonl(read_gz_text_file(path), path)) {
    Item item;
    item.id = require_string(r, "task_id", path, kFix);
    item.question = require_string(r, "prompt", path, kFix);
    item.entry_point = require_string(r, "entry_point", path, kFix);
    item.reference = require_string(r, "test", path, kFix) + fmt::format("\n\ncheck({})\n", item.entry_point);
    item.solution = item.question + require_string(r, "canonical_solution", path, kFix);
    item.source = source_of(path, r.line);
    items.push_back(std::move(item));
  }
  return items;
}

MbppSplits load_mbpp_jsonl(const std::string& path) {
  constexpr std::string_view kFix = "MBPP lines need task_id, text, code, test_list (and test_setup_code)";
  MbppSplits splits;
  for (const JsonRecord& r : parse_jsonl(util::read_text_file(path), path)) {
    const Json& id = require_field(r, "task_id", path, kFix);
    if (!id.is_number_integer()) throw InputError(path, r.line, "\"task_id\" is not an integer");
    const auto task_id = id.get<long long>();
    if (task_id < 2 || task_id > 510) continue;  // train/validation, and task 1
    Item item;
    item.id = std::to_string(task_id);
    item.question = require_string(r, "text", path, kFix);
    item.solution = require_string(r, "code", path, kFix);
    std::string tests = r.value.value("test_setup_code", std::string());
    if (!tests.empty()) tests += "\n";
    const Json& list = require_field(r, "test_list", path, kFix);
    if (!list.is_array() || list.empty()) throw InputError(path, r.line, "\"test_list\" is not a list of asserts");
    for (const Json& test : list) {
      if (!test.is_string()) throw InputError(path, r.line, "\"test_list\" holds a non-string");
      tests += test.get<std::string>() + "\n";
    }
    item.reference = std::move(tests);
    item.entry_point = called_function(item.solution, item.reference);
    item.source = source_of(path, r.line);
    (task_id >= 11 ? splits.test : splits.prompt).push_back(std::move(item));
  }
  return splits;
}

std::string mbpp_asserts(const Item& item) {
  std::string out;
  std::size_t start = 0;
  while (start < item.reference.size()) {
    std::size_t end = item.reference.find('\n', start);
    if (end == std::string::npos) end = item.reference.size();
    const std::string_view line(item.reference.data() + start, end - start);
    if (line.rfind("assert", 0) == 0) out.append(line).push_back('\n');
    start = end + 1;
  }
  return out;
}

std::string fenced_solution(const Item& item) {
  std::string code = item.solution;
  while (!code.empty() && (code.back() == '\n' || code.back() == ' ')) code.pop_back();
  return "```python\n" + code + "\n```";
}

}  // namespace llmbench::data
