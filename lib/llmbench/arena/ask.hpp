#pragma once
// `llmbench arena ask`: a person's own questions. Each question goes to two models picked at
// random (seeded, distinct), both asked at once with streaming through the session's executor;
// the person sees the answers labelled only A and B, votes, and only then learns the models.
// No terminal I/O here (apps/cmd_arena_ask.cpp does that): the session, the records and the
// text layout of a streamed answer.
//
// Files: an ask run is an arena run (arena.hpp) with "arena": {"source": "ask", ...}. A voted
// question appends one battle to runs/<id>/battles.jsonl (judge_model "", winner and raw_winner
// the vote in the order shown: "a", "b" or "tie" for a tie and both bad; "voter" when named;
// status "voted") and one vote to runs/<id>/votes.jsonl (records::VoteRecord), both flushed as
// one line each; the run's record then gets the leaderboard of its battles and the human
// summary of its votes (vote_import.hpp record_human_votes). A question whose answer failed, or
// that the person skipped, writes nothing. A later `arena ask --run-id ID` adds to the run.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "llmbench/arena/arena_votes.hpp"
#include "llmbench/run/options.hpp"

namespace llmbench::arena {

// True for the record of an ask run (its flags' command is "arena ask"): its battles are voted
// as they are asked, so `arena vote` without --run passes it by.
bool is_ask_run(const nlohmann::json& run);

struct AskOptions : run::SessionOptions {
  std::vector<std::string> models;  // candidates (at least two); empty: models.yaml roles.generation
  std::string voter;                // "" = unnamed
  std::uint64_t seed = 0;           // picks each question's pair and which of it is A
  int bootstrap_rounds = 1000;
};

struct AskAnswer {
  bool ok = false;
  std::string text;        // the answer (content), or what arrived before it failed
  std::string error_kind;  // http::to_string(Outcome) when it failed
  std::string error;       // one line, secrets redacted (the executor's)
};

struct AskBattle {
  std::string prompt_id;  // "ask-<hex>": unique in the run
  std::string question;
  std::string model_a, model_b;  // as shown
  AskAnswer a, b;
  bool ok() const { return a.ok && b.ok; }
};

// A streamed answer laid out for a terminal `width` columns wide, as it arrives: feed() the
// text received so far and print the lines it returns; finish() returns the rest. Lines are
// wrapped and escaped as wrap_text does (every line is safe to print, none wider than `width`);
// a line is returned once no later text can change it. Text that gets shorter (a retried
// request starts over) gives a note line and starts the layout again.
class LiveWrap {
 public:
  explicit LiveWrap(std::size_t width) : width_(width == 0 ? 1 : width) {}
  std::vector<std::string> feed(std::string_view so_far);
  std::vector<std::string> finish(std::string_view text);

 private:
  // Lines of the paragraph text_[start_, end) not yet returned; all of them with `last`.
  void take(std::size_t end, bool last, std::vector<std::string>& out);
  std::size_t width_;
  std::string text_;          // what was fed (the answer so far)
  std::size_t start_ = 0;     // where the current paragraph begins in text_
  std::size_t returned_ = 0;  // its lines returned so far
  std::size_t wrapped_ = 0;   // its size when it was last wrapped
};

// The two models of question `n` (0-based) from `models` (at least two, distinct): a seeded
// random pair in a random order, the first shown as A.
std::pair<std::string, std::string> pick_pair(const std::vector<std::string>& models, std::uint64_t seed, std::size_t n);

class AskSession {
 public:
  // Loads the config, resolves the models and opens the run: `options.run_id` (created when new;
  // continued when it is an ask run; an Error when another kind of run has it), or by default
  // the newest ask run in the output dir, or a new one. Throws Error/InputError before any
  // model is contacted.
  explicit AskSession(AskOptions& options);
  ~AskSession();
  AskSession(const AskSession&) = delete;
  AskSession& operator=(const AskSession&) = delete;

  const std::string& run_id() const;
  const std::vector<std::string>& models() const;
  // Battles and votes already in the run when it was opened.
  std::size_t battles_before() const;
  // Who answers, where the files are: the plan lines (config, timeout), for people.
  const std::string& plan() const;
  std::FILE* human() const;

  // Asks both models of the next pair; `on_content(side, so_far)` (side 0 = A, 1 = B) as their
  // streamed text arrives, `on_done(side)` when each ends (on the calling thread, which runs the
  // requests). Returns when both have ended, or after Ctrl-C (interrupted() then).
  AskBattle ask(const std::string& question, const std::function<void(int, std::string_view)>& on_content,
                const std::function<void(int, const AskAnswer&)>& on_done);
  bool interrupted() const;

  // Appends the battle and the vote (both answers ok), then stores the run's leaderboard and
  // human summary in the report. Returns the human summary (human_summary's shape).
  nlohmann::json record(const AskBattle& battle, Vote vote);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The battle line of a voted question (see the top of this file).
records::BattleRecord ask_battle_record(const AskBattle& battle, Vote vote, const std::string& voter);

}  // namespace llmbench::arena
