#pragma once
// Reading dataset files as validated UTF-8 text. Every loader goes through here, so every
// dataset gets the same checks and the same error messages:
//   - a missing or unreadable file, an empty file      -> InputError "<file>: ..."
//   - invalid UTF-8                                    -> InputError "<file>:<line>: ..."
//   - a line longer than kMaxLineBytes (1 MiB)         -> InputError "<file>:<line>: ..."
// A leading UTF-8 byte-order mark is accepted and removed. Line numbers are 1-based.

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace llmbench::util {

inline constexpr std::size_t kMaxLineBytes = std::size_t{1} << 20;  // 1 MiB, for line formats

enum class LineLimit { enforce, none };  // none: JSON documents may be one long line

// Reads `path` whole. Throws InputError on a missing/empty file or invalid UTF-8, and, with
// LineLimit::enforce, on any line longer than kMaxLineBytes. Removes a leading BOM.
std::string read_text_file(const std::string& path, LineLimit limit = LineLimit::enforce);

// A file's text, read and checked as read_text_file reads and checks it (the same errors),
// without copying it: a regular file is mapped read-only, anything else (or a file that cannot
// be mapped) is read into memory. For large dataset files read once at start-up, where zeroing
// a buffer and copying every byte into it costs more than the checks. Move-only; text() stays
// valid while the object lives, wherever it is moved to. As with any mapping, another process
// truncating the file while it is mapped would end this one (SIGBUS).
class TextFile {
 public:
  TextFile() = default;  // no file: text() is empty
  explicit TextFile(const std::string& path, LineLimit limit = LineLimit::enforce);
  ~TextFile();
  TextFile(TextFile&& other) noexcept;
  TextFile& operator=(TextFile&& other) noexcept;
  TextFile(const TextFile&) = delete;
  TextFile& operator=(const TextFile&) = delete;

  // Without a leading BOM, as read_text_file returns it.
  std::string_view text() const;

 private:
  void unmap();

  const char* map_ = nullptr;  // the mapped file, or null (then the text is read_)
  std::size_t map_size_ = 0;
  std::size_t skip_ = 0;       // the BOM's bytes at the start of the mapping
  std::string read_;
};

// Reads a bzip2-compressed text file and returns the decompressed text, checked like
// read_text_file. A corrupt or truncated stream is an InputError naming the file.
std::string read_bz2_text_file(const std::string& path, LineLimit limit = LineLimit::enforce);

// The checks read_text_file applies, on text already in memory (`path` names it in errors).
// Throws InputError "<path>:<line>: invalid UTF-8 ..." at the first bad byte.
void validate_utf8(std::string_view text, const std::string& path);
void check_line_lengths(std::string_view text, const std::string& path);

// Calls fn(line_number, line) for each line of `text`, without the "\n" or "\r\n" ending.
// A final line without a newline is still visited; an empty text visits nothing.
void for_each_line(std::string_view text,
                   const std::function<void(int line_number, std::string_view line)>& fn);

// The 1-based line that byte `offset` of `text` is on.
int line_of_offset(std::string_view text, std::size_t offset);

// True if `line` is empty or only spaces, tabs and "\r".
bool is_blank(std::string_view line);

}  // namespace llmbench::util
