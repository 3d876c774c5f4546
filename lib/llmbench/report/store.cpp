#include "llmbench/report/store.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "llmbench/error.hpp"

namespace llmbench::report {
namespace {

// Closes the descriptor (and so releases a flock) when it goes out of scope.
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

[[noreturn]] void throw_io(const std::string& what, const std::filesystem::path& path) {
  throw Error(fmt::format("{} {}: {}", what, path.string(), std::strerror(errno)), ExitCode::internal);
}

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

// Line and column (1-based) of byte offset `pos` in `text`.
std::pair<int, int> line_column(const std::string& text, std::size_t pos) {
  pos = std::min(pos, text.size());
  int line = 1, column = 1;
  for (std::size_t i = 0; i < pos; ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return {line, column};
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

void migrate_run(nlohmann::json& run) {
  const int version = run.value("schema_version", 0);
  if (version == kSchemaVersion) return;
  if (version == 0) {
    // The model-lab format: the same model_runs[] and metrics names, without a version.
    if (!run.contains("model_runs")) run["model_runs"] = nlohmann::json::array();
    run["schema_version"] = kSchemaVersion;
  }
}

nlohmann::json read_runs(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    if (!std::filesystem::exists(file)) return nlohmann::json::array();
    throw_io("cannot read", file);
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();
  const std::string hint = "; fix or move the file away (llmbench never overwrites a damaged report)";
  nlohmann::json runs;
  try {
    runs = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    auto [line, column] = line_column(text, e.byte > 0 ? e.byte - 1 : 0);
    throw InputError(file.string(), line,
                     fmt::format("column {}: not valid JSON{}", column, hint));
  }
  if (!runs.is_array()) {
    throw InputError(file.string(), 1, "expected a JSON array of runs" + hint);
  }
  for (std::size_t i = 0; i < runs.size(); ++i) {
    auto& run = runs[i];
    if (!run.is_object() || !run.contains("id") || !run["id"].is_string()) {
      throw InputError(file.string(), 0,
                       fmt::format("run #{} has no string \"id\"{}", i + 1, hint));
    }
    const int version = run.value("schema_version", 0);
    if (version > kSchemaVersion) {
      throw InputError(file.string(), 0,
                       fmt::format("run \"{}\" has schema_version {}, newer than this llmbench "
                                   "understands ({}); upgrade llmbench",
                                   run["id"].get<std::string>(), version, kSchemaVersion));
    }
    migrate_run(run);
  }
  return runs;
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

void update_runs(const std::filesystem::path& file,
                 const std::function<void(nlohmann::json& runs)>& update) {
  std::error_code ec;
  if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path(), ec);
  const auto lock_path = file.string() + ".lock";
  FileDescriptor lock(::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644));
  if (lock.get() < 0) throw_io("cannot open lock file", lock_path);
  while (::flock(lock.get(), LOCK_EX) != 0) {
    if (errno != EINTR) throw_io("cannot lock", lock_path);
  }
  nlohmann::json runs = read_runs(file);
  update(runs);
  write_file_atomically(file, runs.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
}

void upsert_run(const std::filesystem::path& file, const nlohmann::json& run) {
  update_runs(file, [&](nlohmann::json& runs) {
    const auto& id = run.at("id");
    auto same = std::find_if(runs.begin(), runs.end(),
                             [&](const nlohmann::json& r) { return r.at("id") == id; });
    if (same != runs.end()) {
      *same = run;
    } else {
      runs.push_back(run);
    }
  });
}

}  // namespace llmbench::report
