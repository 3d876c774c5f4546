#include "llmbench/util/field_template.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "llmbench/error.hpp"

namespace llmbench::util {
namespace {

int line_at(std::string_view text, std::size_t offset, int first_line) {
  return first_line +
         static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(offset), '\n'));
}

}  // namespace

FieldTemplate FieldTemplate::parse(std::string_view text, const std::string& origin, int first_line) {
  FieldTemplate t;
  std::string literal;
  const auto fail = [&](std::size_t at, const std::string& what) {
    throw InputError(origin, line_at(text, at, first_line),
                     what + "; fields are written {name}, literal braces {{ and }}");
  };
  std::size_t pos = 0;
  while (pos < text.size()) {
    const char c = text[pos];
    if (c == '}') {
      if (pos + 1 < text.size() && text[pos + 1] == '}') {
        literal.push_back('}');
        pos += 2;
        continue;
      }
      fail(pos, "the template has a lone \"}\"");
    }
    if (c != '{') {
      literal.push_back(c);
      ++pos;
      continue;
    }
    if (pos + 1 < text.size() && text[pos + 1] == '{') {
      literal.push_back('{');
      pos += 2;
      continue;
    }
    const std::size_t close = text.find_first_of("{}\n", pos + 1);
    if (close == std::string_view::npos || text[close] != '}') {
      fail(pos, fmt::format("\"{}\" is not closed by \"}}\" on its line", text.substr(pos, std::min<std::size_t>(close - pos, 40))));
    }
    if (close == pos + 1) fail(pos, "the template has an empty \"{}\"");
    if (!literal.empty()) t.segments_.push_back({false, std::move(literal)});
    literal.clear();
    std::string name(text.substr(pos + 1, close - pos - 1));
    if (std::find(t.fields_.begin(), t.fields_.end(), name) == t.fields_.end()) t.fields_.push_back(name);
    t.segments_.push_back({true, std::move(name)});
    pos = close + 1;
  }
  if (!literal.empty()) t.segments_.push_back({false, std::move(literal)});
  return t;
}

std::string FieldTemplate::render(const std::function<std::string(const std::string& field)>& value) const {
  std::string out;
  for (const Segment& s : segments_) out += s.is_field ? value(s.text) : s.text;
  return out;
}

}  // namespace llmbench::util
