#pragma once
// The log of a RAG assistant's own traffic that tier_ux reads: JSON Lines, one turn a line,
//   {"session_id": "s1", "turn": 1, "question": "...", "answer": "...", "cached": false}
// session_id: a non-empty string (or an integer, read as its decimal text); turn: an integer
// >= 1; question and answer: non-empty strings; cached (optional, null = absent): a boolean,
// whether the assistant's answer cache served the turn. Other fields are ignored.
//
// The file is read in order: it is the traffic's chronology. Within a session, turns must
// appear in increasing turn order (a turn after a later one of its session is an error), and a
// (session_id, turn) pair appears once. Every bad line is reported, not only the first.

#include <optional>
#include <string>
#include <vector>

namespace llmbench::data {

struct UxTurn {
  std::string session_id;
  int turn = 0;
  std::string question;
  std::string answer;
  std::optional<bool> cached;  // the logged cache flag; nullopt = not logged
  int line = 0;                // 1-based line in the file
  std::string id() const;      // "<session_id>#<turn>": the item id of its records
};

// The turns of `path` in file order. Throws InputError "<file>: ..." for an unreadable or empty
// file, "<file>:<line>: invalid UTF-8 ..." at the first bad byte, and otherwise Error (exit 2)
// listing each bad line as "<file>:<line>: <what is wrong>" (at most kMaxReportedLines of
// them, then how many more).
std::vector<UxTurn> load_ux_log(const std::string& path);

inline constexpr std::size_t kMaxReportedLines = 20;

// The default log, the shipped synthetic sample: <data_dir>/ux/sample_log.jsonl.
std::string default_ux_log(const std::string& data_dir);

}  // namespace llmbench::data
