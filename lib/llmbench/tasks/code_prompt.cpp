#include "llmbench/tasks/code_prompt.hpp"

#include <regex>

#include "llmbench/data/code_tasks.hpp"

namespace llmbench::tasks {
namespace {

std::string user_text(data::PromptStyle style, const data::Item& item) {
  if (style == data::PromptStyle::code_completion) {
    std::string stub = item.question;
    if (!stub.empty() && stub.back() != '\n') stub.push_back('\n');
    return "Complete the following Python function. Reply with the complete function in one ```python code "
           "block.\n\n```python\n" +
           stub + "```";
  }
  return "You are an expert Python programmer, and here is your task:\n" + item.question +
         "\nYour code should pass these tests:\n\n" + data::mbpp_asserts(item) +
         "\nReply with your code in one ```python code block.";
}

// Whether `code` defines `name` at the left margin.
bool defines_at_margin(std::string_view code, const std::string& name) {
  const std::regex def("^(async\\s+)?def\\s+" + name + "\\s*\\(", std::regex::multiline);
  return !name.empty() && std::regex_search(code.begin(), code.end(), def);
}

std::string indented_body(std::string_view code) {
  const std::size_t first = code.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return std::string(code);
  const std::size_t line_start = code.rfind('\n', first);
  const bool flush_left = first == (line_start == std::string_view::npos ? 0 : line_start + 1);
  if (!flush_left) return std::string(code);
  std::string out;
  std::size_t start = 0;
  while (start < code.size()) {
    std::size_t end = code.find('\n', start);
    if (end == std::string_view::npos) end = code.size();
    const std::string_view line = code.substr(start, end - start);
    if (!line.empty()) out += "    ";
    out.append(line).push_back('\n');
    start = end + 1;
  }
  return out;
}

}  // namespace

std::vector<http::ChatMessage> build_code_prompt(data::PromptStyle style, const data::Item& item,
                                                 std::span<const data::Item> fewshot_pool,
                                                 const PromptOptions& options) {
  std::vector<http::ChatMessage> messages;
  if (!options.system_prompt.empty()) messages.push_back({"system", options.system_prompt});
  for (const data::Item* example : select_fewshot(item, fewshot_pool, options)) {
    messages.push_back({"user", user_text(style, *example)});
    messages.push_back({"assistant", data::fenced_solution(*example)});
  }
  messages.push_back({"user", user_text(style, item)});
  return messages;
}

std::string code_program(data::PromptStyle style, const data::Item& item, std::string_view code) {
  std::string program;
  if (style == data::PromptStyle::code_completion) {
    program = item.question;
    if (!program.empty() && program.back() != '\n') program.push_back('\n');
    if (defines_at_margin(code, item.entry_point)) {
      program += "\n\n";
      program += code;
    } else {
      program += indented_body(code);
    }
  } else {
    program = std::string(code);
  }
  if (!program.empty() && program.back() != '\n') program.push_back('\n');
  return program + "\n\n" + item.reference;
}

}  // namespace llmbench::tasks
