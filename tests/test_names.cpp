// ctest runs each Catch2 test case by its name (catch_discover_tests), and a ';' in a name is a
// CMake list separator: ctest would split the case in two, and each half, matching no test,
// would "pass" without running anything. So no test case name holds one.
#include <catch2/catch.hpp>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace fs = std::filesystem;

namespace {

// The names of the test cases in `source`: the string literals after a line's "TEST_CASE(", joined.
std::vector<std::string> test_names(const std::string& source) {
  constexpr std::string_view kHead = "\nTEST_CASE(";
  std::vector<std::string> names;
  for (std::size_t at = source.find(kHead); at != std::string::npos; at = source.find(kHead, at + 1)) {
    std::string name;
    std::size_t i = at + kHead.size();
    while (true) {
      while (i < source.size() && std::isspace(static_cast<unsigned char>(source[i])) != 0) ++i;
      if (i >= source.size() || source[i] != '"') break;
      for (++i; i < source.size() && source[i] != '"'; ++i) {
        if (source[i] == '\\') ++i;
        name += source[i];
      }
      ++i;
    }
    if (!name.empty()) names.push_back(name);
  }
  return names;
}

}  // namespace

TEST_CASE("test names: no test case name holds a semicolon (ctest would split it and run neither half)", "[names]") {
  CHECK(test_names("x\nTEST_CASE(\"a: one\"\n  \" two\", \"[x]\")") == std::vector<std::string>{"a: one two"});
  std::size_t cases = 0;
  for (const auto& entry : fs::directory_iterator(LLMBENCH_SOURCE_DIR "/tests")) {
    if (entry.path().extension() != ".cpp") continue;
    std::ifstream in(entry.path());
    std::stringstream text;
    text << in.rdbuf();
    for (const std::string& name : test_names(text.str())) {
      ++cases;
      INFO(entry.path().filename().string() << ": " << name);
      CHECK(name.find(';') == std::string::npos);
    }
  }
  CHECK(cases > 500);
}
