// RAG dataset loaders (good and bad files), the XQuAD converter on a small SQuAD fixture, the
// shipped XQuAD-built files' consistency, and `llmbench datasets build-rag` end to end.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "llmbench/data/listing.hpp"
#include "llmbench/data/rag_dataset.hpp"
#include "llmbench/data/xquad.hpp"
#include "llmbench/error.hpp"
#include "support/cli.hpp"
#include "support/errors.hpp"

namespace data = llmbench::data;
namespace fs = std::filesystem;

using llmbench::test::slurp;
using llmbench::test::input_error_text;
namespace {

const std::string kDataDir = LLMBENCH_SOURCE_DIR "/benchmarks/data";

std::string write_file(const std::string& dir, const std::string& name,
                       const std::string& content) {
  const std::string path = dir + "/" + name;
  std::ofstream(path, std::ios::binary) << content;
  return path;
}

std::string write_temp(const std::string& name, const std::string& content) {
  return write_file(llmbench::test::temp_dir("llmbench-rag"), name, content);
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// A SQuAD v1.1 document: `articles` articles of 2 paragraphs with 2 or 3 questions each.
// Every answer is a token that occurs in its own paragraph only.
std::string squad_fixture(const std::string& word, int articles) {
  nlohmann::json data = nlohmann::json::array();
  for (int a = 0; a < articles; ++a) {
    nlohmann::json paragraphs = nlohmann::json::array();
    for (int p = 0; p < 2; ++p) {
      const int questions = p == 0 ? 2 : 3;
      std::string context = fmt::format("{} {}-{}:", word, a, p);
      nlohmann::json qas = nlohmann::json::array();
      for (int q = 0; q < questions; ++q) {
        const std::string answer = fmt::format("{}{}x{}x{}z", word, a, p, q);
        const auto start = static_cast<long>(context.size()) + 1;
        context += " " + answer;
        qas.push_back({{"id", fmt::format("q{}{}{}", a, p, q)},
                       {"question", fmt::format("{} question {} {} {}?", word, a, p, q)},
                       {"answers", {{{"text", answer}, {"answer_start", start}}}}});
      }
      paragraphs.push_back({{"context", context + "."}, {"qas", qas}});
    }
    data.push_back({{"title", fmt::format("Article {} (test)", a)}, {"paragraphs", paragraphs}});
  }
  return nlohmann::json{{"version", "1.1"}, {"data", data}}.dump(1, ' ', false);
}

// A directory with xquad.en.json and xquad.ru.json of 3 articles (6 paragraphs, 15 questions).
std::string xquad_fixture_dir() {
  const std::string dir = llmbench::test::temp_dir("llmbench-xquad");
  write_file(dir, "xquad.en.json", squad_fixture("word", 3));
  write_file(dir, "xquad.ru.json", squad_fixture("слово", 3));
  return dir;
}

}  // namespace

// --- loaders: good files ---------------------------------------------------------------------

TEST_CASE("rag_data: a JSONL RAG dataset loads with defaults, annotations and sources",
          "[rag_data]") {
  const std::string path = write_temp(
      "rag.jsonl",
      "{\"id\": \"a\", \"question\": \"Q1?\", \"ground_truth_answer\": \"A1\", \"chunk_id\": "
      "\"c1\", \"chunk_text\": \"text one\", \"confluence_url\": \"https://x/1\", "
      "\"difficulty\": \"easy\", \"answer_start\": 4}\n"
      "\n"
      "{\"id\": 7, \"question\": \"Q2?\", \"relevant_chunk_ids\": [\"c2\", \"c3\"], "
      "\"relevant_urls\": [\"https://x/2\"]}\n");
  const auto items = data::load_rag_dataset(path);
  REQUIRE(items.size() == 2);
  CHECK(items[0].id == "a");
  CHECK(items[0].ground_truth_answer == "A1");
  CHECK(items[0].chunk_text == "text one");
  CHECK(items[0].relevant_chunk_ids == std::vector<std::string>{"c1"});
  CHECK(items[0].confluence_url == "https://x/1");
  CHECK(items[0].annotations == nlohmann::json{{"difficulty", "easy"}, {"answer_start", 4}});
  CHECK(items[0].source == path + ":1");
  CHECK(items[1].id == "7");
  CHECK(items[1].ground_truth_answer.empty());
  CHECK(items[1].chunk_id.empty());
  CHECK(items[1].relevant_chunk_ids == std::vector<std::string>{"c2", "c3"});
  CHECK(items[1].relevant_urls == std::vector<std::string>{"https://x/2"});
  CHECK(items[1].annotations.empty());
  CHECK(items[1].source == path + ":3");
}

TEST_CASE("rag_data: a JSON array with a BOM loads and names items by index", "[rag_data]") {
  const std::string path = write_temp(
      "rag.json",
      "\xEF\xBB\xBF[\n  {\"id\": \"x\", \"question\": \"Вопрос?\", \"chunk_id\": \"k\"},\n"
      "  {\"id\": \"y\", \"question\": \"Q?\", \"relevant_chunk_ids\": []}\n]\n");
  const auto items = data::load_rag_dataset(path);
  REQUIRE(items.size() == 2);
  CHECK(items[0].question == "Вопрос?");
  CHECK(items[0].relevant_chunk_ids == std::vector<std::string>{"k"});
  CHECK(items[0].source == path + "[0]");
  CHECK(items[1].relevant_chunk_ids.empty());  // given explicitly: not defaulted
  CHECK(items[1].source == path + "[1]");
}

TEST_CASE("rag_data: chunks and judge-pipeline items load from JSONL and JSON arrays",
          "[rag_data]") {
  const auto chunks = data::load_chunks(
      write_temp("chunks.jsonl",
                 "{\"chunk_id\": \"c1\", \"text\": \"one\", \"url\": \"https://u/1\"}\r\n"
                 "{\"chunk_id\": \"c2\", \"text\": \"two\"}\r\n"));
  REQUIRE(chunks.size() == 2);
  CHECK(chunks[0].url == "https://u/1");
  CHECK(chunks[1].text == "two");
  CHECK(chunks[1].url.empty());

  const std::string path = write_temp(
      "judge.json",
      R"([{"id": "j1", "question": "Q", "answer": "A", "context": "C", "ground_truth_show": true,
           "rationale": "supported", "kind": "gold"},
          {"question": "Q2", "answer": "A2", "context": "", "ground_truth_show": false}])");
  const auto judge = data::load_judge_pipeline(path);
  REQUIRE(judge.size() == 2);
  CHECK(judge[0].id == "j1");
  CHECK(judge[0].ground_truth_show);
  CHECK(judge[0].rationale == "supported");
  CHECK(judge[0].kind == "gold");
  CHECK(judge[1].id == "1");  // no id: the item index
  CHECK_FALSE(judge[1].ground_truth_show);
  CHECK(judge[1].context.empty());
  CHECK(judge[1].source == path + "[1]");
}

// --- loaders: bad files ----------------------------------------------------------------------

TEST_CASE("rag_data: bad JSON on a JSONL line names the file and that line", "[rag_data]") {
  const std::string path =
      write_temp("bad.jsonl", "{\"id\": \"a\", \"question\": \"Q\"}\n\n{\"id\": \"b\",\n");
  const std::string what = input_error_text([&] { data::load_rag_dataset(path); });
  CHECK(contains(what, path + ":3: bad JSON"));
}

TEST_CASE("rag_data: bad JSON in an array names the file and the line", "[rag_data]") {
  const std::string path =
      write_temp("bad.json", "[\n{\"chunk_id\": \"a\", \"text\": \"t\"},\n{\"chunk_id\" \"b\"}\n]");
  const std::string what = input_error_text([&] { data::load_chunks(path); });
  CHECK(contains(what, path + ":3: bad JSON"));
}

TEST_CASE("rag_data: a missing field names file, line or item, and the field", "[rag_data]") {
  const std::string jsonl =
      write_temp("missing.jsonl", "{\"id\": \"a\", \"question\": \"Q\"}\n{\"id\": \"b\"}\n");
  CHECK(contains(input_error_text([&] { data::load_rag_dataset(jsonl); }),
                 jsonl + ":2: missing field \"question\""));

  const std::string array = write_temp(
      "missing.json", "[{\"chunk_id\": \"a\", \"text\": \"t\"},\n {\"chunk_id\": \"b\"}]");
  CHECK(contains(input_error_text([&] { data::load_chunks(array); }),
                 array + ":2: item 1: missing field \"text\""));

  const std::string judge =
      write_temp("judge.json", "[{\"question\": \"Q\", \"answer\": \"A\", \"context\": \"C\"}]");
  CHECK(contains(input_error_text([&] { data::load_judge_pipeline(judge); }),
                 judge + ":1: item 0: missing field \"ground_truth_show\""));

  const std::string no_id = write_temp("noid.jsonl", "{\"question\": \"Q\"}\n");
  CHECK(contains(input_error_text([&] { data::load_rag_dataset(no_id); }),
                 no_id + ":1: missing field \"id\""));
}

TEST_CASE("rag_data: a field of the wrong type names the field and the expected type",
          "[rag_data]") {
  const std::string judge = write_temp(
      "judge.jsonl",
      "{\"question\": \"Q\", \"answer\": \"A\", \"context\": \"C\", \"ground_truth_show\": "
      "\"true\"}\n");
  const std::string what = input_error_text([&] { data::load_judge_pipeline(judge); });
  CHECK(contains(what, judge + ":1: field \"ground_truth_show\" is a string, expected true or "
                               "false"));

  const std::string rag = write_temp(
      "rag.json", "[\n{\"id\": \"a\", \"question\": \"Q\", \"relevant_urls\": [\"u\", 3]}\n]");
  CHECK(contains(input_error_text([&] { data::load_rag_dataset(rag); }),
                 rag + ":2: item 0: field \"relevant_urls\"[1] is an integer, expected a string"));

  const std::string question = write_temp("q.jsonl", "{\"id\": \"a\", \"question\": 5}\n");
  CHECK(contains(input_error_text([&] { data::load_rag_dataset(question); }),
                 question + ":1: field \"question\" is an integer, expected a string"));
}

TEST_CASE("rag_data: a repeated id or chunk_id is an error naming both places", "[rag_data]") {
  const std::string rag = write_temp(
      "dup.jsonl", "{\"id\": \"a\", \"question\": \"Q\"}\n{\"id\": \"a\", \"question\": \"Q2\"}\n");
  CHECK(contains(input_error_text([&] { data::load_rag_dataset(rag); }),
                 rag + ":2: duplicate id \"a\" (first at " + rag + ":1)"));

  const std::string chunks = write_temp(
      "dup.json",
      "[{\"chunk_id\": \"c\", \"text\": \"t\"}, {\"chunk_id\": \"c\", \"text\": \"u\"}]");
  CHECK(contains(input_error_text([&] { data::load_chunks(chunks); }),
                 "item 1: duplicate chunk_id \"c\" (first at " + chunks + "[0])"));
}

TEST_CASE("rag_data: empty files, empty arrays and empty questions are errors", "[rag_data]") {
  const std::string empty = write_temp("empty.jsonl", "\xEF\xBB\xBF\n  \n");
  CHECK(contains(input_error_text([&] { data::load_rag_dataset(empty); }), empty + ": file is empty"));
  const std::string array = write_temp("empty.json", "[ ]");
  CHECK(contains(input_error_text([&] { data::load_chunks(array); }), array + ": no records"));
  const std::string blank = write_temp("blank.jsonl", "{\"id\": \"a\", \"question\": \"  \"}\n");
  CHECK(contains(input_error_text([&] { data::load_rag_dataset(blank); }),
                 blank + ":1: field \"question\" is empty"));
  const std::string missing = "/no/such/rag.jsonl";
  CHECK(contains(input_error_text([&] { data::load_rag_dataset(missing); }),
                 missing + ": file not found"));
}

TEST_CASE("rag_data: default_rag_files names the shipped files of a language", "[rag_data]") {
  const data::RagFiles ru = data::default_rag_files("d", "ru");
  CHECK(ru.synthetic == "d/rag/xquad_ru_synthetic.jsonl");
  CHECK(ru.manual == "d/rag/xquad_ru_manual.jsonl");
  CHECK(ru.chunks == "d/rag/xquad_ru_chunks.jsonl");
  CHECK(ru.judge_pipeline == "d/dataset_judge_pipeline_ru.json");
  CHECK_THROWS_WITH(data::default_rag_files("d", "de"), Catch::Contains("\"de\""));
}

// --- the converter on a fixture --------------------------------------------------------------

TEST_CASE("rag_data: the converter builds consistent, loadable files from SQuAD data",
          "[rag_data]") {
  const std::string in = xquad_fixture_dir();
  const std::string out = llmbench::test::temp_dir("llmbench-rag-out");
  data::RagBuildOptions options;
  options.manual_count = 6;
  options.judge_count = 12;
  const auto summary = data::build_xquad_rag(in, out, {"en", "ru"}, options);
  REQUIRE(summary.files.size() == 8);

  const auto chunks = data::load_chunks(out + "/rag/xquad_en_chunks.jsonl");
  REQUIRE(chunks.size() == 6);
  CHECK(chunks[3].chunk_id == "xquad-1-1");
  CHECK(chunks[3].url == "https://xquad.example/en/Article%201%20(test)");
  std::map<std::string, data::Chunk> by_id;
  for (const auto& c : chunks) by_id[c.chunk_id] = c;

  const auto synthetic = data::load_rag_dataset(out + "/rag/xquad_en_synthetic.jsonl");
  REQUIRE(synthetic.size() == 15);
  CHECK(synthetic[0].id == "q000");
  CHECK(synthetic[0].ground_truth_answer == "word0x0x0z");
  for (const auto& item : synthetic) {
    REQUIRE(by_id.count(item.chunk_id) == 1);
    CHECK(item.chunk_text == by_id[item.chunk_id].text);
    CHECK(item.relevant_chunk_ids == std::vector<std::string>{item.chunk_id});
    CHECK(item.relevant_urls == std::vector<std::string>{by_id[item.chunk_id].url});
    CHECK(item.confluence_url == by_id[item.chunk_id].url);
    CHECK(contains(item.chunk_text, item.ground_truth_answer));
  }

  const auto manual = data::load_rag_dataset(out + "/rag/xquad_en_manual.jsonl");
  REQUIRE(manual.size() == 6);
  CHECK(manual[0].annotations.at("annotation_source") == "xquad");
  CHECK(manual[0].annotations.contains("article_title"));
  const long start = manual[0].annotations.at("answer_start").get<long>();
  CHECK(manual[0].chunk_text.substr(static_cast<std::size_t>(start),
                                    manual[0].ground_truth_answer.size()) ==
        manual[0].ground_truth_answer);

  const auto judge = data::load_judge_pipeline(out + "/dataset_judge_pipeline_en.json");
  REQUIRE(judge.size() == 12);
  std::map<std::string, int> kinds;
  for (const auto& item : judge) {
    ++kinds[item.kind];
    if (item.kind == "gold") {
      CHECK(item.ground_truth_show);
      CHECK(contains(item.context, item.answer));
    } else if (item.kind == "answer_from_other_question") {
      CHECK_FALSE(item.ground_truth_show);
      CHECK_FALSE(item.context.empty());
      CHECK_FALSE(contains(item.context, item.answer));
    } else {
      CHECK(item.kind == "empty_context");
      CHECK_FALSE(item.ground_truth_show);
      CHECK(item.context.empty());
    }
    CHECK_FALSE(item.rationale.empty());
  }
  CHECK(kinds == std::map<std::string, int>{
                     {"gold", 6}, {"answer_from_other_question", 3}, {"empty_context", 3}});

  // Parallel languages: the same questions are chosen for ru, and UTF-8 is written unescaped.
  const auto manual_ru = data::load_rag_dataset(out + "/rag/xquad_ru_manual.jsonl");
  REQUIRE(manual_ru.size() == manual.size());
  for (std::size_t k = 0; k < manual.size(); ++k) CHECK(manual_ru[k].id == manual[k].id);
  CHECK(contains(slurp(out + "/rag/xquad_ru_chunks.jsonl"), "слово"));
  CHECK_FALSE(contains(slurp(out + "/rag/xquad_ru_chunks.jsonl"), "\\u"));
}

TEST_CASE("rag_data: the converter's output depends only on the input and the seed", "[rag_data]") {
  const std::string in = xquad_fixture_dir();
  const std::string first = llmbench::test::temp_dir("llmbench-rag-a");
  const std::string second = llmbench::test::temp_dir("llmbench-rag-b");
  const std::string other = llmbench::test::temp_dir("llmbench-rag-c");
  data::RagBuildOptions options;
  options.manual_count = 5;
  options.judge_count = 8;
  const auto summary = data::build_xquad_rag(in, first, {"en", "ru"}, options);
  data::build_xquad_rag(in, second, {"en", "ru"}, options);
  options.seed = 12345;
  data::build_xquad_rag(in, other, {"en", "ru"}, options);
  bool any_difference = false;
  for (const auto& file : summary.files) {
    INFO(file.relative_path);
    const std::string a = slurp(first + "/" + file.relative_path);
    CHECK(a == slurp(second + "/" + file.relative_path));
    CHECK(a == file.content);
    CHECK(a.back() == '\n');
    CHECK_FALSE(contains(a, "\r"));
    any_difference = any_difference || a != slurp(other + "/" + file.relative_path);
  }
  CHECK(any_difference);  // another seed picks other questions
}

TEST_CASE("rag_data: malformed SQuAD input names the file and the JSON location", "[rag_data]") {
  const std::string dir = llmbench::test::temp_dir("llmbench-xquad-bad");
  write_file(dir, "xquad.en.json",
             R"({"data": [{"title": "T", "paragraphs": [{"context": "c", "qas": [
                 {"id": "1", "question": "q", "answers": [{"text": "c", "answer_start": 0}]},
                 {"id": "2", "answers": []}]}]}]})");
  const std::string out = llmbench::test::temp_dir("llmbench-rag-out");
  const std::string what =
      input_error_text([&] { data::build_xquad_rag(dir, out, {"en"}, data::RagBuildOptions{}); });
  CHECK(contains(what, dir + "/xquad.en.json: data[0].paragraphs[0].qas[1]: missing field "
                             "\"question\""));
  CHECK(fs::is_empty(out));  // nothing written

  const std::string one_paragraph =
      write_file(dir, "xquad.ru.json",
                 R"({"data": [{"title": "T", "paragraphs": [{"context": "c d", "qas": [
          {"id": "1", "question": "q", "answers": [{"text": "c", "answer_start": 0}]},
          {"id": "2", "question": "q", "answers": [{"text": "d", "answer_start": 2}]}]}]}]})");
  CHECK(contains(
      input_error_text([&] { data::build_xquad_rag(dir, out, {"ru"}, data::RagBuildOptions{}); }),
      one_paragraph + ": the judge set needs questions about at least two paragraphs"));
}

TEST_CASE("rag_data: a context's stray leading U+FEFF is dropped and answer_start follows",
          "[rag_data]") {
  const auto articles = data::parse_squad(
      "{\"data\": [{\"title\": \"T\", \"paragraphs\": [{\"context\": \"\xEF\xBB\xBFабв где\", "
      "\"qas\": [{\"id\": \"1\", \"question\": \"q\", \"answers\": [{\"text\": \"где\", "
      "\"answer_start\": 5}]}]}]}]}",
      "fixture.json");
  REQUIRE(articles.size() == 1);
  CHECK(articles[0].paragraphs[0].context == "абв где");
  CHECK(articles[0].paragraphs[0].questions[0].answer_start == 4);
}

// --- the shipped files -----------------------------------------------------------------------

TEST_CASE("rag_data: the shipped XQuAD files are complete and consistent", "[rag_data]") {
  std::map<std::string, std::vector<std::string>> manual_ids;
  for (const std::string lang : {"en", "ru"}) {
    INFO(lang);
    const data::RagFiles files = data::default_rag_files(kDataDir, lang);
    const auto chunks = data::load_chunks(files.chunks);
    REQUIRE(chunks.size() == 240);
    std::map<std::string, data::Chunk> by_id;
    for (const auto& c : chunks) {
      by_id[c.chunk_id] = c;
      CHECK(c.text.rfind("\xEF\xBB\xBF", 0) == std::string::npos);
      CHECK(c.url.rfind("https://xquad.example/" + std::string(lang) + "/", 0) == 0);
    }

    const auto synthetic = data::load_rag_dataset(files.synthetic);
    REQUIRE(synthetic.size() == 1190);
    std::map<std::string, const data::RagItem*> synthetic_by_id;
    for (const auto& item : synthetic) {
      synthetic_by_id[item.id] = &item;
      REQUIRE(by_id.count(item.chunk_id) == 1);
      CHECK(item.chunk_text == by_id[item.chunk_id].text);
      CHECK(item.confluence_url == by_id[item.chunk_id].url);
      CHECK(item.relevant_chunk_ids == std::vector<std::string>{item.chunk_id});
      CHECK_FALSE(item.ground_truth_answer.empty());
    }

    const auto manual = data::load_rag_dataset(files.manual);
    REQUIRE(manual.size() == 100);
    for (const auto& item : manual) {
      manual_ids[lang].push_back(item.id);
      REQUIRE(synthetic_by_id.count(item.id) == 1);
      CHECK(item.ground_truth_answer == synthetic_by_id[item.id]->ground_truth_answer);
      CHECK(item.chunk_id == synthetic_by_id[item.id]->chunk_id);
      CHECK(item.annotations.at("annotation_source") == "xquad");
    }

    const auto judge = data::load_judge_pipeline(files.judge_pipeline);
    REQUIRE(judge.size() == 200);
    std::set<std::string> chunk_texts;
    for (const auto& c : chunks) chunk_texts.insert(c.text);
    std::map<std::string, int> kinds;
    for (const auto& item : judge) {
      ++kinds[item.kind];
      REQUIRE(synthetic_by_id.count(item.id) == 1);
      CHECK(item.question == synthetic_by_id[item.id]->question);
      CHECK(item.ground_truth_show == (item.kind == "gold"));
      if (item.kind == "empty_context") {
        CHECK(item.context.empty());
      } else {
        CHECK(item.context == synthetic_by_id[item.id]->chunk_text);
      }
      if (item.kind == "answer_from_other_question") {
        CHECK(item.answer != synthetic_by_id[item.id]->ground_truth_answer);
        CHECK_FALSE(contains(item.context, item.answer));
      } else {
        CHECK(item.answer == synthetic_by_id[item.id]->ground_truth_answer);
      }
    }
    CHECK(kinds == std::map<std::string, int>{
                       {"gold", 100}, {"answer_from_other_question", 50}, {"empty_context", 50}});
  }
  CHECK(manual_ids["en"] == manual_ids["ru"]);
  CHECK(fs::exists(kDataDir + "/rag/SOURCE.md"));
  CHECK(fs::exists(kDataDir + "/rag/LICENSE-CC-BY-SA4.0.txt"));
}

TEST_CASE("rag_data: list_rag_files counts the shipped RAG files", "[rag_data]") {
  const auto rag = data::list_rag_files(kDataDir);
  REQUIRE(rag.size() == 8);
  CHECK(rag[0].lang == "en");
  CHECK(rag[0].kind == "synthetic");
  CHECK(rag[0].file == "rag/xquad_en_synthetic.jsonl");
  CHECK(rag[0].records == 1190);
  CHECK(rag[3].kind == "judge_pipeline");
  CHECK(rag[3].show == 100);
  CHECK(data::list_rag_files(llmbench::test::temp_dir()).empty());
}

// --- the CLI ---------------------------------------------------------------------------------

TEST_CASE("rag_data: datasets build-rag writes every file from an XQuAD directory",
          "[rag_data][cli]") {
  using llmbench::test::run_cli;
  const std::string in = xquad_fixture_dir();
  const std::string out = llmbench::test::temp_dir("llmbench-rag-cli");
  const auto r =
      run_cli({"datasets", "build-rag", "--xquad-dir", in, "--out-dir", out, "--seed", "3"});
  REQUIRE(r.exit_code == 0);
  CHECK(contains(r.out, out + "/rag/xquad_en_synthetic.jsonl  (15 records)"));
  CHECK(contains(r.out, out + "/dataset_judge_pipeline_ru.json  (15 records)"));
  for (const char* file : {"rag/xquad_en_chunks.jsonl", "rag/xquad_ru_manual.jsonl"}) {
    CHECK(fs::exists(out + "/" + file));
  }
  const std::string before = slurp(out + "/dataset_judge_pipeline_en.json");
  REQUIRE(run_cli({"datasets", "build-rag", "--xquad-dir", in, "--out-dir", out, "--seed", "3"})
              .exit_code == 0);
  CHECK(slurp(out + "/dataset_judge_pipeline_en.json") == before);

  const auto missing =
      run_cli({"datasets", "build-rag", "--xquad-dir", "/no/such/xquad", "--out-dir", out});
  CHECK(missing.exit_code == 2);
  CHECK(contains(missing.err, "llmbench: error: /no/such/xquad/xquad.en.json: file not found"));
}

TEST_CASE("rag_data: datasets list shows the RAG files with their counts", "[rag_data][cli]") {
  using llmbench::test::run_cli;
  const auto table = run_cli({"datasets", "list"});
  REQUIRE(table.exit_code == 0);
  CHECK(contains(table.out, "rag/xquad_ru_chunks.jsonl"));
  CHECK(contains(table.out, "200 (100 show / 100 not)"));
  const auto json = run_cli({"datasets", "list", "--format", "json"});
  REQUIRE(json.exit_code == 0);
  const auto rag = nlohmann::json::parse(json.out).at("rag");
  REQUIRE(rag.size() == 8);
  CHECK(rag[1]["kind"] == "manual");
  CHECK(rag[1]["records"] == 100);
}
