#pragma once
// The git branch and commit of the directory a run starts in, read from .git directly
// (no subprocess). Both empty outside a git checkout.

#include <filesystem>
#include <string>

namespace llmbench::run {

struct GitInfo {
  std::string branch;  // "" when detached or unknown
  std::string commit;  // 40 hex digits, "" when unknown
};

GitInfo read_git_info(const std::filesystem::path& start = std::filesystem::current_path());

}  // namespace llmbench::run
