#pragma once
// The llmbench binary as a child process the test can signal (Ctrl-C, kill -9) while it runs.

#include <sys/types.h>

#include <string>
#include <vector>

#include "support/cli.hpp"

namespace llmbench::test {

class CliProcess {
 public:
  // Starts `llmbench args...` in `cwd` (default: the source tree) with NO_COLOR=1, extra
  // environment variables "NAME=value" ("!NAME" unsets NAME), and stdin from `stdin_path`.
  explicit CliProcess(const std::vector<std::string>& args, const std::string& cwd = "",
                      const std::vector<std::string>& env = {}, const std::string& stdin_path = "/dev/null");
  ~CliProcess();  // kills (SIGKILL) and reaps a child still running
  CliProcess(const CliProcess&) = delete;
  CliProcess& operator=(const CliProcess&) = delete;

  void signal(int signo) const;
  pid_t pid() const { return pid_; }  // -1 once waited for
  // What the child has written to stderr so far (while it runs, too).
  std::string err_so_far() const;
  // Waits for the exit; exit_code is 128+signal for a child killed by a signal.
  CliResult wait();

 private:
  pid_t pid_ = -1;
  std::string out_path_, err_path_;
};

}  // namespace llmbench::test
