#include "llmbench/tasks/prompt_template.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "llmbench/error.hpp"

namespace llmbench::tasks {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kDefaultPromptsDir = "configs/prompts";
constexpr Placeholder kAllPlaceholders[] = {Placeholder::question, Placeholder::context, Placeholder::answer,
                                            Placeholder::reference};

int line_at(std::string_view text, std::size_t offset) {
  return 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(offset), '\n'));
}

std::string_view trim_spaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::string_view to_string(Placeholder placeholder) {
  switch (placeholder) {
    case Placeholder::question: return "question";
    case Placeholder::context: return "context";
    case Placeholder::answer: return "answer";
    case Placeholder::reference: return "reference";
  }
  return "question";
}

PromptTemplate PromptTemplate::parse(std::string_view text, const std::string& origin,
                                     const std::vector<Placeholder>& required) {
  PromptTemplate t;
  t.origin_ = origin;
  std::size_t pos = 0;
  std::string literal;
  while (pos < text.size()) {
    const std::size_t open = text.find("{{", pos);
    if (open == std::string_view::npos) {
      literal.append(text.substr(pos));
      break;
    }
    literal.append(text.substr(pos, open - pos));
    const std::size_t close = text.find("}}", open + 2);
    if (close == std::string_view::npos || text.substr(open + 2, close - open - 2).find('\n') != std::string_view::npos) {
      throw InputError(origin, line_at(text, open),
                       "\"{{\" is not closed by \"}}\" on the same line; placeholders are "
                       "{{question}}, {{context}}, {{answer}}, {{reference}}");
    }
    const std::string_view name = trim_spaces(text.substr(open + 2, close - open - 2));
    const auto* found = std::find_if(std::begin(kAllPlaceholders), std::end(kAllPlaceholders),
                                     [&](Placeholder p) { return to_string(p) == name; });
    if (found == std::end(kAllPlaceholders)) {
      throw InputError(origin, line_at(text, open),
                       fmt::format("unknown placeholder {{{{{}}}}}; use {{{{question}}}}, {{{{context}}}}, "
                                   "{{{{answer}}}} or {{{{reference}}}}",
                                   name));
    }
    if (!literal.empty()) t.segments_.push_back({false, Placeholder::question, std::move(literal)});
    literal.clear();
    t.segments_.push_back({true, *found, {}});
    pos = close + 2;
  }
  if (!literal.empty()) t.segments_.push_back({false, Placeholder::question, std::move(literal)});
  for (Placeholder p : required) {
    if (!t.uses(p)) {
      throw InputError(origin, 0,
                       fmt::format("the template never uses {{{{{}}}}}, which this prompt needs; add it "
                                   "where the model should see the {}",
                                   to_string(p), to_string(p)));
    }
  }
  return t;
}

bool PromptTemplate::uses(Placeholder placeholder) const {
  return std::any_of(segments_.begin(), segments_.end(),
                     [&](const Segment& s) { return s.is_placeholder && s.placeholder == placeholder; });
}

std::string PromptTemplate::fill(const TemplateValues& values) const {
  std::string out;
  for (const Segment& s : segments_) {
    if (!s.is_placeholder) {
      out += s.text;
      continue;
    }
    switch (s.placeholder) {
      case Placeholder::question: out += values.question; break;
      case Placeholder::context: out += values.context; break;
      case Placeholder::answer: out += values.answer; break;
      case Placeholder::reference: out += values.reference; break;
    }
  }
  return out;
}

std::string resolve_prompts_dir(const std::string& requested) {
  std::error_code ec;
  if (fs::is_directory(requested, ec)) return requested;
  if (requested == kDefaultPromptsDir) {
    const std::string source = std::string(LLMBENCH_SOURCE_DIR) + "/" + std::string(kDefaultPromptsDir);
    if (fs::is_directory(source, ec)) return source;
  }
  return requested;
}

PromptTemplate load_prompt_template(const std::string& prompts_dir, std::string_view lang,
                                    std::string_view name, const std::vector<Placeholder>& required) {
  const std::string path = fmt::format("{}/{}/{}.txt", prompts_dir, lang, name);
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw Error(fmt::format("{}: prompt template not found; point --prompts-dir at a directory holding "
                            "{}/{}.txt (the shipped ones are in configs/prompts), or pick another "
                            "--prompt-lang (en, ru)",
                            path, lang, name));
  }
  std::ostringstream text;
  text << in.rdbuf();
  std::string body = text.str();
  if (body.rfind("\xEF\xBB\xBF", 0) == 0) body.erase(0, 3);  // UTF-8 BOM
  return PromptTemplate::parse(body, path, required);
}

}  // namespace llmbench::tasks
