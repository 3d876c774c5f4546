#include "llmbench/data/ux_log.hpp"

#include <map>
#include <set>
#include <utility>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "llmbench/error.hpp"
#include "llmbench/util/text_file.hpp"

namespace llmbench::data {
namespace {

using nlohmann::json;

// The turn of one parsed line, or what is wrong with it ("" = fine).
std::string read_turn(const json& value, UxTurn& turn) {
  if (!value.is_object()) return "expected a JSON object with session_id, turn, question and answer";
  auto text_field = [&](const char* name, std::string& out) -> std::string {
    auto it = value.find(name);
    if (it == value.end() || it->is_null()) return fmt::format("missing field \"{}\"", name);
    if (!it->is_string()) return fmt::format("\"{}\" is not a string", name);
    out = it->get<std::string>();
    if (util::is_blank(out)) return fmt::format("\"{}\" is empty", name);
    return "";
  };
  auto sid = value.find("session_id");
  if (sid != value.end() && sid->is_number_integer()) {
    turn.session_id = std::to_string(sid->get<long long>());
  } else if (std::string e = text_field("session_id", turn.session_id); !e.empty()) {
    return e + " (a string naming the conversation)";
  }
  auto t = value.find("turn");
  if (t == value.end() || t->is_null()) return "missing field \"turn\"";
  if (!t->is_number_integer()) return fmt::format("\"turn\" is not an integer (got {})", t->dump());
  const long long n = t->get<long long>();
  if (n < 1 || n > 1000000) return fmt::format("\"turn\" must be 1 or more (got {})", n);
  turn.turn = static_cast<int>(n);
  if (std::string e = text_field("question", turn.question); !e.empty()) return e;
  if (std::string e = text_field("answer", turn.answer); !e.empty()) return e;
  auto c = value.find("cached");
  if (c != value.end() && !c->is_null()) {
    if (!c->is_boolean()) return fmt::format("\"cached\" is not true or false (got {})", c->dump());
    turn.cached = c->get<bool>();
  }
  return "";
}

}  // namespace

std::string UxTurn::id() const { return fmt::format("{}#{}", session_id, turn); }

std::string default_ux_log(const std::string& data_dir) { return data_dir + "/ux/sample_log.jsonl"; }

std::vector<UxTurn> load_ux_log(const std::string& path) {
  const std::string text = util::read_text_file(path);  // unreadable, empty, invalid UTF-8
  std::vector<UxTurn> turns;
  std::vector<std::string> problems;
  std::size_t bad_lines = 0;
  std::map<std::pair<std::string, int>, int> seen;  // (session, turn) -> line
  std::map<std::string, std::pair<int, int>> last;  // session -> (latest turn, its line)
  util::for_each_line(text, [&](int line, std::string_view content) {
    if (util::is_blank(content)) return;
    UxTurn turn;
    turn.line = line;
    std::string problem;
    try {
      problem = read_turn(json::parse(content), turn);
    } catch (const json::exception&) {
      problem = "bad JSON; each line must be one complete JSON object";
    }
    if (problem.empty()) {
      auto [it, fresh] = seen.try_emplace({turn.session_id, turn.turn}, line);
      auto latest = last.find(turn.session_id);
      if (!fresh) {
        problem = fmt::format("duplicate turn {} of session \"{}\" (first on line {})", turn.turn,
                              turn.session_id, it->second);
      } else if (latest != last.end() && latest->second.first > turn.turn) {
        problem = fmt::format("turn {} of session \"{}\" comes after its turn {} (line {}); the log must list "
                              "each session's turns in order",
                              turn.turn, turn.session_id, latest->second.first, latest->second.second);
      }
    }
    if (!problem.empty()) {
      if (++bad_lines <= kMaxReportedLines) problems.push_back(fmt::format("{}:{}: {}", path, line, problem));
      return;
    }
    last[turn.session_id] = {turn.turn, line};
    turns.push_back(std::move(turn));
  });
  if (bad_lines > 0) {
    std::string message = fmt::format("{}: {} bad line{} in the UX log (fix them, or pass another --ux-log):",
                                       path, bad_lines, bad_lines == 1 ? "" : "s");
    for (const auto& p : problems) message += "\n  " + p;
    if (bad_lines > problems.size()) message += fmt::format("\n  ... and {} more", bad_lines - problems.size());
    throw Error(message, ExitCode::bad_input);
  }
  if (turns.empty()) throw InputError(path, 0, "no turns; the file has only blank lines");
  return turns;
}

}  // namespace llmbench::data
