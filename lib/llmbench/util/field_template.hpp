#pragma once
// Templates over the fields of a record, as a custom task's `prompt:` writes them:
//
//   prompt: "{context}\n\nQuestion: {question}"
//
// `{name}` is replaced by the field `name` (any characters but braces and line breaks; not
// trimmed). `{{` and `}}` stand for literal braces. Rendering is a single pass: a field value
// that itself holds "{x}" is inserted as it is, never expanded again. A lone `}`, a `{` not
// closed on its line, or an empty `{}` is a mistake in the template, rejected when it is
// parsed. Pure; a parsed template is immutable and safe to share between threads.

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace llmbench::util {

class FieldTemplate {
 public:
  // Parses `text`. Throws InputError(origin, first_line + line within text - 1, ...) for a
  // malformed template, quoting the offending part.
  static FieldTemplate parse(std::string_view text, const std::string& origin, int first_line = 1);

  // The distinct field names the template uses, in order of first use.
  const std::vector<std::string>& fields() const { return fields_; }

  // The text with every `{name}` replaced by value(name). `value` may throw (e.g. a record
  // without that field); the exception propagates.
  std::string render(const std::function<std::string(const std::string& field)>& value) const;

 private:
  struct Segment {
    bool is_field = false;
    std::string text;  // the literal text, or the field name
  };
  std::vector<Segment> segments_;
  std::vector<std::string> fields_;
};

}  // namespace llmbench::util
