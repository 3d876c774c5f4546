#include "llmbench/arena/battle_file.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>

#include <fmt/format.h>

#include "llmbench/error.hpp"

namespace llmbench::arena {
namespace {

using nlohmann::json;

constexpr std::size_t kBadExamples = 5;

// A required model name: a non-empty string.
bool take_model(const json& line, const char* name, std::string& to, std::string& why) {
  auto it = line.find(name);
  if (it == line.end() || it->is_null()) {
    why = fmt::format("{} is missing", name);
    return false;
  }
  if (!it->is_string() || it->get_ref<const std::string&>().empty()) {
    why = fmt::format("{} must be a non-empty string (got {})", name, it->dump());
    return false;
  }
  to = it->get<std::string>();
  return true;
}

// An optional text field: absent, null or a string.
bool take_text(const json& line, const char* name, std::string& to, std::string& why) {
  auto it = line.find(name);
  if (it == line.end() || it->is_null()) return true;
  if (!it->is_string()) {
    why = fmt::format("{} must be a string or null (got {})", name, it->dump());
    return false;
  }
  to = it->get<std::string>();
  return true;
}

std::optional<Outcome> outcome_of(const std::string& winner) {
  if (winner == "a" || winner == "model_a") return Outcome::a_wins;
  if (winner == "b" || winner == "model_b") return Outcome::b_wins;
  if (winner == "tie") return Outcome::tie;
  if (winner == "tie (bothbad)") return Outcome::tie_bothbad;
  return std::nullopt;
}

}  // namespace

std::optional<ImportedBattle> parse_battle(const json& line, std::string& why) {
  if (!line.is_object()) {
    why = "not a JSON object";
    return std::nullopt;
  }
  ImportedBattle b;
  if (!take_model(line, "model_a", b.model_a, why) || !take_model(line, "model_b", b.model_b, why)) return std::nullopt;
  if (b.model_a == b.model_b) {
    why = fmt::format("model_a and model_b are the same model ({})", json(b.model_a).dump());
    return std::nullopt;
  }
  auto winner = line.find("winner");
  if (winner == line.end() || winner->is_null()) {
    why = "winner is missing";
    return std::nullopt;
  }
  const std::optional<Outcome> outcome =
      winner->is_string() ? outcome_of(winner->get<std::string>()) : std::optional<Outcome>();
  if (!outcome) {
    why = fmt::format("winner {} is not one of a, b, tie, \"tie (bothbad)\", model_a, model_b", winner->dump());
    return std::nullopt;
  }
  b.outcome = *outcome;
  if (!take_text(line, "voter", b.voter, why) || !take_text(line, "category", b.category, why) ||
      !take_text(line, "prompt_id", b.prompt_id, why) || !take_text(line, "language", b.language, why)) {
    return std::nullopt;
  }
  auto tstamp = line.find("tstamp");
  if (tstamp != line.end() && !(tstamp->is_null() || tstamp->is_number() || tstamp->is_string())) {
    why = fmt::format("tstamp must be a number, a string or null (got {})", tstamp->dump());
    return std::nullopt;
  }
  return b;
}

BattleFile read_battle_file(const std::filesystem::path& path, BadLines bad) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path.string(), 0, fmt::format("cannot read the battles file: {}", std::strerror(errno)));
  BattleFile file;
  std::string text;
  int line_no = 0;
  while (std::getline(in, text)) {
    ++line_no;
    if (!text.empty() && text.back() == '\r') text.pop_back();
    if (text.find_first_not_of(" \t") == std::string::npos) continue;
    std::string why;
    std::optional<ImportedBattle> battle;
    try {
      battle = parse_battle(json::parse(text), why);
    } catch (const json::parse_error& e) {
      why = fmt::format("not valid JSON ({})", e.what());
    }
    if (battle) {
      battle->line = line_no;
      file.battles.push_back(std::move(*battle));
      continue;
    }
    if (bad == BadLines::refuse) {
      throw InputError(path.string(), line_no, why + " (fix the line, or pass --skip-bad to count bad lines instead)");
    }
    const InputError error(path.string(), line_no, why);
    ++file.bad_lines;
    if (file.bad_examples.size() < kBadExamples) file.bad_examples.emplace_back(error.what());
  }
  if (in.bad()) throw InputError(path.string(), line_no, "read error");
  return file;
}

}  // namespace llmbench::arena
