#pragma once
// Runs the real llmbench binary (built next to the tests) and captures what it printed.

#include <string>
#include <vector>

namespace llmbench::test {

struct CliResult {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

// Runs `llmbench args...` with `cwd` as working directory (default: the source tree) and
// extra environment variables "NAME=value" ("!NAME" unsets it; NO_COLOR=1 unless unset so).
// stdin is /dev/null.
CliResult run_cli(const std::vector<std::string>& args, const std::string& cwd = "",
                  const std::vector<std::string>& env = {});

// Text fed to the command's stdin (from a file, so it is not a terminal); the command sees
// end of input after it.
struct StdinText {
  std::string text;
};

// As above, with `input` as stdin instead of /dev/null.
CliResult run_cli(const std::vector<std::string>& args, const StdinText& input, const std::string& cwd = "",
                  const std::vector<std::string>& env = {});

// The bytes of the file at `path`; "" when it cannot be read.
std::string slurp(const std::string& path);

// Writes `text` to dir/name (replacing it) and returns the path.
std::string write_text_file(const std::string& dir, const std::string& name, const std::string& text);

// A fresh empty directory under the system temp dir, removed at process exit.
std::string temp_dir(const std::string& prefix = "llmbench-test");

}  // namespace llmbench::test
