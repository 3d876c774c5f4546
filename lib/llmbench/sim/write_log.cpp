#include "llmbench/sim/write_log.hpp"

#include <cerrno>
#include <cstring>

#include <nlohmann/json.hpp>

#include "llmbench/error.hpp"

namespace llmbench::sim {
namespace {

long long to_ns(std::chrono::steady_clock::time_point t) {
  return static_cast<long long>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count());
}

}  // namespace

WriteLog::WriteLog(const std::string& path) : file_(std::fopen(path.c_str(), "w")) {
  if (file_ == nullptr)
    throw Error("sim: cannot write the write-time log " + path + ": " + std::strerror(errno) +
                "; give --write-log a path in a writable directory");
}

WriteLog::~WriteLog() {
  if (file_ != nullptr) std::fclose(file_);
}

void WriteLog::append(const StreamWrites& writes) {
  std::string line = R"({"request_id":)" + nlohmann::json(writes.request_id).dump() +
                     R"(,"received_ns":)" + std::to_string(to_ns(writes.received)) +
                     R"(,"scheduled_ns":)" + std::to_string(to_ns(writes.scheduled)) + R"(,"token_ns":[)";
  for (std::size_t i = 0; i < writes.tokens.size(); ++i) {
    if (i > 0) line.push_back(',');
    line += std::to_string(to_ns(writes.tokens[i]));
  }
  line += writes.complete ? "],\"complete\":true}\n" : "],\"complete\":false}\n";
  std::lock_guard lock(mutex_);
  std::fwrite(line.data(), 1, line.size(), file_);
}

void WriteLog::flush() {
  std::lock_guard lock(mutex_);
  std::fflush(file_);
}

}  // namespace llmbench::sim
