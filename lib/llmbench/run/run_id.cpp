#include "llmbench/run/run_id.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <random>

#include <fmt/format.h>

#include "llmbench/error.hpp"
#include "llmbench/records/output_layout.hpp"

namespace llmbench::run {
namespace {

std::tm utc_now() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  ::gmtime_r(&now, &tm);
  return tm;
}

}  // namespace

std::string utc_timestamp_iso8601() {
  const std::tm tm = utc_now();
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

std::string new_run_id() {
  const std::tm tm = utc_now();
  std::random_device rd;
  return fmt::format("{:04}{:02}{:02}T{:02}{:02}{:02}Z-{:04x}", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, rd() & 0xffffu);
}

void validate_run_id(const std::string& id) {
  bool ok = !id.empty() && id.size() <= 100 && id[0] != '.';
  for (char c : id) {
    ok = ok && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '.' || c == '_' || c == '-');
  }
  if (!ok) {
    throw Error("--run-id \"" + id + "\": use 1-100 characters of letters, digits, '.', '_' "
                "and '-' (it becomes a directory name under <output-dir>/runs/)");
  }
}

void create_run_dir(const std::filesystem::path& output_dir, const std::string& run_id,
                    const std::string& if_taken) {
  // A full or failing disk is the environment (exit 3); a path that cannot hold a folder is input.
  const auto unusable = [&](const std::string& what, int err) {
    const bool environment = err == ENOSPC || err == EIO || err == EDQUOT || err == ENOMEM;
    return Error(fmt::format("--output-dir {}: {}: {}; {}", output_dir.string(), what, std::strerror(err),
                             environment ? "free some space and try again" : "choose a directory you can write to"),
                 environment ? ExitCode::internal : ExitCode::bad_input);
  };
  std::error_code ec;
  const records::OutputLayout layout(output_dir);
  std::filesystem::create_directories(layout.runs_dir(), ec);
  if (ec) throw unusable("cannot create the directory", ec.value());
  const std::filesystem::path dir = layout.run_dir(run_id);
  if (::mkdir(dir.c_str(), 0755) == 0) return;
  if (errno == EEXIST) {
    throw Error(fmt::format("run id \"{}\" is taken: {} exists; {}", run_id, dir.string(), if_taken));
  }
  throw unusable("cannot create " + dir.string(), errno);
}

}  // namespace llmbench::run
