// Dataset parsing: the in-memory parsers (JSONL, JSON array, CSV, UTF-8 checks) and the
// shipped-format loaders (on a scratch file). Any input loads or throws llmbench::Error.
#include <string>
#include <vector>

#include "fuzz_support.hpp"
#include "llmbench/data/csv.hpp"
#include "llmbench/data/json_records.hpp"
#include "llmbench/data/loaders.hpp"
#include "llmbench/error.hpp"
#include "llmbench/util/text_file.hpp"

namespace {

template <typename Fn>
void expect_input_error_or_success(Fn&& fn) {
  try {
    fn();
  } catch (const llmbench::Error&) {
    // An input problem, reported with a file and line: fine.
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace llmbench::data;
  if (size == 0) return 0;
  const std::uint8_t selector = data[0];
  const std::string_view text = llmbench::fuzz::as_text(data + 1, size - 1);
  const std::string path = "fuzz-input";

  expect_input_error_or_success([&] { llmbench::util::validate_utf8(text, path); });
  expect_input_error_or_success([&] {
    for (const JsonRecord& record : parse_jsonl(text, path)) {
      llmbench::fuzz::require(record.value.is_object(), "a JSONL record is an object");
      llmbench::fuzz::require(record.line >= 1, "a record has a 1-based line");
    }
  });
  expect_input_error_or_success([&] {
    for (const JsonRecord& record : parse_json_array(text, path)) {
      llmbench::fuzz::require(record.value.is_object(), "an array record is an object");
    }
  });
  expect_input_error_or_success([&] { (void)parse_csv(text, path, selector & 1 ? '\t' : ','); });
  expect_input_error_or_success([&] { (void)parse_csv_table(text, path); });
  {  // A scan finds the records parsing reads (each span parses to its row), or fails as it does.
    const char delimiter = selector & 1 ? '\t' : ',';
    bool parsed = false, scanned = false;
    std::vector<CsvRow> rows;
    std::vector<CsvRecordSpan> spans;
    expect_input_error_or_success([&] {
      rows = parse_csv(text, path, delimiter);
      parsed = true;
    });
    expect_input_error_or_success([&] {
      spans = scan_csv(text, path, delimiter, 1);
      scanned = true;
    });
    llmbench::fuzz::require(parsed == scanned, "a scan fails exactly when parsing fails");
    llmbench::fuzz::require(spans.size() == rows.size(), "a scan finds as many records as parsing");
    for (std::size_t k = 0; k < spans.size(); ++k) {
      const CsvRecordSpan& span = spans[k];
      const std::vector<CsvRow> one = parse_csv(text.substr(span.begin, span.end - span.begin), path, delimiter, span.line);
      llmbench::fuzz::require(one.size() == 1 && one[0].line == rows[k].line && one[0].fields == rows[k].fields,
                              "a record's span parses to that record");
      llmbench::fuzz::require(span.fields == rows[k].fields.size() &&
                                  span.kept == (rows[k].fields.size() > 1 ? rows[k].fields[1] : ""),
                              "a scan counts a record's fields and keeps the one asked for");
    }
  }

  // The loaders read files: the selector picks one, the rest is the file.
  const std::string file = llmbench::fuzz::write_scratch("dataset", text);
  expect_input_error_or_success([&] {
    switch (selector % 6) {
      case 0: (void)load_gsm8k_jsonl(file, "test"); break;
      case 1: (void)load_arc_jsonl(file); break;
      case 2: (void)load_medqa_jsonl(file, "test"); break;
      case 3: (void)load_mmlu_csv(file, "fuzz", "test"); break;
      case 4: (void)load_truthfulqa_mc1(file); break;
      default: (void)llmbench::util::read_text_file(file); break;
    }
  });
  return 0;
}
