#include "support/cli.hpp"
#include "support/process.hpp"

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

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string write_text_file(const std::string& dir, const std::string& name, const std::string& text) {
  const std::string path = dir + "/" + name;
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

CliResult run_cli(const std::vector<std::string>& args, const std::string& cwd,
                  const std::vector<std::string>& env) {
  return CliProcess(args, cwd, env).wait();
}

CliResult run_cli(const std::vector<std::string>& args, const StdinText& input, const std::string& cwd,
                  const std::vector<std::string>& env) {
  const std::string in_path = temp_dir("llmbench-cli") + "/in";
  std::ofstream(in_path, std::ios::binary) << input.text;
  return CliProcess(args, cwd, env, in_path).wait();
}

}  // namespace llmbench::test
