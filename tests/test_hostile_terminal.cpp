// Untrusted text on the terminal: dataset text in `datasets list`, prompts and model answers in
// `arena vote`. Each command runs on hostile text (an OSC title sequence ending in BEL, a
// clear-screen CSI, a NUL, invalid UTF-8) and prints it escaped: no ESC, BEL or NUL byte and no
// invalid UTF-8 reaches stdout or stderr. (`models test` and `run` on a hostile error body:
// test_hostile_http.cpp.)

#include <catch2/catch.hpp>

#include <fstream>
#include <string>
#include <vector>

#include "llmbench/arena/arena_votes.hpp"
#include "support/cli.hpp"

using llmbench::test::CliResult;
using llmbench::test::run_cli;
using llmbench::test::StdinText;
using llmbench::test::temp_dir;

namespace {

std::string write_file(const std::string& dir, const std::string& name, const std::string& bytes) {
  const std::string path = dir + "/" + name;
  std::ofstream(path, std::ios::binary) << bytes;
  return path;
}

// What a terminal must never receive raw from untrusted text.
void check_no_raw_controls(const std::string& printed) {
  INFO(printed.substr(0, 3000));
  CHECK(printed.find('\x1b') == std::string::npos);
  CHECK(printed.find('\x07') == std::string::npos);
  CHECK(printed.find('\0') == std::string::npos);
  CHECK(printed.find('\xff') == std::string::npos);
}

}  // namespace

TEST_CASE("hostile terminal: datasets list prints a tasks file's file names and text escaped, as table and json",
          "[hostile]") {
  const std::string dir = temp_dir("llmbench-hostile-terminal");
  const std::string data_name = "q\x1b]0;pwned file\x07\x1b[2J.jsonl";
  write_file(dir, data_name, "{\"question\": \"2+2?\", \"answer\": \"4\"}\n");
  // YAML double-quoted escapes: \e ESC, \a BEL, \0 NUL; \xff is the raw byte (invalid UTF-8).
  const std::string tasks = write_file(dir, "tasks.yaml",
                                       "tasks:\n"
                                       "  - name: hostile\n"
                                       "    description: \"\\e]0;pwned title\\a\\e[2Jcleared \\0 after nul\"\n"
                                       "    file: \"q\\e]0;pwned file\\a\\e[2J.jsonl\"\n"
                                       "    question_field: question\n"
                                       "    answer_field: answer\n"
                                       "    scorer: exact\n");
  const CliResult table = run_cli({"datasets", "list", "--tasks-file", tasks});
  INFO(table.err);
  CHECK(table.exit_code == 0);
  CHECK(table.out.find("pwned file") != std::string::npos);  // shown, escaped
  check_no_raw_controls(table.out + table.err);

  const CliResult json = run_cli({"datasets", "list", "--tasks-file", tasks, "--format", "json"});
  INFO(json.err);
  CHECK(json.exit_code == 0);
  CHECK(json.out.find("pwned title") != std::string::npos);
  CHECK(json.out.find("\\u001b]0;pwned title") != std::string::npos);  // JSON's own escape
  check_no_raw_controls(json.out + json.err);
}

TEST_CASE("hostile terminal: arena vote shows hostile prompts, ids and answers escaped", "[hostile]") {
  const std::string dir = temp_dir("llmbench-hostile-vote");
  // The simulator copies sentences of a "Context:" block into its answers: the answers carry
  // the escapes too.
  const std::string prompts = write_file(
      dir, "prompts.jsonl",
      R"({"id": "p\u001b]0;pwned id\u0007", "category": "c\u001b[2J", "prompt": "Context: \u001b]0;pwned title\u0007\u001b[2J The sea is cold \u0000 today.\nQuestion: Is the sea cold?"})"
      "\n"
      R"({"id": "p2", "prompt": "Context: The Nile is long \u001b[31m red.\nQuestion: Which river is long?"})"
      "\n");
  const CliResult arena = run_cli({"arena", "run", "--generation-models", "sim-small,sim-large", "--judge-models",
                                   "sim-medium", "--dataset", prompts, "--output-dir", dir, "--progress", "plain",
                                   "--bootstrap-rounds", "20", "--no-cache", "--run-id", "hostile-vote"});
  INFO(arena.out << arena.err);
  REQUIRE(arena.exit_code == 0);
  check_no_raw_controls(arena.out + arena.err);

  const CliResult vote =
      run_cli({"arena", "vote", "--output-dir", dir, "--run", "hostile-vote", "--reveal"}, StdinText{"a\nb\n"});
  INFO(vote.err);
  CHECK(vote.exit_code == 0);
  CHECK(vote.out.find("pwned title") != std::string::npos);  // the prompt is shown, escaped
  CHECK(vote.out.find("pwned id") != std::string::npos);
  CHECK(vote.out.find("\\x1b]0;pwned title\\x07") != std::string::npos);
  check_no_raw_controls(vote.out + vote.err);
}

TEST_CASE("hostile terminal: vote text lines carry no control byte or invalid UTF-8", "[hostile]") {
  static const char kText[] = "\x1b]0;pwned\x07 title\x1b[2J\ttab \xff\xfe bad \0 nul\r\nsecond line";
  const auto lines = llmbench::arena::wrap_text(std::string_view(kText, sizeof kText - 1), 20);
  std::string all;
  for (const auto& line : lines) all += line + "\n";
  check_no_raw_controls(all);
  CHECK(all.find("\\x1b]0;pwned\\x07") != std::string::npos);
  CHECK(all.find("\xef\xbf\xbd") != std::string::npos);  // U+FFFD for each invalid byte
  CHECK(lines.back() == "second line");
  for (const auto& line : lines) CHECK(llmbench::arena::display_width(line) <= 20);
}
