#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>

#include "llmbench/config/env.hpp"
#include "llmbench/error.hpp"
#include "support/cli.hpp"

using llmbench::InputError;
using llmbench::config::Env;
using llmbench::config::parse_dotenv;

namespace {

std::string parse_error(const std::string& text) {
  try {
    parse_dotenv(text, "env.txt");
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("env: dotenv lines parse comments, quotes, export and escapes", "[config]") {
  const auto vars = parse_dotenv(
      "# a comment\n"
      "\n"
      "PLAIN=value\n"
      "SPACED = spaced value   # trailing comment\n"
      "HASH=a#b\n"
      "export EXPORTED=yes\n"
      "SINGLE='lit ${PLAIN} \\n # not a comment'\n"
      "DOUBLE=\"tab\\there \\\"q\\\" \\\\ # kept\"  # comment\n"
      "EMPTY=\n"
      "CRLF=windows\r\n"
      "MULTI=\"line1\nline2\"\n",
      "env.txt");
  CHECK(vars.at("PLAIN") == "value");
  CHECK(vars.at("SPACED") == "spaced value");
  CHECK(vars.at("HASH") == "a#b");
  CHECK(vars.at("EXPORTED") == "yes");
  CHECK(vars.at("SINGLE") == "lit ${PLAIN} \\n # not a comment");
  CHECK(vars.at("DOUBLE") == "tab\there \"q\" \\ # kept");
  CHECK(vars.at("EMPTY").empty());
  CHECK(vars.at("CRLF") == "windows");
  CHECK(vars.at("MULTI") == "line1\nline2");
}

TEST_CASE("env: ${VAR} interpolates earlier keys, the lookup, and defaults", "[config]") {
  auto lookup = [](const std::string& name) -> std::optional<std::string> {
    if (name == "FROM_PROCESS") return "proc";
    return std::nullopt;
  };
  const auto vars = parse_dotenv(
      "BASE=https://api.example.com\n"
      "URL=${BASE}/v1\n"
      "QUOTED=\"${BASE}/v2\"\n"
      "P=${FROM_PROCESS}-x\n"
      "MISSING=[${NOPE}]\n"
      "DEFAULTED=${NOPE:-fallback}\n",
      "env.txt", lookup);
  CHECK(vars.at("URL") == "https://api.example.com/v1");
  CHECK(vars.at("QUOTED") == "https://api.example.com/v2");
  CHECK(vars.at("P") == "proc-x");
  CHECK(vars.at("MISSING") == "[]");
  CHECK(vars.at("DEFAULTED") == "fallback");
}

TEST_CASE("env: ${VAR} references that double a value each line are refused, naming the line", "[config]") {
  std::string text = "A0=xxxxxxxxxxxxxxxx\n";
  for (int i = 1; i <= 40; ++i) text += "A" + std::to_string(i) + "=${A" + std::to_string(i - 1) + "}${A" +
                                        std::to_string(i - 1) + "}\n";
  const std::string e = parse_error(text);
  // 16 bytes doubled: 64 KiB is passed at A13, on line 14.
  CHECK(e.find("env.txt:14:") == 0);
  CHECK(e.find("A13") != std::string::npos);
  CHECK(e.find("grows past 65536 bytes") != std::string::npos);
}

TEST_CASE("env: a UTF-8 byte order mark at the start is ignored", "[config]") {
  const auto vars = parse_dotenv("\xEF\xBB\xBFKEY=v\n", "env.txt");
  CHECK(vars.at("KEY") == "v");
}

TEST_CASE("env: a malformed line names file and line but never the value", "[config]") {
  const std::string no_equals = parse_error("A=1\n\nsk-secret-value-123\n");
  CHECK(no_equals.find("env.txt:3:") == 0);
  CHECK(no_equals.find("KEY=value") != std::string::npos);
  CHECK(no_equals.find("secret") == std::string::npos);

  const std::string bad_start = parse_error("A=1\n=sk-secret-value-123\n");
  CHECK(bad_start.find("env.txt:2:") == 0);
  CHECK(bad_start.find("secret") == std::string::npos);

  const std::string unclosed = parse_error("OPENAI_API_KEY=\"sk-secret-value-123\n");
  CHECK(unclosed.find("env.txt:1:") == 0);
  CHECK(unclosed.find("OPENAI_API_KEY") != std::string::npos);
  CHECK(unclosed.find("secret") == std::string::npos);

  const std::string trailing = parse_error("X=1\nKEY='sk-secret' junk-secret\n");
  CHECK(trailing.find("env.txt:2:") == 0);
  CHECK(trailing.find("secret") == std::string::npos);
}

TEST_CASE("env: the process environment wins over the file, empty counts as unset", "[config]") {
  const std::string dir = llmbench::test::temp_dir();
  const std::string path = dir + "/.env";
  std::ofstream(path) << "LLMBENCH_TEST_WINS=from-file\nLLMBENCH_TEST_ONLY_FILE=file\n"
                         "LLMBENCH_TEST_EMPTY=\n";
  ::setenv("LLMBENCH_TEST_WINS", "from-process", 1);
  const Env env = Env::load(path, true);
  ::unsetenv("LLMBENCH_TEST_WINS");
  ::setenv("LLMBENCH_TEST_WINS", "from-process", 1);
  CHECK(env.get("LLMBENCH_TEST_WINS") == std::optional<std::string>("from-process"));
  CHECK(env.origin("LLMBENCH_TEST_WINS") == "environment");
  CHECK(env.get("LLMBENCH_TEST_ONLY_FILE") == std::optional<std::string>("file"));
  CHECK(env.origin("LLMBENCH_TEST_ONLY_FILE") == path + ":2");
  CHECK_FALSE(env.get("LLMBENCH_TEST_EMPTY").has_value());
  ::unsetenv("LLMBENCH_TEST_WINS");
}

TEST_CASE("env: a missing env file is fine unless it was asked for", "[config]") {
  const std::string path = llmbench::test::temp_dir() + "/absent.env";
  CHECK_NOTHROW(Env::load(path, false));
  CHECK_THROWS_WITH(Env::load(path, true), Catch::Contains("absent.env"));
}
