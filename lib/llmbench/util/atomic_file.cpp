#include "llmbench/util/atomic_file.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "llmbench/error.hpp"

namespace llmbench::util {
namespace {

void write_all(int fd, const std::string& text, const std::filesystem::path& path) {
  const char* data = text.data();
  std::size_t left = text.size();
  while (left > 0) {
    ssize_t n = ::write(fd, data, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw_io("cannot write", path);
    data += n;
    left -= static_cast<std::size_t>(n);
  }
}

// Removes ".<name>.tmp.*" files next to `path` whose writer is gone: the pid in the name does
// not run, or (no pid: an older llmbench; a pid reused) the file is older than kStaleTempAge.
// Best effort: a file that cannot be removed stays.
void remove_stale_temps(const std::filesystem::path& dir, const std::string& name) {
  const std::string prefix = "." + name + ".tmp.";
  std::error_code ec;
  const auto now = std::filesystem::file_time_type::clock::now();
  for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string file = it->path().filename().string();
    if (file.compare(0, prefix.size(), prefix) != 0) continue;
    std::error_code stat_ec;
    if (!it->is_regular_file(stat_ec)) continue;
    const std::string rest = file.substr(prefix.size());
    const std::size_t dot = rest.find('.');
    bool gone = false;
    if (dot != std::string::npos && dot > 0 && dot <= 9 &&
        rest.find_first_not_of("0123456789") == dot) {
      const pid_t pid = static_cast<pid_t>(std::stol(rest.substr(0, dot)));
      gone = pid > 0 && ::kill(pid, 0) != 0 && errno == ESRCH;
    }
    const auto written = it->last_write_time(stat_ec);
    if (!stat_ec && now - written > kStaleTempAge) gone = true;
    if (gone) std::filesystem::remove(it->path(), stat_ec);
  }
}

}  // namespace

FileDescriptor::~FileDescriptor() {
  if (fd_ >= 0) ::close(fd_);
}

[[noreturn]] void throw_io(const std::string& what, const std::filesystem::path& path) {
  throw Error(fmt::format("{} {}: {}", what, path.string(), std::strerror(errno)), ExitCode::internal);
}

void write_file_atomically(const std::filesystem::path& path, const std::string& text) {
  const auto dir = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  remove_stale_temps(dir, path.filename().string());
  std::string temp =
      (dir / fmt::format(".{}.tmp.{}.XXXXXX", path.filename().string(), static_cast<long>(::getpid()))).string();
  int raw = ::mkstemp(temp.data());
  if (raw < 0) throw_io("cannot create a temporary file in", dir);
  {
    FileDescriptor fd(raw);
    try {
      write_all(fd.get(), text, temp);
      if (::fchmod(fd.get(), 0644) != 0 || ::fsync(fd.get()) != 0) throw_io("cannot sync", temp);
    } catch (...) {
      ::unlink(temp.c_str());
      throw;
    }
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    ::unlink(temp.c_str());
    throw_io("cannot replace", path);
  }
  FileDescriptor dir_fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir_fd.get() >= 0) ::fsync(dir_fd.get());
}

}  // namespace llmbench::util
