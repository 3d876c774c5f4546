#include "llmbench/report/store.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "llmbench/error.hpp"
#include "llmbench/util/atomic_file.hpp"

namespace llmbench::report {
namespace {

using util::FileDescriptor;
using util::throw_io;

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
  util::write_file_atomically(file, runs.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
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
