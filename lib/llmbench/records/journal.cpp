#include "llmbench/records/journal.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "llmbench/error.hpp"

namespace llmbench::records {

JournalWriter::JournalWriter(const std::filesystem::path& path) : path_(path) {
  std::error_code ec;
  std::filesystem::create_directories(path.parent_path(), ec);
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd_ < 0) {
    throw Error("cannot open item log " + path.string() + ": " + std::strerror(errno) +
                "; check that --output-dir is writable", ExitCode::internal);
  }
}

JournalWriter::~JournalWriter() {
  if (fd_ >= 0) ::close(fd_);
}

void JournalWriter::append(const nlohmann::json& record) {
  // Invalid UTF-8 from a model is replaced, never thrown on. What dump() writes, without a new
  // string per record.
  line_.clear();
  nlohmann::detail::serializer<nlohmann::json> writer(nlohmann::detail::output_adapter<char>(line_), ' ',
                                                      nlohmann::json::error_handler_t::replace);
  writer.dump(record, /*pretty_print=*/false, /*ensure_ascii=*/false, /*indent_step=*/0);
  line_ += '\n';
  const std::string& line = line_;
  // A write cut short (disk full) is undone, so the log keeps ending in a whole line.
  struct stat before {};
  const bool sized = ::fstat(fd_, &before) == 0;
  const char* data = line.data();
  std::size_t left = line.size();
  while (left > 0) {
    ssize_t n = ::write(fd_, data, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int err = n < 0 ? errno : ENOSPC;
      if (sized && ::ftruncate(fd_, before.st_size) != 0) {
        // Leaves a torn last line, which read_journal drops on resume.
      }
      throw Error("cannot append to item log " + path_.string() + ": " + std::strerror(err),
                  ExitCode::internal);
    }
    data += n;
    left -= static_cast<std::size_t>(n);
  }
}

void truncate_journal(const std::filesystem::path& path, std::uintmax_t size) {
  std::error_code ec;
  if (std::filesystem::exists(path, ec) && std::filesystem::file_size(path, ec) != size) {
    std::filesystem::resize_file(path, size, ec);
    if (ec) throw Error(fmt::format("cannot cut the torn last line off {}: {}", path.string(), ec.message()));
  }
}

JournalContents read_journal(const std::filesystem::path& path, DamagedLines damaged) {
  JournalContents contents;
  std::ifstream in(path, std::ios::binary);
  if (!in) return contents;
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();
  std::size_t pos = 0;
  int line_no = 0;
  while (pos < text.size()) {
    ++line_no;
    std::size_t end = text.find('\n', pos);
    const bool complete = end != std::string::npos;
    std::string_view line(text.data() + pos, (complete ? end : text.size()) - pos);
    pos = complete ? end + 1 : text.size();
    if (line.empty()) continue;
    const bool last = pos >= text.size();
    const std::size_t line_start = static_cast<std::size_t>(line.data() - text.data());
    nlohmann::json record = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (!complete || record.is_discarded() || !record.is_object()) {
      if (last) {
        contents.dropped_torn_tail = true;
        contents.valid_bytes = line_start;
        return contents;
      }
      if (damaged == DamagedLines::skip) {
        contents.damaged_lines.push_back(line_no);
        continue;
      }
      throw InputError(path.string(), line_no,
                       "item log line is not a JSON object; the log was edited or damaged "
                       "(delete the line, or start a new run without --resume)");
    }
    contents.records.push_back(std::move(record));
  }
  contents.valid_bytes = text.size();
  return contents;
}

}  // namespace llmbench::records
