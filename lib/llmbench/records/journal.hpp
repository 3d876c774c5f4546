#pragma once
// The item log of a run (runs/<run_id>/items.jsonl): one JSON object per finished item,
// appended with a single write() as it completes, or (hold() and write_held()) with the other
// items finished in the same turn of the executor's loop, so a crash loses at most the items in
// flight and those of the turn it ended. It is the truth of a run: resume reads it back, the
// HTML report shows it.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace llmbench::records {

class JournalWriter {
 public:
  // Opens (creating directories) `path` for appending. Throws Error if it cannot.
  explicit JournalWriter(const std::filesystem::path& path);
  ~JournalWriter();
  JournalWriter(const JournalWriter&) = delete;
  JournalWriter& operator=(const JournalWriter&) = delete;

  // Appends one record as one line (after any held back); throws Error on a failed write (disk
  // full), the log then ending in its last whole line before them.
  void append(const nlohmann::json& record);
  // Holds back one record's line for the next write_held(), which appends every line held, in
  // order, with one write() (throwing as append() does; held lines are let go either way).
  void hold(const nlohmann::json& record);
  void write_held();
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
  int fd_ = -1;
  std::string line_;  // the lines held back; its capacity is kept from one write to the next
  std::optional<std::uintmax_t> size_;  // the log's length after the last whole line (unknown: fstat failed)
};

// What reading a journal found besides its records.
struct JournalScan {
  std::vector<int> damaged_lines;  // DamagedLines::skip: 1-based lines before the last that did not parse
  bool dropped_torn_tail = false;  // the last line had no newline or did not parse (crash mid-write)
  std::uintmax_t valid_bytes = 0;  // length of the file up to the end of the last good line
};

struct JournalContents : JournalScan {
  std::vector<nlohmann::json> records;
};

// What read_journal does with a damaged line before the last: resume refuses the log (the run
// would be continued from a guess); a report reads what it can and lists the lines.
enum class DamagedLines { refuse, skip };

// Reads a journal. A missing file is empty. A torn last line is dropped (and reported in
// the result); a damaged line before the last throws InputError naming file and line, or with
// DamagedLines::skip is left out and listed in damaged_lines.
JournalContents read_journal(const std::filesystem::path& path, DamagedLines damaged = DamagedLines::refuse);

// The same, handing each record to `on_record` in file order as its line is read, so only one
// line is held at a time (a resume of a long run). A torn last line is found only at the end:
// every record before it has been handed over by then.
JournalScan scan_journal(const std::filesystem::path& path, DamagedLines damaged,
                         const std::function<void(nlohmann::json&& record)>& on_record);

// Cuts the journal to `size` bytes (JournalContents::valid_bytes) before appending to it again,
// so a torn last line is not glued to the next record.
void truncate_journal(const std::filesystem::path& path, std::uintmax_t size);

}  // namespace llmbench::records
