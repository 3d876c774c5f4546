#pragma once
// The one exception family for setup problems (bad flag, config, env file, dataset,
// report). Per-request failures are never exceptions: see http/types.hpp.
// Caught once in apps/main.cpp, printed as "llmbench: error: <what>", exit code().

#include <stdexcept>
#include <string>

namespace llmbench {

// Process exit codes; README "Exit codes" documents them.
enum class ExitCode : int {
  ok = 0,
  failures = 1,      // the command ran, but some model/item failed (or a baseline was missed)
  bad_input = 2,     // bad flag, config, env file, dataset or report: nothing was written
  internal = 3,      // a bug or an environment problem (disk full, ...)
  gate_failed = 4,   // a --fail-if / --max-error-rate gate failed (run/gates.hpp)
  interrupted = 130, // Ctrl-C: the run was saved as "interrupted" and can be resumed
};

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& what, ExitCode code = ExitCode::bad_input)
      : std::runtime_error(what), code_(code) {}
  ExitCode code() const noexcept { return code_; }

 private:
  ExitCode code_;
};

// An input problem located in a file: formats as "path:line: message" (line 0 = no line).
class InputError : public Error {
 public:
  InputError(const std::string& path, int line, const std::string& message)
      : Error(line > 0 ? path + ":" + std::to_string(line) + ": " + message : path + ": " + message),
        path_(path), line_(line) {}
  const std::string& path() const noexcept { return path_; }
  int line() const noexcept { return line_; }

 private:
  std::string path_;
  int line_;
};

}  // namespace llmbench
