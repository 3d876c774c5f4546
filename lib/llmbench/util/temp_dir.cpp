#include "llmbench/util/temp_dir.hpp"

#include <stdlib.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <system_error>

#include <fmt/format.h>

#include "llmbench/error.hpp"

namespace llmbench::util {

namespace fs = std::filesystem;

TempDir::TempDir(std::string_view prefix, fs::path parent) {
  std::error_code ec;
  if (parent.empty()) parent = fs::temp_directory_path(ec);
  if (ec) parent = "/tmp";
  std::string pattern = (parent / fmt::format("{}-XXXXXX", prefix)).string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    throw Error(fmt::format("cannot create a temporary directory in {}: {}", parent.string(), std::strerror(errno)),
                ExitCode::internal);
  }
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
  if (!ec) return;
  for (auto it = fs::recursive_directory_iterator(path_, fs::directory_options::skip_permission_denied, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    fs::permissions(it->path(), fs::perms::owner_all, fs::perm_options::add, ec);
  }
  fs::permissions(path_, fs::perms::owner_all, fs::perm_options::add, ec);
  fs::remove_all(path_, ec);
}

}  // namespace llmbench::util
