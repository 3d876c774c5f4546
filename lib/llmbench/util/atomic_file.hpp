#pragma once
// Whole-file writes that a crash cannot tear, and the file descriptor they use.

#include <chrono>
#include <filesystem>
#include <string>

namespace llmbench::util {

// Closes the descriptor (and so releases a flock) when it goes out of scope.
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  ~FileDescriptor();
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

// Throws Error(internal) "<what> <path>: <strerror(errno)>".
[[noreturn]] void throw_io(const std::string& what, const std::filesystem::path& path);

// Writes `text` to `path` atomically (temp file in the same directory, fsync, rename, fsync
// of the directory). Used for every file llmbench writes whole (reports, HTML, exports, data).
// The temp file is ".<name>.tmp.<pid>.<random>"; one left by an earlier writer that died
// (kill -9, power loss) is removed first: its pid no longer runs, or it is older than
// kStaleTempAge.
inline constexpr auto kStaleTempAge = std::chrono::minutes(15);
void write_file_atomically(const std::filesystem::path& path, const std::string& text);

}  // namespace llmbench::util
