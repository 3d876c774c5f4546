// Dotenv parsing and the process-environment-first lookup. Error messages name the file,
// the line and (when one was parsed) the key, never a value: a value may be an API key.
#include "llmbench/config/env.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "llmbench/error.hpp"
#include "llmbench/util/text_file.hpp"

namespace llmbench::config {
namespace {

constexpr std::size_t kMaxValueBytes = 64 * 1024;

bool is_key_start(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; }
bool is_key_char(char c) { return is_key_start(c) || (c >= '0' && c <= '9'); }
bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

// A cursor over the whole text that tracks the 1-based line number.
class Cursor {
 public:
  explicit Cursor(std::string_view text) : text_(text) {}
  bool done() const { return pos_ >= text_.size(); }
  char peek(std::size_t ahead = 0) const {
    return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0';
  }
  char next() {
    char c = text_[pos_++];
    if (c == '\n') ++line_;
    return c;
  }
  void skip_blanks() {
    while (!done() && is_blank(peek())) next();
  }
  void skip_to_line_end() {
    while (!done() && peek() != '\n') next();
  }
  bool starts_with(std::string_view s) const { return text_.substr(pos_, s.size()) == s; }
  int line() const { return line_; }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
  int line_ = 1;
};

class DotenvParser {
 public:
  DotenvParser(std::string_view text, const std::string& path,
               const std::function<std::optional<std::string>(const std::string&)>& lookup)
      : text_(text), cur_(text), path_(path), lookup_(lookup) {}

  std::map<std::string, std::string> parse(std::map<std::string, int>* lines) {
    // A value must be text we can send in a header; the error names the line, never a value.
    util::validate_utf8(text_, path_);
    if (cur_.starts_with("\xEF\xBB\xBF")) {
      for (int i = 0; i < 3; ++i) cur_.next();
    }
    while (!cur_.done()) {
      cur_.skip_blanks();
      if (cur_.done()) break;
      if (cur_.peek() == '\n') { cur_.next(); continue; }
      if (cur_.peek() == '#') { cur_.skip_to_line_end(); continue; }
      const int line = cur_.line();
      std::string key = parse_key();
      std::string value = parse_value(key, line);
      vars_[key] = std::move(value);
      if (lines) (*lines)[key] = line;
    }
    return vars_;
  }

 private:
  [[noreturn]] void fail(int line, const std::string& message) const {
    throw InputError(path_, line, message);
  }

  std::string parse_key() {
    const int line = cur_.line();
    if (cur_.starts_with("export") && is_blank(cur_.peek(6))) {
      for (int i = 0; i < 6; ++i) cur_.next();
      cur_.skip_blanks();
    }
    if (!is_key_start(cur_.peek())) {
      fail(line, "expected KEY=value (a key starts with a letter or _); "
                 "comment the line out with # or fix it");
    }
    std::string key;
    while (is_key_char(cur_.peek())) key += cur_.next();
    cur_.skip_blanks();
    if (cur_.peek() != '=') {
      // Not echoed: a line without '=' may be a pasted key.
      fail(line, "expected KEY=value (KEY of letters, digits and _), but the line has no '=' "
                 "after its first word; fix or comment out the line with #");
    }
    cur_.next();
    cur_.skip_blanks();
    return key;
  }

  std::string parse_value(const std::string& key, int line) {
    std::string value;
    const char quote = cur_.peek();
    if (quote == '\'' || quote == '"') {
      cur_.next();
      bool closed = false;
      while (!cur_.done()) {
        char c = cur_.next();
        if (c == quote) { closed = true; break; }
        if (quote == '"' && c == '\\' && !cur_.done()) {
          char e = cur_.next();
          switch (e) {
            case 'n': value += '\n'; break;
            case 't': value += '\t'; break;
            case 'r': value += '\r'; break;
            case '"': value += '"'; break;
            case '\\': value += '\\'; break;
            case '$': value += '$'; break;
            default: value += '\\'; value += e; break;
          }
        } else if (quote == '"' && c == '$' && cur_.peek() == '{') {
          append_expansion(value, key, line);
        } else {
          value += c;
        }
      }
      if (!closed) {
        fail(line, "the value of " + key + " opens a " + std::string(1, quote) +
                       " quote that is never closed; add the closing quote");
      }
      cur_.skip_blanks();
      if (cur_.peek() == '#') cur_.skip_to_line_end();
      if (!cur_.done() && cur_.peek() != '\n') {
        fail(cur_.line(), "unexpected text after the closing quote of " + key +
                              "; put the whole value inside the quotes");
      }
      return value;
    }
    // Unquoted: up to the end of the line or a `#` that follows whitespace.
    bool after_blank = true;
    while (!cur_.done() && cur_.peek() != '\n') {
      char c = cur_.peek();
      if (c == '#' && after_blank) { cur_.skip_to_line_end(); break; }
      cur_.next();
      if (c == '$' && cur_.peek() == '{') {
        append_expansion(value, key, line);
        after_blank = false;
        continue;
      }
      value += c;
      after_blank = is_blank(c);
    }
    while (!value.empty() && is_blank(value.back())) value.pop_back();
    return value;
  }

  // Appends the expansion of the ${...} at the cursor. A value that ${...} references grow
  // past kMaxValueBytes (A=${B}${B}, B=${C}${C}, ... doubles each line) is refused.
  void append_expansion(std::string& value, const std::string& key, int line) {
    value += interpolate(key, line);
    if (value.size() > kMaxValueBytes) {
      fail(line, "the value of " + key + " grows past " + std::to_string(kMaxValueBytes) +
                     " bytes through ${...} references; env values are keys, URLs and model names");
    }
  }

  // At `{` after `$`: reads `{NAME}` or `{NAME:-default}` and returns the expansion.
  std::string interpolate(const std::string& key, int line) {
    cur_.next();  // '{'
    std::string name, fallback;
    bool has_fallback = false;
    while (!cur_.done() && cur_.peek() != '}' && cur_.peek() != '\n') {
      if (!has_fallback && cur_.peek() == ':' && cur_.peek(1) == '-') {
        cur_.next();
        cur_.next();
        has_fallback = true;
        continue;
      }
      (has_fallback ? fallback : name) += cur_.next();
    }
    if (cur_.peek() != '}') {
      fail(line, "the value of " + key + " has ${ without a closing }; write ${NAME}");
    }
    cur_.next();
    if (name.empty() || !is_key_start(name[0])) {
      fail(line, "the value of " + key + " has an empty or invalid ${...} name; write ${NAME}");
    }
    if (lookup_) {
      if (auto v = lookup_(name); v && !v->empty()) return *v;
    }
    if (auto it = vars_.find(name); it != vars_.end() && !it->second.empty()) return it->second;
    return fallback;
  }

  std::string_view text_;
  Cursor cur_;
  const std::string& path_;
  const std::function<std::optional<std::string>(const std::string&)>& lookup_;
  std::map<std::string, std::string> vars_;
};

std::optional<std::string> process_env(const std::string& name) {
  const char* v = std::getenv(name.c_str());
  if (v == nullptr || *v == '\0') return std::nullopt;
  return std::string(v);
}

}  // namespace

std::map<std::string, std::string> parse_dotenv(
    std::string_view text, const std::string& path,
    const std::function<std::optional<std::string>(const std::string&)>& lookup) {
  return DotenvParser(text, path, lookup).parse(nullptr);
}

Env Env::load(const std::filesystem::path& file, bool required) {
  Env env;
  env.file_ = file;
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) {
    if (required) {
      throw Error("env file " + file.string() +
                  " does not exist; create it from .env.benchmark-models.example or drop --env-file");
    }
    return env;
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) throw Error("cannot read env file " + file.string() + "; check its permissions");
  std::ostringstream text;
  text << in.rdbuf();
  std::function<std::optional<std::string>(const std::string&)> lookup = process_env;
  env.file_vars_ = DotenvParser(text.str(), file.string(), lookup).parse(&env.file_lines_);
  return env;
}

Env Env::from_map(std::map<std::string, std::string> vars) {
  Env env;
  env.file_vars_ = std::move(vars);
  env.use_process_env_ = false;
  return env;
}

std::optional<std::string> Env::get(const std::string& name) const {
  if (use_process_env_) {
    if (auto v = process_env(name)) return v;
  }
  auto it = file_vars_.find(name);
  if (it == file_vars_.end() || it->second.empty()) return std::nullopt;
  return it->second;
}

std::string Env::origin(const std::string& name) const {
  if (use_process_env_ && process_env(name)) return "environment";
  auto it = file_vars_.find(name);
  if (it == file_vars_.end() || it->second.empty()) return "not set";
  auto line = file_lines_.find(name);
  if (file_.empty() || line == file_lines_.end()) return "environment";
  return file_.string() + ":" + std::to_string(line->second);
}

}  // namespace llmbench::config
