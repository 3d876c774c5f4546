#include "llmbench/report/pdf.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "llmbench/error.hpp"
#include "llmbench/util/argv.hpp"
#include "llmbench/util/atomic_file.hpp"
#include "llmbench/util/temp_dir.hpp"

namespace llmbench::report {
namespace {

namespace fs = std::filesystem;

std::string tail_of(const fs::path& file, std::size_t bytes) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  const std::string text = s.str();
  return text.size() > bytes ? "..." + text.substr(text.size() - bytes) : text;
}

// Runs argv with stdout and stderr to `log`; returns its exit status, or -1 when it ran out of
// time (it is killed then).
int run_with_timeout(std::vector<std::string> argv, const fs::path& log, std::chrono::seconds timeout) {
  const std::vector<char*> args = util::exec_array(argv);  // before fork(): the child may not allocate
  const pid_t pid = ::fork();
  if (pid < 0) throw Error("cannot start chromium: fork failed", ExitCode::internal);
  if (pid == 0) {
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int null = ::open("/dev/null", O_RDONLY);
    if (fd >= 0) {
      ::dup2(fd, STDOUT_FILENO);
      ::dup2(fd, STDERR_FILENO);
    }
    if (null >= 0) ::dup2(null, STDIN_FILENO);
    ::setpgid(0, 0);  // its own group, so a timeout ends its helper processes too
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    int status = 0;
    const pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    if (done < 0 && errno != EINTR) return 128;
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(-pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      return -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

}  // namespace

std::optional<fs::path> find_chromium() {
  if (const char* given = std::getenv("LLMBENCH_CHROMIUM"); given != nullptr && *given != '\0') {
    return ::access(given, X_OK) == 0 ? std::optional<fs::path>(given) : std::nullopt;
  }
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path != nullptr ? path : "/usr/bin:/bin");
  std::vector<fs::path> search;
  for (std::string dir; std::getline(dirs, dir, ':');) {
    if (!dir.empty()) search.emplace_back(dir);
  }
  for (const char* name : {"chromium", "chromium-browser", "google-chrome"}) {
    for (const fs::path& dir : search) {
      if (::access((dir / name).c_str(), X_OK) == 0) return dir / name;
    }
  }
  return std::nullopt;
}

void print_pdf(const std::string& html, const fs::path& out, std::chrono::seconds timeout) {
  const std::optional<fs::path> chromium = find_chromium();
  if (!chromium) {
    throw Error(std::getenv("LLMBENCH_CHROMIUM") != nullptr
                    ? fmt::format("--format pdf: LLMBENCH_CHROMIUM={} is not an executable", std::getenv("LLMBENCH_CHROMIUM"))
                    : "--format pdf prints the report with headless Chromium, and none is installed (no chromium, "
                      "chromium-browser or google-chrome on PATH): install Debian's chromium (apt-get install chromium), "
                      "set LLMBENCH_CHROMIUM to a Chromium binary, or use --format html and print it from a browser",
                ExitCode::internal);
  }
  const util::TempDir tmp("llmbench-pdf");
  const fs::path page = tmp.path() / "report.html";
  const fs::path pdf = tmp.path() / "report.pdf";
  const fs::path log = tmp.path() / "chromium.log";
  util::write_file_atomically(page, html);
  std::vector<std::string> argv = {chromium->string(),
                                   "--headless",
                                   "--no-sandbox",
                                   "--disable-gpu",
                                   "--no-first-run",
                                   "--user-data-dir=" + (tmp.path() / "profile").string(),
                                   "--no-pdf-header-footer",
                                   "--virtual-time-budget=20000",
                                   "--print-to-pdf=" + pdf.string(),
                                   "file://" + page.string() + "#print"};
  const int status = run_with_timeout(std::move(argv), log, timeout);
  std::error_code ec;
  const bool written = fs::exists(pdf, ec) && fs::file_size(pdf, ec) > 4;
  if (status == -1) {
    throw Error(fmt::format("--format pdf: {} did not finish printing within {} s", chromium->string(), timeout.count()),
                ExitCode::internal);
  }
  if (status != 0 || !written) {
    throw Error(fmt::format("--format pdf: {} {} and wrote no PDF; its output ends:\n{}", chromium->string(),
                            status == 0 ? "exited" : fmt::format("failed (exit status {})", status), tail_of(log, 2000)),
                ExitCode::internal);
  }
  std::ifstream in(pdf, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  util::write_file_atomically(out, bytes.str());
}

}  // namespace llmbench::report
