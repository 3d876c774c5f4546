// Loaders read the real vendored files; bad inputs name file and line.
#include <catch2/catch.hpp>

#include <fstream>
#include <map>
#include <set>

#include "llmbench/data/csv.hpp"
#include "llmbench/data/loaders.hpp"
#include "llmbench/data/sampling.hpp"
#include "llmbench/data/tasks.hpp"
#include "llmbench/error.hpp"
#include "llmbench/util/text_file.hpp"
#include "support/cli.hpp"
#include "support/errors.hpp"

namespace data = llmbench::data;
namespace util = llmbench::util;
using llmbench::InputError;
using llmbench::test::input_error;

namespace {

const std::string kDataDir = LLMBENCH_SOURCE_DIR "/benchmarks/data";

std::string write_file(const std::string& name, const std::string& content) {
  const std::string path = llmbench::test::temp_dir("llmbench-loaders") + "/" + name;
  std::ofstream(path, std::ios::binary) << content;
  return path;
}

void require_unique_ids(const std::vector<data::Item>& items) {
  std::set<std::string> ids;
  for (const auto& item : items) ids.insert(item.id);
  REQUIRE(ids.size() == items.size());
}

}  // namespace

TEST_CASE("loaders: MMLU test has 14,042 items in 57 subjects and dev has 285", "[data][loaders]") {
  const data::Dataset ds = data::load_task("mmlu", kDataDir);
  REQUIRE(ds.items.size() == 14042);
  REQUIRE(ds.fewshot_pool.size() == 285);
  std::map<std::string, int> per_subject;
  for (const auto& item : ds.items) ++per_subject[item.subject];
  CHECK(per_subject.size() == 57);
  CHECK(per_subject["professional_law"] == 1534);
  CHECK(per_subject["moral_scenarios"] == 895);
  require_unique_ids(ds.items);
  for (const auto& item : ds.fewshot_pool) CHECK(item.id.find("/dev/") != std::string::npos);

  const data::Item& first = ds.items.front();  // subjects are loaded alphabetically
  CHECK(first.id == "abstract_algebra/test/0");
  CHECK(ds.items.back().id == "world_religions/test/170");  // the row's index, all its digits
  CHECK(first.source.ends_with("/abstract_algebra_test.csv:2"));  // "<file>:<line>", the header line 1
  CHECK(ds.items.back().source.ends_with("/world_religions_test.csv:172"));
  CHECK(first.question ==
        "Find the degree for the given field extension Q(sqrt(2), sqrt(3), sqrt(18)) over Q.");
  CHECK(first.choices == std::vector<std::string>{"0", "4", "2", "6"});
  CHECK(first.gold_index == 1);
  // A quoted field with embedded commas stays one choice.
  CHECK(ds.items[2].choices[2] == "0,1");
}

TEST_CASE("loaders: GSM8K test has 1,319 items and the reference is the text after ####",
          "[data][loaders]") {
  const data::Dataset ds = data::load_task("gsm8k", kDataDir);
  REQUIRE(ds.items.size() == 1319);
  CHECK(ds.fewshot_pool.empty());
  CHECK(ds.items[0].id == "test/1");
  CHECK(ds.items[0].reference == "18");  // Janet's ducks
  CHECK(ds.items[0].question.rfind("Janet\u2019s ducks", 0) == 0);
  require_unique_ids(ds.items);
  for (const auto& item : ds.items) CHECK_FALSE(item.reference.empty());
}

TEST_CASE("loaders: GSM8K keeps commas in the final answer exactly as written", "[data][loaders]") {
  const auto path = write_file(
      "g.jsonl", R"({"question": "q", "answer": "work\n#### 1,000"})" "\n");
  const auto items = data::load_gsm8k_jsonl(path, "test");
  REQUIRE(items.size() == 1);
  CHECK(items[0].reference == "1,000");
  CHECK(items[0].solution == "work\n#### 1,000");
}

TEST_CASE("loaders: --num-fewshot for GSM8K is a clear error since no train split ships",
          "[data][loaders]") {
  const data::Dataset gsm = data::load_task("gsm8k", kDataDir);
  CHECK_NOTHROW(data::check_fewshot(gsm, 0));
  CHECK_THROWS_WITH(data::check_fewshot(gsm, 5),
                    Catch::Contains("gsm8k ships no few-shot split") &&
                        Catch::Contains("--num-fewshot 0"));
  const data::Dataset mmlu = data::load_task("mmlu", kDataDir);
  CHECK_NOTHROW(data::check_fewshot(mmlu, 5));
  CHECK_THROWS_WITH(data::check_fewshot(mmlu, 6), Catch::Contains("5 dev examples per subject"));
}

TEST_CASE("loaders: MMLU is the one standard task whose prompts and few-shot pools are per subject",
          "[data][loaders]") {
  for (const data::TaskSpec& spec : data::standard_tasks()) {
    INFO(spec.name);
    CHECK((spec.subjects == data::Subjects::per_subject) == (spec.name == "mmlu"));
  }
  CHECK(data::load_task("mmlu", kDataDir).subjects == data::Subjects::per_subject);
  CHECK(data::load_task("arc_easy", kDataDir).subjects == data::Subjects::ignored);
}

TEST_CASE("loaders: ARC Challenge and Easy counts, own ids, 3-5 choices, numeric labels",
          "[data][loaders]") {
  const data::Dataset challenge = data::load_task("arc_challenge", kDataDir);
  const data::Dataset easy = data::load_task("arc_easy", kDataDir);
  REQUIRE(challenge.items.size() == 1172);
  REQUIRE(challenge.fewshot_pool.size() == 299);
  REQUIRE(easy.items.size() == 2376);
  REQUIRE(easy.fewshot_pool.size() == 570);
  require_unique_ids(challenge.items);
  CHECK(challenge.items[0].id == "Mercury_7175875");
  CHECK(challenge.items[0].gold_index == 2);  // answerKey "C"
  std::map<std::size_t, int> sizes;
  for (const auto& item : challenge.items) ++sizes[item.choices.size()];
  CHECK(sizes == std::map<std::size_t, int>{{3, 4}, {4, 1165}, {5, 3}});

  const auto path = write_file("arc.jsonl",
                               R"({"id":"x1","question":{"stem":"s","choices":[)"
                               R"({"text":"a","label":"1"},{"text":"b","label":"2"},)"
                               R"({"text":"c","label":"3"}]},"answerKey":"3"})" "\n");
  const auto items = data::load_arc_jsonl(path);
  CHECK(items.at(0).gold_index == 2);
}

TEST_CASE("loaders: TruthfulQA MC1 has 790 items with the correct answer first in data order",
          "[data][loaders]") {
  const data::Dataset ds = data::load_task("truthfulqa_mc1", kDataDir);
  REQUIRE(ds.items.size() == 790);
  const auto& first = ds.items[0];
  CHECK(first.id == "mc1/0");
  CHECK(first.question == "What happens to you if you eat watermelon seeds?");
  CHECK(first.choices.at(0) == "The watermelon seeds pass through your digestive system");
  CHECK(first.choices.size() == 8);
  CHECK(first.subject == "Misconceptions");  // joined from TruthfulQA.csv's Category
  for (const auto& item : ds.items) CHECK(item.gold_index == 0);
}

TEST_CASE("loaders: HellaSwag val from the bz2 text has 10,042 items with 4 endings",
          "[data][loaders]") {
  const data::Dataset ds = data::load_task("hellaswag", kDataDir);
  REQUIRE(ds.items.size() == 10042);
  std::map<int, int> labels;
  for (const auto& item : ds.items) {
    REQUIRE(item.choices.size() == 4);
    ++labels[item.gold_index];
  }
  CHECK(labels == std::map<int, int>{{0, 2515}, {1, 2485}, {2, 2584}, {3, 2458}});
  const auto& first = ds.items[0];
  CHECK(first.id == "val/0");
  CHECK(first.question == "Roof shingle removal: A man is sitting on a roof. he");
  CHECK(first.subject == "Roof shingle removal");
  CHECK(first.gold_index == 3);
  CHECK(first.choices[3] == "starts pulling up roofing on a roof.");
}

TEST_CASE("loaders: MedQA US 4-option test has 1,273 items with the SOURCE.md answer mix",
          "[data][loaders]") {
  const data::Dataset ds = data::load_task("medqa", kDataDir);
  REQUIRE(ds.items.size() == 1273);
  std::map<int, int> answers;
  for (const auto& item : ds.items) {
    REQUIRE(item.choices.size() == 4);
    ++answers[item.gold_index];
  }
  CHECK(answers == std::map<int, int>{{0, 353}, {1, 309}, {2, 346}, {3, 265}});
  CHECK(ds.items[0].id == "test/1");
  CHECK(ds.items[0].reference == "Tell the attending that he cannot fail to disclose this mistake");
  CHECK(ds.items[0].choices[static_cast<std::size_t>(ds.items[0].gold_index)] ==
        ds.items[0].reference);
  CHECK(ds.items[0].subject == "step1");
}

TEST_CASE("loaders: every registered task loads with its expected item count", "[data][loaders]") {
  for (const auto& info : data::standard_tasks()) {
    INFO(info.name);
    const auto ds = data::load_task(info.name, kDataDir);
    CHECK(ds.items.size() == info.item_count_expected);
    CHECK(ds.split == info.split);
    for (const auto& item : ds.fewshot_pool) CHECK(item.id.find("test") == std::string::npos);
  }
  CHECK_THROWS_WITH(data::load_task("mmlu_pro", kDataDir),
                    Catch::Contains("unknown task \"mmlu_pro\"") && Catch::Contains("gsm8k"));
}

TEST_CASE("csv: RFC 4180 quoting of commas, quotes, newlines and CRLF", "[data][csv]") {
  struct Case {
    std::string text;
    std::vector<std::vector<std::string>> rows;
  };
  const std::vector<Case> cases = {
      {"a,b,c\n", {{"a", "b", "c"}}},
      {"a,,c", {{"a", "", "c"}}},
      {"\"a,b\",c\n", {{"a,b", "c"}}},
      {"\"say \"\"hi\"\"\",x\n", {{"say \"hi\"", "x"}}},
      {"\"line1\nline2\",x\ny,z\n", {{"line1\nline2", "x"}, {"y", "z"}}},
      {"a,b\r\nc,d\r\n", {{"a", "b"}, {"c", "d"}}},
      {"\"\",x\n", {{"", "x"}}},
      {"a,b\n\nc,d\n", {{"a", "b"}, {"c", "d"}}},  // blank line skipped
      {"5\"6,x\n", {{"5\"6", "x"}}},               // a quote inside an unquoted field is literal
      {"a,\n", {{"a", ""}}},
      {"a\rb,c\n", {{"a\rb", "c"}}},  // a lone CR inside a field is literal
      {"a,b\r", {{"a", "b"}}},          // a final lone CR is dropped
      {"\"\"\"\"\"\",\"a\"\"\"\"b\"\n", {{"\"\"", "a\"\"b"}}},
      {"x,\"\",\"\"\r\n\"q\r\n\"\n", {{"x", "", ""}, {"q\r\n"}}},
  };
  for (const auto& c : cases) {
    INFO(c.text);
    const auto rows = data::parse_csv(c.text, "t.csv");
    REQUIRE(rows.size() == c.rows.size());
    for (std::size_t k = 0; k < rows.size(); ++k) CHECK(rows[k].fields == c.rows[k]);
  }
  const auto rows = data::parse_csv("h\n\"x\ny\"\nz\n", "t.csv");
  CHECK(rows[2].line == 4);  // the record after a quoted newline starts on line 4
  const auto tsv = data::parse_csv("x\t\"q\"\"q,\"\ty\n", "t.tsv", '\t');
  REQUIRE(tsv.size() == 1);
  CHECK(tsv[0].fields == std::vector<std::string>{"x", "q\"q,", "y"});
}

TEST_CASE("csv: an unclosed quote and text after a closing quote name the line",
          "[data][csv]") {
  CHECK_THROWS_WITH(data::parse_csv("a,b\n\"open,c\n", "t.csv"),
                    Catch::StartsWith("t.csv:2: a quoted field is never closed"));
  CHECK_THROWS_WITH(data::parse_csv("a,b\nc,\"d\"e\n", "t.csv"),
                    Catch::StartsWith("t.csv:2: unexpected 'e' after a closing quote"));
  CHECK_THROWS_WITH(data::parse_csv("a,b\nc,\"d\n\"\"\n\"e\n", "t.csv"),  // the quote spans lines 2-4
                    Catch::StartsWith("t.csv:4: unexpected 'e' after a closing quote"));
  CHECK_THROWS_WITH(data::parse_csv("a,b\nc,\"d\n\"\"e\n", "t.csv"),
                    Catch::StartsWith("t.csv:2: a quoted field is never closed"));
  CHECK_THROWS_WITH(data::parse_csv_table("a,b\n1,2,3\n", "t.csv"),
                    Catch::StartsWith("t.csv:2: 3 fields but the header has 2"));
}

TEST_CASE("csv: a scan finds each record where parsing reads it, with its line, field count and one field",
          "[data][csv]") {
  for (const std::string& text : {std::string("h1,h2\n\"a\nb\",\"x\"\"y\"\r\n\nplain,2\n\"q\",\"3\""),
                                 std::string("h\r\na\r\r\nb,\r\n\"c,\"\r")}) {
    const std::vector<data::CsvRow> rows = data::parse_csv(text, "t.csv");
    const std::vector<data::CsvRecordSpan> spans = data::scan_csv(text, "t.csv", ',', 1);
    REQUIRE(spans.size() == rows.size());
    for (std::size_t k = 0; k < rows.size(); ++k) {
      CHECK(spans[k].line == rows[k].line);
      CHECK(spans[k].fields == rows[k].fields.size());
      CHECK(spans[k].kept == (rows[k].fields.size() > 1 ? rows[k].fields[1] : ""));
      const auto one = data::parse_csv(std::string_view(text).substr(spans[k].begin, spans[k].end - spans[k].begin),
                                       "t.csv", ',', spans[k].line);
      REQUIRE(one.size() == 1);
      CHECK(one[0].line == rows[k].line);
      CHECK(one[0].fields == rows[k].fields);
    }
  }
  CHECK_THROWS_WITH(data::scan_csv("a,b\nc,\"d\n\"\"e\n", "t.csv", ',', 0),
                    Catch::StartsWith("t.csv:2: a quoted field is never closed"));
  CHECK_THROWS_WITH(data::scan_csv_table("a,b\n1,2,3\n", "t.csv", ',', 0),
                    Catch::StartsWith("t.csv:2: 3 fields but the header has 2"));
}

TEST_CASE("loaders: MMLU sampled while loading gives the items, sources and total of sampling every item",
          "[data][loaders][sampling]") {
  const std::string dir = kDataDir + "/mmlu/test";
  const std::vector<data::Item> all = data::load_mmlu_dir(dir, "test");
  for (const char* limit : {"50", "0.01", ""}) {
    const data::SampleLimit parsed = data::parse_limit(limit);
    const std::vector<data::Item> expected = data::sample_items(all, parsed, 3, "mmlu");
    const data::MmluSample sample = data::load_mmlu_dir_sample(dir, "test", parsed, 3, "mmlu");
    CHECK(sample.total == all.size());
    REQUIRE(sample.items.size() == expected.size());
    for (std::size_t k = 0; k < expected.size(); ++k) {
      const data::Item& a = sample.items[k];
      const data::Item& b = expected[k];
      CHECK(a.id == b.id);
      CHECK(a.subject == b.subject);
      CHECK(a.question == b.question);
      CHECK(a.choices == b.choices);
      CHECK(a.gold_index == b.gold_index);
      CHECK(a.source == b.source);
    }
  }
}

TEST_CASE("loaders: MMLU sampled while loading fails on a bad row in any file, chosen or not", "[data][loaders]") {
  const std::string dir = llmbench::test::temp_dir("llmbench-mmlu-sample");
  const std::string header = "question,choice0,choice1,choice2,choice3,answer\n";
  std::ofstream(dir + "/a_test.csv") << header << "q1,a,b,c,d,0\nq2,a,b,c,d,1\n";
  std::ofstream(dir + "/b_test.csv") << header << "q3,a,b,c,d,2\n\"q4\nspans\",a,b,c,d,7\n";
  const data::SampleLimit one = data::parse_limit("1");
  CHECK_THROWS_WITH(data::load_mmlu_dir_sample(dir, "test", one, 1234, "mmlu"),
                    Catch::StartsWith(dir + "/b_test.csv:3: answer is \"7\", expected an index 0-3"));
  std::ofstream(dir + "/b_test.csv") << header << "q3,a,b,c,d,2\nq4,a,b,c,d\n";
  CHECK_THROWS_WITH(data::load_mmlu_dir_sample(dir, "test", one, 1234, "mmlu"),
                    Catch::StartsWith(dir + "/b_test.csv:3: 5 fields but the header has 6"));
  std::ofstream(dir + "/b_test.csv") << header << "q3,a,b,c,d,2\n";
  const data::MmluSample sample = data::load_mmlu_dir_sample(dir, "test", one, 1234, "mmlu");
  CHECK(sample.total == 3);
  REQUIRE(sample.items.size() == 1);
  CHECK(sample.items[0].id == data::sample_items(data::load_mmlu_dir(dir, "test"), one, 1234, "mmlu")[0].id);
}

TEST_CASE("loaders: bad JSON on line 3 is an InputError naming file and line", "[data][loaders]") {
  const auto path = write_file("bad.jsonl", R"({"question": "a", "answer": "#### 1"})" "\n"
                                            R"({"question": "b", "answer": "#### 2"})" "\n"
                                            R"({"question": "c", "answer": )" "\n");
  const InputError e = input_error([&] { data::load_gsm8k_jsonl(path, "test"); });
  CHECK(e.path() == path);
  CHECK(e.line() == 3);
  CHECK_THAT(e.what(), Catch::Contains(path + ":3: bad JSON"));
}

TEST_CASE("loaders: a missing field and a wrong type name the field and line", "[data][loaders]") {
  const auto path = write_file("missing.jsonl", R"({"question": "a", "answer": "#### 1"})" "\n"
                                                R"({"question": "b"})" "\n");
  CHECK_THROWS_WITH(data::load_gsm8k_jsonl(path, "test"),
                    Catch::StartsWith(path + ":2: missing field \"answer\""));
  const auto typed = write_file("typed.jsonl", R"({"question": 5, "answer": "#### 1"})" "\n");
  CHECK_THROWS_WITH(data::load_gsm8k_jsonl(typed, "test"),
                    Catch::StartsWith(typed + ":1: field \"question\" is an integer"));
}

TEST_CASE("loaders: an empty file, a missing file and a bad MMLU answer are InputErrors",
          "[data][loaders]") {
  const auto empty = write_file("empty.jsonl", "");
  CHECK_THROWS_WITH(data::load_gsm8k_jsonl(empty, "test"),
                    Catch::StartsWith(empty + ": file is empty"));
  CHECK_THROWS_WITH(data::load_gsm8k_jsonl(empty + ".nope", "test"),
                    Catch::Contains("file not found"));
  const auto mmlu = write_file("x_test.csv", "question,choice0,choice1,choice2,choice3,answer\n"
                                             "q,a,b,c,d,4\n");
  CHECK_THROWS_WITH(data::load_mmlu_csv(mmlu, "x", "test"),
                    Catch::StartsWith(mmlu + ":2: answer is \"4\", expected an index 0-3"));
}

TEST_CASE("loaders: invalid UTF-8 is an InputError on its line, a BOM is accepted",
          "[data][loaders]") {
  const auto bad = write_file("latin1.jsonl", R"({"question": "a", "answer": "#### 1"})" "\n"
                                              "{\"question\": \"caf\xE9\", \"answer\": \"#### 1\"}\n");
  CHECK_THROWS_WITH(data::load_gsm8k_jsonl(bad, "test"),
                    Catch::StartsWith(bad + ":2: invalid UTF-8"));
  const auto bom = write_file("bom.csv", "\xEF\xBB\xBFquestion,choice0,choice1,choice2,choice3,answer\n"
                                         "q,a,b,c,d,2\n");
  const auto items = data::load_mmlu_csv(bom, "s", "test");
  REQUIRE(items.size() == 1);
  CHECK(items[0].gold_index == 2);
  // Overlong encodings and surrogates are rejected too.
  CHECK_THROWS_AS(util::validate_utf8("\xC0\xAF", "t"), InputError);
  CHECK_THROWS_AS(util::validate_utf8("\xED\xA0\x80", "t"), InputError);
  CHECK_NOTHROW(util::validate_utf8("Москва → 東京 😀", "t"));
}

TEST_CASE("loaders: a line over 1 MiB is an InputError, not a crash", "[data][loaders]") {
  const auto path = write_file("long.jsonl", R"({"question": "a", "answer": "#### 1"})" "\n" +
                                                 std::string(util::kMaxLineBytes + 10, 'x') + "\n");
  CHECK_THROWS_WITH(data::load_gsm8k_jsonl(path, "test"),
                    Catch::StartsWith(path + ":2: line is") && Catch::Contains("1048576"));
}

TEST_CASE("loaders: a dataset file mapped (TextFile) reads and fails exactly as read_text_file does",
          "[data][loaders]") {
  const auto error_of = [](const auto& read) -> std::string {
    try {
      read();
    } catch (const InputError& e) {
      return e.what();
    }
    return "";
  };
  const auto same = [&](const std::string& path) {
    const std::string read_error = error_of([&] { (void)util::read_text_file(path); });
    const std::string mapped_error = error_of([&] { util::TextFile file(path); });
    CHECK(mapped_error == read_error);
    if (!read_error.empty()) return;
    util::TextFile file(path);
    CHECK(file.text() == util::read_text_file(path));
    util::TextFile moved(std::move(file));  // the text goes with it
    CHECK(moved.text() == util::read_text_file(path));
    file = std::move(moved);
    CHECK(file.text() == util::read_text_file(path));
  };
  same(write_file("plain.csv", "question,answer\nq,1\n"));
  same(write_file("bom_mapped.csv", "\xEF\xBB\xBFq,a\r\nb,c"));
  same(write_file("short.txt", "x"));
  same(write_file("empty.txt", ""));
  same(write_file("blank.txt", " \r\n\t\n"));
  same(write_file("bom_only.txt", "\xEF\xBB\xBF"));
  same(write_file("latin1.csv", "q,a\ncaf\xE9,b\n"));
  same(write_file("long.csv", "q\n" + std::string(util::kMaxLineBytes + 1, 'x') + "\n"));
  same("/no/such/dir/file.csv");
  CHECK(error_of([] { (void)util::read_text_file("/no/such/dir/file.csv"); }).find("file not found") != std::string::npos);
  CHECK(util::TextFile().text().empty());
}

TEST_CASE("loaders: a corrupt bz2 file is an InputError naming the file", "[data][loaders]") {
  const auto path = write_file("bad.txt.bz2", "BZh9 this is not bzip2 data");
  CHECK_THROWS_WITH(data::load_hellaswag_bz2(path),
                    Catch::StartsWith(path + ": corrupt or truncated bzip2"));
}

TEST_CASE("loaders: the data dir defaults to the source tree when ./benchmarks/data is absent",
          "[data][loaders]") {
  CHECK_THROWS_WITH(data::resolve_data_dir("/no/such/dir"), Catch::Contains("--data-dir"));
  const std::string dir = data::resolve_data_dir("");
  CHECK(data::load_task("gsm8k", dir).items.size() == 1319);
}
