#pragma once
// Battles gathered elsewhere (a public arena's export, a colleague's votes), one JSON object a
// line, for `llmbench arena rate`. A line holds:
//   model_a, model_b   non-empty strings, different models
//   winner             "a" | "model_a" (A won), "b" | "model_b" (B won), "tie" | "tie (bothbad)"
//   voter, category, prompt_id, language    optional strings (or null)
//   tstamp             optional number or string (or null)
// Other fields are ignored. Empty lines are skipped.

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace llmbench::arena {

enum class Outcome { a_wins, b_wins, tie, tie_bothbad };

struct ImportedBattle {
  std::string model_a;
  std::string model_b;
  Outcome outcome = Outcome::tie;
  std::string voter, category, prompt_id, language;  // "" when absent
  int line = 0;                                      // 1-based line in the file
};

// The battle a parsed line holds, or nullopt with `why` saying what is wrong (`winner "x" is
// not one of ...`).
std::optional<ImportedBattle> parse_battle(const nlohmann::json& line, std::string& why);

struct BattleFile {
  std::vector<ImportedBattle> battles;  // in file order
  std::size_t bad_lines = 0;            // lines skipped (skip_bad only)
  std::vector<std::string> bad_examples;  // the first few skipped lines' errors, "file:line: what"
};

enum class BadLines { refuse, skip };

// Reads `path`. A bad line throws InputError naming file:line and what is wrong, or with
// BadLines::skip is counted (and its message kept among the first few). A missing or
// unreadable file throws InputError.
BattleFile read_battle_file(const std::filesystem::path& path, BadLines bad = BadLines::refuse);

}  // namespace llmbench::arena
