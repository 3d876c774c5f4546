#include "llmbench/util/text_file.hpp"

#include <bzlib.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <system_error>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "llmbench/error.hpp"

namespace llmbench::util {
namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";

std::string read_bytes(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    throw InputError(path, 0, "file not found; check --data-dir or the path in the task config");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw InputError(path, 0, fmt::format("cannot open file: {}; check its permissions",
                                          std::strerror(errno)));
  }
  // Read straight into the string, sized from the file's length (one copy of the bytes, not
  // three through a stringstream); whatever the length turns out to be, all of it is read.
  std::string bytes;
  const auto size = std::filesystem::file_size(path, ec);
  std::size_t have = 0;
  bytes.resize(ec ? std::size_t{65536} : static_cast<std::size_t>(size) + 1);  // + 1: the end is seen in one read
  while (in.read(bytes.data() + have, static_cast<std::streamsize>(bytes.size() - have)) || in.gcount() > 0) {
    have += static_cast<std::size_t>(in.gcount());
    if (have == bytes.size()) bytes.resize(bytes.size() * 2);
  }
  if (in.bad()) throw InputError(path, 0, "read error; check the file and the disk");
  bytes.resize(have);
  return bytes;
}

// `text` after a leading BOM, checked: not blank, valid UTF-8, and (LineLimit::enforce) no
// line longer than kMaxLineBytes.
std::string_view checked(std::string_view text, const std::string& path, LineLimit limit) {
  if (text.substr(0, kBom.size()) == kBom) text.remove_prefix(kBom.size());
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    throw InputError(path, 0, "file is empty; expected dataset records (re-copy the file)");
  }
  validate_utf8(text, path);
  if (limit == LineLimit::enforce) check_line_lengths(text, path);
  return text;
}

std::string finish(std::string text, const std::string& path, LineLimit limit) {
  text.erase(0, text.size() - checked(text, path, limit).size());
  return text;
}

// Length of the valid UTF-8 sequence starting at s[i], or 0 if it is not valid (RFC 3629:
// no overlongs, no surrogates, nothing above U+10FFFF).
std::size_t utf8_sequence_length(std::string_view s, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = byte(i);
  if (c < 0x80) return 1;
  std::size_t n = 0;
  unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  if (byte(i + 1) < lo || byte(i + 1) > hi) return 0;
  for (std::size_t k = 2; k < n; ++k) {
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
  }
  return n;
}

}  // namespace

std::string read_text_file(const std::string& path, LineLimit limit) {
  return finish(read_bytes(path), path, limit);
}

TextFile::TextFile(const std::string& path, LineLimit limit) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  struct stat st {};
  if (fd >= 0 && ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
    const auto size = static_cast<std::size_t>(st.st_size);
    // MAP_POPULATE: the pages are mapped now, in one go, not a fault at a time as they are read.
    void* map = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
    if (map != MAP_FAILED) {
      map_ = static_cast<const char*>(map);
      map_size_ = size;
    }
  }
  if (fd >= 0) ::close(fd);
  if (map_ == nullptr) {  // missing, empty, not a regular file, or not mappable: read_text_file's way
    read_ = read_text_file(path, limit);
    return;
  }
  try {
    skip_ = map_size_ - checked(std::string_view(map_, map_size_), path, limit).size();
  } catch (...) {
    unmap();
    throw;
  }
}

TextFile::~TextFile() { unmap(); }

TextFile::TextFile(TextFile&& other) noexcept
    : map_(std::exchange(other.map_, nullptr)),
      map_size_(std::exchange(other.map_size_, 0)),
      skip_(std::exchange(other.skip_, 0)),
      read_(std::move(other.read_)) {}

TextFile& TextFile::operator=(TextFile&& other) noexcept {
  if (this != &other) {
    unmap();
    map_ = std::exchange(other.map_, nullptr);
    map_size_ = std::exchange(other.map_size_, 0);
    skip_ = std::exchange(other.skip_, 0);
    read_ = std::move(other.read_);
  }
  return *this;
}

std::string_view TextFile::text() const {
  if (map_ == nullptr) return read_;
  return std::string_view(map_, map_size_).substr(skip_);
}

void TextFile::unmap() {
  if (map_ != nullptr) ::munmap(const_cast<char*>(map_), map_size_);
  map_ = nullptr;
  map_size_ = skip_ = 0;
}

std::string read_bz2_text_file(const std::string& path, LineLimit limit) {
  const std::string compressed = read_bytes(path);
  if (compressed.empty()) throw InputError(path, 0, "file is empty; expected a bzip2 stream");
  std::string out;
  std::vector<char> buffer(std::size_t{1} << 20);
  std::size_t consumed = 0;
  // A file may hold several concatenated bzip2 streams (as pbzip2 writes); decode them all.
  while (consumed < compressed.size()) {
    bz_stream stream{};
    if (BZ2_bzDecompressInit(&stream, 0, 0) != BZ_OK) {
      throw Error(path + ": cannot initialise bzip2 decompression", ExitCode::internal);
    }
    stream.next_in = const_cast<char*>(compressed.data() + consumed);
    stream.avail_in = static_cast<unsigned>(compressed.size() - consumed);
    int rc = BZ_OK;
    while (rc == BZ_OK) {
      stream.next_out = buffer.data();
      stream.avail_out = static_cast<unsigned>(buffer.size());
      rc = BZ2_bzDecompress(&stream);
      out.append(buffer.data(), buffer.size() - stream.avail_out);
      if (rc == BZ_OK && stream.avail_in == 0 && stream.avail_out != 0) break;  // truncated
    }
    consumed = compressed.size() - stream.avail_in;
    BZ2_bzDecompressEnd(&stream);
    if (rc != BZ_STREAM_END) {
      throw InputError(path, 0,
                       fmt::format("corrupt or truncated bzip2 data (libbz2 code {}); re-copy "
                                   "the file from its source (see SOURCE.md)",
                                   rc));
    }
  }
  return finish(std::move(out), path, limit);
}

void validate_utf8(std::string_view text, const std::string& path) {
  std::size_t i = 0;
  while (i < text.size()) {
    // Fast path over ASCII, eight bytes at a time while none has its high bit set.
    while (i + 8 <= text.size()) {
      std::uint64_t word = 0;
      std::memcpy(&word, text.data() + i, 8);
      if ((word & 0x8080808080808080ULL) != 0) break;
      i += 8;
    }
    while (i < text.size() && static_cast<unsigned char>(text[i]) < 0x80) ++i;
    if (i >= text.size()) break;
    const std::size_t n = utf8_sequence_length(text, i);
    if (n == 0) {
      throw InputError(path, line_of_offset(text, i),
                       fmt::format("invalid UTF-8 (byte 0x{:02X} at byte offset {}); save the "
                                   "file as UTF-8",
                                   static_cast<unsigned char>(text[i]), i));
    }
    i += n;
  }
}

void check_line_lengths(std::string_view text, const std::string& path) {
  std::size_t start = 0;
  int line = 1;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    if (end - start > kMaxLineBytes) {
      throw InputError(path, line,
                       fmt::format("line is {} bytes, longer than the {} byte limit; is this a "
                                   "line-per-record file?",
                                   end - start, kMaxLineBytes));
    }
    start = end + 1;
    ++line;
  }
}

void for_each_line(std::string_view text,
                   const std::function<void(int line_number, std::string_view line)>& fn) {
  std::size_t start = 0;
  int line = 1;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view content = text.substr(start, end - start);
    if (!content.empty() && content.back() == '\r') content.remove_suffix(1);
    fn(line, content);
    start = end + 1;
    ++line;
  }
}

int line_of_offset(std::string_view text, std::size_t offset) {
  offset = std::min(offset, text.size());
  return 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(offset), '\n'));
}

bool is_blank(std::string_view line) {
  return line.find_first_not_of(" \t\r") == std::string_view::npos;
}

}  // namespace llmbench::util
