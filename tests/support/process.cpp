#include "support/process.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "llmbench/util/argv.hpp"

namespace llmbench::test {

namespace {

// The child's environment: this process's, with NO_COLOR=1 (unless the test says otherwise,
// "!NO_COLOR") and the test's "NAME=value" / "!NAME" changes applied.
std::vector<std::string> child_environment(const std::vector<std::string>& changes) {
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) env.emplace_back(*e);
  auto set = [&env](const std::string& name, const std::string* entry) {
    std::erase_if(env, [&name](const std::string& e) { return e.compare(0, name.size() + 1, name + "=") == 0; });
    if (entry != nullptr) env.push_back(*entry);
  };
  const std::string no_color = "NO_COLOR=1";
  set("NO_COLOR", &no_color);
  for (const auto& c : changes) {
    if (c.empty()) continue;
    if (c[0] == '!') set(c.substr(1), nullptr);
    else set(c.substr(0, c.find('=')), &c);
  }
  return env;
}

}  // namespace

// Everything the child needs is built before fork(): the test process runs server threads, and
// a child of a threaded process may only make async-signal-safe calls before exec. An
// allocation or setenv() there can wait forever on a lock another thread held at the fork
// (ASan's allocator has no fork handler in GCC 12), and the test then hangs in waitpid.
CliProcess::CliProcess(const std::vector<std::string>& args, const std::string& cwd,
                       const std::vector<std::string>& env, const std::string& stdin_path) {
  const std::string dir = temp_dir("llmbench-proc");
  out_path_ = dir + "/out";
  err_path_ = dir + "/err";
  std::vector<std::string> arg_strings = {LLMBENCH_BINARY};
  arg_strings.insert(arg_strings.end(), args.begin(), args.end());
  std::vector<std::string> env_strings = child_environment(env);
  const std::vector<char*> argv = util::exec_array(arg_strings), envp = util::exec_array(env_strings);
  const std::string workdir = cwd.empty() ? std::string(LLMBENCH_SOURCE_DIR) : cwd;
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    const int in = ::open(stdin_path.c_str(), O_RDONLY);
    const int out = ::open(out_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int err = ::open(err_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (in < 0 || out < 0 || err < 0 || ::dup2(in, 0) < 0 || ::dup2(out, 1) < 0 || ::dup2(err, 2) < 0) ::_exit(127);
    if (::chdir(workdir.c_str()) != 0) ::_exit(127);
    ::execve(LLMBENCH_BINARY, argv.data(), envp.data());
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
