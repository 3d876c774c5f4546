#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "llmbench/error.hpp"
#include "llmbench/records/journal.hpp"
#include "support/cli.hpp"

using llmbench::records::JournalWriter;
using llmbench::records::read_journal;

TEST_CASE("journal: records appended are read back in order", "[journal]") {
  auto path = std::filesystem::path(llmbench::test::temp_dir()) / "runs/r1/items.jsonl";
  {
    JournalWriter writer(path);
    for (int i = 0; i < 3; ++i) writer.append({{"item", i}, {"text", "ответ <b>"}});
  }
  auto contents = read_journal(path);
  REQUIRE(contents.records.size() == 3);
  CHECK(contents.records[2]["item"] == 2);
  CHECK(contents.records[0]["text"] == "ответ <b>");
  CHECK_FALSE(contents.dropped_torn_tail);
}

TEST_CASE("journal: held lines reach the file only when written, all of them in order", "[journal]") {
  auto path = std::filesystem::path(llmbench::test::temp_dir()) / "runs/r1/items.jsonl";
  JournalWriter writer(path);
  for (int i = 0; i < 3; ++i) writer.hold({{"item", i}});
  CHECK(std::filesystem::file_size(path) == 0);
  writer.write_held();
  CHECK(read_journal(path).records.size() == 3);
  writer.write_held();  // nothing held: nothing written
  writer.hold({{"item", 3}});
  writer.append({{"item", 4}});  // after the line held
  const auto contents = read_journal(path);
  REQUIRE(contents.records.size() == 5);
  for (int i = 0; i < 5; ++i) CHECK(contents.records[static_cast<std::size_t>(i)]["item"] == i);
}

TEST_CASE("journal: a torn last line from a crash is dropped and reported", "[journal]") {
  auto path = std::filesystem::path(llmbench::test::temp_dir()) / "items.jsonl";
  { JournalWriter(path).append({{"item", 1}}); }
  { std::ofstream(path, std::ios::app) << R"({"item": 2, "resp)"; }
  auto contents = read_journal(path);
  CHECK(contents.records.size() == 1);
  CHECK(contents.dropped_torn_tail);
}

TEST_CASE("journal: a damaged line before the last names file and line", "[journal]") {
  auto path = std::filesystem::path(llmbench::test::temp_dir()) / "items.jsonl";
  { std::ofstream(path) << "{\"item\":1}\nnot json\n{\"item\":3}\n"; }
  try {
    read_journal(path);
    FAIL("expected an error");
  } catch (const llmbench::InputError& e) {
    CHECK(e.line() == 2);
    CHECK(std::string(e.what()).find("items.jsonl:2") != std::string::npos);
  }
}

TEST_CASE("journal: invalid UTF-8 in a model answer is stored, not thrown on", "[journal]") {
  auto path = std::filesystem::path(llmbench::test::temp_dir()) / "items.jsonl";
  { JournalWriter(path).append({{"response", std::string("ok \xff\xfe bytes\0x", 14)}}); }
  auto contents = read_journal(path);
  REQUIRE(contents.records.size() == 1);
  CHECK(contents.records[0]["response"].get<std::string>().rfind("ok ", 0) == 0);
}

TEST_CASE("journal: a scan hands each record over as its line is read, and measures the good part of the file",
          "[journal]") {
  auto path = std::filesystem::path(llmbench::test::temp_dir()) / "items.jsonl";
  { std::ofstream(path) << "{\"item\":1}\n\n{\"item\":2}\n{\"item\":3,\"resp"; }
  std::vector<int> seen;
  const auto scan = llmbench::records::scan_journal(path, llmbench::records::DamagedLines::refuse,
                                                    [&](nlohmann::json&& r) { seen.push_back(r["item"].get<int>()); });
  CHECK(seen == std::vector<int>{1, 2});
  CHECK(scan.dropped_torn_tail);
  CHECK(scan.valid_bytes == std::string("{\"item\":1}\n\n{\"item\":2}\n").size());
  // The journal cut there reads whole, every byte of it good.
  llmbench::records::truncate_journal(path, scan.valid_bytes);
  const auto whole = read_journal(path);
  CHECK(whole.records.size() == 2);
  CHECK_FALSE(whole.dropped_torn_tail);
  CHECK(whole.valid_bytes == scan.valid_bytes);
}
