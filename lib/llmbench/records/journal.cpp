#include "llmbench/records/journal.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include <fmt/format.h>

#include "llmbench/error.hpp"
#include "llmbench/util/json_text.hpp"

namespace llmbench::records {

JournalWriter::JournalWriter(const std::filesystem::path& path) : path_(path) {
  std::error_code ec;
  std::filesystem::create_directories(path.parent_path(), ec);
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd_ < 0) {
    throw Error("cannot open item log " + path.string() + ": " + std::strerror(errno) +
                "; check that --output-dir is writable", ExitCode::internal);
  }
  struct stat st {};
  if (::fstat(fd_, &st) == 0) size_ = static_cast<std::uintmax_t>(st.st_size);
}

JournalWriter::~JournalWriter() {
  if (fd_ >= 0) ::close(fd_);
}

void JournalWriter::append(const nlohmann::json& record) {
  hold(record);
  write_held();
}

void JournalWriter::hold(const nlohmann::json& record) {
  // Invalid UTF-8 from a model is replaced, never thrown on. What dump() writes, without a new
  // string per record.
  const std::size_t before = line_.size();
  try {
    util::append_json(line_, record);
    line_ += '\n';
  } catch (...) {  // std::bad_alloc: no part of a line stays held
    line_.resize(before);
    throw;
  }
}

void JournalWriter::write_held() {
  // A write cut short (disk full) is undone, so the log keeps ending in a whole line: the log's
  // length is known from the open and each whole line since (this writer is its only one).
  const char* data = line_.data();
  std::size_t left = line_.size();
  while (left > 0) {
    ssize_t n = ::write(fd_, data, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int err = n < 0 ? errno : ENOSPC;
      line_.clear();
      if (size_ && ::ftruncate(fd_, static_cast<off_t>(*size_)) != 0) {
        // Leaves a torn last line, which read_journal drops on resume.
      }
      throw Error("cannot append to item log " + path_.string() + ": " + std::strerror(err),
                  ExitCode::internal);
    }
    data += n;
    left -= static_cast<std::size_t>(n);
  }
  if (size_) *size_ += line_.size();
  line_.clear();
}

void truncate_journal(const std::filesystem::path& path, std::uintmax_t size) {
  std::error_code ec;
  if (std::filesystem::exists(path, ec) && std::filesystem::file_size(path, ec) != size) {
    std::filesystem::resize_file(path, size, ec);
    if (ec) throw Error(fmt::format("cannot cut the torn last line off {}: {}", path.string(), ec.message()));
  }
}

JournalScan scan_journal(const std::filesystem::path& path, DamagedLines damaged,
                         const std::function<void(nlohmann::json&& record)>& on_record) {
  JournalScan scan;
  std::ifstream in(path, std::ios::binary);
  if (!in) return scan;
  std::string line;
  std::uintmax_t pos = 0;  // where `line` starts
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    const bool complete = !in.eof();  // getline stopped at a newline, not at the end of the file
    const std::uintmax_t line_start = pos;
    pos += line.size() + (complete ? 1 : 0);
    if (line.empty()) continue;
    const bool last = in.peek() == std::ifstream::traits_type::eof();
    nlohmann::json record = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (!complete || record.is_discarded() || !record.is_object()) {
      if (last) {
        scan.dropped_torn_tail = true;
        scan.valid_bytes = line_start;
        return scan;
      }
      if (damaged == DamagedLines::skip) {
        scan.damaged_lines.push_back(line_no);
        continue;
      }
      throw InputError(path.string(), line_no,
                       "item log line is not a JSON object; the log was edited or damaged "
                       "(delete the line, or start a new run without --resume)");
    }
    on_record(std::move(record));
  }
  scan.valid_bytes = pos;
  return scan;
}

JournalContents read_journal(const std::filesystem::path& path, DamagedLines damaged) {
  JournalContents contents;
  static_cast<JournalScan&>(contents) =
      scan_journal(path, damaged, [&](nlohmann::json&& record) { contents.records.push_back(std::move(record)); });
  return contents;
}

}  // namespace llmbench::records
