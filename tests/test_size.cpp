// No source file in lib/ and apps/ passes kMaxFileLines and no function passes kMaxFunctionLines
// (CONVENTIONS "one concept a file"; the architecture issue's size goal). The scan reads the
// source tree the way test_layering.cpp does, so the size stays true without review.
//
// A function is measured from the first line of its signature to its closing brace. The scan
// blanks comments, string and character literals (a '{' in a literal opens nothing), raw strings
// and preprocessor lines, then follows the braces: namespace, class, struct, union and enum
// bodies are scopes, and the first brace below a scope whose head has a parameter list is a
// function body (lambdas and local classes inside it count as part of it).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

constexpr int kMaxFileLines = 600;
constexpr int kMaxFunctionLines = 100;

struct Function {
  std::string signature;  // the head's last line, trimmed
  int first_line = 0;     // 1-based
  int lines = 0;
};

bool is_word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; }

// The source with comments, literals and preprocessor lines replaced by spaces; newlines stay,
// so offsets keep their line numbers.
std::string blank_non_code(const std::string& source) {
  std::string out = source;
  const auto blank = [&](std::size_t from, std::size_t to) {
    for (std::size_t i = from; i < to && i < out.size(); ++i) {
      if (out[i] != '\n') out[i] = ' ';
    }
  };
  std::size_t i = 0;
  bool line_start = true;
  while (i < source.size()) {
    const char c = source[i];
    if (line_start && c == '#') {  // a directive, with its backslash continuations
      std::size_t end = i;
      while (end < source.size() && (source[end] != '\n' || source[end - 1] == '\\')) ++end;
      blank(i, end);
      i = end;
      continue;
    }
    if (c == '\n') line_start = true;
    else if (c != ' ' && c != '\t') line_start = false;
    if (source.compare(i, 2, "//") == 0) {
      const std::size_t end = source.find('\n', i);
      blank(i, end == std::string::npos ? source.size() : end);
      i = end == std::string::npos ? source.size() : end;
    } else if (source.compare(i, 2, "/*") == 0) {
      const std::size_t end = std::min(source.find("*/", i + 2), source.size() - 2) + 2;
      blank(i, end);
      i = end;
    } else if (c == 'R' && i + 1 < source.size() && source[i + 1] == '"' &&
               (i == 0 || !is_word_char(source[i - 1]) || source.compare(i - 2, 2, "u8") == 0 ||
                source[i - 1] == 'L' || source[i - 1] == 'u' || source[i - 1] == 'U')) {
      const std::size_t open = source.find('(', i + 2);
      const std::string close = ")" + source.substr(i + 2, open - (i + 2)) + "\"";
      const std::size_t end = std::min(source.find(close, open), source.size()) + close.size();
      blank(i + 1, end);
      i = end;
    } else if (c == '"' || (c == '\'' && !(i > 0 && std::isxdigit(static_cast<unsigned char>(source[i - 1])) &&
                                           source.compare(i - 2, 2, "u8") != 0))) {
      // A quote after a digit is a digit separator (1'000), except in the u8'x' prefix.
      std::size_t end = i + 1;
      while (end < source.size() && source[end] != c && source[end] != '\n') end += source[end] == '\\' ? 2 : 1;
      blank(i + 1, end);
      i = end + 1;
    } else {
      ++i;
    }
  }
  return out;
}

int line_of(const std::string& text, std::size_t offset) {
  return 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(offset), '\n'));
}

// Every function defined in `source`, with its length in lines.
std::vector<Function> functions_in(const std::string& source) {
  const std::string code = blank_non_code(source);
  const std::regex scope_head(R"(\b(namespace|class|struct|union|enum)\b|^\s*extern\s*$)");
  const std::regex init_list(R"(\)[^():]*:[^:])");  // ") noexcept : member_..." after a signature
  enum class Block { scope, function, other };
  std::vector<Block> stack;
  std::vector<Function> found;
  std::size_t head = 0;        // where the current head (the text before the next '{') starts
  std::size_t body_open = 0;   // the open function's '{' and depth
  std::size_t function_depth = 0;
  std::size_t function_head = 0;
  const auto inside_function = [&] { return function_depth != 0; };
  for (std::size_t i = 0; i < code.size(); ++i) {
    const char c = code[i];
    if (c == ';' && !inside_function()) {
      head = i + 1;
    } else if (c == '{') {
      if (inside_function()) {
        stack.push_back(Block::other);
        continue;
      }
      const std::string text = code.substr(head, i - head);
      std::size_t last = text.find_last_not_of(" \t\n");
      const char before = last == std::string::npos ? '\0' : text[last];
      const bool has_params = text.find(')') != std::string::npos;
      const bool brace_init = std::regex_search(text, init_list) && (is_word_char(before) || before == '>');
      if (!has_params && std::regex_search(text, scope_head)) {
        stack.push_back(Block::scope);
        head = i + 1;
      } else if (has_params && !brace_init && before != '=' && before != ',') {
        stack.push_back(Block::function);
        function_depth = stack.size();
        body_open = i;
        function_head = head + text.find_first_not_of(" \t\n");
      } else {
        stack.push_back(Block::other);  // a brace initialiser: the head goes on
      }
    } else if (c == '}') {
      if (stack.empty()) continue;
      const Block closed = stack.back();
      if (stack.size() == function_depth) {
        const int first = line_of(code, function_head);
        std::string signature = source.substr(function_head, body_open - function_head);
        signature = signature.substr(0, signature.find('\n'));
        found.push_back({signature, first, line_of(code, i) - first + 1});
        function_depth = 0;
      }
      stack.pop_back();
      if (!inside_function() && closed != Block::other) head = i + 1;
    }
  }
  return found;
}

std::string read(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<fs::path> sources() {
  std::vector<fs::path> paths;
  for (const char* folder : {"lib", "apps"}) {
    for (const auto& entry : fs::recursive_directory_iterator(fs::path(LLMBENCH_SOURCE_DIR) / folder)) {
      const auto ext = entry.path().extension();
      if (entry.is_regular_file() && (ext == ".cpp" || ext == ".hpp")) paths.push_back(entry.path());
    }
  }
  std::sort(paths.begin(), paths.end());
  return paths;
}

std::string source_name(const fs::path& path) { return fs::relative(path, LLMBENCH_SOURCE_DIR).string(); }

}  // namespace

TEST_CASE("size: no source file in lib/ and apps/ is longer than 600 lines", "[size]") {
  const auto paths = sources();
  REQUIRE(paths.size() > 50);  // the scan found the sources
  for (const auto& path : paths) {
    const std::string text = read(path);
    const auto lines = std::count(text.begin(), text.end(), '\n');
    INFO(source_name(path) << ": " << lines << " lines");
    CHECK(lines <= kMaxFileLines);
  }
}

TEST_CASE("size: no function in lib/ and apps/ is longer than 100 lines", "[size]") {
  std::size_t total = 0;
  for (const auto& path : sources()) {
    for (const auto& function : functions_in(read(path))) {
      ++total;
      INFO(source_name(path) << ":" << function.first_line << ": " << function.signature << " (" << function.lines
                          << " lines)");
      CHECK(function.lines <= kMaxFunctionLines);
    }
  }
  REQUIRE(total > 500);  // the scan found the functions
}

TEST_CASE("size: the function scan is not fooled by braces in literals and comments", "[size]") {
  const std::string source = R"src(#include <x>
#define OPEN {
namespace a {
struct S : B {
  S(int x) noexcept : x_{x}, y_(x) {
    if (x == '{') return;
  }
  int x_, y_;
};
const char* k = "}}}";  // }
int f(int n) {
  /* { */ auto g = [] { return '}'; };
  const int big = 1'000'000;
  return R"(})" == nullptr ? big : n;
}
const int table[] = {1, 2,
                     3};
}  // namespace a
)src";
  const auto found = functions_in(source);
  REQUIRE(found.size() == 2);
  CHECK(found[0].first_line == 5);
  CHECK(found[0].lines == 3);
  CHECK(found[1].signature == "int f(int n) ");
  CHECK(found[1].first_line == 11);
  CHECK(found[1].lines == 5);
}
