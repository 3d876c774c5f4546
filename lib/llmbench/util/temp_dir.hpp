#pragma once
// A fresh temporary directory, removed with everything in it when it goes out of scope.

#include <filesystem>
#include <string_view>

namespace llmbench::util {

class TempDir {
 public:
  // Creates "<parent>/<prefix>-XXXXXX" (mkdtemp, mode 0700); `parent` empty is the system's
  // temp directory. Throws Error(internal) naming the parent when it cannot.
  TempDir(std::string_view prefix, std::filesystem::path parent = {});
  // Removes the directory. Files whose owner permissions were taken away (by a program run in
  // it) get them back first, so nothing is left behind.
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace llmbench::util
