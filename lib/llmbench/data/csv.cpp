#include "llmbench/data/csv.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>

#include <fmt/format.h>

#include "llmbench/error.hpp"

namespace llmbench::data {
namespace {

// The first position at or after `i` holding the delimiter, '\n' or '\r' (or text.size()):
// eight bytes at a time, each compared with the three at once (a byte equal to c makes its
// lane of w ^ c zero, which the classic has-zero-byte test finds).
std::size_t plain_run_end(std::string_view text, std::size_t i, char delimiter) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL, kHighs = 0x8080808080808080ULL;
  const auto has_zero = [](std::uint64_t w) { return (w - kOnes) & ~w & kHighs; };
  const std::uint64_t d = kOnes * static_cast<unsigned char>(delimiter), lf = kOnes * '\n', cr = kOnes * '\r';
  const std::size_t n = text.size();
  while (i + 8 <= n) {
    std::uint64_t w = 0;
    std::memcpy(&w, text.data() + i, 8);
    if ((has_zero(w ^ d) | has_zero(w ^ lf) | has_zero(w ^ cr)) != 0) break;
    i += 8;
  }
  while (i < n && text[i] != delimiter && text[i] != '\n' && text[i] != '\r') ++i;
  return i;
}

// The one RFC 4180 state machine: it tells `sink` what it reads, and each caller keeps what it
// needs of it.
//   sink.begin_record(line, offset)  a record starts at byte `offset`, on `line`
//   sink.text(run)                    `run` (a view into `text`) continues the current field
//   sink.end_field()                  the current field ends
//   sink.end_record(offset)           the record ends; the next byte to read is at `offset`
//                                     (after the line end)
template <typename Sink>
void tokenize_csv(std::string_view text, const std::string& path, char delimiter, int first_line, Sink& sink) {
  int line = first_line;
  bool in_record = false;  // something (even an empty field before a delimiter) was read
  bool field_empty = true;
  std::size_t i = 0;
  const std::size_t n = text.size();

  const auto end_field = [&] {
    sink.end_field();
    field_empty = true;
  };
  const auto append = [&](std::string_view run) {
    sink.text(run);
    if (!run.empty()) field_empty = false;
  };
  const auto end_record = [&](std::size_t next) {
    if (in_record) {
      end_field();
      sink.end_record(next);
    }
    field_empty = true;
    in_record = false;
  };

  while (i < n) {
    const char c = text[i];
    if (!in_record) {
      if (c == '\n' || (c == '\r' && i + 1 < n && text[i + 1] == '\n')) {  // blank line
        i += (c == '\r') ? 2 : 1;
        ++line;
        continue;
      }
      sink.begin_record(line, i);
      in_record = true;
    }
    if (c == '"' && field_empty) {
      // A quoted field, opened at the start of the field.
      // Each run up to the next quote is passed on at once.
      const int open_line = line;
      ++i;
      bool closed = false;
      while (i < n) {
        const std::size_t q = std::min(text.find('"', i), n);
        const std::string_view run = text.substr(i, q - i);
        line += static_cast<int>(std::count(run.begin(), run.end(), '\n'));
        append(run);
        i = q;
        if (i == n) break;
        if (i + 1 < n && text[i + 1] == '"') {
          append(text.substr(i, 1));
          i += 2;
          continue;
        }
        ++i;
        closed = true;
        break;
      }
      if (!closed) {
        throw InputError(path, open_line,
                         "a quoted field is never closed (missing '\"'); double any quote "
                         "inside a quoted field (\"\")");
      }
      if (i < n && text[i] != delimiter && text[i] != '\n' &&
          !(text[i] == '\r' && i + 1 < n && text[i + 1] == '\n') && text[i] != '\r') {
        throw InputError(path, line,
                         fmt::format("unexpected '{}' after a closing quote; a quoted field "
                                     "must be followed by '{}' or the end of the line",
                                     text[i], delimiter));
      }
      continue;
    }
    if (c == delimiter) {
      end_field();
      ++i;
    } else if (c == '\n') {
      end_record(i + 1);
      ++i;
      ++line;
    } else if (c == '\r' && i + 1 < n && text[i + 1] == '\n') {
      end_record(i + 2);
      i += 2;
      ++line;
    } else if (c == '\r' && i + 1 == n) {
      ++i;  // a final lone "\r"
    } else {
      // A run of plain characters (this one, then up to the next delimiter or line end) is
      // passed on at once; a '"' inside it is literal, as the field is no longer empty.
      const std::size_t end = plain_run_end(text, i + 1, delimiter);
      append(text.substr(i, end - i));
      i = end;
    }
  }
  end_record(n);
}

// parse_csv's sink: every field's text, record by record.
struct RowBuilder {
  std::vector<CsvRow> rows;
  CsvRow row;
  std::string field;

  void begin_record(int line, std::size_t) { row.line = line; }
  void text(std::string_view run) { field.append(run); }
  void end_field() {
    row.fields.push_back(std::move(field));
    field.clear();
  }
  void end_record(std::size_t) {
    rows.push_back(std::move(row));
    row = CsvRow{};
  }
};

// scan_csv's sink: where each record lies, its field count and the text of one field.
struct RecordScanner {
  std::size_t keep_field = 0;
  std::vector<CsvRecordSpan> records;
  CsvRecordSpan record;

  void begin_record(int line, std::size_t offset) {
    record.line = line;
    record.begin = offset;
  }
  void text(std::string_view run) {
    if (record.fields == keep_field) record.kept.append(run);
  }
  void end_field() { ++record.fields; }
  void end_record(std::size_t next) {
    record.end = next;
    records.push_back(std::move(record));
    record = CsvRecordSpan{};
  }
};

}  // namespace

std::vector<CsvRow> parse_csv(std::string_view text, const std::string& path, char delimiter, int first_line) {
  RowBuilder builder;
  tokenize_csv(text, path, delimiter, first_line, builder);
  return std::move(builder.rows);
}

std::vector<CsvRecordSpan> scan_csv(std::string_view text, const std::string& path, char delimiter,
                                    std::size_t keep_field) {
  RecordScanner scanner;
  scanner.keep_field = keep_field;
  tokenize_csv(text, path, delimiter, 1, scanner);
  return std::move(scanner.records);
}

int CsvTable::column(std::string_view name) const {
  for (std::size_t k = 0; k < header.size(); ++k) {
    if (header[k] == name) return static_cast<int>(k);
  }
  return -1;
}

namespace {

void check_field_count(std::size_t fields, std::size_t header, int line, const std::string& path, char delimiter) {
  if (fields == header) return;
  throw InputError(path, line,
                   fmt::format("{} fields but the header has {}; quote fields that contain "
                               "'{}' or line breaks",
                               fields, header, delimiter));
}

[[noreturn]] void no_header(const std::string& path) {
  throw InputError(path, 0, "no header row; the file has no records");
}

}  // namespace

CsvTable parse_csv_table(std::string_view text, const std::string& path, char delimiter) {
  std::vector<CsvRow> rows = parse_csv(text, path, delimiter);
  if (rows.empty()) no_header(path);
  CsvTable table;
  table.header = std::move(rows.front().fields);
  rows.erase(rows.begin());
  for (const CsvRow& row : rows) check_field_count(row.fields.size(), table.header.size(), row.line, path, delimiter);
  table.rows = std::move(rows);
  return table;
}

CsvTableSpans scan_csv_table(std::string_view text, const std::string& path, char delimiter,
                             std::size_t keep_field) {
  std::vector<CsvRecordSpan> records = scan_csv(text, path, delimiter, keep_field);
  if (records.empty()) no_header(path);
  const CsvRecordSpan& head = records.front();
  CsvTableSpans table;
  table.header = std::move(parse_csv(text.substr(head.begin, head.end - head.begin), path, delimiter, head.line)
                               .front()
                               .fields);
  records.erase(records.begin());
  for (const CsvRecordSpan& row : records) check_field_count(row.fields, table.header.size(), row.line, path, delimiter);
  table.rows = std::move(records);
  return table;
}

}  // namespace llmbench::data
