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
