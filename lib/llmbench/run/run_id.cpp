#include "llmbench/run/run_id.hpp"

#include <chrono>
#include <ctime>
#include <random>

#include <fmt/format.h>

#include "llmbench/error.hpp"

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

}  // namespace llmbench::run
