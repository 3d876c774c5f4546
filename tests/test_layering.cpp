// The folders of lib/llmbench include only the folders below them: an include edge that is not
// in kAllowed fails, and so does a cycle. This keeps the layering of README's architecture
// section true without review.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>

namespace fs = std::filesystem;

namespace {

using Graph = std::map<std::string, std::set<std::string>>;

// folder -> the folders it may include (error.hpp at the root is everyone's).
const Graph kAllowed = {
    {"util", {}},
    {"records", {"util"}},
    {"http", {"util"}},
    {"metrics", {"util"}},
    {"sandbox", {"util"}},
    {"data", {"util", "records"}},
    {"sim", {"data", "util"}},
    // config starts the embedded simulator and checks models; both move to run/ with the run
    // session (the architecture issue), and then config includes only util and http.
    {"config", {"util", "http", "sim"}},
    {"tasks", {"util", "data", "http", "metrics"}},
    {"report", {"records", "metrics", "util"}},
    {"run", {"util", "records", "config", "http", "data", "tasks", "metrics", "report", "sim"}},
    {"tiers", {"run", "util", "records", "config", "http", "data", "tasks", "metrics", "report", "sim", "sandbox"}},
    {"arena", {"run", "util", "records", "config", "http", "data", "tasks", "metrics", "report", "sim"}},
    {"perf", {"run", "http", "config", "records", "metrics", "data", "report", "util"}},
};

Graph include_graph() {
  Graph graph;
  const fs::path root = fs::path(LLMBENCH_SOURCE_DIR) / "lib" / "llmbench";
  const std::regex include(R"re(#include "llmbench/([a-z_]+)/)re");
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    const auto ext = entry.path().extension();
    if (!entry.is_regular_file() || (ext != ".cpp" && ext != ".hpp")) continue;
    const fs::path relative = fs::relative(entry.path(), root);
    if (relative.begin() == relative.end() || std::next(relative.begin()) == relative.end()) continue;  // root files
    const std::string folder = relative.begin()->string();
    std::ifstream in(entry.path());
    std::stringstream text;
    text << in.rdbuf();
    const std::string source = text.str();
    graph[folder];
    for (std::sregex_iterator it(source.begin(), source.end(), include), end; it != end; ++it) {
      if ((*it)[1] != folder) graph[folder].insert((*it)[1]);
    }
  }
  return graph;
}

}  // namespace

TEST_CASE("layering: every folder includes only the folders it is allowed to", "[layering]") {
  const Graph graph = include_graph();
  REQUIRE(graph.count("run") == 1);  // the scan found the library
  for (const auto& [folder, targets] : graph) {
    INFO("folder " << folder);
    REQUIRE(kAllowed.count(folder) == 1);  // a new folder states what it may include
    for (const auto& target : targets) {
      INFO("includes " << target);
      CHECK(kAllowed.at(folder).count(target) == 1);
    }
  }
}

TEST_CASE("layering: the allowed folder graph has no cycle", "[layering]") {
  std::map<std::string, int> state;  // 0 unseen, 1 on the path, 2 done
  std::function<bool(const std::string&)> acyclic = [&](const std::string& folder) {
    if (state[folder] == 1) return false;
    if (state[folder] == 2) return true;
    state[folder] = 1;
    for (const auto& next : kAllowed.at(folder)) {
      if (!acyclic(next)) {
        INFO(folder << " -> " << next << " closes a cycle");
        return false;
      }
    }
    state[folder] = 2;
    return true;
  };
  for (const auto& [folder, targets] : kAllowed) CHECK(acyclic(folder));
}
