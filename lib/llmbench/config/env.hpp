#pragma once
// Environment variables from the process and an optional dotenv file
// (.env.benchmark-models). The process environment wins over the file.

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <functional>

namespace llmbench::config {

// Parses dotenv text: `KEY=value`, `export KEY=value`, `#` comments (whole-line, and after
// whitespace in unquoted values), single quotes (literal), double quotes (escapes \n \t \r
// \" \\ and \$, ${VAR}, and values spanning lines), ${VAR} and ${VAR:-default} interpolation in unquoted
// and double-quoted values: `lookup` (the process environment, which wins) first, then keys
// defined earlier in the file, else the default or "". A leading UTF-8 BOM and CRLF line ends
// are accepted. Keys are [A-Za-z_][A-Za-z0-9_]*; a later definition replaces an earlier one.
// Throws InputError naming `path` and the line (and the key, once a `KEY=` was read), never
// the value; text that is not valid UTF-8 is such an error too.
std::map<std::string, std::string> parse_dotenv(
    std::string_view text, const std::string& path,
    const std::function<std::optional<std::string>(const std::string&)>& lookup = {});

class Env {
 public:
  // Loads `file` if it exists; a missing file is an error only when `required`.
  static Env load(const std::filesystem::path& file, bool required);
  // Only the given variables (tests); the process environment is not consulted.
  static Env from_map(std::map<std::string, std::string> vars);

  // The value, process environment first, then the file. Empty values count as unset.
  std::optional<std::string> get(const std::string& name) const;
  // Where a value came from, for hints: "environment" or "<file>:<line>" (never the value);
  // "not set" when it is unset.
  std::string origin(const std::string& name) const;
  const std::filesystem::path& file() const { return file_; }

 private:
  std::filesystem::path file_;
  std::map<std::string, std::string> file_vars_;
  std::map<std::string, int> file_lines_;
  bool use_process_env_ = true;
  friend struct EnvTestAccess;
};

}  // namespace llmbench::config
