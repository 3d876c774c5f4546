#include "llmbench/run/git_info.hpp"

#include <fstream>
#include <sstream>

namespace llmbench::run {
namespace {

std::string first_line(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
  return line;
}

// The commit a ref names: a loose ref file, else packed-refs.
std::string resolve_ref(const std::filesystem::path& git_dir, const std::string& ref) {
  std::string loose = first_line(git_dir / ref);
  if (!loose.empty()) return loose;
  std::ifstream packed(git_dir / "packed-refs");
  std::string line;
  while (std::getline(packed, line)) {
    if (line.size() > 41 && line.compare(41, std::string::npos, ref) == 0) return line.substr(0, 40);
  }
  return "";
}

}  // namespace

GitInfo read_git_info(const std::filesystem::path& start) {
  std::error_code ec;
  for (auto dir = std::filesystem::absolute(start, ec); !dir.empty(); dir = dir.parent_path()) {
    auto git = dir / ".git";
    if (std::filesystem::is_regular_file(git, ec)) {  // a worktree: "gitdir: <path>"
      const std::string line = first_line(git);
      if (line.rfind("gitdir: ", 0) == 0) git = dir / line.substr(8);
    }
    if (std::filesystem::is_directory(git, ec)) {
      GitInfo info;
      const std::string head = first_line(git / "HEAD");
      if (head.rfind("ref: ", 0) == 0) {
        const std::string ref = head.substr(5);
        if (ref.rfind("refs/heads/", 0) == 0) info.branch = ref.substr(11);
        info.commit = resolve_ref(git, ref);
      } else {
        info.commit = head;
      }
      return info;
    }
    if (dir == dir.parent_path()) break;
  }
  return {};
}

}  // namespace llmbench::run
