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

}  // namespace

std::vector<CsvRow> parse_csv(std::string_view text, const std::string& path, char delimiter) {
  std::vector<CsvRow> rows;
  CsvRow row;
  std::string field;
  int line = 1;
  bool in_record = false;  // something (even an empty field before a delimiter) was read
  std::size_t i = 0;
  const std::size_t n = text.size();

  const auto end_field = [&] {
    row.fields.push_back(std::move(field));
    field.clear();
  };
  const auto end_record = [&] {
    if (in_record) {
      end_field();
      rows.push_back(std::move(row));
    }
    row = CsvRow{};
    field.clear();
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
      row.line = line;
      in_record = true;
    }
    if (c == '"' && field.empty()) {
      // A quoted field, opened at the start of the field.
      // Each run up to the next quote is copied at once.
      const int open_line = line;
      ++i;
      bool closed = false;
      while (i < n) {
        const std::size_t q = std::min(text.find('"', i), n);
        const std::string_view run = text.substr(i, q - i);
        line += static_cast<int>(std::count(run.begin(), run.end(), '\n'));
        field.append(run);
        i = q;
        if (i == n) break;
        if (i + 1 < n && text[i + 1] == '"') {
          field.push_back('"');
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
      end_record();
      ++i;
      ++line;
    } else if (c == '\r' && i + 1 < n && text[i + 1] == '\n') {
      end_record();
      i += 2;
      ++line;
    } else if (c == '\r' && i + 1 == n) {
      ++i;  // a final lone "\r"
    } else {
      // A run of plain characters (this one, then up to the next delimiter or line end) is
      // copied at once; a '"' inside it is literal, as the field is no longer empty.
      const std::size_t end = plain_run_end(text, i + 1, delimiter);
      field.append(text.substr(i, end - i));
      i = end;
    }
  }
  end_record();
  return rows;
}

int CsvTable::column(std::string_view name) const {
  for (std::size_t k = 0; k < header.size(); ++k) {
    if (header[k] == name) return static_cast<int>(k);
  }
  return -1;
}

CsvTable parse_csv_table(std::string_view text, const std::string& path, char delimiter) {
  std::vector<CsvRow> rows = parse_csv(text, path, delimiter);
  if (rows.empty()) throw InputError(path, 0, "no header row; the file has no records");
  CsvTable table;
  table.header = std::move(rows.front().fields);
  rows.erase(rows.begin());
  for (const CsvRow& row : rows) {
    if (row.fields.size() != table.header.size()) {
      throw InputError(path, row.line,
                       fmt::format("{} fields but the header has {}; quote fields that contain "
                                   "'{}' or line breaks",
                                   row.fields.size(), table.header.size(), delimiter));
    }
  }
  table.rows = std::move(rows);
  return table;
}

}  // namespace llmbench::data
