#pragma once
// Editable prompt templates for the RAG and judge tiers (configs/prompts/<lang>/<name>.txt).
//
// A template is plain UTF-8 text with placeholders {{question}}, {{context}}, {{answer}} and
// {{reference}} (spaces inside the braces allowed: {{ answer }}). Filling is a single pass:
// a value that itself contains "{{question}}" is inserted as is, never expanded again.
// Any other {{name}} is a mistake in the template and is rejected when it is loaded, with
// the file and line, so a typo never reaches a model. Text without "{{" is copied verbatim.

#include <string>
#include <string_view>
#include <vector>

namespace llmbench::tasks {

// The values a template may use. An unset value fills as "".
struct TemplateValues {
  std::string question;
  std::string context;
  std::string answer;
  std::string reference;
};

enum class Placeholder { question, context, answer, reference };
std::string_view to_string(Placeholder placeholder);  // "question", ...

class PromptTemplate {
 public:
  // Parses `text`; `origin` (a path) names it in errors. Throws InputError(origin, line, ...)
  // for an unknown placeholder, an unclosed "{{", or a placeholder of `required` that the
  // text never uses (a faithfulness prompt without {{answer}} would judge nothing).
  static PromptTemplate parse(std::string_view text, const std::string& origin,
                              const std::vector<Placeholder>& required = {});

  std::string fill(const TemplateValues& values) const;
  const std::string& origin() const { return origin_; }
  bool uses(Placeholder placeholder) const;

 private:
  struct Segment {
    bool is_placeholder = false;
    Placeholder placeholder = Placeholder::question;
    std::string text;  // literal text when !is_placeholder
  };
  std::vector<Segment> segments_;
  std::string origin_;
};

// The prompts directory to use for `requested` (--prompts-dir): the path itself when it
// exists; for the default relative "configs/prompts" that does not exist under the working
// directory, the source tree's copy (LLMBENCH_SOURCE_DIR/configs/prompts), so the tool works
// from any directory. Otherwise `requested` unchanged (loading then names the missing file).
std::string resolve_prompts_dir(const std::string& requested);

// Loads <prompts_dir>/<lang>/<name>.txt. Throws Error naming the path and the --prompts-dir /
// --prompt-lang flags when the file is missing or unreadable, and InputError as parse() does.
PromptTemplate load_prompt_template(const std::string& prompts_dir, std::string_view lang,
                                    std::string_view name, const std::vector<Placeholder>& required = {});

}  // namespace llmbench::tasks
