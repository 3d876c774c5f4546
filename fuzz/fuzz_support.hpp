#pragma once
// Shared helpers for the libFuzzer targets in this directory (see README.md).
//
// Contract every target checks: a parser given any bytes either returns or throws
// llmbench::Error (an input problem the CLI reports with exit code 2). Any other exception,
// a crash, a sanitizer report or a broken invariant is a bug: the target lets it escape or
// aborts, and libFuzzer saves the input.

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

namespace llmbench::fuzz {

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// Aborts with a message when an invariant does not hold (libFuzzer reports the input).
inline void require(bool condition, const char* what) {
  if (!condition) {
    std::fprintf(stderr, "fuzz invariant broken: %s\n", what);
    std::abort();
  }
}

// A scratch file private to this process, rewritten on each call; for loaders that only
// take a path.
inline std::string write_scratch(std::string_view name, std::string_view bytes) {
  const auto dir = std::filesystem::temp_directory_path() / ("llmbench-fuzz-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto path = dir / std::string(name);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  return path.string();
}

}  // namespace llmbench::fuzz
