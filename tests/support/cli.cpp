#include "support/cli.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <random>
#include <sstream>
#include <stdexcept>

namespace llmbench::test {
namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::string>& dirs_to_remove() {
  static std::vector<std::string> dirs;
  static bool registered = [] {
    std::atexit([] {
      std::error_code ec;
      for (const auto& d : dirs_to_remove()) std::filesystem::remove_all(d, ec);
    });
    return true;
  }();
  (void)registered;
  return dirs;
}

}  // namespace

std::string temp_dir(const std::string& prefix) {
  static std::mutex mutex;
  std::lock_guard lock(mutex);
  std::random_device rd;
  auto dir = std::filesystem::temp_directory_path() /
             (prefix + "-" + std::to_string(::getpid()) + "-" + std::to_string(rd()));
  std::filesystem::create_directories(dir);
  dirs_to_remove().push_back(dir.string());
  return dir.string();
}

namespace {

CliResult run_cli_impl(const std::vector<std::string>& args, const std::string& stdin_path, const std::string& cwd,
                       const std::vector<std::string>& env, const std::string& dir) {
  const std::string out_path = dir + "/out", err_path = dir + "/err";
  pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    int in = ::open(stdin_path.c_str(), O_RDONLY);
    int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ::dup2(in, 0);
    ::dup2(out, 1);
    ::dup2(err, 2);
    if (::chdir(cwd.empty() ? LLMBENCH_SOURCE_DIR : cwd.c_str()) != 0) ::_exit(127);
    for (const auto& e : env) ::putenv(const_cast<char*>(e.c_str()));
    ::setenv("NO_COLOR", "1", 1);
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(LLMBENCH_BINARY));
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(LLMBENCH_BINARY, argv.data());
    ::_exit(127);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  CliResult result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  result.out = slurp(out_path);
  result.err = slurp(err_path);
  return result;
}

}  // namespace

CliResult run_cli(const std::vector<std::string>& args, const std::string& cwd,
                  const std::vector<std::string>& env) {
  return run_cli_impl(args, "/dev/null", cwd, env, temp_dir("llmbench-cli"));
}

CliResult run_cli(const std::vector<std::string>& args, const StdinText& input, const std::string& cwd,
                  const std::vector<std::string>& env) {
  const std::string dir = temp_dir("llmbench-cli");
  const std::string in_path = dir + "/in";
  std::ofstream(in_path, std::ios::binary) << input.text;
  return run_cli_impl(args, in_path, cwd, env, dir);
}

}  // namespace llmbench::test
