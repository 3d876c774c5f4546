// dotenv files: any text parses or throws llmbench::Error naming the file; never a crash.
#include <map>
#include <optional>
#include <string>

#include "fuzz_support.hpp"
#include "llmbench/config/env.hpp"
#include "llmbench/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = llmbench::fuzz::as_text(data, size);
  const auto lookup = [](const std::string& name) -> std::optional<std::string> {
    if (name == "HOME") return std::string("/home/fuzz");
    return std::nullopt;
  };
  try {
    const auto vars = llmbench::config::parse_dotenv(text, "fuzz.env", lookup);
    for (const auto& [key, value] : vars) {
      llmbench::fuzz::require(!key.empty(), "keys are not empty");
    }
  } catch (const llmbench::Error& e) {
    llmbench::fuzz::require(std::string_view(e.what()).rfind("fuzz.env", 0) == 0, "an env error names the file");
  }
  return 0;
}
