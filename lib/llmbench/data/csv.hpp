#pragma once
// An RFC 4180 CSV reader: fields separated by a delimiter (default ','), records by "\n" or
// "\r\n"; a field may be quoted with '"', and inside quotes the delimiter, newlines and a
// doubled quote ("") are literal. The one reader every CSV/TSV dataset uses.
//
// Strictness (each an InputError "<file>:<line>: ..."): a quote that is never closed, and
// text after a closing quote other than the delimiter or the end of the record. A '"'
// inside an unquoted field is kept literally (as Python's csv module does). Blank lines
// between records are skipped. Rows may differ in length; callers check the shape.

#include <string>
#include <string_view>
#include <vector>

namespace llmbench::data {

struct CsvRow {
  int line = 0;  // the 1-based line the record starts on (a quoted newline spans lines)
  std::vector<std::string> fields;
};

// Parses `text` (already read and validated, see text_file.hpp); `path` names it in errors.
// Line numbers count from `first_line` (a record's own text, from scan_csv, starts on its line).
std::vector<CsvRow> parse_csv(std::string_view text, const std::string& path,
                              char delimiter = ',', int first_line = 1);

// Where one record lies in the text: parse_csv(text.substr(begin, end - begin), path,
// delimiter, line) gives exactly this record.
struct CsvRecordSpan {
  int line = 0;  // as CsvRow::line
  std::size_t begin = 0;
  std::size_t end = 0;     // past the record's line end
  std::size_t fields = 0;  // how many fields it has
  std::string kept;        // the text of field `keep_field` (scan_csv); "" if it has fewer fields
};

// The records parse_csv would return, with the same lines and errors, without copying their
// fields (but one): for a loader that builds only some rows.
std::vector<CsvRecordSpan> scan_csv(std::string_view text, const std::string& path, char delimiter,
                                    std::size_t keep_field);

// A CSV file with a header row: the column names and the data rows.
struct CsvTable {
  std::vector<std::string> header;
  std::vector<CsvRow> rows;

  // Index of the column named `name`, or -1.
  int column(std::string_view name) const;
};

// The header and where each data row lies (scan_csv), checked as parse_csv_table checks them.
struct CsvTableSpans {
  std::vector<std::string> header;
  std::vector<CsvRecordSpan> rows;
};
CsvTableSpans scan_csv_table(std::string_view text, const std::string& path, char delimiter,
                             std::size_t keep_field);

// Parses with the first record as the header. Throws InputError if there is no header, and
// naming the row if any row's field count differs from the header's.
CsvTable parse_csv_table(std::string_view text, const std::string& path, char delimiter = ',');

}  // namespace llmbench::data
