#include "support/process.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace llmbench::test {

CliProcess::CliProcess(const std::vector<std::string>& args, const std::string& cwd,
                       const std::vector<std::string>& env, const std::string& stdin_path) {
  const std::string dir = temp_dir("llmbench-proc");
  out_path_ = dir + "/out";
  err_path_ = dir + "/err";
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    int in = ::open(stdin_path.c_str(), O_RDONLY);
    int out = ::open(out_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int err = ::open(err_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ::dup2(in, 0);
    ::dup2(out, 1);
    ::dup2(err, 2);
    if (::chdir(cwd.empty() ? LLMBENCH_SOURCE_DIR : cwd.c_str()) != 0) ::_exit(127);
    ::setenv("NO_COLOR", "1", 1);  // unless the test says otherwise ("!NO_COLOR")
    for (const auto& e : env) {
      if (!e.empty() && e[0] == '!') ::unsetenv(e.c_str() + 1);
      else ::putenv(const_cast<char*>(e.c_str()));
    }
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(LLMBENCH_BINARY));
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(LLMBENCH_BINARY, argv.data());
    ::_exit(127);
  }
}

CliProcess::~CliProcess() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
}

void CliProcess::signal(int signo) const {
  if (pid_ > 0) ::kill(pid_, signo);
}

std::string CliProcess::err_so_far() const { return slurp(err_path_); }

CliResult CliProcess::wait() {
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
  CliResult result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  result.out = slurp(out_path_);
  result.err = slurp(err_path_);
  return result;
}

}  // namespace llmbench::test
