// The README's keyless quick start, run as written. The rule: every command of the ```sh block
// under "### Without keys" runs against the built binary from an empty directory (so reports land
// in a temp dir, and the config and data are found by the rule every command uses) and must exit
// 0. Commands elsewhere in the README need keys or a real server and are not run here; a model
// in this block that is not a sim-* model fails the test, since it would need a key.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "support/cli.hpp"

namespace {

// The commands of the first ```sh block after `heading`, continuation lines joined, comments dropped.
std::vector<std::string> commands_under(const std::string& readme, const std::string& heading) {
  const auto at = readme.find("\n" + heading + "\n");
  REQUIRE(at != std::string::npos);
  const auto open = readme.find("```sh\n", at);
  REQUIRE(open != std::string::npos);
  const auto close = readme.find("\n```", open + 6);
  std::istringstream block(readme.substr(open + 6, close - open - 6));
  std::vector<std::string> commands;
  std::string line, pending;
  while (std::getline(block, line)) {
    if (const auto hash = line.find(" #"); hash != std::string::npos) line.erase(hash);
    while (!line.empty() && line.back() == ' ') line.pop_back();
    const bool continued = !line.empty() && line.back() == '\\';
    if (continued) line.pop_back();
    pending += line;
    if (!continued && !pending.empty()) {
      commands.push_back(pending);
      pending.clear();
    }
  }
  return commands;
}

std::vector<std::string> words(const std::string& command) {
  std::istringstream in(command);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

}  // namespace

TEST_CASE("readme: every command of the keyless quick start runs as written and exits 0", "[cli][readme]") {
  std::ifstream file(LLMBENCH_SOURCE_DIR "/README.md");
  std::stringstream text;
  text << file.rdbuf();
  const std::vector<std::string> commands = commands_under(text.str(), "### Without keys");
  REQUIRE(commands.size() >= 4);
  const std::string dir = llmbench::test::temp_dir("llmbench-readme");
  for (const std::string& command : commands) {
    INFO(command);
    std::vector<std::string> args = words(command);
    REQUIRE(args.size() >= 2);
    REQUIRE(args[0] == "./build/apps/llmbench");
    REQUIRE(command.find_first_of("\"'$|;&<>") == std::string::npos);  // no shell needed to run it
    args.erase(args.begin());
    for (std::size_t i = 0; i + 1 < args.size(); ++i) {
      if (args[i].find("models") == std::string::npos || args[i].rfind("--", 0) != 0) continue;
      std::istringstream ids(args[i + 1]);
      for (std::string id; std::getline(ids, id, ',');) CHECK(id.rfind("sim-", 0) == 0);  // keyless
    }
    const auto r = llmbench::test::run_cli(args, dir);
    INFO(r.out << r.err);
    CHECK(r.exit_code == 0);
  }
  CHECK(std::ifstream(dir + "/benchmarks/reports/report.html").good());
}
