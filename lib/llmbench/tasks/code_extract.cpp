#include "llmbench/tasks/code_extract.hpp"

#include <cctype>
#include <vector>

#include "llmbench/tasks/extract.hpp"
#include "llmbench/util/text.hpp"

namespace llmbench::tasks {
namespace {

using util::trim;

std::vector<std::string_view> lines_of(std::string_view text) {
  std::vector<std::string_view> lines;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    start = end + 1;
  }
  return lines;
}

bool is_python_tag(std::string_view info) {
  std::string tag;
  for (char c : trim(info)) tag.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  return tag.empty() || tag == "python" || tag == "py" || tag == "python3";
}

bool defines(std::string_view code, std::string_view entry_point) {
  if (entry_point.empty()) return false;
  for (std::string_view line : lines_of(code)) {
    line = trim(line);
    if (line.rfind("def ", 0) != 0 && line.rfind("async def ", 0) != 0) continue;
    line.remove_prefix(line.find("def ") + 4);
    line = trim(line);
    if (line.substr(0, entry_point.size()) == entry_point &&
        trim(line.substr(entry_point.size())).substr(0, 1) == "(") {
      return true;
    }
  }
  return false;
}

bool starts_code(std::string_view line) {
  for (std::string_view k : {"def ", "async def ", "class ", "import ", "from ", "@"}) {
    if (line.rfind(k, 0) == 0) return true;
  }
  return false;
}

// A line at the left margin that reads as prose ("This function returns ...").
bool is_prose(std::string_view line) {
  if (line.empty() || std::isspace(static_cast<unsigned char>(line.front()))) return false;
  if (starts_code(line) || line.front() == '#') return false;
  if (!std::isalpha(static_cast<unsigned char>(line.front()))) return false;
  const std::string_view t = trim(line);
  if (t.back() == ':' || t.find('=') != std::string_view::npos || t.find('(') != std::string_view::npos) return false;
  return t.find(' ') != std::string_view::npos;
}

std::string join(const std::vector<std::string_view>& lines) {
  std::string out;
  for (std::string_view line : lines) out.append(line).push_back('\n');
  return out;
}

}  // namespace

std::optional<std::string> extract_code(std::string_view content, std::string_view entry_point) {
  const std::string text = strip_think(content);
  const std::vector<std::string_view> lines = lines_of(text);
  std::vector<std::string> blocks;  // python blocks in order
  bool any_fence = false;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string_view opening = trim(lines[i]);
    if (opening.rfind("```", 0) != 0) continue;
    any_fence = true;
    std::vector<std::string_view> body;
    std::size_t j = i + 1;
    for (; j < lines.size() && trim(lines[j]).rfind("```", 0) != 0; ++j) body.push_back(lines[j]);
    if (is_python_tag(opening.substr(3))) blocks.push_back(join(body));
    i = j;  // past the closing fence
  }
  for (const std::string& block : blocks) {
    if (defines(block, entry_point)) return block;
  }
  for (const std::string& block : blocks) {
    if (!trim(block).empty()) return block;
  }
  if (any_fence || !defines(text, entry_point)) return std::nullopt;
  std::vector<std::string_view> code;
  for (std::string_view line : lines) {
    if (code.empty() && !starts_code(line)) continue;
    if (is_prose(line)) continue;
    code.push_back(line);
  }
  if (code.empty()) return std::nullopt;
  return join(code);
}

}  // namespace llmbench::tasks
