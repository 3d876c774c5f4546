#pragma once
// The NUL-terminated char* array that execv/execve take for argv and envp, over strings the
// caller owns.

#include <string>
#include <vector>

namespace llmbench::util {

// Pointers into `strings`, then a nullptr. The result borrows: `strings` must outlive it and not
// change size. It allocates, so a caller that forks builds it before fork(); the child then
// passes .data() to exec without allocating (only async-signal-safe calls after fork() in a
// threaded process).
inline std::vector<char*> exec_array(std::vector<std::string>& strings) {
  std::vector<char*> out;
  out.reserve(strings.size() + 1);
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

}  // namespace llmbench::util
